import { isSwitchyardError, type Violation } from '../core/index.js';
import type { CloudEvent } from '../events/index.js';
import { toViolation } from './compiler.js';
import { parseDataschema, versionUrn } from './dataschema.js';
import type { SchemaDiscovery } from './discovery.js';
import type { SchemaRegistry } from './registry.js';
import type { SchemaVersion } from './types.js';

/** The result of checking one event: the mode, the version applied (URN) and what broke. */
export interface SchemaCheck {
  readonly mode: 'warn' | 'enforce';
  readonly schema: string;
  readonly violations: readonly Violation[];
}

/**
 * Told of every check that applied a schema (valid or not), before ingest acts on it: the
 * metrics hook (e.g. a counter by bus, mode and valid/invalid). Must not throw.
 */
export type SchemaCheckListener = (bus: string, check: SchemaCheck) => void;

/**
 * Validation at ingest (implements the ingest EventValidator hook). Which version applies:
 * 1. the event's `dataschema`, when it points into the registry (see parseDataschema);
 *    a reference to a missing version is itself a violation at `/dataschema`;
 * 2. else the latest version of the schema named after the event's `type`, scoped by its
 *    `source` when such a scoped schema exists, else unscoped;
 * 3. else none: the event passes.
 * Discovery, when the bus opts in, sees a sample of events before validation.
 */
export class SchemaValidator {
  readonly #registry: SchemaRegistry;
  readonly #discovery: SchemaDiscovery | undefined;
  readonly #random: () => number;
  readonly #onCheck: SchemaCheckListener | undefined;

  readonly #leading: () => boolean;

  /** `leading`: several processes on one store sample for discovery only where it answers true (once per cluster). */
  constructor(registry: SchemaRegistry, opts: { discovery?: SchemaDiscovery; random?: () => number; onCheck?: SchemaCheckListener; leading?: () => boolean } = {}) {
    this.#leading = opts.leading ?? (() => true);
    this.#registry = registry;
    this.#discovery = opts.discovery;
    this.#random = opts.random ?? Math.random;
    this.#onCheck = opts.onCheck;
  }

  /** undefined when validation is off for the bus or no schema applies. */
  check(bus: string, event: CloudEvent): SchemaCheck | undefined {
    const c = this.#check(bus, event);
    if (c !== undefined && this.#onCheck !== undefined) this.#onCheck(bus, c);
    return c;
  }

  #check(bus: string, event: CloudEvent): SchemaCheck | undefined {
    const settings = this.#registry.settings(bus);
    if (settings.discovery && this.#discovery !== undefined && this.#leading() && (settings.sampleRate >= 1 || this.#random() < settings.sampleRate)) {
      // In the background: the put does not wait for a registration (it never rejects).
      void this.#discovery.observe(bus, event);
    }
    if (settings.validation === 'off') return undefined;
    const mode = settings.validation;
    let applied: SchemaVersion | undefined;
    const ref = event.dataschema === undefined ? undefined : parseDataschema(event.dataschema);
    if (ref !== undefined) {
      applied = ref.source !== undefined
        ? this.#registry.find(ref.name, ref.source === '' ? null : ref.source, ref.version)
        : (this.#registry.find(ref.name, event.source, ref.version) ?? this.#registry.find(ref.name, null, ref.version));
      if (applied === undefined) {
        return { mode, schema: versionUrn(ref.name, ref.version), violations: [{ path: '/dataschema', reason: `points to ${ref.name} version ${ref.version}, which is not registered` }] };
      }
    } else {
      applied = this.#registry.applicable(event.type, event.source);
      if (applied === undefined) return undefined;
    }
    const schema = versionUrn(applied.name, applied.version);
    switch (event.data.kind) {
      case 'none':
        return { mode, schema, violations: [{ path: '/data', reason: `is missing; schema ${schema} expects JSON data` }] };
      case 'text':
      case 'binary':
        return { mode, schema, violations: [{ path: '/data', reason: `is not JSON (datacontenttype ${event.datacontenttype ?? 'unset'}); schema ${schema} expects JSON data` }] };
      case 'json': {
        let validate;
        try {
          validate = this.#registry.validatorFor(applied);
        } catch (e) {
          // A version stored before patterns had to run in linear time may not compile now: it
          // fails closed (its events break it) with the reason, until a new version replaces it.
          if (!isSwitchyardError(e)) throw e;
          return { mode, schema, violations: [{ path: '/data', reason: `schema ${schema} cannot be applied: ${e.violations[0]?.reason ?? e.message}` }] };
        }
        if (validate(event.data.value)) return { mode, schema, violations: [] };
        return { mode, schema, violations: (validate.errors ?? []).map((e) => toViolation(e, '/data')) };
      }
    }
  }
}
