// Passphrase hashing: Node's scrypt, a random salt per person, and the cost
// parameters stored with the hash so they can be raised later without breaking
// the hashes already kept. Nothing here ever logs, returns or throws a secret.
import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { MIN_PASSPHRASE_LENGTH } from '../../../shared/domain';
import { WorkbenchError } from '../errors';

export { MIN_PASSPHRASE_LENGTH };

/** 2^15 × 8 × 128 bytes = 32 MiB and roughly a tenth of a second per check on a laptop. */
const COST = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

interface Parsed {
  options: ScryptOptions;
  salt: Buffer;
  key: Buffer;
}

const optionsOf = (ln: number, r: number, p: number): ScryptOptions => ({ N: 2 ** ln, r, p, maxmem: 2 ** ln * r * 256 + 1024 * 1024 });

function encode(salt: Buffer, key: Buffer): string {
  return `scrypt$ln=${COST.ln},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): Parsed | null {
  const m = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Parameters from the file are bounded: a tampered row must not make a check take minutes or gigabytes.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { options: optionsOf(ln, r, p), salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/** A rule every new passphrase meets, said as a sentence about whose it is. */
export function assertNewPassphrase(passphrase: string | undefined, whose: string): string {
  if (passphrase === undefined || [...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new WorkbenchError('INVALID_REQUEST', `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters: choose a longer one for ${whose}.`);
  }
  return passphrase;
}

export function hashPassphrase(passphrase: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, optionsOf(COST.ln, COST.r, COST.p), (err, key) => (err ? reject(err) : resolve(encode(salt, key)))),
  );
}

/**
 * For the demo only, whose passphrase is public: the salt is given, so the same
 * seed writes the same bytes. Every real passphrase gets a random salt.
 */
export function hashPassphraseWithSalt(passphrase: string, salt: Buffer): string {
  return encode(salt, scryptSync(passphrase.normalize('NFC'), salt, KEY_BYTES, optionsOf(COST.ln, COST.r, COST.p)));
}

/** True when the passphrase matches; compared in constant time. A damaged hash matches nothing. */
export function verifyPassphrase(passphrase: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length !== KEY_BYTES) return Promise.resolve(false);
  return new Promise((resolve) =>
    scrypt(passphrase.normalize('NFC'), parsed.salt, KEY_BYTES, parsed.options, (err, key) => resolve(!err && timingSafeEqual(key, parsed.key))),
  );
}
