import { parseArgs } from 'node:util';

import { ConfigError, loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/database.js';
import { checkDashboardSummaries, rebuildDashboardSummaries } from './dashboard-summaries.js';

const USAGE = `Usage: npm run dashboards:summaries -- --check | --rebuild

Works on the database that DATABASE_URL (or DATA_DIR) points at.
  --check    compares the dashboards' summary tables with a recount from the events and
             registrations, changes nothing, and exits with status 1 when any row differs
  --rebuild  recomputes the summary tables from the events and registrations
Writers to events and registrations wait while either runs. With the embedded database (no
DATABASE_URL), stop the server first: PGlite admits one process.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean' },
      rebuild: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.check === values.rebuild) fail('Give exactly one of --check and --rebuild.');

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const db = await openConfiguredDatabase(config);
  try {
    if (values.rebuild) {
      await rebuildDashboardSummaries(db);
      console.log('Rebuilt the dashboard summary tables.');
      return;
    }
    const differences = await checkDashboardSummaries(db);
    const total = Object.values(differences).reduce((sum, n) => sum + n, 0);
    console.log(
      `${total === 0 ? 'OK' : 'DIFFERENT'}: event facts ${differences.eventFacts}, ` +
        `participant sets ${differences.participants}, ` +
        `participant counts ${differences.participantCounts}, ` +
        `fact rollups ${differences.factRollups} rows differ from a recount.`,
    );
    if (total > 0) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
