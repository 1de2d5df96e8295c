// Whoever holds a single-seat workbook can rewrite its whole audit chain so that
// it verifies again: fwb check alone cannot tell. Backups and exports record the
// chain head, and `fwb check --against COPY` shows the rewrite.
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash } from '../../electron/backend/audit/chain';
import { openWorkbook } from '../../electron/backend/db/open';
import { generateDemo } from '../../electron/backend/demo/generate';
import { governanceHtml } from '../../electron/backend/governance/html';
import { governanceReport } from '../../electron/backend/governance/report';
import { restoreWorkbook } from '../../electron/backend/db/restore';
import { runCli } from '../../electron/cli/main';
import { FIXED_NOW, tempDir } from '../helpers/workbook';

const ROOT = join(import.meta.dirname, '..', '..');
/** fwb in this process (runCli is what bin/fwb.cjs runs): the same commands without a process start each. */
async function fwb(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { status, stdout, stderr };
}

const t = tempDir('fwb-head-');
const path = join(t.dir, 'wb.sqlite');
afterAll(() => t.cleanup());

const head = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT audit_id AS auditId, hash FROM audit_log ORDER BY audit_id DESC LIMIT 1').get() as { auditId: number; hash: string };
  } finally {
    db.close();
  }
};

/**
 * A consistent rewrite, as the file's owner could do it: ana becomes a manager,
 * her user.create entry says so, and every entry from there is re-hashed, so the
 * chain verifies and every row matches its record again.
 */
function rewriteHistory(file: string): void {
  const raw = new Database(file);
  for (const name of raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) raw.exec(`DROP TRIGGER "${name}"`);
  raw.transaction(() => {
    raw.exec("UPDATE users SET role = 'manager' WHERE user_id = 'ana.silva'");
    const entry = raw.prepare("SELECT audit_id, payload FROM audit_log WHERE action = 'user.create' AND entity_id = 'ana.silva'").get() as { audit_id: number; payload: string };
    raw.prepare('UPDATE audit_log SET payload = ? WHERE audit_id = ?').run(entry.payload.replace('"role":"planner"', '"role":"manager"'), entry.audit_id);
    let prev = raw.prepare('SELECT hash FROM audit_log WHERE audit_id < ? ORDER BY audit_id DESC LIMIT 1').pluck().get(entry.audit_id) as string;
    const update = raw.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE audit_id = ?');
    for (const e of raw.prepare('SELECT * FROM audit_log WHERE audit_id >= ? ORDER BY audit_id').all(entry.audit_id) as { audit_id: number; at: string; actor: string | null; action: string; entity: string; entity_id: string | null; payload: string }[]) {
      const hash = entryHash(prev, { at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityId: e.entity_id, payloadJson: e.payload });
      update.run(prev, `${hash}~`, e.audit_id);
      update.run(prev, hash, e.audit_id);
      prev = hash;
    }
  })();
  raw.close();
}

beforeAll(async () => {
  const { db } = await openWorkbook(path, { now: FIXED_NOW });
  generateDemo(db, { items: 20, seed: 4 });
  db.close();
}, 60_000);

