import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { verifyArchiveFile, verifyAuditChain, type VerifyResult } from './audit-verify.js';

const USAGE = `Usage: npm run audit:verify -- [--file ARCHIVE.jsonl.gz] [--batch-size N]

Verifies the audit log's hash chain in the database that DATABASE_URL (or DATA_DIR) points at,
from the last archive checkpoint, in seq order. Prints the number of entries checked and OK,
or the first broken link, and exits with status 1 when the chain is broken.
  --file        verify an archive file written by audit:archive instead of the database
  --batch-size  entries read per query (default 1000)
With the embedded database (no DATABASE_URL), stop the server first: PGlite admits one process.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function report(result: VerifyResult, source: string): void {
  if (result.ok) {
    console.log(
      `OK: ${result.count} audit entries in ${source} verify (last seq ${result.lastSeq}).`,
    );
    return;
  }
  const { broken } = result;
  console.error(
    [
      `BROKEN: ${source} fails at seq ${broken.seq} (entry ${broken.id}) after ${result.count} valid entries.`,
      `  field:    ${broken.field}`,
      `  expected: ${broken.expected}`,
      `  stored:   ${broken.stored}`,
    ].join('\n'),
  );
  process.exitCode = 1;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const batchSize = values['batch-size'] === undefined ? 1000 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    fail(`Invalid --batch-size "${values['batch-size']}": expected a whole number of at least 1.`);
  }
  if (values.file) {
    report(await verifyArchiveFile(values.file), values.file);
    return;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const db = await openConfiguredDatabase(config);
  try {
    report(await verifyAuditChain(db, { batchSize }), 'the database');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
