// The host's team sync timer (electron/team/app-sync.ts) against a workbook linked to a
// server that does not answer: it says offline in a sentence without the password, and
// waits longer after each failure (doubling to the cap) instead of retrying every period.
// A single-seat workbook never tries at all.
import { afterEach, describe, expect, it } from 'vitest';
import { startTeamSync, type HostCalls, type TeamSyncService } from '../../electron/team/app-sync';
import type { Result } from '../../shared/domain';

/** A workbook as the host calls see it: linked to `url` (or not), nothing unsent; counts each look at its link. */
function workbook(url: string | null): HostCalls & { looks: number } {
  const wb = {
    looks: 0,
    async hostCall(method: string): Promise<Result<unknown>> {
      if (method === 'teamReplicaState') {
        wb.looks += 1;
        return { ok: true, value: { link: url === null ? null : { url, teamId: 't', login: 'ana', role: 'planner', linkedHow: 'pulled', linkedAt: '2026-12-06T00:00:00Z' } } };
      }
      if (method === 'teamSyncLedger') return { ok: true, value: { unsent: { decisions: 2, reviews: 0 }, refusals: [], conflicts: [] } };
      return { ok: false, error: { code: 'INTERNAL', message: `unexpected ${method}` } };
    },
  };
  return wb;
}

const services: TeamSyncService[] = [];
afterEach(() => services.splice(0).forEach((s) => s.stop()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the host’s team sync timer', () => {
  it('backs off while the server does not answer, and says why without the password', async () => {
    const secret = 'pw-never-shown-8812';
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = secret;
    try {
      // Port 1 on loopback: refused at once.
      const wb = workbook('postgres://ana@127.0.0.1:1/team');
      const sync = startTeamSync(wb, { workbookName: 'ana.db', everyS: 0.05, capS: 0.4 });
      services.push(sync);
      await sleep(1500);
      const status = await sync.status();
      expect(status).toMatchObject({ linked: true, login: 'ana', role: 'planner', unsent: { decisions: 2, reviews: 0 }, lastSync: { ok: false } });
      expect(status.offline).toMatch(/^No PostgreSQL server answers at 127\.0\.0\.1:1 /);
      expect(JSON.stringify(status)).not.toContain(secret);
      // Every 50 ms would be ~30 tries in 1.5 s (two looks at the link each: ~60). Doubling to 400 ms makes at most
      // 7 (at 0, 50, 150, 350, 750, 1150 ms, one more for a late timer), two looks each, plus status's own: under 16.
      expect(wb.looks).toBeGreaterThanOrEqual(4);
      expect(wb.looks).toBeLessThan(16);
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
  });

  it('never reaches for a server in a single-seat workbook', async () => {
    const wb = workbook(null);
    const sync = startTeamSync(wb, { workbookName: 'solo.db', everyS: 0.05 });
    services.push(sync);
    const status = await sync.syncNow();
    expect(status).toMatchObject({ linked: false, login: null, offline: null, lastSync: null });
  });

  it('waits on stop for a sync in flight, so the workbook is not closed under it, and starts no new one', async () => {
    let release: () => void = () => {};
    let inFlight = 0;
    let finished = 0;
    const wb = workbook('postgres://ana@127.0.0.1:1/team');
    const slow: HostCalls = {
      async hostCall(method, payload) {
        inFlight += 1;
        // The sync's first look at the workbook is held until released, as a busy backend would.
        await new Promise<void>((r) => (release = r));
        finished += 1;
        return wb.hostCall(method, payload);
      },
    };
    const sync = startTeamSync(slow, { workbookName: 'ana.db', everyS: 0.05 });
    await sleep(50);
    expect(inFlight).toBe(1);
    let stopped = false;
    const stopping = Promise.resolve(sync.stop()).then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(1);
    // Stopped while it looked at the link: it went no further, and no timer starts another.
    await sleep(300);
    expect(inFlight).toBe(1);
  });

  it('gives up waiting for a sync that never ends after the bound', async () => {
    const hung: HostCalls = { hostCall: () => new Promise<Result<unknown>>(() => {}) };
    const sync = startTeamSync(hung, { workbookName: 'ana.db', everyS: 0.05, stopWaitS: 0.3 });
    await sleep(30);
    const t0 = Date.now();
    await sync.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
