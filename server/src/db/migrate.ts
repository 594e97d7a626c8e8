import { Migrator, type Migration, type MigrationProvider } from 'kysely';

import type { Db } from './database.js';
import * as initial from './migrations/0001-initial.js';
import * as passwordSecurity from './migrations/0002-password-security.js';
import * as presetStreetAccounts from './migrations/0003-preset-street-accounts.js';
import * as platformRoles from './migrations/0004-platform-roles.js';
import * as dataKeys from './migrations/0008-data-keys.js';

// Migrations are listed here, not read from a folder, so the compiled build and the
// tests run the same set in the same order.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-password-security': passwordSecurity,
  '0003-preset-street-accounts': presetStreetAccounts,
  '0004-platform-roles': platformRoles,
  '0008-data-keys': dataKeys,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined) {
    const name = failed ? ` ${failed.migrationName}` : '';
    throw new Error(`Migration${name} failed: ${String(error)}`, { cause: error });
  }
}
