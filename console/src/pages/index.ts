// The console's pages: one route and one folder each. A page added later (sources, schedules,
// replays, consumers, queues) is one folder and one line here.
import type { AnyComponent } from 'preact';
import { Overview } from './overview';
import { Explorer } from './events';
import { EventPage } from './event';
import { Tail } from './tail';
import { Rules } from './rules';
import { RuleEditor } from './rule-editor';
import { Targets } from './targets';
import { Schemas } from './schemas';
import { Catalogue } from './catalogue';

export interface PageEntry {
  readonly path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- routes hand each page its own params
  readonly component: AnyComponent<any>;
  readonly nav?: { readonly label: string; readonly href: string };
}

export const pages: readonly PageEntry[] = [
  { path: '/console/', component: Overview, nav: { label: 'Overview', href: '/console/' } },
  { path: '/console/events', component: Explorer, nav: { label: 'Events', href: '/console/events' } },
  { path: '/console/events/:bus/:id', component: EventPage },
  { path: '/console/tail', component: Tail, nav: { label: 'Live tail', href: '/console/tail' } },
  { path: '/console/rules', component: Rules, nav: { label: 'Rules', href: '/console/rules' } },
  { path: '/console/rules/edit', component: RuleEditor },
  { path: '/console/targets', component: Targets, nav: { label: 'Targets & dead letters', href: '/console/targets' } },
  { path: '/console/schemas', component: Schemas, nav: { label: 'Schemas', href: '/console/schemas' } },
  { path: '/console/catalogue', component: Catalogue, nav: { label: 'Catalogue', href: '/console/catalogue' } },
];
