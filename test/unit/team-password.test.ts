// The desktop app's seam for the team password (electron/main/team-password.ts): only the
// keychain's encrypted bytes are written; without a keychain it refuses in a sentence.
import { describe, expect, it } from 'vitest';
import { keychainPasswords } from '../../electron/main/team-password';

/** A stand-in for the OS keychain: "encrypts" by reversing the bytes, so the plain text never appears. */
const keychain = (available: boolean) => ({
  isEncryptionAvailable: () => available,
  encryptString: (s: string) => Buffer.from(s, 'utf8').reverse(),
  decryptString: (b: Buffer) => Buffer.from(b).reverse().toString('utf8'),
});

describe('the team password seam', () => {
  it('keeps only encrypted bytes, gives the password back, and forgets it', () => {
    let file: Record<string, string> = {};
    const store = keychainPasswords(keychain(true), () => ({ ...file }), (all) => (file = all));
    store.set('postgres://ana@db:5432/team', 'secret-4471');
    expect(JSON.stringify(file)).not.toContain('secret-4471');
    expect(store.get('postgres://ana@db:5432/team')).toBe('secret-4471');
    store.forget('postgres://ana@db:5432/team');
    expect(store.get('postgres://ana@db:5432/team')).toBeNull();
  });

  it('refuses to keep a password where there is no keychain, saying what to do instead', () => {
    const store = keychainPasswords(keychain(false), () => ({}), () => {});
    expect(() => store.set('postgres://ana@db/team', 'x')).toThrow(/no keychain .*PGPASSWORD or use ~\/\.pgpass/);
  });
});
