// The README's team walkthrough, run as written (only its folder and port substituted), so
// it cannot drift: the dev-server block in the background, the team block as one bash
// script (init, four people, the analyst publishing, two planners and a manager joining
// and syncing), then the app block (the browser host as Ana), asked for its team status.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../electron/team/local-server';
import { ROOT } from '../e2e/browser';

/** The README's `<!-- walkthrough:NAME -->` blocks, each the text of the ```sh block after its marker. */
export function walkthroughBlocks(readme: string): Record<string, string> {
  const blocks: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- walkthrough:(\w+) -->\s*```sh\n([\s\S]*?)```/g)) blocks[m[1]!] = m[2]!;
  return blocks;
}

/** The environment of a person who has not set any PostgreSQL variable. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('PG')) delete env[k];
  return env;
}

interface Background {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a block in its own process group (stopped by its id), resolving once its output matches `ready`. */
function inBackground(script: string, ready: RegExp): Promise<Background> {
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ${ready} within 120 s:\n${out}`)), 120_000);
    const take = (d: Buffer) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        done({ child, output: () => out, exited });
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    void exited.then((code) => fail(new Error(`exited (${code}) before ${ready}:\n${out}`)));
  });
}

async function stop(bg: Background | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!bg || bg.child.exitCode !== null || bg.child.pid === undefined) return;
  try {
    process.kill(-bg.child.pid, signal);
  } catch {
    return;
  }
  await Promise.race([bg.exited, new Promise((r) => setTimeout(r, 20_000))]);
}

describe('the README’s team walkthrough', () => {
  const blocks = walkthroughBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  let dir: string;
  let port: number;
  let server: Background | undefined;
  let app: Background | undefined;
  const substitute = (block: string) => block.replaceAll('/tmp/fwb-team', dir).replaceAll('54329', String(port));

  beforeAll(async () => {
    // Directly under /tmp and reachable: as root the server runs as the postgres OS user.
    dir = mkdtempSync('/tmp/fwb-readme-');
    chmodSync(dir, 0o755);
    port = await freePort();
  });

  afterAll(async () => {
    await stop(app, 'SIGTERM');
    await stop(server, 'SIGINT'); // Ctrl-C, as the README says
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the three blocks, each naming the folder and port the test replaces', () => {
    expect(Object.keys(blocks).sort()).toEqual(['app', 'server', 'team']);
    for (const block of Object.values(blocks)) expect(block).toContain('/tmp/fwb-team');
  });

  it('takes a new user from fwb team dev-server to an analyst publishing, two planners and a manager syncing, and the app as Ana', async () => {
    server = await inBackground(substitute(blocks.server!), /Ctrl-C/);
    expect(server.output()).toContain(`127.0.0.1:${port}`);

    const team = spawnSync('bash', ['-euo', 'pipefail', '-c', substitute(blocks.team!)], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 540_000 });
    expect(team.status, `${team.stdout}\n${team.stderr}`).toBe(0);
    expect(team.stdout).toMatch(/al\.fwb published to the team workbook .* as al \(analyst\)/);
    for (const [login, role] of [['ana', 'planner'], ['ben', 'planner'], ['max', 'manager']]) {
      expect(team.stdout).toMatch(new RegExp(`${login}\\.fwb joined the team workbook .* as ${login} \\(${role}\\): pulled 60 items`));
      expect(team.stdout).toMatch(new RegExp(`synced with the team workbook at postgres://${login}@.* as ${login} \\(${role}\\)`));
    }
    // Every replica holds the analyst's data and is linked as its own login.
    const count = (login: string, sql: string) => {
      const db = new Database(join(dir, `${login}.fwb`), { readonly: true });
      try {
        return db.prepare(sql).pluck().get();
      } finally {
        db.close();
      }
    };
    const lines = count('al', 'SELECT count(*) FROM forecast_lines');
    for (const login of ['ana', 'ben', 'max']) {
      expect(count(login, 'SELECT login FROM team_link')).toBe(login);
      expect(count(login, 'SELECT count(*) FROM forecast_lines')).toBe(lines);
    }

    app = await inBackground(substitute(blocks.app!), /Forecast Workbench at (http:\/\/127\.0\.0\.1:\d+\/\S+)/);
    const printed = new URL(/Forecast Workbench at (\S+)/.exec(app.output())![1]!);
    const session = (await (await fetch(`${printed.origin}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: printed.searchParams.get('code') }) })).json()) as { value: { token: string } };
    const status = async () =>
      (await (await fetch(`${printed.origin}/api/call/teamStatus`, { method: 'POST', headers: { Authorization: `Bearer ${session.value.token}`, 'Content-Type': 'application/json' }, body: '{}' })).json()) as {
        value: { linked: boolean; login: string; lastSync: { ok: boolean } | null; offline: string | null };
      };
    await expect.poll(async () => (await status()).value, { timeout: 60_000, interval: 500 }).toMatchObject({ linked: true, login: 'ana', offline: null, lastSync: { ok: true } });
  }, 600_000);
});
