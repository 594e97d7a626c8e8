import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openConfiguredDatabase } from './db/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/demo-league.js';
import { DataKeyMismatch } from './shared/data-key-check.js';
import { prepareDatabase } from './startup.js';

const DEFAULT_WEB_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../web/dist');

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

function printDemoLogIns(): void {
  const lines = DEMO_ACCOUNTS.map(
    (account) => `  ${account.username.padEnd(18)} ${account.organisation}`,
  );
  console.log(
    [
      '',
      'Demo league seeded. Sign in to the console with any of these accounts,',
      `password ${DEMO_PASSWORD}:`,
      ...lines,
    ].join('\n'),
  );
}

function printAddresses(port: number): void {
  console.log(
    [
      '',
      `Citizens' app: http://localhost:${port}/`,
      `Admin console: http://localhost:${port}/console/`,
      `API docs:      http://localhost:${port}/docs`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const config = { ...readConfig() };
  config.webDir ??= DEFAULT_WEB_DIR;

  const db = await openConfiguredDatabase(config, (error) =>
    console.error(`Idle database connection failed: ${error.message}`),
  );
  const seeded = await prepareDatabase(db, config);

  const app = await buildApp(Object.freeze(config), db);
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    await db.destroy();
    process.exit(1);
  }
  const database = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  app.log.info({ database, host: config.host, port: config.port }, 'cityleague started');
  if (config.env === 'production' && !config.databaseUrl) {
    app.log.warn('production is running on the embedded PGlite database: set DATABASE_URL');
  }
  if (seeded) printDemoLogIns();
  printAddresses(config.port);
}

main().catch((error: unknown) => {
  console.error(error instanceof DataKeyMismatch ? error.message : error);
  process.exit(1);
});
