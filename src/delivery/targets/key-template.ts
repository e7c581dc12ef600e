import type { JsonObject, Violation } from '../../core/index.js';
import { checkTransform, type CompiledTransform } from '../../transform/index.js';

/** A rendered key longer than this is refused (NATS, AMQP and MQTT all cap theirs lower or near). */
export const MAX_KEY_BYTES = 1024;

/** Facts a key template may use besides the event (`${switchyard.bus}`, `${switchyard.rule-name}`…). */
export interface KeyContext {
  readonly bus: string;
  readonly rule: string;
  readonly eventId: string;
}

/**
 * A target field rendered per message — a broker subject, routing key, stream key or topic, an
 * http path value, query or header value, an e-mail address, subject or body, an object key —
 * written as a text template of the transformer language (src/transform): `orders.${region}` with `variables: { region: "$.data.region" }`,
 * plus the predefined `${switchyard.*}` names. A key without placeholders is a constant and
 * never runs the template. Rendering is bounded by MAX_KEY_BYTES.
 */
export class KeyTemplate {
  readonly #constant: string | undefined;
  readonly #compiled: CompiledTransform | undefined;

  private constructor(constant: string | undefined, compiled: CompiledTransform | undefined) {
    this.#constant = constant;
    this.#compiled = compiled;
  }

  /** Whether `text` contains a placeholder. */
  static isTemplated(text: string): boolean {
    return text.includes('${');
  }

  /**
   * Checks `spec[field]` (a template) with the target's `variables`; one violation per problem,
   * with the paths of the target (`/targets/0/subject`, `/targets/0/variables/x`).
   */
  static check(spec: Readonly<Record<string, unknown>>, field: string, path: string, out: Violation[], opts: { optional?: boolean } = {}): void {
    const text = spec[field];
    if (text === undefined && opts.optional === true) return;
    if (typeof text !== 'string' || text.length === 0 || Buffer.byteLength(text) > MAX_KEY_BYTES) {
      out.push({ path: `${path}/${field}`, reason: `must be a non-empty string of at most ${MAX_KEY_BYTES} bytes` });
      return;
    }
    KeyTemplate.checkText(text, spec.variables, `${path}/${field}`, path, out);
  }

  /**
   * Checks one template text found at `at` (a JSON pointer); `variables` is the target's
   * variables object, found at `${targetPath}/variables`.
   */
  static checkText(text: string, vars: unknown, at: string, targetPath: string, out: Violation[], maxBytes = MAX_KEY_BYTES): void {
    if (/[\0\r\n]/.test(text)) out.push({ path: at, reason: 'must not contain CR, LF or NUL' });
    if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars))) {
      out.push({ path: `${targetPath}/variables`, reason: 'must be an object of variable name → JSONPath' });
      return;
    }
    if (!KeyTemplate.isTemplated(text)) return;
    const r = checkTransform({ type: 'template', template: text, format: 'text', ...(vars === undefined ? {} : { variables: vars }) }, targetPath, { maxOutputBytes: maxBytes });
    if (r.ok) return;
    for (const v of r.violations) {
      // variable problems are the variables'; the template's are the field's
      if (v.path.startsWith(`${targetPath}/variables`)) out.push(v);
      else out.push({ ...v, path: at });
    }
  }

  /** Compiles `spec[field]` (which passed `check`). */
  static of(spec: Readonly<Record<string, unknown>>, field: string): KeyTemplate {
    return KeyTemplate.compile(spec[field] as string, spec.variables);
  }

  /** Compiles a template text that passed `checkText`. */
  static compile(text: string, vars: unknown, maxBytes = MAX_KEY_BYTES): KeyTemplate {
    if (!KeyTemplate.isTemplated(text)) return new KeyTemplate(text, undefined);
    const r = checkTransform({ type: 'template', template: text, format: 'text', ...(vars === undefined ? {} : { variables: vars }) }, '', { maxOutputBytes: maxBytes });
    if (!r.ok) throw new Error(`template did not compile: ${r.violations[0]?.reason ?? ''}`);
    return new KeyTemplate(undefined, r.transform);
  }

  /** The key for one event (its JSON form); a string, or the reason none could be made. */
  render(event: () => JsonObject, ctx: KeyContext, allowEmpty = false): { ok: true; key: string } | { ok: false; reason: string } {
    if (this.#constant !== undefined) return { ok: true, key: this.#constant };
    try {
      const out = this.#compiled!.run(event(), { bus: ctx.bus, ruleName: ctx.rule, eventId: ctx.eventId, ingestionTime: '' });
      if (out.body === '' && !allowEmpty) return { ok: false, reason: 'the key template rendered an empty key' };
      return { ok: true, key: out.body };
    } catch (err) {
      return { ok: false, reason: `the key template could not be rendered: ${(err as Error).message}` };
    }
  }
}
