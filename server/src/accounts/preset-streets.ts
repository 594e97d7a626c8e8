import { chmodSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { prepareDatabase } from '../startup.js';
import { generatePresetStreetAccounts } from './preset-street-accounts.service.js';
import { writePresetWorkbook } from './preset-street-workbook.js';

const USAGE = `Usage: npm run accounts:preset-streets -- --out FILE.xlsx

Creates one street account (SAGYWTB001, SAGYWTB002, …) for every street of the division table
that has no street account yet, in the database that DATABASE_URL (or DATA_DIR) points at,
and writes the usernames and random initial passwords to FILE.xlsx. Users must change the
password at first sign-in. Running it again creates accounts only for streets still without
one. Nothing is created when the file cannot be written.
  --out   the Excel file to write; it must not exist yet`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) fail('Missing option: --out is required.');
  const out = resolve(values.out);
  if (!out.toLowerCase().endsWith('.xlsx')) fail(`--out must name an .xlsx file, got "${out}".`);
  // The file contains passwords shown nowhere else, so an earlier file is never overwritten.
  if (existsSync(out)) fail(`${out} already exists: choose another --out file.`);
  if (!existsSync(dirname(out))) fail(`Folder ${dirname(out)} does not exist.`);

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const db = await openConfiguredDatabase(config);
  try {
    await prepareDatabase(db, { seedDemo: 'none', dataKeys: config.dataKeys });
    const { created, skipped } = await generatePresetStreetAccounts(db, {
      beforeCommit: async (rows) => {
        if (rows.length === 0) return;
        await writePresetWorkbook(out, rows);
        // Only the owner may read the initial passwords.
        chmodSync(out, 0o600);
      },
    });
    console.log(
      `Created ${created.length} street accounts, skipped ${skipped} streets that already have one.`,
    );
    if (created.length > 0) {
      console.log(`Usernames and initial passwords are in ${out}. Keep the file safe.`);
    } else {
      console.log(`No file written: there are no new accounts.`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
