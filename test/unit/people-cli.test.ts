// fwb import acts as a person when --user names one: a manager or analyst gives
// their passphrase on standard input or in FWB_PASSPHRASE, never on the command line.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { runCli } from '../../electron/cli/main';
import { writeLines } from '../fixtures/import/v_harness';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');

describe('fwb import as a person', () => {
  const t = tempDir('fwb-people-cli-');
  const db = join(t.dir, 'demo.sqlite');
  let n = 0;
  /** A forecast file no batch has held yet (the same bytes twice would be refused as a re-import). */
  const newFile = () => writeLines(t.dir, `f${++n}.csv`, ['sku,month,fcst', `NEW-${n},2027-06-01,${10 + n}`]);

  async function cli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const saved = { ...process.env };
    Object.assign(process.env, options.env ?? {});
    try {
      const status = await runCli(['import', '--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2027-05-01', '--create-items', ...args], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        stdin: options.stdin === undefined ? undefined : Readable.from([options.stdin]),
      });
      return { status, stdout, stderr };
    } finally {
      for (const key of Object.keys(options.env ?? {})) if (saved[key] === undefined) delete process.env[key];
    }
  }
  const query = <T>(sql: string) => {
    const sqlite = new Database(db, { readonly: true });
    try {
      return sqlite.prepare(sql).all() as T[];
    } finally {
      sqlite.close();
    }
  };
  const batches = () => query<{ file_name: string; imported_by: string | null }>('SELECT file_name, imported_by FROM import_batches WHERE file_name LIKE \'f%.csv\' ORDER BY batch_id');

  beforeAll(async () => {
    const { db: sqlite } = await openWorkbook(db, { now: FIXED_NOW });
    generateDemo(sqlite, { items: 12, months: 36, seed: 5 });
    sqlite.close();
  });
  afterAll(() => t.cleanup());

  it('asks a manager for the passphrase before importing anything, and says how to give it', async () => {
    const r = await cli(['--user', 'maria.lopez', newFile()]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('fwb import: maria.lopez (Maria Lopez, manager) signs in with a passphrase: give it on standard input with --passphrase-stdin, or in the environment variable FWB_PASSPHRASE (never on the command line).');
    expect(batches()).toEqual([]);
  });

  it('refuses a wrong passphrase with exit 1, audited, importing nothing', async () => {
    const r = await cli(['--user', 'maria.lopez', newFile()], { env: { FWB_PASSPHRASE: 'not the one' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('fwb import: Wrong passphrase for Maria Lopez. Type it again; passphrases are case-sensitive.\n');
    expect(batches()).toEqual([]);
    const refused = query<{ payload: string }>("SELECT payload FROM audit_log WHERE action = 'session.sign_in_refused'");
    expect(refused.map((r) => JSON.parse(r.payload))).toEqual([expect.objectContaining({ userId: 'maria.lopez', reason: 'wrong passphrase', via: 'cli' })]);
    expect(JSON.stringify(refused)).not.toContain('not the one');
  });

  it('imports as the manager with the passphrase on standard input or in FWB_PASSPHRASE', async () => {
    const piped = await cli(['--user', 'maria.lopez', '--passphrase-stdin', '--json', newFile()], { stdin: 'demo\n' });
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
    const env = await cli(['--user', 'sam.taylor', newFile()], { env: { FWB_PASSPHRASE: 'demo' } });
    expect(env.status, env.stderr).toBe(0);
    expect(batches().slice(-2)).toEqual([
      { file_name: 'f3.csv', imported_by: 'maria.lopez' },
      { file_name: 'f4.csv', imported_by: 'sam.taylor' },
    ]);
    const signIns = query<{ entity_id: string; payload: string }>("SELECT entity_id, payload FROM audit_log WHERE action = 'session.sign_in' ORDER BY audit_id");
    expect(signIns.map((s) => [s.entity_id, JSON.parse(s.payload).via])).toEqual([
      ['maria.lopez', 'cli'],
      ['sam.taylor', 'cli'],
    ]);
  });

  it('never takes a passphrase from the command line, and never echoes one', async () => {
    for (const args of [['--passphrase', 'hunter2-secret'], ['--passphrase=hunter2-secret']]) {
      const r = await cli(['--user', 'maria.lopez', ...args, newFile()]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^fwb import: a passphrase is never taken on the command line \(other programs can read it there\): use --passphrase-stdin or FWB_PASSPHRASE\n/);
      expect(r.stderr).not.toContain('hunter2');
    }
  });

  it('takes a planner by name for what planners import, refuses someone the workbook does not know, and imports anonymously without --user', async () => {
    // A planner imports sales inputs, not forecasts (issue 12.1): the later --kind wins.
    const forecasts = await cli(['--user', 'chen.wei', newFile()]);
    expect(forecasts).toMatchObject({ status: 1, stderr: 'fwb import: Chen Wei is a planner: planners import sales inputs; an analyst or a manager imports forecasts.\n' });
    expect((await cli(['--kind', 'sales-inputs', '--user', 'chen.wei', writeLines(t.dir, 'f7-sales.csv', ['sku,period,sales_input', 'NEW-3,2027-06-01,12'])])).status).toBe(0);
    const unknown = await cli(['--user', 'mallory', newFile()]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('fwb import: Nobody with the id mallory works in this workbook; a manager adds people in the app (sign-in dialog › Someone new).\n');
    expect((await cli([newFile()])).status).toBe(0);
    expect(batches().slice(-2)).toEqual([
      { file_name: 'f7-sales.csv', imported_by: 'chen.wei' },
      { file_name: 'f9.csv', imported_by: null },
    ]);
    expect(query("SELECT * FROM users WHERE user_id = 'mallory'")).toEqual([]);
  });

  it('reads the passphrase from a real pipe in the installed command, and fwb check still passes', () => {
    const fwb = (args: string[], input?: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'fwb.cjs'), ...args], { encoding: 'utf8', cwd: ROOT, input, env: { ...process.env, FWB_PASSPHRASE: '' } });
    const r = fwb(['import', '--db', db, '--kind', 'forecasts', '--model', 'ets', '--origin', '2027-05-01', '--create-items', '--user', 'sam.taylor', '--passphrase-stdin', newFile()], 'demo\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(batches().at(-1)).toEqual({ file_name: 'f10.csv', imported_by: 'sam.taylor' });
    const check = fwb(['check', '--db', db]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});
