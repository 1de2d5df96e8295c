// npm run bench [-- SECTION...]: performance against peers in the same run
// (SPEC §8), never as timed unit tests. Each section returns table rows and a
// verdict; add later benches (analytics, first page) to SECTIONS. BENCH_RUNS=N
// changes the runs per side (default 3, medians reported). Exit 1 if a bar is missed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracySection } from './bench/accuracy.mjs';
import { accuracyCliSection } from './bench/accuracy-cli.mjs';
import { firstPageSection } from './bench/first-page.mjs';
import { importSection } from './bench/import.mjs';
import { monthlySection } from './bench/monthly.mjs';
import { policyLabSection } from './bench/policy-lab.mjs';
import { scaleSection } from './bench/scale.mjs';
import { teamSection } from './bench/team.mjs';
import { fmtMb } from './bench/measure.mjs';

const SECTIONS = {
  import: importSection,
  'first-page': firstPageSection,
  accuracy: accuracySection,
  'accuracy-cli': accuracyCliSection,
  monthly: monthlySection,
  scale: scaleSection,
  // Run only when named: it writes a 1M-line history (or reuses FWB_BENCH_LAB_DIR's).
  'policy-lab': policyLabSection,
  // Run by default: without PostgreSQL's server binaries it says so in a line and passes.
  team: teamSection,
};
// Run only when named (`npm run bench -- scale`, `-- policy-lab`): they write 10M- and 1M-line workbooks and take long.
const OPT_IN = new Set(['scale', 'policy-lab']);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in SECTIONS));
if (unknown.length > 0) {
  console.error(`bench: unknown section ${unknown.join(', ')} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'fwb-bench-'));
const log = (line) => process.stderr.write(`${line}\n`);

let failed = false;
const rows = [];
const summaries = [];
try {
  for (const name of wanted.length > 0 ? wanted : Object.keys(SECTIONS).filter((n) => !OPT_IN.has(n))) {
    const out = await SECTIONS[name]({ root, tmp, runs, log });
    rows.push(...out.rows);
    summaries.push(...out.summary);
    if (!out.ok) failed = true;
  }
} catch (err) {
  console.error(`bench: ${err.message}`);
  failed = true;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (rows.length > 0) {
  const w = Math.max(4, ...rows.map((r) => r.what.length));
  console.log(`${'what'.padEnd(w)}  ${'seconds'.padStart(8)}  ${'peak MB'.padStart(8)}`);
  for (const r of rows) console.log(`${r.what.padEnd(w)}  ${r.seconds.toFixed(2).padStart(8)}  ${fmtMb(r.peakMb).replace(' MB', '').padStart(8)}`);
  console.log(`(median of ${runs} runs each)`);
  for (const s of summaries) console.log(s);
}
process.exitCode = failed ? 1 : 0;