describe('the audit chain head in backups and exports', () => {
  it('a backup records the chain head it was taken at', async () => {
    const out = join(t.dir, 'backup.sqlite');
    const run = await fwb('backup', '--db', path, '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    const h = head(path);
    expect(JSON.parse(run.stdout).chainHead).toEqual(h);
    const copy = new Database(out, { readonly: true });
    expect(copy.prepare("SELECT value FROM workbook_meta WHERE key = 'backup_chain_head'").pluck().get()).toBe(`${h.auditId}:${h.hash}`);
    copy.close();
  });

  it('plan and accuracy exports carry it: a CSV column every reader takes, an XLSX document property and provenance sheet', async () => {
    const h = head(path);
    const csv = join(t.dir, 'plan.csv');
    expect((await fwb('export', '--db', path, '--what', 'plan', '--format', 'csv', '--out', csv)).status).toBe(0);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(csv, 'utf8'), { header: true, skipEmptyLines: true, dynamicTyping: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields!.at(-1)).toBe('audit_chain_head');
    expect(new Set(parsed.data.map((r) => r.audit_chain_head))).toEqual(new Set([`${h.auditId}:${h.hash.slice(0, 16)}`]));
    expect(typeof parsed.data[0]!.model_quantity).toBe('number'); // the other columns are what they were

    const accuracy = join(t.dir, 'accuracy.csv');
    expect((await fwb('export', '--db', path, '--what', 'accuracy', '--by', 'reason', '--format', 'csv', '--out', accuracy)).status).toBe(0);
    expect(readFileSync(accuracy, 'utf8').split('\r\n')[0]).toMatch(/,audit_chain_head$/);

    const xlsx = join(t.dir, 'plan.xlsx');
    expect((await fwb('export', '--db', path, '--what', 'plan', '--format', 'xlsx', '--out', xlsx)).status).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx);
    expect(book.description).toContain(`${h.auditId}:${h.hash}`);
    expect(book.worksheets.map((s) => s.name)).toEqual([book.worksheets[0]!.name, 'Provenance']);
    const provenance = book.getWorksheet('Provenance')!;
    const values = provenance.getSheetValues().flat().map(String);
    expect(values).toContain(`${h.auditId}:${h.hash}`);
  });

  it('fwb check alone cannot see a consistent rewrite; --against a backup or an export can', async () => {
    const backup = join(t.dir, 'before.sqlite');
    expect((await fwb('backup', '--db', path, '--out', backup)).status).toBe(0);
    const csv = join(t.dir, 'before.csv');
    expect((await fwb('export', '--db', path, '--what', 'plan', '--format', 'csv', '--out', csv)).status).toBe(0);
    const xlsx = join(t.dir, 'before.xlsx');
    expect((await fwb('export', '--db', path, '--what', 'accuracy', '--by', 'category', '--format', 'xlsx', '--out', xlsx)).status).toBe(0);

    const untouched = await fwb('check', '--db', path, '--against', backup, '--json');
    expect(untouched.status, untouched.stdout).toBe(0);
    expect(JSON.parse(untouched.stdout).against).toMatchObject({ file: backup, verdict: 'continues' });

    const rewritten = join(t.dir, 'rewritten.sqlite');
    copyFileSync(path, rewritten);
    rewriteHistory(rewritten);
    expect((await fwb('check', '--db', rewritten)).status).toBe(0); // the limit of a chain kept in the file itself
    for (const copy of [backup, csv, xlsx]) {
      const run = await fwb('check', '--db', rewritten, '--against', copy);
      expect(run.status, `${copy}: ${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stdout).toMatch(/FAILED — audit entry \d+ differs from the one before\.(sqlite|csv|xlsx) recorded: the audit chain was rewritten since that copy was made/);
    }
    // Entries cut off the end (with the rows they recorded) show the same way.
    const cut = join(t.dir, 'cut.sqlite');
    copyFileSync(path, cut);
    const raw = new Database(cut);
    raw.exec('DROP TRIGGER audit_log_append_only_delete');
    raw.prepare('DELETE FROM audit_log WHERE audit_id = (SELECT max(audit_id) FROM audit_log)').run();
    raw.close();
    const truncated = JSON.parse((await fwb('check', '--db', cut, '--against', backup, '--json')).stdout);
    expect(truncated).toMatchObject({ ok: false, against: { verdict: 'truncated' } });
    expect(truncated.firstProblem.message).toMatch(/which this workbook no longer has/);
  });

  it('--against a file with no chain head is refused with a sentence', async () => {
    const notes = join(t.dir, 'notes.csv');
    copyFileSync(join(ROOT, 'test', 'fixtures', 'import', 'pipe.csv'), notes);
    const run = await fwb('check', '--db', path, '--against', notes);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/notes\.csv carries no audit chain head to compare with/);
  });

  it('a restore says whether the workbook it replaces continued the backup’s chain', async () => {
    const work = join(t.dir, 'restore-me.sqlite');
    copyFileSync(path, work);
    const backup = join(t.dir, 'restore-backup.sqlite');
    expect((await fwb('backup', '--db', work, '--out', backup)).status).toBe(0);
    rewriteHistory(work);
    const done = await restoreWorkbook(work, backup, { now: FIXED_NOW });
    expect(done).toMatchObject({ chainHead: head(backup), replacedChain: 'rewritten' });
    const cli = join(t.dir, 'restore-cli.sqlite');
    copyFileSync(path, cli);
    const run = await fwb('restore', '--db', cli, '--from', backup);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/its audit chain continued this backup's/);
  });

  it('the governance report says the owner of a single-seat file can rewrite its chain, and gives the head', async () => {
    const { db } = await openWorkbook(path, { readonly: true });
    const report = governanceReport(db, FIXED_NOW());
    db.close();
    expect(report.accountability.auditChain).toMatchObject({ head: head(path) });
    expect(report.accountability.auditChain.note).toMatch(/whoever holds this file can rewrite the whole chain/i);
    expect(report.accountability.auditChain.note).toMatch(/team workbooks anchor it in the database/i);
    const html = governanceHtml(report);
    expect(html).toContain(report.accountability.auditChain.note.slice(0, 60));
    expect(html).toContain(head(path).hash.slice(0, 16));
  });
});

