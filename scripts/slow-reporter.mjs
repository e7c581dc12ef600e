// A node:test reporter for `npm run test:slow`: the usual counts, every failure with its error,
// then the 10 slowest tests and the 10 slowest test files, so the suite's time budget
// (under 8 minutes on a 2-core machine) stays visible. Durations are wall time, as the runner
// measures them; files run two at a time, so they overlap.
const TOP = 10;

const seconds = (ms) => `${(ms / 1000).toFixed(2).padStart(7)} s`;

export default async function* slowReporter(source) {
  const tests = [];
  const files = new Map();
  const failures = [];
  let pass = 0;
  let fail = 0;
  let skipped = 0;
  const started = Date.now();
  for await (const event of source) {
    const { name, file, details, skip, todo } = event.data ?? {};
    const ms = details?.duration_ms ?? 0;
    // A test file (run in its own process) completes as a test named after its path.
    if (event.type === 'test:complete' && file !== undefined && name === file) files.set(file, ms);
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (name === file || details?.type === 'suite') continue;
    if (skip || todo) skipped++;
    else if (event.type === 'test:pass') pass++;
    else {
      fail++;
      failures.push(`not ok - ${name} (${file ?? '?'})\n  ${String(details?.error?.cause?.stack ?? details?.error?.cause ?? details?.error ?? '').split('\n').join('\n  ')}`);
    }
    tests.push({ name, file, ms });
    if ((pass + fail) % 50 === 0) yield '.';
  }
  yield '\n';
  for (const f of failures) yield `${f}\n`;
  const cwd = process.cwd() + '/';
  const rel = (f) => (f ?? '?').replace(cwd, '');
  yield `\nslowest ${TOP} tests:\n`;
  for (const t of tests.sort((a, b) => b.ms - a.ms).slice(0, TOP)) yield `${seconds(t.ms)}  ${t.name}  (${rel(t.file)})\n`;
  yield `\nslowest ${TOP} test files:\n`;
  for (const [f, ms] of [...files].sort((a, b) => b[1] - a[1]).slice(0, TOP)) yield `${seconds(ms)}  ${rel(f)}\n`;
  yield `\nwhole run: ${seconds(Date.now() - started).trim()}\n`;
  yield `${pass} passed, ${fail} failed, ${skipped} skipped\n`;
}
