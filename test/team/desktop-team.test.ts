// The desktop app's team workbook (electron/main/team-menu.ts, team-connect.ts) against a real
// PostgreSQL and real workbooks, with only Electron's objects faked (safeStorage, ipcMain,
// dialogs): File › Connect keeps the password in the keychain and links the workbook; the
// sync then takes it from there (no PGPASSWORD, no ~/.pgpass); the password is never in the
// workbook's bytes, the status or a message; the page's IPC answers only the app's own page;
// Disconnect is asked, and unsent decisions hold it back until confirmed a second time.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { DesktopTeam, registerTeamIpc } from '../../electron/main/team-menu';
import { keychainPasswords } from '../../electron/main/team-password';
import { TEAM_CONNECT_CHANNEL, teamPageChannel, type TeamConnectAnswer, type TeamStatus } from '../../shared/team-status';
import type { Result } from '../../shared/domain';
import { fwb } from './fwb';
import { startTestServer, type TestServer } from './server';

const PASSWORD = { al: 'al-pw-8812', ana: 'ana-Secret-7731' };
const page = { kind: 'dev' as const, url: 'http://localhost:5173/' };

/** A stand-in for the OS keychain: "encrypts" by reversing the bytes, so the plain text never lands in its file. */
const keychain = () => ({
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(s, 'utf8').reverse(),
  decryptString: (b: Buffer) => Buffer.from(b).reverse().toString('utf8'),
});

