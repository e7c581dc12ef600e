/**
 * A long-running part of Switchyard (dispatcher, retention sweep, server). Constructors do no
 * I/O; `start` begins the work, `stop` drains in-flight work and resolves when it is done.
 */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
