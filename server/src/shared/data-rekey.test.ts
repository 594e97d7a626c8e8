import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openConfiguredDatabase } from '../db/database.js';
import { demoPersonalData } from '../test/log-capture.js';
import { prepareDatabase } from '../startup.js';
import { PersonalDataCipher, type DataKeyRing } from './personal-data.js';

const run = promisify(execFile);
const COMMAND = fileURLToPath(new URL('./data-rekey.ts', import.meta.url));
const K1 = randomBytes(32);
const K2 = randomBytes(32);
const RING_K1: DataKeyRing = { activeKeyId: 'k1', hashKeyId: 'k1', keys: new Map([['k1', K1]]) };

let dataDir: string;

/** Runs the command on the PGlite database in `dataDir`, never on DATABASE_URL. */
async function rekeyCommand(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', COMMAND, ...args], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      // Production also needs an SMS gateway, which the command never calls.
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms.example.test/send',
      SMS_HTTP_TOKEN: 'gateway-token',
      DATA_DIR: dataDir,
      DATA_KEYS: `k2:${K2.toString('base64')},k1:${K1.toString('base64')}`,
      DATA_HASH_KEY_ID: 'k1',
    },
  });
}

async function storedCiphertexts(): Promise<string[]> {
  const db = await openConfiguredDatabase({ databaseUrl: undefined, dataDir });
  try {
    const rows = await db.selectFrom('registrations').select('phone_ciphertext').execute();
    return rows.map((row) => row.phone_ciphertext);
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cityleague-rekey-'));
  // The demo league's registrations, encrypted with k1.
  const db = await openConfiguredDatabase({ databaseUrl: undefined, dataDir });
  try {
    await prepareDatabase(db, { seedDemo: 'league', dataKeys: RING_K1 });
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run data:rekey', () => {
  it('counts without writing on a dry run', async () => {
    const before = await storedCiphertexts();
    expect(before.length).toBeGreaterThan(10);
    const { stdout } = await rekeyCommand('--dry-run');
    expect(stdout).toContain('Active data key: k2 (dry run, nothing is written)');
    expect(stdout).toContain(
      `registrations.phone_ciphertext: ${before.length} not under k2, ${before.length} to re-encrypt`,
    );
    expect(await storedCiphertexts()).toEqual(before);
  }, 60_000);

  it('moves every ciphertext to the active key', async () => {
    const before = await storedCiphertexts();
    const { stdout } = await rekeyCommand('--batch-size', '7');
    expect(stdout).toContain(
      `registrations.phone_ciphertext: ${before.length} not under k2, ` +
        `${before.length} re-encrypted under k2, 0 changed by another writer, 0 failed to decrypt`,
    );
    for (const value of demoPersonalData()) expect(stdout).not.toContain(value);

    const after = await storedCiphertexts();
    expect(after.every((sealed) => sealed.startsWith('v2:k2:'))).toBe(true);
    const cipher = new PersonalDataCipher(RING_K1);
    const rotated = new PersonalDataCipher({
      activeKeyId: 'k2',
      hashKeyId: 'k1',
      keys: new Map([
        ['k2', K2],
        ['k1', K1],
      ]),
    });
    expect(after.map((sealed) => rotated.decrypt(sealed)).sort()).toEqual(
      before.map((sealed) => cipher.decrypt(sealed)).sort(),
    );
  }, 60_000);

  it('finds nothing on a second run', async () => {
    const { stdout } = await rekeyCommand();
    expect(stdout).toContain('registrations.phone_ciphertext: 0 not under k2, 0 re-encrypted');
  }, 60_000);

  it('rejects an invalid batch size', async () => {
    await expect(rekeyCommand('--batch-size', '0')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--batch-size must be an integer from 1 to 10000, got "0"'),
    });
  }, 60_000);
});
