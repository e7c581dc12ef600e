/** One schema migration: runs once, in its own transaction, in version order. Never edit a released one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
