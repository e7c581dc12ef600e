import type { PgMigration } from './migration.js';
import { migration as m001 } from './001-catalog.js';
import { migration as m002 } from './002-event-index.js';
import { migration as m003 } from './003-deliveries.js';
import { migration as m004 } from './004-pull-leases.js';
import { migration as m005 } from './005-consumers.js';
import { migration as m006 } from './006-transactions.js';
import { migration as m007 } from './007-archives.js';
import { migration as m008 } from './008-replays.js';
import { migration as m009 } from './009-sources.js';
import { migration as m010 } from './010-schedules.js';
import { migration as m011 } from './011-source-dead-letters.js';
import { migration as m012 } from './012-event-via.js';
import { migration as m013 } from './013-rate-buckets.js';
import { migration as m014 } from './014-circuit-breakers.js';

export type { PgMigration } from './migration.js';

/** Every migration, in version order. */
export const pgMigrations: readonly PgMigration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014];
