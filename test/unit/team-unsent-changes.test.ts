// A manager's policy, reason-code and release changes waiting in a linked workbook count as
// unsent where decisions do: the status bar's "to send", and Disconnect, which refuses to drop
// them silently. A real workbook linked to a server that does not answer (port 1), through the
// real backend's host calls and the browser host's team service.
import { afterEach, describe, expect, it } from 'vitest';
import { openInProcess, type Backend } from '../../electron/backend/host-entry';
import { recordTeamLink } from '../../electron/backend/team-replica/state';
import { HostTeam } from '../../electron/team/host-team';
import { ok } from '../helpers/api';
import { signInAs } from '../helpers/people';
import { smallWorkbook, tempDir } from '../helpers/workbook';

describe('a manager’s unsent changes in a linked workbook', () => {
  let t: ReturnType<typeof tempDir> | undefined;
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    t?.cleanup();
  });

  it('are counted to send in the team status, and Disconnect asks before they stay here only', async () => {
    t = tempDir('fwb-unsent-changes-');
    const { ctx } = await smallWorkbook(t.dir);
    const session = await signInAs(ctx, { userId: 'maria', displayName: 'Maria Lopez', role: 'manager' });
    const login = session.user!.userId;
    recordTeamLink(ctx.db, { url: 'postgres://maria@127.0.0.1:1/team', teamId: 't', login, role: 'manager', linkedHow: 'pulled', linkedAt: '2026-12-06T00:00:00.000Z' }, {});
    await ok(ctx, 'savePolicy', { segmentType: 'all', segmentValue: '*', modelRole: 'assist', approvalPct: 5, approvalUnits: 1000, freezeLags: 0, commentPct: 20, driftThresholdPts: 5 });
    await ok(ctx, 'saveReasonCode', { code: 'weather', label: 'Weather', commentRequired: false, active: true });
    ctx.db.close();

    backend = await openInProcess({ dbPath: ctx.path, access: 'write', program: 'test' });
    const team = new HostTeam(backend, { workbookName: 'small.sqlite', everyS: 600 });
    try {
      const status = await team.status();
      expect(status).toMatchObject({ linked: true, unsent: { decisions: 0, reviews: 0 }, unsentChanges: 2 });
      const answer = await team.disconnect(false);
      expect(answer).toEqual({
        done: false,
        unsent: true,
        message: '2 policy, reason-code or release changes made here have not been sent to the team: sync first (Team workbook › Sync Now), or confirm that they stay in this workbook only and never reach the team.',
      });
      const kept = await team.disconnect(true);
      expect(kept).toEqual({ done: true, message: 'small.sqlite is no longer linked to postgres://maria@127.0.0.1:1/team; 2 unsent changes stay in this workbook only.' });
    } finally {
      await team.stop();
    }
  });
});
