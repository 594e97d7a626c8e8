import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import { ENCRYPTED_COLUMNS, type EncryptedColumn } from './encrypted-columns.js';
import { CiphertextError, type PersonalDataCipher } from './personal-data.js';

/** Counts of one column's pass, which never include values. */
export interface RekeyCounts {
  table: string;
  column: string;
  /** Rows whose ciphertext was not yet under the active key when the pass read them. */
  found: number;
  /** Rows re-encrypted under the active key by this pass. */
  rekeyed: number;
  /** Rows that another writer changed between read and write, so its value was kept. */
  changed: number;
  /** Ids of rows whose ciphertext did not decrypt with any key of the ring. */
  failedIds: string[];
}

export interface RekeyOptions {
  /** Rows read and written per transaction. */
  batchSize?: number;
  /** Count what would be re-encrypted, writing nothing. */
  dryRun?: boolean;
  /** Columns to process, by default every registered encrypted column. */
  columns?: readonly EncryptedColumn[];
  /** Called after each batch with the running counts of the current column. */
  onBatch?: (counts: RekeyCounts) => void;
}

/**
 * Re-encrypts every ciphertext of the registered encrypted columns that is not under the
 * active key, in batches of `batchSize` rows, each batch in its own transaction.
 *
 * Rows already under the active key are never read, so a second run does nothing and a run
 * that stopped half-way resumes where it left off. A row is written only if its ciphertext
 * is still the one that was read, so a concurrent update is never overwritten. A ciphertext
 * that fails to decrypt is counted with its row id and skipped; the others still move.
 */
export async function rekeyAll(
  db: Db,
  cipher: PersonalDataCipher,
  options: RekeyOptions = {},
): Promise<RekeyCounts[]> {
  const results: RekeyCounts[] = [];
  for (const target of options.columns ?? ENCRYPTED_COLUMNS) {
    results.push(await rekeyColumn(db, cipher, target, options));
  }
  return results;
}

async function rekeyColumn(
  db: Db,
  cipher: PersonalDataCipher,
  target: EncryptedColumn,
  options: RekeyOptions,
): Promise<RekeyCounts> {
  const batchSize = options.batchSize ?? 500;
  const counts: RekeyCounts = {
    table: target.table,
    column: target.column,
    found: 0,
    rekeyed: 0,
    changed: 0,
    failedIds: [],
  };
  const table = sql.table(target.table);
  const column = sql.ref(target.column);
  const key = sql.ref(target.key);
  const activePrefix = `v2:${cipher.activeKeyId}:`;
  let after: string | null = null;

  for (;;) {
    // Keyset paging on the key column's own type, so its primary key index serves the order.
    const afterLast = after === null ? sql`true` : sql`${key} > ${after}`;
    const batch: { id: string; sealed: string }[] = (
      await sql<{ id: string; sealed: string }>`
        select ${key} as id, ${column} as sealed from ${table}
        where ${column} is not null
          and not starts_with(${column}, ${activePrefix})
          and ${afterLast}
        order by ${key}
        limit ${batchSize}`.execute(db)
    ).rows;
    if (batch.length === 0) break;
    after = batch.at(-1)!.id;
    counts.found += batch.length;

    const updates: { id: string; sealed: string; resealed: string }[] = [];
    for (const row of batch) {
      try {
        updates.push({ ...row, resealed: cipher.rekey(row.sealed) });
      } catch (error) {
        if (!(error instanceof CiphertextError)) throw error;
        counts.failedIds.push(row.id);
      }
    }
    if (!options.dryRun && updates.length > 0) {
      await db.transaction().execute(async (trx) => {
        for (const update of updates) {
          const result = await sql`
            update ${table} set ${column} = ${update.resealed}
            where ${key} = ${update.id} and ${column} = ${update.sealed}`.execute(trx);
          if (Number(result.numAffectedRows ?? 0) === 1) counts.rekeyed += 1;
          else counts.changed += 1;
        }
      });
    }
    options.onBatch?.({ ...counts, failedIds: [...counts.failedIds] });
  }
  return counts;
}
