import type { FastifyInstance } from 'fastify';
import { SwitchyardError, type Clock } from '../../core/index.js';
import {
  DEFAULT_MAX_CATCH_UP, MAX_FIRES_PER_PASS, MAX_FLEXIBLE_WINDOW_MS, firesAfter, parseSchedule, scheduleWindow, type ScheduleBody, type ScheduleStatus,
} from '../../sources/index.js';
import type { ScheduleRecord, Store } from '../../store/index.js';
import { busName, problem } from '../schemas.js';

/** What the schedule routes need (wired by the server). */
export interface ScheduleRouteDeps {
  readonly clock: Clock;
  /** limits.maxEventBytes: a schedule whose event would be larger is refused. */
  readonly maxEventBytes: number;
  /** This node's scheduler's view of a schedule; undefined when no scheduler runs here or it has not loaded it yet. */
  readonly status: (name: string) => ScheduleStatus | undefined;
}

const name = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const NEXT_FIRES = 5;
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

const scheduleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['bus', 'expression', 'event'],
  properties: {
    bus: busName,
    expression: { type: 'string', minLength: 1, maxLength: 256, description: 'A cron expression of 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), optionally written cron(...); rate(n seconds|minutes|hours|days); or at(RFC 3339 date-time with an offset).' },
    timezone: { type: 'string', minLength: 1, maxLength: 64, default: 'UTC', description: 'IANA time zone the cron fields are read in (e.g. Europe/Berlin).' },
    event: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'source'],
      description: 'The event each fire puts: its id is derived from the schedule and the fire time, its time is the fire time.',
      properties: {
        type: { type: 'string', minLength: 1, maxLength: 1024 },
        source: { type: 'string', minLength: 1, maxLength: 4096 },
        subject: { type: 'string', minLength: 1, maxLength: 4096 },
        data: { description: 'Any JSON value, put as application/json data.' },
      },
    },
    start: { type: ['string', 'null'], maxLength: 64, description: 'RFC 3339: no fire before this time (inclusive).' },
    end: { type: ['string', 'null'], maxLength: 64, description: 'RFC 3339: no fire at or after this time.' },
    flexibleWindowMs: { type: 'integer', minimum: 0, maximum: MAX_FLEXIBLE_WINDOW_MS, default: 0, description: 'Each fire is put at a moment within this window after its time (the same moment on every node).' },
    catchUp: { type: 'string', enum: ['none', 'latest', 'all'], default: 'none', description: 'Fires missed while no scheduler ran: skipped (none), the newest one put (latest), or the newest maxCatchUp put (all).' },
    maxCatchUp: { type: 'integer', minimum: 1, maximum: MAX_FIRES_PER_PASS, default: DEFAULT_MAX_CATCH_UP, description: 'Most missed fires put at once under catchUp: all.' },
    state: { type: 'string', enum: ['enabled', 'disabled'], default: 'enabled' },
    description: { type: ['string', 'null'], maxLength: 1024 },
  },
} as const;

const scheduleView = {
  type: 'object',
  required: ['name', 'bus', 'expression', 'timezone', 'event', 'state', 'catchUp', 'nextFires'],
  properties: {
    name: { type: 'string' }, description: { type: ['string', 'null'] }, bus: { type: 'string' }, expression: { type: 'string' }, timezone: { type: 'string' },
    event: {
      type: 'object', additionalProperties: false, required: ['type', 'source'],
      properties: { type: { type: 'string' }, source: { type: 'string' }, subject: { type: 'string' }, data: {} },
    },
    start: { type: ['string', 'null'], format: 'date-time' }, end: { type: ['string', 'null'], format: 'date-time' },
    flexibleWindowMs: { type: 'integer' }, catchUp: { type: 'string', enum: ['none', 'latest', 'all'] }, maxCatchUp: { type: 'integer' },
    state: { type: 'string', enum: ['enabled', 'disabled'] },
    createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
    nextFires: { type: 'array', items: { type: 'string', format: 'date-time' }, description: 'The next 5 fire times (none when disabled or finished).' },
    status: {
      type: 'object',
      description: 'Progress: the cursor (every fire up to it is put or skipped) and, from this node\'s scheduler, its last fire and error.',
      properties: {
        cursor: { type: 'string', format: 'date-time' }, lastFireAt: { type: ['string', 'null'], format: 'date-time' },
        lastError: { type: ['string', 'null'] }, fired: { type: 'integer' }, skipped: { type: 'integer' },
      },
    },
  },
} as const;

