import type { JsonValue } from '../../core/index.js';
import { DEFAULT_MAX_DEPTH, scanJson } from '../../events/index.js';
import { locateJsonError } from './json-locate.js';
import type { TemplatePieces } from './split.js';

/**
 * Where a placeholder sits in a JSON template: as a whole value (`{"n": ${n}}`) or inside a
 * string literal (`{"msg": "hello ${who}"}`). Rendering differs (see render.ts).
 */
export type SlotPlace = 'value' | 'in-string';

/** Deepest nesting of a JSON template's own structure: the event limit's default (64). */
export const MAX_TEMPLATE_DEPTH = DEFAULT_MAX_DEPTH;

export type JsonAnalysis = { readonly ok: true; readonly places: readonly SlotPlace[] } | { readonly ok: false; readonly reason: string };

/**
 * Decides each placeholder's place by lexing the literal text for string state, then proves the
 * template produces valid JSON for every input: it parses a probe where each value placeholder
 * is `null` and each in-string placeholder is a marker no literal text contains.
 *
 * Why the probe is a proof: a value placeholder always renders one complete JSON value (null
 * when missing), and a JSON value is delimited by its neighbours exactly as `null` is; an
 * in-string placeholder always renders escaped string content, which cannot end the string.
 * Placeholders inside an escape sequence or an object key are rejected, so a value can never
 * change the template's structure.
 */
export function analyzeJsonTemplate(template: string, pieces: TemplatePieces): JsonAnalysis {
  const places: SlotPlace[] = [];
  let inString = false;
  // Characters of an escape sequence still to come (1 after "\", 4 more after "\u").
  let escape = 0;
  const { literals, slots } = pieces;
  for (let k = 0; k < literals.length; k++) {
    const lit = literals[k] as string;
    for (let i = 0; i < lit.length; i++) {
      const c = lit[i];
      if (!inString) {
        if (c === '"') inString = true;
      } else if (escape > 0) {
        escape = escape === 1 && c === 'u' ? 4 : escape - 1;
      } else if (c === '\\') {
        escape = 1;
      } else if (c === '"') {
        inString = false;
      }
    }
    if (k < slots.length) {
      const slot = slots[k] as { name: string; start: number };
      if (escape > 0) return { ok: false, reason: `placeholder "${slot.name}" at offset ${slot.start} is inside an escape sequence` };
      places.push(inString ? 'in-string' : 'value');
    }
  }

  const marker = pickMarker(template);
  const offsets: Array<{ probe: number; template: number; slot?: string }> = [];
  let probe = '';
  for (let k = 0; k < literals.length; k++) {
    offsets.push({ probe: probe.length, template: k === 0 ? 0 : (slots[k - 1] as { end: number }).end });
    probe += literals[k] as string;
    if (k < slots.length) {
      offsets.push({ probe: probe.length, template: (slots[k] as { start: number }).start, slot: (slots[k] as { name: string }).name });
      probe += places[k] === 'value' ? 'null' : marker;
    }
  }
  // Checked before parsing, in one non-recursive pass: the error locator and the key check
  // below recurse on the nesting, which a hostile template could make 500,000 levels deep.
  const deep = scanJson(probe, { maxDepth: MAX_TEMPLATE_DEPTH, recordDepth: 0 });
  if (!deep.ok) return { ok: false, reason: `nested deeper than ${MAX_TEMPLATE_DEPTH} levels ${where(probe, deep.offset, offsets)}` };
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(probe) as JsonValue;
  } catch (e) {
    return { ok: false, reason: `not valid JSON once placeholders are filled: ${describeParseError(probe, e as Error, offsets)}` };
  }
  const badKey = findKeyWith(parsed, marker);
  if (badKey !== undefined) return { ok: false, reason: `a placeholder cannot be used in an object key ("${badKey.replaceAll(marker, '…')}")` };
  return { ok: true, places };
}

/**
 * A marker that cannot come from the template's own text: U+E000 (private use) repeated once
 * more than its longest run in the template, so a key holds the marker only where a placeholder
 * stood. Found in one pass, whatever characters the template holds.
 */
function pickMarker(template: string): string {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < template.length; i++) {
    run = template.charCodeAt(i) === 0xe000 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return '\ue000'.repeat(longest + 1);
}

type Offsets = ReadonlyArray<{ probe: number; template: number; slot?: string }>;

/** The segment of the probe (literal or placeholder) that holds a probe offset. */
function segmentAt(offset: number, offsets: Offsets): { probe: number; template: number; slot?: string } {
  let seg = offsets[0] as { probe: number; template: number; slot?: string };
  for (const o of offsets) if (o.probe <= offset) seg = o;
  return seg;
}

/** A probe offset as words about the template: "at template offset N" or "at the end of the template". */
function where(probe: string, offset: number, offsets: Offsets): string {
  const seg = segmentAt(offset, offsets);
  return offset >= probe.length ? 'at the end of the template' : `at template offset ${seg.template + (offset - seg.probe)}`;
}

/** Names the template offset (not the probe's) where JSON breaks and what was expected there. */
function describeParseError(probe: string, e: Error, offsets: Offsets): string {
  const at = locateJsonError(probe);
  if (at === undefined) return e.message;
  const seg = segmentAt(at.offset, offsets);
  if (seg.slot !== undefined && seg.probe === at.offset) {
    return `placeholder "${seg.slot}" at template offset ${seg.template} stands where JSON expects ${at.expected}`;
  }
  return `expected ${at.expected} ${where(probe, at.offset, offsets)}`;
}

function findKeyWith(v: JsonValue, marker: string): string | undefined {
  if (Array.isArray(v)) {
    for (const e of v) {
      const k = findKeyWith(e, marker);
      if (k !== undefined) return k;
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [key, e] of Object.entries(v)) {
      if (key.includes(marker)) return key;
      const k = findKeyWith(e, marker);
      if (k !== undefined) return k;
    }
  }
  return undefined;
}
