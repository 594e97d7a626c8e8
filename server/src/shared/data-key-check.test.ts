import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { Db } from '../db/database.js';
import { createTestContext, type TestContext } from '../test/harness.js';
import { DataKeyMismatch, verifyDataKeys } from './data-key-check.js';
import { keyFingerprint, type DataKeyRing } from './personal-data.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);

function ring(activeKeyId: string, hashKeyId: string, keys: [string, Buffer][]): DataKeyRing {
  return { activeKeyId, hashKeyId, keys: new Map(keys) };
}

let ctx: TestContext;
let db: Db;

// A test context gives a migrated database, on PostgreSQL when DATABASE_URL is set, so the
// concurrent start below runs on real connections there.
beforeAll(async () => {
  ctx = await createTestContext();
  db = ctx.db;
});

afterAll(async () => {
  await ctx?.close();
});

beforeEach(async () => {
  await db.deleteFrom('data_keys').execute();
});

async function storedKeys() {
  return db
    .selectFrom('data_keys')
    .select(['id', 'fingerprint', 'makes_hashes'])
    .orderBy('id')
    .execute();
}

async function mismatch(keys: DataKeyRing): Promise<string[]> {
  try {
    await verifyDataKeys(db, keys);
  } catch (error) {
    expect(error).toBeInstanceOf(DataKeyMismatch);
    return (error as DataKeyMismatch).problems;
  }
  throw new Error('verifyDataKeys accepted the keys');
}

describe('verifyDataKeys', () => {
  it('records the keys of the first start', async () => {
    await verifyDataKeys(db, ring('k1', 'k1', [['k1', K1]]));
    expect(await storedKeys()).toEqual([
      { id: 'k1', fingerprint: keyFingerprint(K1), makes_hashes: true },
    ]);
    expect(JSON.stringify(await storedKeys())).not.toContain(K1.toString('hex'));
  });

  it('accepts the same keys again', async () => {
    const keys = ring('k1', 'k1', [['k1', K1]]);
    await verifyDataKeys(db, keys);
    await verifyDataKeys(db, keys);
    expect(await storedKeys()).toHaveLength(1);
  });

  it('records a rotation and keeps the hash key', async () => {
    await verifyDataKeys(db, ring('k1', 'k1', [['k1', K1]]));
    await verifyDataKeys(
      db,
      ring('k2', 'k1', [
        ['k2', K2],
        ['k1', K1],
      ]),
    );
    expect(await storedKeys()).toEqual([
      { id: 'k1', fingerprint: keyFingerprint(K1), makes_hashes: true },
      { id: 'k2', fingerprint: keyFingerprint(K2), makes_hashes: false },
    ]);
  });

  it('rejects another key under a known id', async () => {
    await verifyDataKeys(db, ring('k1', 'k1', [['k1', K1]]));
    expect(await mismatch(ring('k1', 'k1', [['k1', K2]]))).toEqual([
      'Data key "k1" is not the key this database used under that id: restore its earlier ' +
        'value or give the new key a new id',
      'The lookup hashes were made with data key "k1", but the hash key is "k1": set ' +
        'DATA_HASH_KEY_ID to the id of that key and keep it in DATA_KEYS',
    ]);
  });

  it('rejects another hash key', async () => {
    await verifyDataKeys(db, ring('k1', 'k1', [['k1', K1]]));
    const problems = await mismatch(
      ring('k2', 'k2', [
        ['k2', K2],
        ['k1', K1],
      ]),
    );
    expect(problems).toEqual([
      'The lookup hashes were made with data key "k1", but the hash key is "k2": set ' +
        'DATA_HASH_KEY_ID to the id of that key and keep it in DATA_KEYS',
    ]);
    expect(await storedKeys()).toHaveLength(1);
  });

  it('rejects a ring without the old hash key', async () => {
    await verifyDataKeys(db, ring('k0', 'k0', [['k0', K1]]));
    expect(await mismatch(ring('k2', 'k2', [['k2', K2]]))).toHaveLength(1);
  });

  it('accepts a renamed hash key', async () => {
    // DATA_KEY is the ring k0; moving it into DATA_KEYS under another id keeps its hashes.
    await verifyDataKeys(db, ring('k0', 'k0', [['k0', K1]]));
    await verifyDataKeys(
      db,
      ring('k2', 'old', [
        ['k2', K2],
        ['old', K1],
      ]),
    );
    const stored = await storedKeys();
    expect(stored.map((row) => row.id)).toEqual(['k0', 'k2', 'old']);
    expect(stored.filter((row) => row.makes_hashes).map((row) => row.id)).toEqual(['k0']);
  });

  it('records once when servers start together', async () => {
    const keys = ring('k1', 'k1', [['k1', K1]]);
    await Promise.all(Array.from({ length: 5 }, () => verifyDataKeys(db, keys)));
    expect(await storedKeys()).toHaveLength(1);
  });
});
