// The throwaway PostgreSQL the team tests and `fwb team dev-server` start: a real server
// on 127.0.0.1 with SCRAM passwords, stopped cleanly, and a sentence when there is none to start.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findServerBinaries, startLocalServer } from '../../electron/team/local-server';
import { startTestServer } from './server';

describe('a local PostgreSQL', () => {
  it('starts on 127.0.0.1 with a SCRAM admin login, refuses a wrong password, and stops', async () => {
    const server = await startTestServer();
    try {
      const admin = await server.connectAs('fwb_admin', server.password);
      const { rows } = await admin.query(`SELECT current_setting('server_version_num')::int AS v, current_setting('listen_addresses') AS listen, current_setting('password_encryption') AS enc`);
      await admin.end();
      expect(rows[0].v).toBeGreaterThanOrEqual(140000);
      expect(rows[0].listen).toBe('127.0.0.1');
      expect(rows[0].enc).toBe('scram-sha-256');
      await expect(server.connectAs('fwb_admin', 'not-the-password')).rejects.toMatchObject({ code: '28P01' });
      // The password is kept for its owner only.
      expect(statSync(join(server.dir, 'admin-password')).mode & 0o077).toBe(0);
      expect(statSync(server.passfile).mode & 0o077).toBe(0);
    } finally {
      server.cleanup();
    }
    const after = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'fwb_admin', password: server.password, database: 'postgres' });
    await expect(after.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(existsSync(server.dir)).toBe(false);
  });

  it('starts the same server again from its folder, with its data and password', async () => {
    const dir = mkdtempSync(join('/tmp', 'fwb-pg-again-'));
    try {
      const first = await startLocalServer({ dir, throwaway: true });
      const c1 = new pg.Client({ host: '127.0.0.1', port: first.port, user: 'fwb_admin', password: first.password, database: 'postgres' });
      await c1.connect();
      await c1.query('CREATE TABLE kept (x int)');
      await c1.end();
      first.stop();
      const second = await startLocalServer({ dir, throwaway: true });
      try {
        expect(second.password).toBe(first.password);
        const c2 = new pg.Client({ host: '127.0.0.1', port: second.port, user: 'fwb_admin', password: second.password, database: 'postgres' });
        await c2.connect();
        expect((await c2.query(`SELECT to_regclass('kept') IS NOT NULL AS kept`)).rows[0].kept).toBe(true);
        await c2.end();
        // A second server on the same data is refused with a sentence, not a crash.
        await expect(startLocalServer({ dir, throwaway: true })).rejects.toThrow(/already running.*stop that one/);
      } finally {
        second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, in a sentence, a data folder made by a PostgreSQL this machine does not have', async () => {
    const dir = mkdtempSync(join('/tmp', 'fwb-pg-old-'));
    try {
      mkdirSync(join(dir, 'pg'));
      writeFileSync(join(dir, 'pg', 'PG_VERSION'), '9\n');
      writeFileSync(join(dir, 'admin-password'), 'x\n', { mode: 0o600 });
      await expect(startLocalServer({ dir })).rejects.toThrow(/was made by PostgreSQL 9, and this machine runs [\d.]+, which cannot open it: install PostgreSQL 9's server \(or set FWB_PG_BIN to it\), or choose another --dir\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to install when there is no server to start', () => {
    const before = process.env.FWB_PG_BIN;
    process.env.FWB_PG_BIN = '/nonexistent/postgresql/bin';
    try {
      expect(() => findServerBinaries()).toThrow(/FWB_PG_BIN is \/nonexistent\/postgresql\/bin, which holds no pg_ctl\. PostgreSQL 14 or newer is needed: on Debian or Ubuntu "apt-get install postgresql"/);
    } finally {
      if (before === undefined) delete process.env.FWB_PG_BIN;
      else process.env.FWB_PG_BIN = before;
    }
  });
});
