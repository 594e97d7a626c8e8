import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { keyFingerprint, type DataKeyRing } from './personal-data.js';

/** Raised at start-up when the configured data keys contradict the ones used before. */
export class DataKeyMismatch extends Error {
  constructor(readonly problems: string[]) {
    super(`Data keys do not match this database:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DataKeyMismatch';
  }
}

/**
 * Compares the key ring with the key fingerprints stored in `data_keys`, then records the
 * keys seen for the first time. It rejects a key id whose key changed, and a hash key other
 * than the one that made the stored lookup hashes. A renamed key passes, because keys are
 * compared by fingerprint.
 *
 * NOTE: a database written before this check existed has no fingerprints, so the first start
 * with the check trusts the configured keys.
 */
export async function verifyDataKeys(db: Db, ring: DataKeyRing): Promise<void> {
  const fingerprints = new Map(
    [...ring.keys].map(([id, masterKey]) => [id, keyFingerprint(masterKey)]),
  );
  await db.transaction().execute(async (trx) => {
    // Servers starting at the same time check and record one after the other.
    await sql`lock table data_keys in exclusive mode`.execute(trx);
    const stored = await trx.selectFrom('data_keys').selectAll().execute();
    const problems: string[] = [];
    for (const row of stored) {
      const configured = fingerprints.get(row.id);
      if (configured !== undefined && configured !== row.fingerprint) {
        problems.push(
          `Data key "${row.id}" is not the key this database used under that id: ` +
            'restore its earlier value or give the new key a new id',
        );
      }
    }
    const hashRow = stored.find((row) => row.makes_hashes);
    if (hashRow && hashRow.fingerprint !== fingerprints.get(ring.hashKeyId)) {
      problems.push(
        `The lookup hashes were made with data key "${hashRow.id}", but the hash key is ` +
          `"${ring.hashKeyId}": set DATA_HASH_KEY_ID to the id of that key and keep it in DATA_KEYS`,
      );
    }
    if (problems.length > 0) throw new DataKeyMismatch(problems);

    const known = new Set(stored.map((row) => row.id));
    for (const [id, fingerprint] of fingerprints) {
      if (known.has(id)) continue;
      await trx.insertInto('data_keys').values({ id, fingerprint }).execute();
    }
    if (!hashRow) {
      await trx
        .updateTable('data_keys')
        .set({ makes_hashes: true })
        .where('id', '=', ring.hashKeyId)
        .execute();
    }
  });
}
