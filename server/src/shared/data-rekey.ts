import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { prepareDatabase } from '../startup.js';
import { PersonalDataCipher } from './personal-data.js';
import { rekeyAll, type RekeyCounts } from './rekey.js';

const USAGE = `Usage: npm run data:rekey -- [--batch-size N] [--dry-run]

Re-encrypts every encrypted personal data column (listed in server/src/shared/encrypted-columns.ts)
under the active data key, in the database that DATABASE_URL (or DATA_DIR) points at. Run it
after adding a new key at the front of DATA_KEYS; remove an old key from DATA_KEYS only once
this command reports nothing left under it. Lookup hashes do not change. The command can be
stopped and run again at any time: rows already under the active key are skipped. It prints
counts and row ids, never values.
  --batch-size  rows per transaction, 1 to 10000 (default 500)
  --dry-run     count the rows that would be re-encrypted, writing nothing`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function describeCounts(counts: RekeyCounts, keyId: string, dryRun: boolean): string {
  const verb = dryRun ? 'to re-encrypt' : `re-encrypted under ${keyId}`;
  const moved = dryRun ? counts.found - counts.failedIds.length : counts.rekeyed;
  return (
    `${counts.table}.${counts.column}: ${counts.found} not under ${keyId}, ${moved} ${verb}, ` +
    `${counts.changed} changed by another writer, ${counts.failedIds.length} failed to decrypt`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const batchSize = Number(values['batch-size'] ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    fail(`--batch-size must be an integer from 1 to 10000, got "${values['batch-size']}".`);
  }
  const dryRun = values['dry-run'] ?? false;

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const cipher = new PersonalDataCipher(config.dataKeys);
  const keyId = cipher.activeKeyId;
  const db = await openConfiguredDatabase(config);
  let failed = 0;
  try {
    await prepareDatabase(db, { seedDemo: 'none', dataKeys: config.dataKeys });
    console.log(`Active data key: ${keyId}${dryRun ? ' (dry run, nothing is written)' : ''}`);
    const results = await rekeyAll(db, cipher, {
      batchSize,
      dryRun,
      onBatch: (counts) => {
        if (counts.found > 0 && counts.found % (batchSize * 20) === 0) {
          console.log(`  ${counts.table}.${counts.column}: ${counts.found} rows so far`);
        }
      },
    });
    for (const counts of results) {
      console.log(describeCounts(counts, keyId, dryRun));
      for (const id of counts.failedIds) console.log(`  failed row id: ${id}`);
      failed += counts.failedIds.length;
    }
  } finally {
    await db.destroy();
  }
  if (failed > 0) {
    console.error(
      `${failed} ciphertexts did not decrypt with any key of the ring: keep the key they ` +
        'were written with in DATA_KEYS, or restore those rows from a backup.',
    );
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
