/** One PostgreSQL schema migration: runs once, in version order. Never edit a released one. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
