// Writes the bench's forecast file: items × months long-format lines, the same
// bytes every time (a fixed-seed generator, no Math.random), so runs compare.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const BENCH_ORIGIN = '2022-12-01';

/** Mulberry32: small, fast and good enough for plausible quantities. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function monthsAfter(origin, n) {
  const [y, m] = origin.split('-').map(Number);
  const out = [];
  for (let i = 1; i <= n; i++) {
    const idx = y * 12 + (m - 1) + i;
    out.push(`${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}-01`);
  }
  return out;
}

/** Writes `items × months` lines to `path`; resolves to the number of lines. */
export async function writeForecastCsv(path, { items = 20_000, months = 50, seed = 42 } = {}) {
  const random = rng(seed);
  const periods = monthsAfter(BENCH_ORIGIN, months);
  const out = createWriteStream(path);
  out.write('item_id,location,period,forecast,lower,upper,model_version\n');
  let chunk = '';
  for (let i = 1; i <= items; i++) {
    const id = `SKU-${String(i).padStart(6, '0')}`;
    const level = 20 + random() * 2000;
    for (let p = 0; p < months; p++) {
      const season = 1 + 0.25 * Math.sin(((p % 12) / 12) * 2 * Math.PI);
      const f = level * season * (0.9 + random() * 0.2);
      const width = 0.1 + random() * 0.2;
      chunk += `${id},ALL,${periods[p]},${f.toFixed(2)},${(f * (1 - width)).toFixed(2)},${(f * (1 + width)).toFixed(2)},v1.0\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return items * months;
}
