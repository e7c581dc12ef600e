import type { Clock, RuleTarget } from '../../core/index.js';
import type { IngestService } from '../../ingest/index.js';
import type { BusRecord, NewBus, NewRule, RuleRecord } from '../../store/index.js';
import type { ArnScope } from './arn.js';
import type { Input } from './params.js';

type MaybeAsync<T> = T | Promise<T>;

/**
 * The catalog as the AWS operations use it: the same ports the bus and rule routes use
 * (every call awaited, so a synchronous or an asynchronous store serves).
 */
export interface AwsCatalog {
  readonly buses: {
    create(bus: NewBus): MaybeAsync<BusRecord>;
    get(name: string): MaybeAsync<BusRecord | undefined>;
    list(): MaybeAsync<BusRecord[]>;
    delete(name: string): MaybeAsync<boolean>;
  };
  readonly rules: {
    put(rule: NewRule): MaybeAsync<{ rule: RuleRecord; created: boolean }>;
    get(bus: string, name: string): MaybeAsync<RuleRecord | undefined>;
    list(bus?: string): MaybeAsync<RuleRecord[]>;
    delete(bus: string, name: string): MaybeAsync<boolean>;
  };
}

/** What every operation is given: Switchyard's services and the settings of the AWS API. */
export interface AwsContext {
  readonly catalog: AwsCatalog;
  readonly ingest: Pick<IngestService, 'put'>;
  /** Checks a rule filter the way the rule routes do (the rule router's validate). */
  readonly validateFilter: (filter: unknown) => void;
  /** Checks a rule's targets the way the rule routes do (throws SWY_API_INVALID_TARGETS). */
  readonly parseTargets: (targets: readonly unknown[]) => readonly RuleTarget[];
  readonly scope: ArnScope;
  readonly clock: Clock;
  readonly maxEventBytes: number;
  readonly maxJsonDepth: number;
  readonly defaultRetentionMaxAgeMs: number;
  /** The producer's address and traceparent header, recorded with put events. */
  readonly client: { readonly client?: string | undefined; readonly traceparent?: string | undefined };
}

/** One operation: its input object in, its output object out (or an AwsError thrown). */
export type Operation = (input: Input, ctx: AwsContext) => Promise<Record<string, unknown>>;
