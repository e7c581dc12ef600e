import type { TargetKey } from '../../delivery-types.js';

const keyId = (k: TargetKey): string => JSON.stringify([k.bus, k.rule, k.target]);

/** Collects the distinct targets a transaction gave work to (work hints, sent after its commit). */
export class Touched {
  readonly #m = new Map<string, TargetKey>();
  add(k: TargetKey): void {
    this.#m.set(keyId(k), { bus: k.bus, rule: k.rule, target: k.target });
  }
  get keys(): TargetKey[] {
    return [...this.#m.values()];
  }
}
