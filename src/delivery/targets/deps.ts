import type { Clock } from '../../core/index.js';
import type { ConnectionResolver } from '../connections/types.js';
import type { SigningSecrets } from '../signing/index.js';
import type { BusPublisher } from '../target.js';

/** A sink for log-target lines (process.stdout, a pino destination, a test buffer). */
export interface LineSink {
  write(line: string): unknown;
}

/** What targets need from the server; injected so every kind is testable in-process. */
export interface TargetDeps {
  /** Puts events on another bus (bus targets). */
  readonly busPublisher: BusPublisher;
  /** Connections by name (http targets with `connection`). */
  readonly connections: ConnectionResolver;
  /** The secrets that sign http deliveries. */
  readonly signingSecrets: SigningSecrets;
  /** When false, http targets may not reach loopback, private, link-local or metadata addresses. */
  readonly allowPrivateNetworks: boolean;
  readonly clock: Clock;
  /** Where log targets write their JSON lines (default: process.stdout). */
  readonly logSink?: LineSink;
  /** The directory file targets write under (`path` is relative to it). */
  readonly fileDirectory: string;
}
