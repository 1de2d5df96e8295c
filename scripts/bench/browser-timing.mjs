// Times two screens in headless Chromium against the browser host (`node
// scripts/web.mjs --db FILE`), as a planner sees them: Review from opening the
// app to its first rows, and Accuracy from the click on its tab to its first
// chart (the FVA stairstep). Each the first time (derived data built then) and
// again after a reload. A measurement for the bench, never a timed test.
//
//   node scripts/bench/browser-timing.mjs review|accuracy DB  → one JSON line
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [screen, db] = process.argv.slice(2);

function startHost() {
  const child = spawn(process.execPath, [join(root, 'scripts', 'web.mjs'), '--db', db], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the browser host did not start: ${stderr}`)), 120_000);
    child.stdout.on('data', async (chunk) => {
      stdout += chunk;
      const m = /^Forecast Workbench at (http:\/\/127\.0\.0\.1:\d+)\/\?code=(\S+)\n/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      const call = async (method, payload, token) => {
        const r = await fetch(`${m[1]}/api/${method === 'session' ? 'session' : `call/${method}`}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(payload),
        });
        const out = await r.json();
        if (!out.ok) throw new Error(`${method}: ${out.error?.message}`);
        return out.value;
      };
      try {
        const { token } = await call('session', { code: m[2] });
        await call('signIn', { userId: 'bench.planner', displayName: 'Bench Planner', role: 'planner' }, token);
        resolve({ url: `${m[1]}/?token=${token}`, stop: () => child.kill('SIGTERM') });
      } catch (err) {
        reject(err);
      }
    });
    child.on('exit', (code) => reject(new Error(`the browser host stopped (${code}): ${stderr}`)));
  });
}

const host = await startHost();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const timings = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  for (let visit = 0; visit < 2; visit++) {
    if (screen === 'review') {
      const start = process.hrtime.bigint();
      await page.goto(host.url);
      await page.getByRole('grid', { name: 'Worklist' }).getByRole('row').nth(1).getByRole('gridcell').nth(2).filter({ hasText: /^SKU-/ }).waitFor({ timeout: 300_000 });
      timings.push(seconds(start));
    } else {
      await page.goto(host.url);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      const start = process.hrtime.bigint();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accuracy' }).click();
      await page.getByRole('img', { name: /^Bar chart of the FVA stairstep/ }).waitFor({ timeout: 300_000 });
      timings.push(seconds(start));
    }
  }
} finally {
  await browser.close();
  host.stop();
}
process.stdout.write(`${JSON.stringify({ screen, first: timings[0], again: timings[1] })}\n`);
