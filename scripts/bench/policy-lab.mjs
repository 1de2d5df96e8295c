// Bench section "policy-lab" (issue 16): the Policy lab's answers through the API
// on the accuracy bench's history (scripts/bench/accuracy-workbook.mjs: 10
// monthly runs × 5 lags, every line with its actual, ~10 % overridden) at
// 100 000 lines (target: an answer while moving a lever within 300 ms) and at
// 1 M lines (measured, no bar). Each size in a child process
// (policy-lab-probe.mjs): simulatePolicy with a damping rule and with one rule
// per category, after the first answer (which reads the line facts), and
// suggestPolicy per category. Measurement only: no timed unit test.
//
// FWB_BENCH_LAB_DIR=DIR reuses lab-100k.sqlite and lab-1m.sqlite there when
// present (and writes them there when not), so a second run skips the writing.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { median, timed } from './measure.mjs';

const SIZES = [
  { name: '100k', items: 2_000, bar: 300 },
  { name: '1m', items: 20_000, bar: null },
];
const REPEATS = 5;

const msText = (v) => `${Math.round(v)} ms`;
const spread = (values) => `${msText(Math.min(...values))}–${msText(Math.max(...values))}`;

export async function policyLabSection({ root, tmp, runs, log }) {
  const dir = process.env.FWB_BENCH_LAB_DIR ?? tmp;
  mkdirSync(dir, { recursive: true });
  const rows = [];
  const summary = [];
  let ok = true;
  for (const size of SIZES) {
    const db = join(dir, `lab-${size.name}.sqlite`);
    if (!existsSync(db)) {
      log(`policy-lab: writing the ${size.name} history (${size.items.toLocaleString('en-US')} items × 10 runs × 5 lags) …`);
      const gen = timed(process.execPath, [join(root, 'scripts', 'bench', 'accuracy-workbook.mjs'), db, String(size.items)], { cwd: root, tmp, node: true });
      if (gen.status !== 0) throw new Error(`policy-lab: writing the workbook failed: ${gen.stderr.slice(0, 600)}`);
    } else log(`policy-lab: reusing ${db}`);
    const probes = [];
    for (let i = 0; i < runs; i++) {
      const r = timed(process.execPath, [join(root, 'scripts', 'bench', 'policy-lab-probe.mjs'), db, String(REPEATS)], { cwd: root, tmp, node: true });
      if (r.status !== 0) throw new Error(`policy-lab probe failed: ${r.stderr.slice(0, 600)}`);
      const p = { ...JSON.parse(r.stdout.trim().split('\n').at(-1)), peakMb: r.peakMb };
      probes.push(p);
      log(
        `policy-lab ${size.name}: run ${i + 1}: ${p.lines.toLocaleString('en-US')} lines (${p.replayed.toLocaleString('en-US')} replayed); cube ${msText(p.cubeMs)} (untimed below); ` +
          `first simulate ${msText(p.firstMs)}; damping ${p.damping.map(msText).join(' / ')}; per category (${p.categories} rules + all) ${p.perCategory.map(msText).join(' / ')}; suggest ${msText(p.suggestMs)}`,
      );
    }
    const peakMb = median(probes.map((p) => p.peakMb ?? 0)) || null;
    const damping = median(probes.map((p) => median(p.damping)));
    const perCategory = median(probes.map((p) => median(p.perCategory)));
    const first = median(probes.map((p) => p.firstMs));
    const suggest = median(probes.map((p) => p.suggestMs));
    rows.push(
      { what: `policy-lab ${size.name}: first simulatePolicy after opening (reads the line facts)`, seconds: first / 1000, peakMb },
      { what: `policy-lab ${size.name}: simulatePolicy, damping rule (facts kept)`, seconds: damping / 1000, peakMb },
      { what: `policy-lab ${size.name}: simulatePolicy, one rule per category (facts kept)`, seconds: perCategory / 1000, peakMb },
      { what: `policy-lab ${size.name}: suggestPolicy per category`, seconds: suggest / 1000, peakMb },
    );
    const answer = Math.max(damping, perCategory);
    let line = `policy-lab ${size.name}: the lab answers a lever move in ${msText(damping)} (damping) / ${msText(perCategory)} (per category), medians of ${runs} × ${REPEATS} (runs ${spread(probes.flatMap((p) => [...p.damping, ...p.perCategory]))}); first answer ${msText(first)}; suggest ${msText(suggest)}`;
    if (size.bar !== null) {
      const under = answer <= size.bar;
      if (!under) ok = false;
      line += ` → ${under ? 'within' : 'OVER'} the ${size.bar} ms target`;
    }
    summary.push(`${line}.`);
  }
  return { ok, rows, summary };
}
