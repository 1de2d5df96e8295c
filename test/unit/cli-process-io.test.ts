// fwb's standard output and error (electron/cli/io.ts, processIo): written to their
// file descriptors synchronously, without Node's process.stdout (a stream whose
// making loads Node's streams, start-up time for a command that prints one answer).
// Checked in a child process as fwb runs: through a pipe, a large answer arrives
// whole and in order; a reader that has gone away ends the writing quietly.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
const IO = pathToFileURL(join(ROOT, 'electron', 'cli', 'io.ts')).href;

describe('processIo: fwb writes its answers straight to its descriptors', () => {
  const t = tempDir('fwb-process-io-');
  afterAll(() => t.cleanup());
  /** A child that writes `lines` numbered lines through processIo, then "done" on its standard error. (What fwb loads: accuracy-cli-modules.test.ts.) */
  const child = (lines: number) => {
    const script = join(t.dir, `write-${lines}.mjs`);
    writeFileSync(
      script,
      `import { processIo } from ${JSON.stringify(IO)};
const io = processIo();
for (let i = 0; i < ${lines}; i++) io.stdout.write(\`line \${i} \${'x'.repeat(90)}\\n\`);
io.stderr.write('done\\n');
`,
    );
    return ['--import', 'tsx/esm', script];
  };

  it('delivers a large answer through a pipe whole and in order', () => {
    const lines = 20_000; // ~2 MB: far more than a pipe holds at once
    const r = spawnSync(process.execPath, child(lines), { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    const got = r.stdout.split('\n');
    expect(got).toHaveLength(lines + 1);
    expect(got[0]).toBe(`line 0 ${'x'.repeat(90)}`);
    expect(got[lines - 1]).toBe(`line ${lines - 1} ${'x'.repeat(90)}`);
    expect(got.every((l, i) => i === lines || l.startsWith(`line ${i} `))).toBe(true);
    expect(r.stderr).toBe('done\n');
  });

  it('stops quietly when the reader has gone (as `fwb … | head` does), with no stack trace', async () => {
    const p = spawn(process.execPath, child(200_000), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
    // Read the first chunk, then close the pipe.
    const first = await Promise.race([new Promise<boolean>((resolve) => p.stdout.once('data', () => resolve(true))), closed.then(() => false)]);
    expect(first, stderr).toBe(true);
    p.stdout.destroy();
    const status = await closed;
    expect(stderr).not.toMatch(/Error|EPIPE|at /);
    expect(status).toBe(0);
  });
});
