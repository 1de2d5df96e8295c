// A linked workbook with an unsent decision refuses Disconnect with a sentence that sends the
// person to Sync Now where their host has it: the browser host's page menu is Team workbook ›
// Sync Now (it has no File menu), the desktop app's File › Sync Now. A real workbook, linked to
// a server that does not answer (port 1), reached through the real backend's host calls.
import { afterEach, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { recordTeamLink } from '../../electron/backend/team-replica/state';
import { disconnectFromTeam } from '../../electron/team/app-connect';
import { SYNC_NOW_AT } from '../../shared/team-status';
import { HostTeam } from '../../electron/team/host-team';
import { memoryPasswords } from '../../electron/team/passwords';
import { ok } from '../helpers/api';
import { smallWorkbook, tempDir } from '../helpers/workbook';

describe('the Disconnect refusal names Sync Now where the host offers it', () => {
  let t: ReturnType<typeof tempDir> | undefined;
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    t?.cleanup();
  });

  /** A small workbook linked as planner ana, with one decision the team has not received. */
  async function linkedWithUnsent(): Promise<string> {
    t = tempDir('fwb-sync-now-');
    const { ctx, runId } = await smallWorkbook(t.dir);
    await ok(ctx, 'signIn', { userId: 'ana', displayName: 'Ana', role: 'planner' });
    recordTeamLink(ctx.db, { url: 'postgres://ana@127.0.0.1:1/team', teamId: 't', login: 'ana', role: 'planner', linkedHow: 'pulled', linkedAt: '2026-12-06T00:00:00.000Z' }, {});
    const line = ctx.db.prepare('SELECT line_id FROM forecast_lines WHERE run_id = ? AND lag >= 2 ORDER BY line_id LIMIT 1').pluck().get(runId) as number;
    await ok(ctx, 'decideLine', { lineId: line, action: 'accept' });
    expect(ctx.db.prepare('SELECT count(*) FROM decisions WHERE sync_uuid IS NOT NULL AND team_seq IS NULL').pluck().get()).toBe(1);
    ctx.db.close();
    return ctx.path;
  }

  it('says Team workbook › Sync Now in the browser host', async () => {
    const path = await linkedWithUnsent();
    backend = await openInProcess({ dbPath: path, access: 'write', program: 'test' });
    const team = new HostTeam(backend, { workbookName: 'small.sqlite', everyS: 600 });
    try {
      const answer = await team.disconnect(false);
      expect(answer).toEqual({ done: false, unsent: true, message: '1 decision made here has not been sent to the team: sync first (Team workbook › Sync Now), or confirm that they stay in this workbook only and never reach the team.' });
      expect(answer.message).not.toContain('File ›');
    } finally {
      await team.stop();
    }
  });

  it('says File › Sync Now in the desktop app', async () => {
    const path = await linkedWithUnsent();
    backend = await openInProcess({ dbPath: path, access: 'write', program: 'test' });
    const asked: string[] = [];
    const answer = await disconnectFromTeam(backend, memoryPasswords(), 'small.sqlite', { confirm: async (_m, detail) => (asked.push(detail), asked.length === 1) }, SYNC_NOW_AT.desktop);
    expect(answer).toEqual({ done: false, message: null });
    expect(asked[1]).toBe('1 decision made here has not been sent to the team: sync first (File › Sync Now), or confirm that they stay in this workbook only and never reach the team.');
  });
});