/** Schedules (`/v1/schedules/{name}`, docs/scheduler.md): a cron, rate or at expression that puts an event on a bus. */
export async function scheduleRoutes(app: FastifyInstance, deps: ScheduleRouteDeps & { store: Store }): Promise<void> {
  const params = { type: 'object', properties: { name }, required: ['name'] } as const;
  const notFound = (n: string): SwitchyardError => new SwitchyardError('SWY_SCHEDULE_NOT_FOUND', `no schedule "${n}"`);

  const view = (r: ScheduleRecord): Record<string, unknown> => {
    const w = scheduleWindow(r);
    const from = Math.max(r.cursor, deps.clock.now());
    const status = deps.status(r.name);
    return {
      name: r.name, description: r.description, bus: r.bus, expression: r.expression, timezone: r.timezone, event: r.event,
      start: iso(r.start), end: iso(r.end), flexibleWindowMs: r.flexibleWindowMs, catchUp: r.catchUp, maxCatchUp: r.maxCatchUp, state: r.state,
      createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt),
      nextFires: r.state === 'enabled' && w !== undefined ? firesAfter(w, from, NEXT_FIRES).map((t) => iso(t)) : [],
      status: {
        cursor: iso(r.cursor), lastFireAt: iso(status?.lastFireAt ?? null), lastError: status?.lastError ?? null,
        fired: status?.fired ?? 0, skipped: status?.skipped ?? 0,
      },
    };
  };

  app.put<{ Params: { name: string }; Body: ScheduleBody }>('/v1/schedules/:name', {
    config: { scope: 'admin' },
    schema: {
      summary: 'Create or replace a schedule; its fires are put from now on (catchUp covers fires missed while no scheduler ran)',
      tags: ['schedules'], params, body: scheduleBody,
      response: { 200: scheduleView, 201: scheduleView, '4xx': problem },
    },
  }, async (req, reply) => {
    const spec = parseSchedule(req.params.name, req.body, { maxEventBytes: deps.maxEventBytes }, deps.clock.now());
    if ((await deps.store.catalog.buses.get(spec.bus)) === undefined) {
      throw new SwitchyardError('SWY_SCHEDULE_INVALID', `schedule "${spec.name}" names bus "${spec.bus}", which does not exist`, {
        violations: [{ path: '/bus', reason: `no bus "${spec.bus}"` }],
      });
    }
    const { schedule, created } = await deps.store.catalog.schedules.put(spec);
    return reply.code(created ? 201 : 200).send(view(schedule));
  });

  app.get('/v1/schedules', {
    config: { scope: 'read' },
    schema: { summary: 'List schedules with their next fire times', tags: ['schedules'], response: { 200: { type: 'object', properties: { items: { type: 'array', items: scheduleView } } } } },
  }, async () => ({ items: (await deps.store.catalog.schedules.list()).map(view) }));

  app.get<{ Params: { name: string } }>('/v1/schedules/:name', {
    config: { scope: 'read' },
    schema: { summary: 'Get a schedule, its next 5 fire times and its status', tags: ['schedules'], params, response: { 200: scheduleView, '4xx': problem } },
  }, async (req) => {
    const r = await deps.store.catalog.schedules.get(req.params.name);
    if (r === undefined) throw notFound(req.params.name);
    return view(r);
  });

  app.delete<{ Params: { name: string } }>('/v1/schedules/:name', {
    config: { scope: 'admin' },
    schema: { summary: 'Delete a schedule', tags: ['schedules'], params, response: { 204: { type: 'null' }, '4xx': problem } },
  }, async (req, reply) => {
    if (!(await deps.store.catalog.schedules.delete(req.params.name))) throw notFound(req.params.name);
    return reply.code(204).send();
  });
}
