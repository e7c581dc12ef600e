import type { ErrorTable } from '../spec.js';

/** Error codes of the store area. Codes are stable: never rename or reuse one. */
export const storeErrors = {
  SWY_STORE_BUS_NOT_FOUND: { status: 404, title: 'Bus not found', doc: 'The bus named in the path or entry does not exist. Create it with POST /v1/buses or `switchyard buses create`.' },
  SWY_STORE_BUS_EXISTS: { status: 409, title: 'Bus already exists', doc: 'A bus with this name exists already.' },
  SWY_STORE_BUS_PROTECTED: { status: 409, title: 'Bus cannot be deleted', doc: 'The `default` bus (and system buses) always exist and cannot be deleted.' },
  SWY_STORE_EVENT_NOT_FOUND: { status: 404, title: 'Event not found', doc: 'No event with this id (and source, if given) is stored on the bus; it may have expired by retention.' },
  SWY_STORE_CLOSED: { status: 503, title: 'Store closed', doc: 'The store is shutting down and accepts no more writes; retry against a running server.' },
  SWY_STORE_MIGRATION_FAILED: { status: 500, title: 'Store migration failed', doc: 'The embedded database could not be migrated to the current schema version; the server does not start. The log names the migration.' },
  SWY_STORE_NEWER_SCHEMA: { status: 500, title: 'Store schema is newer than this server', doc: 'The database was written by a newer Switchyard; start that version or use another data directory.' },
  SWY_STORE_UNAVAILABLE: { status: 503, title: 'Store cannot write', doc: 'The store could not write: its disk is full or failing, or (cluster mode) NATS JetStream or PostgreSQL is unreachable (the log names the error once, when writes start failing). Nothing of this request was written; reads keep working and /readyz answers 503 until writes succeed again. Free space and retry.' },
  SWY_STORE_ENGINE_UNREACHABLE: { status: 500, title: 'Cluster engine unreachable', doc: 'A cluster node (`storage.kind: cluster`) could not reach NATS JetStream or PostgreSQL when starting (the message names which, at which address, and why); the node does not start and exits. Start the engine or correct `storage.nats.servers` / `storage.postgres.url`. Once running, a node answers 503 (SWY_STORE_UNAVAILABLE) while an engine is down and recovers by itself.' },
  SWY_STORE_DIR_LOCKED: { status: 500, title: 'Data directory in use', doc: 'Another Switchyard process holds the data directory (the message names the directory and that process\'s pid); the server does not start and exits with code 2. Stop the other server or set another `storage.dataDir`.' },
  SWY_STORE_DUMP_INVALID: { status: 400, title: 'Export file invalid', doc: '`switchyard data import` read an export file that is not one: not JSON, of another format or version, a line out of place, or cut short (no closing line). The message names the line. Nothing was written: the whole file is checked before the import writes anything. Export again with `switchyard data export`.' },
  SWY_STORE_IMPORT_CONFLICT: { status: 409, title: 'Bus already has events in the cluster', doc: '`switchyard data import` refuses to import a bus whose stream in the cluster already has events (or had some) that this export did not write there: their sequences would collide. Nothing was written. Import into an empty cluster, or pass `--replace-events` to delete those buses\' events in the cluster first.' },
} as const satisfies ErrorTable;
