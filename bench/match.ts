// bench:match — event pattern matching on the cl2 corpus (bench/data, README there).
// Figures: events/s per rule bank on the raw-text path (matchText) and the parsed path (match
// on pre-parsed events), scaling with exact / numeric / wildcard rule counts, rule-add time,
// memory per rule, and JSON.parse alone on the same corpus in the same run (the reference).
// A wrong match count fails the run (exit 1), whatever the speed.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { machineLine } from './_machine.js';
import { RuleMatcher, compilePattern, flattenEvent, referenceMatch } from '../src/rules/index.js';

const corpus = new URL('data/', import.meta.url);
const lines = gunzipSync(readFileSync(new URL('cl2-synth.jsonl.gz', corpus))).toString('utf8').split('\n').filter((l) => l !== '');
const banks = JSON.parse(readFileSync(new URL('cl2-rules.json', corpus), 'utf8')) as Record<string, string[] | number[]>;
const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** README table: expected total matches of each bank on cl2-synth. */
const EXPECTED: Record<string, number> = {
  EXACT_RULES: 46, WILDCARD_RULES: 582, PREFIX_RULES: 7485, PREFIX_EQUALS_IGNORE_CASE_RULES: 7485, SUFFIX_RULES: 16231,
  SUFFIX_EQUALS_IGNORE_CASE_RULES: 16231, EQUALS_IGNORE_CASE_RULES: 28025, NUMERIC_RULES: 68381, ANYTHING_BUT_RULES: 173454,
  ANYTHING_BUT_IGNORE_CASE_RULES: 173454, ANYTHING_BUT_PREFIX_RULES: 173275, ANYTHING_BUT_SUFFIX_RULES: 170906,
  ANYTHING_BUT_WILDCARD_RULES: 249418, COMPLEX_ARRAYS_RULES: 68679,
};
const EXPECTED_ALL_65 = 1084973;
/** README table: event-ruler's events/s on this corpus. */
const RULER: Record<string, number> = {
  EXACT_RULES: 255835, WILDCARD_RULES: 187668, PREFIX_RULES: 271341, PREFIX_EQUALS_IGNORE_CASE_RULES: 271653, SUFFIX_RULES: 263409,
  SUFFIX_EQUALS_IGNORE_CASE_RULES: 265136, EQUALS_IGNORE_CASE_RULES: 238552, NUMERIC_RULES: 158202, ANYTHING_BUT_RULES: 158801,
  ANYTHING_BUT_IGNORE_CASE_RULES: 156718, ANYTHING_BUT_PREFIX_RULES: 165136, ANYTHING_BUT_SUFFIX_RULES: 147726,
  ANYTHING_BUT_WILDCARD_RULES: 167917, COMPLEX_ARRAYS_RULES: 37678, ALL_65: 49628, EXACT_10000: 226343, EXACT_100000: 89149,
};

let failed = false;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
/** "events/s (× JSON.parse)"; set once the JSON.parse reference is measured. */
let cell = (perSec: number): string => fmt(perSec);

/** CPU seconds used by this process (user + system): on the shared 2 cores the wall clock
 * also counts the time other processes held the core, CPU time counts only this one's work. */
const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Best events/s (by CPU time) of `rounds` passes over the corpus; `fn` returns the pass's match count. */
function rate(fn: () => number, rounds = 3): { perSec: number; count: number } {
  let best = Infinity;
  let count = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuSeconds();
    count = fn();
    best = Math.min(best, cpuSeconds() - t0);
  }
  return { perSec: lines.length / best, count };
}

const textPass = (m: RuleMatcher) => (): number => {
  let n = 0;
  for (const l of lines) n += m.matchText(l).length;
  return n;
};
const parsedPass = (m: RuleMatcher) => (): number => {
  let n = 0;
  for (const e of parsed) n += m.match(e).length;
  return n;
};