describe('the desktop app’s team workbook', () => {
  let server: TestServer;
  let dir: string;
  let backend: Backend;
  let keyFile: Record<string, string> = {};
  const passwords = keychainPasswords(keychain(), () => ({ ...keyFile }), (all) => (keyFile = all));
  const team = new DesktopTeam({ passwords, everyS: 600 });
  const anaDb = () => join(dir, 'ana.sqlite');
  const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };

  beforeAll(async () => {
    // Only the keychain may give the password: libpq's conventions are emptied.
    delete process.env.PGPASSWORD;
    process.env.PGPASSFILE = '/nonexistent/pgpass';
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'fwb-desktop-team-'));
    expect(fwb(['team', 'init', '--url', server.url], { password: server.password }).status).toBe(0);
    for (const [login, role] of [['al', 'analyst'], ['ana', 'planner']] as const) {
      const run = fwb(['team', 'add-user', '--url', server.url, '--user', login, '--name', login, '--role', role, '--password-stdin'], { password: server.password, input: `${PASSWORD[login]}\n` });
      expect(run.status, run.stderr).toBe(0);
    }
    expect(fwb(['demo', '--db', join(dir, 'al.sqlite'), '--items', '20', '--months', '36', '--seed', '5']).status).toBe(0);
    const join1 = fwb(['team', 'join', '--db', join(dir, 'al.sqlite'), '--url', server.urlFor('al')], { password: PASSWORD.al });
    expect(join1.status, join1.stderr).toBe(0);
    // Ana's new, empty workbook, opened as the desktop app opens one.
    backend = await openInProcess({ dbPath: anaDb(), access: 'write', program: 'test' });
    team.attach(backend, 'ana.sqlite');
  }, 180_000);

  afterAll(async () => {
    await team.detach();
    await backend?.close();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    Object.assign(process.env, saved);
    if (saved.PGPASSWORD === undefined) delete process.env.PGPASSWORD;
    if (saved.PGPASSFILE === undefined) delete process.env.PGPASSFILE;
  });

  /** Every byte of the workbook (with its WAL) and of the keychain's file, as text. */
  const bytesOnDisk = () => [anaDb(), `${anaDb()}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('') + JSON.stringify(keyFile);

  it('connects with the password kept in the keychain only, refusing one in the address and a wrong one without keeping it', async () => {
    const inUrl = await team.connect({ url: server.urlFor('ana').replace('ana@', `ana:${PASSWORD.ana}@`), password: '' });
    expect(inUrl).toEqual({ ok: false, message: expect.stringMatching(/Type the password in the password field/) });
    expect(JSON.stringify(inUrl)).not.toContain(PASSWORD.ana);

    const wrong = await team.connect({ url: server.urlFor('ana'), password: 'not-it-4410' });
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/refused the login "ana".*wrong password/);
    expect(wrong.message).not.toContain('not-it-4410');
    expect(keyFile).toEqual({});
    expect((await team.status()).linked).toBe(false);

    const done = (await team.connect({ url: server.urlFor('ana'), password: PASSWORD.ana })) as Extract<TeamConnectAnswer, { ok: true }>;
    expect(done, JSON.stringify(done)).toMatchObject({ ok: true, how: 'pulled', login: 'ana', role: 'planner' });
    expect(done.message).toMatch(/joined the team workbook .* as ana \(planner\)/);
    expect(Object.keys(keyFile)).toEqual([done.url]);
    expect(passwords.get(done.url)).toBe(PASSWORD.ana);

    // The sync takes the password from the keychain: nothing else could give it here.
    const status = await team.syncNow();
    expect(status).toMatchObject({ linked: true, login: 'ana', role: 'planner', offline: null, lastSync: { ok: true } });
    const rows = new Database(anaDb(), { readonly: true });
    try {
      expect(rows.prepare('SELECT count(*) FROM items').pluck().get()).toBe(20);
      expect(rows.prepare('SELECT url FROM team_link').pluck().get()).toBe(done.url);
    } finally {
      rows.close();
    }
    expect(JSON.stringify(status)).not.toContain(PASSWORD.ana);
    expect(bytesOnDisk()).not.toContain(PASSWORD.ana);

    // A keychain that lost the password: offline, told how to keep it again; connecting again resumes the link.
    passwords.forget(done.url);
    const lost = await team.syncNow();
    expect(lost.offline).toMatch(/asks login "ana" for a password and none was found: .*File › Connect to Team Workbook… with the same address/);
    const again = await team.connect({ url: server.urlFor('ana'), password: PASSWORD.ana });
    expect(again).toMatchObject({ ok: true, how: 'resumed', message: expect.stringMatching(/caught up with the team workbook/) });
    expect(await team.syncNow()).toMatchObject({ offline: null, lastSync: { ok: true } });
  }, 120_000);

  it('answers the page’s teamStatus, syncNow and Connect over IPC, only to the app’s own page', async () => {
    const handlers = new Map<string, (event: unknown, payload?: unknown) => Promise<Result<unknown>>>();
    const ipcMain = { handle: (ch: string, fn: (event: unknown, payload?: unknown) => Promise<Result<unknown>>) => void handlers.set(ch, fn), removeHandler: (ch: string) => void handlers.delete(ch) };
    const remove = registerTeamIpc(ipcMain as never, page, () => team);
    const own = { senderFrame: { url: page.url, parent: null } };
    const stranger = { senderFrame: { url: 'https://example.invalid/', parent: null } };

    const status = (await handlers.get(teamPageChannel('teamStatus'))!(own)) as Result<TeamStatus>;
    expect(status).toMatchObject({ ok: true, value: { linked: true, login: 'ana' } });
    const synced = (await handlers.get(teamPageChannel('syncNow'))!(own)) as Result<TeamStatus>;
    expect(synced).toMatchObject({ ok: true, value: { lastSync: { ok: true } } });
    for (const ch of [teamPageChannel('teamStatus'), teamPageChannel('syncNow'), TEAM_CONNECT_CHANNEL]) {
      expect(await handlers.get(ch)!(stranger, { url: server.urlFor('ana'), password: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await handlers.get(TEAM_CONNECT_CHANNEL)!(own, { url: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    remove();
    expect(handlers.size).toBe(0);
  }, 60_000);

  it('disconnects only when asked, and with unsent decisions only when confirmed again', async () => {
    const line = Number(
      new Database(anaDb(), { readonly: true })
        .prepare('SELECT line_id FROM forecast_lines WHERE run_id = (SELECT max(run_id) FROM forecast_runs) AND lag >= 2 ORDER BY line_id LIMIT 1')
        .pluck()
        .get(),
    );
    const decided = await backend.call('decideLine', { lineId: line, action: 'accept' });
    expect(decided.ok, JSON.stringify(decided)).toBe(true);
    expect((await team.status()).unsent.decisions).toBe(1);

    const asked: string[] = [];
    const answers = (...yes: boolean[]) => ({
      confirm: async (message: string, detail: string) => {
        asked.push(`${message} ${detail}`);
        return yes.shift() ?? false;
      },
    });
    expect(await team.disconnect(answers(false))).toEqual({ done: false, message: null });
    expect(await team.disconnect(answers(true, false))).toEqual({ done: false, message: null });
    expect(asked.at(-1)).toMatch(/1 decision made here has not been sent to the team: sync first \(File › Sync Now\), or confirm/);
    expect((await team.status()).linked).toBe(true);

    const done = await team.disconnect(answers(true, true));
    expect(done).toEqual({ done: true, message: expect.stringMatching(/no longer linked to .*; 1 unsent decision stay/) });
    expect((await team.status()).linked).toBe(false);
    expect(keyFile).toEqual({});
    const db = new Database(anaDb(), { readonly: true });
    try {
      // The link tables are emptied; the data, the journal and the decision stay.
      expect(db.prepare('SELECT count(*) FROM team_link').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM team_sync').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM decisions WHERE line_id = ?').pluck().get(line)).toBe(1);
      expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(20);
    } finally {
      db.close();
    }
    for (const text of asked) expect(text).not.toContain(PASSWORD.ana);
    expect(bytesOnDisk()).not.toContain(PASSWORD.ana);
    // The disconnect is in the audit chain, which still holds.
    const check = fwb(['check', '--db', anaDb()]);
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  }, 60_000);
});
