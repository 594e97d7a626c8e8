import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoLeague } from './demo/demo-league.js';
import { loadDivisions } from './divisions/division.service.js';
import { verifyDataKeys } from './shared/data-key-check.js';
import { PersonalDataCipher } from './shared/personal-data.js';

/**
 * Brings an open database up to date before the server starts. It applies migrations and
 * checks the data keys against those used before (throwing DataKeyMismatch). On first start it
 * loads the division tree, and it seeds the demo data that SEED_DEMO selects into an empty
 * database. The demo seed calls `deliverNotifications` to send the SMS queued so far.
 * Returns whether demo accounts were seeded by this call.
 */
export async function prepareDatabase(
  db: Db,
  config: Pick<Config, 'seedDemo' | 'dataKeys'> & { env?: Config['env'] },
  deliverNotifications?: () => Promise<unknown>,
): Promise<boolean> {
  await migrateToLatest(db);
  await verifyDataKeys(db, config.dataKeys);
  await loadDivisions(db);
  if (config.seedDemo === 'none') return false;
  // The published demo TOTP secret must never guard a production account.
  const enrolDemoTotp = config.env !== undefined && config.env !== 'production';
  return seedDemoLeague(db, new PersonalDataCipher(config.dataKeys), config.seedDemo, {
    enrolDemoTotp,
    deliverNotifications,
  });
}