function check(name: string, got: number, want: number): string {
  if (got === want) return 'ok';
  failed = true;
  return `WRONG COUNT ${got} (expected ${want})`;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');
console.log(machineLine());
console.log(`load average at start: ${load()}`);
console.log('rates: events per CPU second of this process (best of 3 passes), so other load on the shared cores counts less');
console.log(`corpus: ${lines.length} events, avg ${Math.round(lines.reduce((a, l) => a + l.length, 0) / lines.length)} B`);
for (const name of ["warm-up"]) { const m = new RuleMatcher(); m.addAll((banks.EXACT_RULES as string[]).map((r, i) => [`${name}${i}`, { patternText: r }] as const)); textPass(m)(); parsedPass(m)(); }
const jp = rate(() => {
  let n = 0;
  for (const l of lines) n += (JSON.parse(l) as object) ? 1 : 0;
  return n;
});
console.log(`JSON.parse alone: ${fmt(jp.perSec)} events/s (reference)\n`);
cell = (perSec) => `${fmt(perSec)} (${(perSec / jp.perSec).toFixed(2)}×)`;

/** README: JSON.parse alone in Node 20 on the machine of the event-ruler figures. */
const RULER_JSON_PARSE = 160000;
/** Our rate against event-ruler's, each as a multiple of its own JSON.parse (the README's advice). */
const vsRuler = (perSec: number, key: string): string => `${((perSec / jp.perSec) / (RULER[key]! / RULER_JSON_PARSE)).toFixed(2)}×`;
console.log('event-ruler columns: its events/s from the README and, after "/", ours over its, both as multiples of their JSON.parse');
console.log('bank | matches | raw text ev/s (× JSON.parse) | parsed ev/s (× JSON.parse) | event-ruler ev/s (× its JSON.parse) | raw / ruler | parsed / ruler');
const bankNames = Object.keys(EXPECTED);
const all65: [string, string][] = [];
for (const name of bankNames) {
  const rules = banks[name] as string[];
  const m = new RuleMatcher();
  m.addAll(rules.map((r, i) => [`${name}#${i}`, { patternText: r }] as const));
  if (name !== 'COMPLEX_ARRAYS_RULES') rules.forEach((r, i) => all65.push([`${name}#${i}`, r]));
  const t = rate(textPass(m));
  const p = rate(parsedPass(m));
  const status = `${check(name, t.count, EXPECTED[name]!)}/${check(name, p.count, EXPECTED[name]!)}`;
  console.log(`${name} | ${fmt(t.count)} ${status} | ${cell(t.perSec)} | ${cell(p.perSec)} | ${fmt(RULER[name]!)} (${(RULER[name]! / RULER_JSON_PARSE).toFixed(2)}×) | ${vsRuler(t.perSec, name)} | ${vsRuler(p.perSec, name)}`);
}
{
  const m = new RuleMatcher();
  m.addAll(all65.map(([id, r]) => [id, { patternText: r }] as const));
  const t = rate(textPass(m));
  const p = rate(parsedPass(m));
  console.log(`ALL 65 | ${fmt(t.count)} ${check('all', t.count, EXPECTED_ALL_65)}/${check('all', p.count, EXPECTED_ALL_65)} | ${cell(t.perSec)} | ${cell(p.perSec)} | ${fmt(RULER.ALL_65!)} (${(RULER.ALL_65! / RULER_JSON_PARSE).toFixed(2)}×) | ${vsRuler(t.perSec, 'ALL_65')} | ${vsRuler(p.perSec, 'ALL_65')}`);
}

// Scaling: N exact rules on properties.MAPBLKLOT. Values are the corpus's own (so some match)
// padded with values that occur nowhere; the expected count comes from a Set lookup.
const blklots = [...new Set(parsed.map((e) => (e.properties as Record<string, string>).MAPBLKLOT))];
console.log('\nscaling | matches | raw text ev/s (× JSON.parse) | parsed ev/s (× JSON.parse) | build ms | µs/rule add | heap B/rule | event-ruler: raw / parsed over it');
const rawRates: Record<number, number> = {};
for (const n of [1, 100, 10000, 100000]) {
  const values: string[] = [];
  for (let i = 0; values.length < n; i++) values.push(i % 2 === 0 && i / 2 < blklots.length ? blklots[i / 2]! : `NX${i}`);
  const set = new Set(values);
  const want = parsed.filter((e) => set.has((e.properties as Record<string, string>).MAPBLKLOT!)).length;
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = cpuSeconds();
  const m = new RuleMatcher();
  m.addAll(values.map((v, i) => [`r${i}`, { pattern: { properties: { MAPBLKLOT: [v] } } }] as const));
  const buildMs = (cpuSeconds() - t0) * 1e3;
  gc();
  const heapPerRule = n >= 10000 ? fmt((process.memoryUsage().heapUsed - heap0) / n) : "n/a";
  // Best of 5 here: the 100,000 / 10,000 ratio is a goal, and one slow pass (a major GC of the
  // big heap, a burst of load) should not decide it.
  const t = rate(textPass(m), 5);
  const p = rate(parsedPass(m), 5);
  rawRates[n] = t.perSec;
  // Single adds into the loaded matcher (the API path), amortised: at least two full rebuild
  // cycles (a rebuild comes every ~sqrt(n) adds, see matcher.ts), at least 200 adds.
  const adds = Math.max(200, 2 * Math.ceil(Math.sqrt(n)) + 2);
  const a0 = cpuSeconds();
  for (let i = 0; i < adds; i++) m.add(`extra${i}`, { pattern: { properties: { MAPBLKLOT: [`EXTRA${i}`] } } });
  const addUs = ((cpuSeconds() - a0) * 1e6) / adds;
  console.log(
    `${fmt(n)} exact | ${fmt(t.count)} ${check(`exact ${n}`, t.count, want)}/${check(`exact ${n}`, p.count, want)} | ${cell(t.perSec)} | ${cell(p.perSec)} | ${buildMs.toFixed(0)} | ${addUs.toFixed(1)} | ${heapPerRule}${n >= 10000 ? ` | ruler ${fmt(RULER[`EXACT_${n}`]!)}: ${vsRuler(t.perSec, `EXACT_${n}`)} / ${vsRuler(p.perSec, `EXACT_${n}`)}` : ''}`,
  );
}
console.log(`100,000 vs 10,000 exact rules (raw text): ${(rawRates[10000]! / rawRates[100000]!).toFixed(2)}× slower (goal ≤ 2×)`);

// 1,000 numeric ranges on geometry.firstCoordinates.x and 100 wildcards on properties.STREET;
// expected counts from the reference evaluator over the whole corpus.
function oracleCount(patterns: unknown[]): number {
  const compiled = patterns.map((p) => compilePattern(p));
  const paths = new Set(compiled.flatMap((c) => c.alternatives.flatMap((a) => a.map((x) => x.path))));
  let n = 0;
  for (const e of parsed) {
    const leaves = flattenEvent(e);
    for (const k of [...leaves.keys()]) if (!paths.has(k)) leaves.delete(k);
    for (const c of compiled) if (referenceMatch(c, leaves)) n++;
  }
  return n;
}
const xs = parsed.map((e) => ((e.geometry as Record<string, Record<string, number>>).firstCoordinates!).x!);
const lo = Math.min(...xs);
const width = (Math.max(...xs) - lo) / 1000;
const numeric = Array.from({ length: 1000 }, (_, i) => ({ geometry: { firstCoordinates: { x: [{ numeric: ['>=', lo + i * width, '<', lo + (i + 1) * width + width / 2] }] } } }));
const letters = 'ABCDEFGHILMNORSTU';
const wildcards = Array.from({ length: 100 }, (_, i) => ({ properties: { STREET: [{ wildcard: `${letters[i % 17]}*${letters[(i * 7) % 17]}*` }] } }));
for (const [name, pats] of [['1,000 numeric ranges', numeric], ['100 wildcards', wildcards]] as const) {
  const m = new RuleMatcher();
  m.addAll(pats.map((p, i) => [`r${i}`, { pattern: p }] as const));
  const want = oracleCount(pats);
  const t = rate(textPass(m));
  const p = rate(parsedPass(m));
  console.log(`${name} | ${fmt(t.count)} ${check(name, t.count, want)}/${check(name, p.count, want)} | ${cell(t.perSec)} | ${cell(p.perSec)}`);
}

console.log(`load average at end: ${load()}`);
if (failed) {
  console.error('\nFAILED: a match count is wrong');
  process.exit(1);
}
