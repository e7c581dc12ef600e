import type { Migration } from './migration.js';
import { migration as m001 } from './001-event-log.js';
import { migration as m002 } from './002-rules.js';
import { migration as m003 } from './003-deliveries.js';
import { migration as m004 } from './004-schemas.js';
import { migration as m005 } from './005-observe.js';
import { migration as m006 } from './006-connections.js';
import { migration as m007 } from './007-delivery-counts.js';
import { migration as m008 } from './008-fts-insert-direct.js';
import { migration as m009 } from './009-dead-letter-index.js';
import { migration as m010 } from './010-backlog-covering.js';
import { migration as m011 } from './011-lease-tokens.js';
import { migration as m012 } from './012-event-types.js';
import { migration as m013 } from './013-replay-archives.js';
import { migration as m014 } from './014-lease-count.js';
import { migration as m016 } from './016-pull-leases.js';
import { migration as m017 } from './017-consumers.js';
import { migration as m019 } from './019-transactions.js';
import { migration as m022 } from './022-sources.js';
import { migration as m025 } from './025-schedules.js';
import { migration as m026 } from './026-source-dead-letters.js';

export type { Migration } from './migration.js';

/**
 * Every migration in version order. One file per migration (`NNN-name.ts`); versions are
 * reserved by area: 3 deliveries, 4 schemas, 5 observability, 22-24 sources, 25-27 broker sources and the scheduler.
 */
export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m016, m017, m019, m022, m025, m026];
