// One rule bank of bench:match alone, for profiling (--cpu-prof) and A/B runs of two versions:
//   node --import tsx bench/_match-prof.ts [BANK|EXACT_<n>] [text|parsed] [passes]
// Prints the best events per CPU second and JSON.parse's in the same process (NOREF=1 skips
// JSON.parse; KEEP=1 also holds the parsed corpus in memory, as bench/match.ts does).
// EXACT_<n> is the scaling case of bench/match.ts: n exact rules on properties.MAPBLKLOT.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RuleMatcher } from '../src/rules/index.js';

const corpus = new URL('data/', import.meta.url);
const lines = gunzipSync(readFileSync(new URL('cl2-synth.jsonl.gz', corpus))).toString('utf8').split('\n').filter((l) => l !== '');
const banks = JSON.parse(readFileSync(new URL('cl2-rules.json', corpus), 'utf8')) as Record<string, string[]>;
const [bank = 'COMPLEX_ARRAYS_RULES', mode = 'text', passes = '5'] = process.argv.slice(2);

const m = new RuleMatcher();
const scaling = /^EXACT_(\d+)$/.exec(bank);
if (scaling !== null) {
  const n = Number(scaling[1]);
  const blk = [...new Set(lines.map((l) => (JSON.parse(l) as { properties: { MAPBLKLOT: string } }).properties.MAPBLKLOT))];
  const values: string[] = [];
  for (let i = 0; values.length < n; i++) values.push(i % 2 === 0 && i / 2 < blk.length ? blk[i / 2]! : `NX${i}`);
  m.addAll(values.map((v, i) => [`r${i}`, { pattern: { properties: { MAPBLKLOT: [v] } } }] as const));
} else {
  const rules = banks[bank];
  if (rules === undefined) throw new Error(`unknown bank ${bank}`);
  m.addAll(rules.map((r, i) => [`${bank}#${i}`, { patternText: r }] as const));
}
const parsed = mode === 'parsed' || process.env.KEEP ? lines.map((l) => JSON.parse(l) as unknown) : [];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let jpBest = Infinity;
for (let r = 0; r < (process.env.NOREF ? 0 : 3); r++) {
  const t0 = cpuMs();
  for (const l of lines) JSON.parse(l);
  jpBest = Math.min(jpBest, cpuMs() - t0);
}
let best = Infinity;
let count = 0;
for (let r = 0; r < Number(passes); r++) {
  const t0 = cpuMs();
  count = 0;
  if (mode === 'text') for (const l of lines) count += m.matchText(l).length;
  else for (const e of parsed) count += m.match(e).length;
  best = Math.min(best, cpuMs() - t0);
}
const ev = (lines.length / best) * 1000;
const jp = (lines.length / jpBest) * 1000;
console.log(`${bank} ${mode}: ${count} matches, ${Math.round(ev)} ev/s, JSON.parse ${Math.round(jp)} ev/s, ratio ${(ev / jp).toFixed(2)}`);
