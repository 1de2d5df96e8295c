// Items changed after they were first published reach the team (issue 15: "analysts import …
// items"), with a real PostgreSQL and real replicas made by fwb team join from the demo
// workbook. An item's category chooses the policy that judges decisions on its lines, so:
// the analyst re-imports the item master changing one item's category and syncs; the server
// keeps the change as a new version of the item (audited) and judges a decision arriving after
// it by the new category's policy, one that arrived before it is not judged again; a planner's
// sync brings the new category, and the planner's replica judges by it too. A planner's items
// import is refused by the replica, and raw SQL under a planner's login cannot change an item;
// a sync killed with SIGKILL during the publication and run again makes one version; fwb check
// and fwb check --team are ok on every replica.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccuracyCube } from '../../electron/backend/accuracy/cube';
import { openWorkbook, type Db } from '../../electron/backend/db/open';
import { cubeRows } from '../helpers/cube-rows';
import { initTeam } from '../../electron/team/init';
import { fwb } from './fwb';
import { adminClient } from './server';
import { FOUR, call, teamFixture } from './team-fixture';

type Login = keyof typeof FOUR;
interface OpenLine {
  line_id: number;
  item_id: string;
  category: string;
}

describe('items changed after they were first published', () => {
  const team = teamFixture({ people: FOUR, passwordTag: '5150', tag: 'items', demo: { items: 40, seed: 11 }, joined: ['al', 'ana', 'ben', 'max'] });
  const { passwordOf, dbOf, sync, onReplica, read, teamRows, teamCount, asMember } = team;
  const csv = (name: string, lines: string[]) => {
    const path = join(team.dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const check = (login: Login) => {
    const own = fwb(['check', '--db', dbOf(login), '--json']);
    expect(own.status, `${login}: ${own.stdout}${own.stderr}`).toBe(0);
    const withTeam = fwb(['check', '--db', dbOf(login), '--team'], { password: passwordOf(login) });
    expect(withTeam.status, `${login} --team: ${withTeam.stdout}${withTeam.stderr}`).toBe(0);
  };
  /** The replica's accuracy cube brought current as the app does; `cold`: built afresh in a copy of the workbook. */
  let copies = 0;
  async function cubeOf(login: Login, cold = false): Promise<Record<string, string[]>> {
    let path = dbOf(login);
    if (cold) {
      path = join(team.dir, `cold-${++copies}.db`);
      const src = new Database(dbOf(login), { readonly: true });
      src.exec(`VACUUM INTO '${path}'`);
      src.close();
    }
    const { db }: { db: Db } = await openWorkbook(path);
    try {
      if (cold) db.exec("DELETE FROM accuracy_cells; DELETE FROM accuracy_override_cells; DELETE FROM accuracy_runs; DELETE FROM workbook_meta WHERE key LIKE 'accuracy_%';");
      ensureAccuracyCube(db);
      return cubeRows(db, 10);
    } finally {
      db.close();
    }
  }
  /** The item whose category changes, its three open lines, and the category it moves to. */
  let item: string;
  let from: string;
  let to: string;
  let lines: OpenLine[];

  beforeAll(async () => {
    await team.start();
    const open = read<OpenLine>(
      'ana',
      `SELECT l.line_id, i.item_id, i.category FROM forecast_lines l JOIN items i ON i.item_key = l.item_key
        WHERE l.run_id = (SELECT max(run_id) FROM forecast_runs) AND l.lag >= 2 AND l.quantity >= 50
          AND NOT EXISTS (SELECT 1 FROM actuals a WHERE a.item_key = l.item_key AND a.location_key = l.location_key AND a.period = l.period)
        ORDER BY i.item_id, l.line_id`,
    );
    const byItem = new Map<string, OpenLine[]>();
    for (const l of open) byItem.set(l.item_id, [...(byItem.get(l.item_id) ?? []), l]);
    const chosen = [...byItem.values()].find((ls) => ls.length >= 4)!;
    expect(chosen).toBeDefined();
    lines = chosen;
    item = chosen[0]!.item_id;
    from = chosen[0]!.category;
    to = read<{ category: string }>('ana', 'SELECT DISTINCT category FROM items WHERE category <> ? ORDER BY category LIMIT 1', from)[0]!.category;
  }, 180_000);
  afterAll(async () => {
    await team.stop();
  });

  it('keeps the analyst’s change as a new version; a decision arriving after it is judged by the new category’s policy, one before it is not', async () => {
    // The manager's policy for the category the item moves to: any override of more than 1 % waits for approval (all items: 25 %).
    await onReplica('max', (b) =>
      call(b, 'savePolicy', { segmentType: 'category', segmentValue: to, modelRole: 'assist', approvalPct: 1, approvalUnits: 100_000, freezeLags: 0, commentPct: 50, driftThresholdPts: 5 }),
    );
    sync('max');
    sync('ana');
    sync('ben');
    const override = { action: 'override', percent: 10, reasonCode: 'promotion' };
    const cubeBefore = await cubeOf('ben');
    const [before, offline, after, spare] = lines;

    // Ana's decision arrives before the change: judged by the policy for all items.
    const early = await onReplica('ana', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: before!.line_id, ...override }));
    expect(early.lineState.status).toBe('final');
    sync('ana');
    // Ben decides offline, before he has the change; his decision will arrive after it.
    const unsent = await onReplica('ben', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: offline!.line_id, ...override }));
    expect(unsent.lineState.status).toBe('final');

    // The analyst re-imports the item master with the item in another category, and syncs.
    const file = csv('items-recut.csv', ['item_id,category', `${item},${to}`]);
    const imported = fwb(['import', '--db', dbOf('al'), '--kind', 'items', '--json', file]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(read('al', 'SELECT count(*) AS n FROM team_item_changes')).toEqual([{ n: 1 }]);
    const published = sync('al');
    expect(published.publications).toEqual([expect.objectContaining({ fileName: 'items-recut.csv', kind: 'items', status: 'published', changedItems: 1 })]);
    expect(read('al', 'SELECT count(*) AS n FROM team_item_changes')).toEqual([{ n: 0 }]);
    expect(read('al', 'SELECT category FROM items WHERE item_id = ?', item)).toEqual([{ category: to }]);

    // On the server: the item in force has the new category; both versions kept, the change audited once.
    expect(await teamRows('SELECT category FROM fwb.items WHERE item_id = $1', [item])).toEqual([{ category: to }]);
    expect(
      await teamRows(
        `SELECT v.version, v.category, v.published_by, b.file_name FROM fwb.item_versions v JOIN fwb.items i USING (item_key) LEFT JOIN fwb.import_batches b ON b.batch_id = v.batch_id
          WHERE i.item_id = $1 ORDER BY v.version`,
        [item],
      ),
    ).toEqual([
      { version: 1, category: from, published_by: null, file_name: expect.any(String) },
      { version: 2, category: to, published_by: 'al', file_name: 'items-recut.csv' },
    ]);
    expect(await teamRows(`SELECT actor, payload->'versions'->0->'before'->>'category' AS was, payload->'versions'->0->'version'->>'category' AS now FROM fwb.audit_log WHERE action = 'item.versions'`)).toEqual([
      { actor: 'al', was: from, now: to },
    ]);

    // Ben's offline decision arrives after the change: the server judges it by the new category's policy, and his replica follows.
    const benSync = sync('ben');
    expect(benSync.pulled.items).toBeGreaterThanOrEqual(1);
    expect(read('ben', 'SELECT category FROM items WHERE item_id = ?', item)).toEqual([{ category: to }]);
    // Accuracy by category follows the item, as after an items import: the replica's cube equals one built afresh.
    const cubeAfter = await cubeOf('ben');
    expect(cubeAfter).not.toEqual(cubeBefore);
    expect(cubeAfter).toEqual(await cubeOf('ben', true));
    const toPolicy = await teamRows(`SELECT seq FROM fwb.policies WHERE segment_type = 'category' AND segment_value = $1 ORDER BY seq DESC LIMIT 1`, [to]);
    expect(await teamRows('SELECT status, policy_seq FROM fwb.decisions WHERE line_id = $1', [offline!.line_id])).toEqual([{ status: 'pending_approval', policy_seq: toPolicy[0]!.seq }]);
    expect(read('ben', 'SELECT status FROM line_state WHERE line_id = ?', offline!.line_id)).toEqual([{ status: 'pending_approval' }]);

    // Ben's next decision on the item's line: the new category's policy on his replica and on the server.
    const late = await onReplica('ben', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: after!.line_id, ...override }));
    expect(late.lineState.status).toBe('pending_approval');
    sync('ben');
    expect(await teamRows('SELECT status, decided_by FROM fwb.decisions WHERE line_id = $1', [after!.line_id])).toEqual([{ status: 'pending_approval', decided_by: 'ben' }]);

    // Ana's decision that arrived before the change is not judged again, on the server nor on any replica.
    const allPolicy = await teamRows(`SELECT seq FROM fwb.policies WHERE segment_type = 'all' ORDER BY seq DESC LIMIT 1`);
    expect(await teamRows('SELECT status, policy_seq FROM fwb.decisions WHERE line_id = $1', [before!.line_id])).toEqual([{ status: 'final', policy_seq: allPolicy[0]!.seq }]);
    for (const login of ['ana', 'ben', 'max'] as const) {
      sync(login);
      expect(read(login, 'SELECT category FROM items WHERE item_id = ?', item)).toEqual([{ category: to }]);
      expect(read(login, 'SELECT status FROM line_state WHERE line_id = ?', before!.line_id)).toEqual([{ status: 'final' }]);
    }
    // Ana's replica judges her next decision by the new category too.
    const anaLate = await onReplica('ana', (b) => call<{ lineState: { status: string } }>(b, 'decideLine', { lineId: spare!.line_id, ...override }));
    expect(anaLate.lineState.status).toBe('pending_approval');
    sync('ana');
    expect(await teamRows('SELECT status FROM fwb.decisions WHERE line_id = $1', [spare!.line_id])).toEqual([{ status: 'pending_approval' }]);

    // The same import again changes nothing: no new version.
    const again = fwb(['import', '--db', dbOf('al'), '--kind', 'items', '--force', '--json', csv('items-recut-again.csv', ['item_id,category', `${item},${to}`])]);
    expect(again.status, again.stderr).toBe(0);
    expect(sync('al').publications).toEqual([expect.objectContaining({ fileName: 'items-recut-again.csv', status: 'published', changedItems: 0 })]);
    expect(await teamCount('SELECT count(*) AS n FROM fwb.item_versions')).toBe(2);
    for (const login of ['al', 'ana', 'ben', 'max'] as const) check(login);
  }, 300_000);

  it('refuses a planner’s items import on the replica, and any change of an item through raw SQL under a planner’s login', async () => {
    const file = csv('ana-items.csv', ['item_id,category', `${item},${from}`]);
    const run = fwb(['import', '--db', dbOf('ana'), '--kind', 'items', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/login "ana" is a planner, and a planner publishes sales inputs; analysts import items\. Nothing was imported\./);
    expect(read('ana', `SELECT count(*) AS n FROM import_batches WHERE file_name = 'ana-items.csv'`)).toEqual([{ n: 0 }]);

    const versions = await teamCount('SELECT count(*) AS n FROM fwb.item_versions');
    await asMember('ana', async (c) => {
      await expect(c.query(`UPDATE fwb.items SET category = $1 WHERE item_id = $2`, [from, item])).rejects.toThrow(/permission denied/);
      await expect(c.query(`INSERT INTO fwb.item_versions (item_key, version, name, category) SELECT item_key, 9, name, $1 FROM fwb.items WHERE item_id = $2`, [from, item])).rejects.toThrow(/permission denied/);
      await expect(c.query(`SELECT fwb.stage_import('items')`)).rejects.toThrow('Only analysts may publish items, forecasts and actuals; Ana Lima (login "ana") is a planner.');
      await expect(c.query(`SELECT fwb.publish_new_rows('{}')`)).rejects.toThrow(/permission denied/);
      // Staged as a kind a planner may publish, with an items batch row: the staged kind decides.
      await c.query('BEGIN');
      try {
        await c.query(`SELECT fwb.stage_import('sales_inputs')`);
        await c.query(`INSERT INTO pg_temp.fwb_import_batch (uuid, kind, file_name) VALUES (gen_random_uuid(), 'items', 'sneaky.csv')`);
        await c.query(`INSERT INTO pg_temp.fwb_import_items (item_id, name, category) VALUES ($1, 'x', $2)`, [item, from]);
        await expect(c.query(`SELECT fwb.publish_import('{}')`)).rejects.toThrow('Only analysts may publish items, forecasts and actuals; Ana Lima (login "ana") is a planner.');
      } finally {
        await c.query('ROLLBACK');
      }
    });
    expect(await teamCount('SELECT count(*) AS n FROM fwb.item_versions')).toBe(versions);
    expect(await teamRows('SELECT category FROM fwb.items WHERE item_id = $1', [item])).toEqual([{ category: to }]);
    // Not even the schema's owner changes an item in place, nor removes one: a change is a new version.
    await expect(team.admin.query(`UPDATE fwb.items SET category = $1 WHERE item_id = $2`, [from, item])).rejects.toThrow(/an item changes only by a new version/);
    await expect(team.admin.query(`UPDATE fwb.item_versions SET category = $1`, [from])).rejects.toThrow(/append-only/);
  });

  it('applies only what the file named: another change of other fields, published meanwhile, stays', async () => {
    // Published under the analyst's login while his replica has not pulled it (another analyst's publication, say).
    const elsewhere = await asMember('al', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT fwb.stage_import('items')`);
        await c.query(`INSERT INTO pg_temp.fwb_import_batch (uuid, kind, file_name) VALUES (gen_random_uuid(), 'items', 'families.csv')`);
        await c.query(`INSERT INTO pg_temp.fwb_import_items (item_id, family) VALUES ($1, 'Orchard')`, [item]);
        const out = (await c.query(`SELECT fwb.publish_import('{}') AS out`)).rows[0].out;
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      }
    });
    expect(elsewhere).toMatchObject({ status: 'published', changedItems: 1 });
    expect(read('al', 'SELECT family FROM items WHERE item_id = ?', item)).not.toEqual([{ family: 'Orchard' }]);

    expect(fwb(['import', '--db', dbOf('al'), '--kind', 'items', csv('items-unit.csv', ['item_id,unit,shelf', `${item},case,top`])]).status).toBe(0);
    expect(sync('al').publications).toEqual([expect.objectContaining({ fileName: 'items-unit.csv', status: 'published', changedItems: 1 })]);
    const inForce = { category: (await teamRows('SELECT category FROM fwb.items WHERE item_id = $1', [item]))[0]!.category, family: 'Orchard', unit: 'case' };
    expect(await teamRows(`SELECT category, family, unit, attributes->>'shelf' AS shelf FROM fwb.items WHERE item_id = $1`, [item])).toEqual([{ ...inForce, shelf: 'top' }]);
    expect(read('al', `SELECT category, family, unit, json_extract(attributes, '$.shelf') AS shelf FROM items WHERE item_id = ?`, item)).toEqual([{ ...inForce, shelf: 'top' }]);
    sync('ana');
    expect(read('ana', 'SELECT category, family, unit FROM items WHERE item_id = ?', item)).toEqual([inForce]);
  }, 180_000);

  it('makes one version when the sync is killed with SIGKILL during the publication and run again', async () => {
    const file = csv('items-brand.csv', ['item_id,brand', `${item},Kilnworks`]);
    expect(fwb(['import', '--db', dbOf('al'), '--kind', 'items', file]).status).toBe(0);
    // The journal's lock held: the publication waits inside publish_import, staged, not committed, and is killed there.
    await team.syncKilledWhileJournalLocked('al');
    expect(await teamCount(`SELECT count(*) AS n FROM fwb.item_versions WHERE brand = 'Kilnworks'`)).toBe(0);

    expect(sync('al').publications).toEqual([expect.objectContaining({ fileName: 'items-brand.csv', status: 'published', changedItems: 1 })]);
    expect(sync('al').publications).toEqual([]);
    expect(await teamCount(`SELECT count(*) AS n FROM fwb.item_versions WHERE brand = 'Kilnworks'`)).toBe(1);
    expect(await teamCount(`SELECT count(*) AS n FROM fwb.import_batches WHERE file_name = 'items-brand.csv'`)).toBe(1);
    expect(await teamRows('SELECT category, brand FROM fwb.items WHERE item_id = $1', [item])).toEqual([{ category: to, brand: 'Kilnworks' }]);

    // Sent again by hand under the analyst's login (an answer lost after the commit): the stored batch answers, nothing changes twice.
    const uuid = (await teamRows(`SELECT uuid FROM fwb.import_batches WHERE file_name = 'items-brand.csv'`))[0]!.uuid as string;
    const answer = await asMember('al', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT fwb.stage_import('items')`);
        await c.query(`INSERT INTO pg_temp.fwb_import_batch (uuid, kind, file_name) VALUES ($1, 'items', 'items-brand.csv')`, [uuid]);
        await c.query(`INSERT INTO pg_temp.fwb_import_items (item_id, name, brand) VALUES ($1, 'x', 'Other')`, [item]);
        const out = (await c.query(`SELECT fwb.publish_import('{}') AS out`)).rows[0].out;
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      }
    });
    expect(answer).toMatchObject({ status: 'published', again: true, changedItems: 1 });
    expect(await teamCount(`SELECT count(*) AS n FROM fwb.item_versions WHERE brand = 'Other'`)).toBe(0);

    for (const login of ['ana', 'ben', 'max'] as const) {
      sync(login);
      expect(read(login, 'SELECT category, brand FROM items WHERE item_id = ?', item)).toEqual([{ category: to, brand: 'Kilnworks' }]);
    }
    for (const login of ['al', 'ana', 'ben', 'max'] as const) check(login);
  }, 180_000);

  it('puts the team’s items back on the replica when the team refuses an items batch that changed them', async () => {
    const teamFamily = (await teamRows('SELECT family FROM fwb.items WHERE item_id = $1', [item]))[0]!.family as string | null;
    expect(fwb(['import', '--db', dbOf('al'), '--kind', 'items', csv('items-family.csv', ['item_id,family', `${item},Nightshift`])]).status).toBe(0);
    expect(read('al', 'SELECT family FROM items WHERE item_id = ?', item)).toEqual([{ family: 'Nightshift' }]);
    // Al is moved to the planners before his sync: the team refuses his items batch.
    const role = (r: string) => fwb(['team', 'add-user', '--url', team.server.url, '--user', 'al', '--name', 'Al Ortiz', '--role', r, '--password-stdin'], { password: team.server.password, input: `${passwordOf('al')}\n` });
    expect(role('planner').status).toBe(0);
    try {
      const refused = sync('al', 3);
      expect(refused.publications).toEqual([
        expect.objectContaining({
          fileName: 'items-family.csv',
          status: 'refused',
          reason: expect.stringMatching(/Only analysts may publish items, forecasts and actuals; Al Ortiz \(login "al"\) is a planner\./),
        }),
      ]);
      expect(read<{ reason: string }>('al', `SELECT reason FROM team_publications WHERE file_name = 'items-family.csv'`)[0]!.reason).toMatch(
        /is a planner\. The item of the team it changed is put back as the team holds it by the pull; any item it created stays in this workbook alone\.$/,
      );
      expect(await teamCount(`SELECT count(*) AS n FROM fwb.item_versions WHERE family = 'Nightshift'`)).toBe(0);
      expect(read('al', 'SELECT family FROM items WHERE item_id = ?', item)).toEqual([{ family: teamFamily }]);
      expect(read('al', 'SELECT count(*) AS n FROM team_item_changes')).toEqual([{ n: 0 }]);
    } finally {
      expect(role('analyst').status).toBe(0);
    }
    expect(sync('al').publications).toEqual([]);
    check('al');
  }, 180_000);

  it('keeps an items batch that changed the team’s items unsent, in a sentence, while the team database is of version 7; the upgrade lets it through', async () => {
    await team.admin.query('CREATE DATABASE items_v7');
    const adminUrl = team.server.urlFor('fwb_admin', 'items_v7');
    const before = process.env.PGPASSWORD;
    process.env.PGPASSWORD = team.server.password;
    try {
      expect(await initTeam(adminUrl, { upTo: 7 })).toMatchObject({ created: true, schemaVersion: 7 });
    } finally {
      if (before === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = before;
    }
    const add = fwb(['team', 'add-user', '--url', adminUrl, '--user', 'al', '--name', 'Al Ortiz', '--role', 'analyst', '--password-stdin'], { password: team.server.password, input: `${passwordOf('al')}\n` });
    expect(add.status, add.stderr).toBe(0);
    const file = join(team.dir, 'al-v7.db');
    expect(fwb(['demo', '--db', file, '--items', '40', '--months', '36', '--seed', '3']).status).toBe(0);
    const joined = fwb(['team', 'join', '--db', file, '--url', team.server.urlFor('al', 'items_v7')], { password: passwordOf('al') });
    expect(joined.status, joined.stderr).toBe(0);
    const one = new Database(file, { readonly: true });
    const { item_id: id } = one.prepare('SELECT item_id FROM items ORDER BY item_key LIMIT 1').get() as { item_id: string };
    one.close();
    expect(fwb(['import', '--db', file, '--kind', 'items', csv('items-v7.csv', ['item_id,brand', `${id},Upgraded`])]).status).toBe(0);

    const held = fwb(['sync', '--db', file], { password: passwordOf('al') });
    expect(held.status).toBe(3);
    expect(held.stderr).toContain(
      "The team's database does not take changes to its items yet (its schema is older than this fwb's): ask the team's administrator to run fwb team init --url ADMIN_URL, which upgrades it; items-v7.csv stays unsent.",
    );
    const v7 = await adminClient(team.server, 'items_v7');
    try {
      expect(Number((await v7.query(`SELECT count(*) AS n FROM fwb.import_batches WHERE file_name = 'items-v7.csv'`)).rows[0].n)).toBe(0);
      expect(fwb(['team', 'init', '--url', adminUrl], { password: team.server.password }).status).toBe(0);
      const synced = fwb(['sync', '--db', file], { password: passwordOf('al') });
      expect(synced.status, synced.stderr).toBe(0);
      expect(synced.stdout).toMatch(/Published items-v7\.csv \(items\) to the team as batch \d+; its rows now carry the team's ids; 1 item the team held has a new version, which judges decisions from now on\./);
      expect((await v7.query('SELECT brand FROM fwb.items WHERE item_id = $1', [id])).rows).toEqual([{ brand: 'Upgraded' }]);
    } finally {
      await v7.end();
    }
  }, 180_000);
});
