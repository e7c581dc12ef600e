// One rule bank of bench:match alone in a fresh process: the per-process runs of bench:match,
// profiling (--cpu-prof, --trace-opt/--trace-deopt) and A/B runs of two versions:
//   node --import tsx bench/_match-prof.ts [BANK|ALL_65|EXACT_<n>] [text|parsed] [rounds]
// Each round times one pass of JSON.parse over the corpus and one pass of the matcher, the
// order flipped every round, in CPU seconds of this process; the ratio of the round is
// matcher events/s over JSON.parse events/s. Prints the median of the per-round ratios, their
// spread and the best rates (NOREF=1 skips JSON.parse; KEEP=1 also holds the parsed corpus in
// memory, as bench/match.ts does; JSON=1 prints one JSON line for bench/match.ts instead).
// EXACT_<n> is the scaling case of bench/match.ts: n exact rules on properties.MAPBLKLOT.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RuleMatcher } from '../src/rules/index.js';

const corpus = new URL('data/', import.meta.url);
const lines = gunzipSync(readFileSync(new URL('cl2-synth.jsonl.gz', corpus))).toString('utf8').split('\n').filter((l) => l !== '');
const banks = JSON.parse(readFileSync(new URL('cl2-rules.json', corpus), 'utf8')) as Record<string, string[]>;
const [bank = 'COMPLEX_ARRAYS_RULES', mode = 'text', roundsArg = '5'] = process.argv.slice(2);
const rounds = Math.max(1, Number(roundsArg));

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const m = new RuleMatcher();
const b0 = cpuMs();
const scaling = /^EXACT_(\d+)$/.exec(bank);
if (scaling !== null) {
  const n = Number(scaling[1]);
  const blk = [...new Set(lines.map((l) => (JSON.parse(l) as { properties: { MAPBLKLOT: string } }).properties.MAPBLKLOT))];
  const values: string[] = [];
  for (let i = 0; values.length < n; i++) values.push(i % 2 === 0 && i / 2 < blk.length ? blk[i / 2]! : `NX${i}`);
  m.addAll(values.map((v, i) => [`r${i}`, { pattern: { properties: { MAPBLKLOT: [v] } } }] as const));
} else if (bank === 'ALL_65') {
  const all = Object.entries(banks).filter(([k]) => k.endsWith('_RULES') && k !== 'COMPLEX_ARRAYS_RULES');
  m.addAll(all.flatMap(([k, rules]) => rules.map((r, i) => [`${k}#${i}`, { patternText: r }] as const)));
} else {
  const rules = banks[bank];
  if (rules === undefined) throw new Error(`unknown bank ${bank}`);
  m.addAll(rules.map((r, i) => [`${bank}#${i}`, { patternText: r }] as const));
}
const buildMs = scaling !== null ? cpuMs() - b0 : NaN;
const parsed = mode === 'parsed' || process.env.KEEP ? lines.map((l) => JSON.parse(l) as unknown) : [];

function jsonPass(): number {
  const t0 = cpuMs();
  for (const l of lines) JSON.parse(l);
  return cpuMs() - t0;
}
let count = 0;
function matchPass(): number {
  const t0 = cpuMs();
  count = 0;
  if (mode === 'text') for (const l of lines) count += m.matchText(l).length;
  else for (const e of parsed) count += m.match(e).length;
  return cpuMs() - t0;
}

const ref = !process.env.NOREF;
// One unrecorded pass of each: the first pass of a process also pays for compiling the code.
if (ref) jsonPass();
matchPass();
const ratios: number[] = [];
let jpBest = Infinity;
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  let jp = NaN;
  let mt: number;
  if (r % 2 === 0) {
    if (ref) jp = jsonPass();
    mt = matchPass();
  } else {
    mt = matchPass();
    if (ref) jp = jsonPass();
  }
  jpBest = Math.min(jpBest, jp);
  best = Math.min(best, mt);
  if (ref) ratios.push(jp / mt);
}
ratios.sort((a, b) => a - b);
const median = ratios.length === 0 ? NaN : ratios[Math.floor((ratios.length - 1) / 2)]! / 2 + ratios[Math.ceil((ratios.length - 1) / 2)]! / 2;
const ev = (lines.length / best) * 1000;
const jpRate = (lines.length / jpBest) * 1000;
if (process.env.JSON) {
  console.log(JSON.stringify({ bank, mode, count, ratio: median, minRatio: ratios[0], maxRatio: ratios.at(-1), ev, jp: jpRate, buildMs }));
} else {
  console.log(
    `${bank} ${mode}: ${count} matches, best ${Math.round(ev)} ev/s, JSON.parse best ${Math.round(jpRate)} ev/s, ` +
      `ratio median ${median.toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')})${scaling !== null ? `, build ${buildMs.toFixed(0)} ms` : ''}`,
  );
}
