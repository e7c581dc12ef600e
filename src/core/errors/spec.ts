/** One entry of the error registry: a stable code's HTTP status, title and documentation. */
export interface ErrorSpec {
  /** HTTP status the API answers with when this error reaches a client. */
  readonly status: number;
  /** Short, stable human title (RFC 9457 `title`). */
  readonly title: string;
  /** One or two sentences for docs/errors.md: when it happens and what to do. */
  readonly doc: string;
}

export type ErrorTable = Readonly<Record<string, ErrorSpec>>;
