import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { archiveAuditEntries, MIN_RETENTION_DAYS } from './audit-archive.js';

const USAGE = `Usage: npm run audit:archive -- [--retention-days N] [--out DIR]

Moves audit entries older than the retention from the database that DATABASE_URL (or DATA_DIR)
points at to a gzip JSON-lines file, verifies the file, then deletes exactly those entries and
records a checkpoint with the last archived seq and hash, so the remaining chain still verifies.
Check a file with: npm run audit:verify -- --file FILE
  --retention-days  days to keep in the database (default and minimum ${MIN_RETENTION_DAYS})
  --out             folder for the archive file (default DATA_DIR/audit-archive)
With the embedded database (no DATABASE_URL), stop the server first: PGlite admits one process.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'retention-days': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const retentionDays =
    values['retention-days'] === undefined ? MIN_RETENTION_DAYS : Number(values['retention-days']);
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
    fail(
      `Invalid --retention-days "${values['retention-days']}": expected a whole number of at least ${MIN_RETENTION_DAYS}.`,
    );
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const outDir = values.out ?? join(config.dataDir, 'audit-archive');
  const db = await openConfiguredDatabase(config);
  try {
    const result = await archiveAuditEntries(db, { retentionDays, outDir });
    if (result.archived === 0) {
      console.log(`No audit entries older than ${retentionDays} days; nothing archived.`);
      return;
    }
    console.log(
      `Archived ${result.archived} audit entries through seq ${result.throughSeq} to ${result.file}.`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
