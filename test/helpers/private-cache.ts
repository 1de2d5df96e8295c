// Every test file (and the fwb processes and workers it starts, which inherit the
// environment) keeps the damage guard's memory (db/check-memory.ts) in a folder
// of its own, never in the cache folder of whoever runs the tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'fwb-test-cache-'));
process.env.FWB_CACHE_DIR = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
