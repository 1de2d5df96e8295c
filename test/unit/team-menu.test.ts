// The desktop app's team items of the File menu (electron/main/menu.ts, team-menu.ts), with
// Electron's dialog faked: Sync Now by Ctrl+Shift+S, Connect and Disconnect wired to their
// actions; Sync Now in a single-seat workbook says so; the keychain's file holds only
// encrypted bytes, readable by the user alone, and no keychain is refused in a sentence.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/main/menu';
import { DesktopTeam, syncTeamFromMenu, teamPasswords } from '../../electron/main/team-menu';

const dir = mkdtempSync(join(tmpdir(), 'fwb-team-menu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the File menu’s team items', () => {
  it('offers Sync Now (Ctrl+Shift+S), Connect and Disconnect, each wired to its action', () => {
    const calls: string[] = [];
    const actions = {
      newWorkbook() {},
      openWorkbook() {},
      revealWorkbook() {},
      showAbout() {},
      backupWorkbook() {},
      restoreFromBackup() {},
      syncTeamNow: () => calls.push('sync'),
      connectTeam: () => calls.push('connect'),
      disconnectTeam: () => calls.push('disconnect'),
    };
    const items = menuTemplate({ platform: 'linux', isPackaged: true, actions })[0]!.submenu as { label?: string; accelerator?: string; click?: () => void }[];
    const sync = items.find((i) => i.label === 'Sync Now')!;
    expect(sync.accelerator).toBe('CmdOrCtrl+Shift+S');
    sync.click!();
    items.find((i) => i.label === 'Connect to Team Workbook…')!.click!();
    items.find((i) => i.label === 'Disconnect from Team Workbook…')!.click!();
    expect(calls).toEqual(['sync', 'connect', 'disconnect']);
  });

  it('says Sync Now has nothing to sync in a workbook that is not linked', async () => {
    const shown: { message: string; detail?: string }[] = [];
    const dialog = { showMessageBox: async (o: { message: string; detail?: string }) => (shown.push(o), { response: 0, checkboxChecked: false }), showErrorBox: () => {} };
    const team = new DesktopTeam({ passwords: teamPasswords(undefined, () => dir) });
    const status = await syncTeamFromMenu(dialog as never, team);
    expect(status.linked).toBe(false);
    expect(shown).toEqual([expect.objectContaining({ message: 'This workbook is not linked to a team workbook.', detail: expect.stringMatching(/File › Connect to Team Workbook…/) })]);
  });
});

describe('the keychain’s passwords file', () => {
  const keychain = {
    isEncryptionAvailable: () => true,
    encryptString: (s: string) => Buffer.from(s, 'utf8').reverse(),
    decryptString: (b: Buffer) => Buffer.from(b).reverse().toString('utf8'),
  };

  it('keeps only encrypted bytes, readable by the user alone', () => {
    const store = teamPasswords(keychain, () => dir);
    store.set('postgres://ana@db:5432/team', 'pw-6620-secret');
    const file = join(dir, 'team-passwords.json');
    expect(readFileSync(file, 'utf8')).not.toContain('pw-6620-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(teamPasswords(keychain, () => dir).get('postgres://ana@db:5432/team')).toBe('pw-6620-secret');
  });

  it('without a keychain keeps nothing and says what to do instead', () => {
    const store = teamPasswords(undefined, () => dir);
    expect(store.get('postgres://ana@db:5432/team')).toBeNull();
    expect(() => store.set('postgres://ana@db:5432/team', 'x')).toThrow(/no keychain .*PGPASSWORD or use ~\/\.pgpass/);
  });
});
