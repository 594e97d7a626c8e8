import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { requiresTotp } from '@cityleague/domain';

import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openConfiguredDatabase } from './db/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET } from './demo/demo-league.js';
import { drainOutbox, startOutboxDispatcher } from './notifications/outbox.service.js';
import { startIdempotencyKeyPurge } from './partners/partner-idempotency.js';
import { createSmsProvider } from './notifications/sms-provider.js';
import { startDevelopmentPortal, type DevelopmentPortal } from './portal/development-portal.js';
import { DataKeyMismatch } from './shared/data-key-check.js';
import { prepareDatabase } from './startup.js';
import { startOfferExpiry } from './registrations/waiting-list.service.js';
import { startAttachmentCleanup } from './forms/attachment-cleanup.service.js';
import { startExpiredRowPurge } from './shared/expired-rows.service.js';
import { startEventPosterPrune } from './posters/event-poster-store.js';
import { startSummaryJob } from './dashboards/dashboard-summaries.js';
import { registrationsInProgress } from './registrations/registration-batch.js';
import { prepareSearchNames } from './events/event-search.js';
import { ATTACHMENTS_FOLDER } from './forms/attachment.routes.js';
import { DocumentStore } from './documents/document-store.js';
import { startReminderJob } from './notifications/reminder.service.js';
import { startWebhookWorker } from './webhooks/webhook.delivery.js';
import { reportFilesOf } from './reports/report.routes.js';
import { startReportWorker } from './reports/report.service.js';
import { startAlertEvaluation } from './alerts/alert.service.js';

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

function printDemoLogIns(env: string): void {
  const lines = DEMO_ACCOUNTS.map(
    (account) => `  ${account.username.padEnd(18)} ${account.organisation}`,
  );
  const totpUsers = DEMO_ACCOUNTS.filter((account) => requiresTotp(account.accountType)).map(
    (account) => account.username,
  );
  const totp =
    env === 'production'
      ? [`${totpUsers.join(', ')} enrol an authenticator app at their first sign-in.`]
      : [
          `${totpUsers.join(', ')} also ask for a one-time code: add the TOTP secret`,
          `${DEMO_TOTP_SECRET} to an authenticator app (demo only, never in production).`,
        ];
  console.log(
    [
      '',
      'Demo league seeded. Sign in to the console with any of these accounts,',
      `password ${DEMO_PASSWORD}:`,
      ...lines,
      ...totp,
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

/**
 * Starts the development portal when DEV_PORTAL is on. Returns undefined when
 * oidc-provider, a development dependency, is not installed.
 */
async function developmentPortal(config: Config): Promise<DevelopmentPortal | undefined> {
  if (!config.developmentPortal) return undefined;
  try {
    return await startDevelopmentPortal(config.port);
  } catch (error) {
    console.error(`Development portal not started: ${(error as Error).message}`);
    return undefined;
  }
}

function printDevelopmentPortal(started: DevelopmentPortal): void {
  const lines = started.organisations.map(
    (organisation) => `  ${organisation.subject.padEnd(18)} ${organisation.name}`,
  );
  console.log(
    [
      '',
      `Development portal (simulates 一网通办): ${started.portal.issuer}`,
      'Use 通过一网通办登录/注册 on the console sign-in page with one of these accounts:',
      ...lines,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const config = { ...readConfig() };
  config.webDir ??= DEFAULT_WEB_DIR;
  const localPortal = await developmentPortal(config);
  if (localPortal) config.portal = localPortal.settings;

  const db = await openConfiguredDatabase(config, (error) =>
    console.error(`Idle database connection failed: ${error.message}`),
  );
  // The app is built before the database is prepared, so that the demo seed can send its SMS
  // through the configured provider. Building the app does not query the database.
  const app = await buildApp(Object.freeze(config), db);
  const outbox = {
    db,
    cipher: app.cipher,
    provider: createSmsProvider(config, db, app.cipher),
    log: app.log.child({ component: 'outbox' }),
  };
  const seeded = await prepareDatabase(db, config, () => drainOutbox(outbox));

  // Before listening, so that no searcher waits for the pinyin dictionary to load.
  prepareSearchNames();
  const stopWebhooks = startWebhookWorker(db, app.cipher, app.log);
  const stopKeyPurge = startIdempotencyKeyPurge(db, app.log);
  const stopOfferExpiry = startOfferExpiry(db, app.log.child({ component: 'waiting-list' }));
  const stopReminders = startReminderJob(db, app.log.child({ component: 'reminders' }));
  const stopAttachmentCleanup = startAttachmentCleanup(
    db,
    new DocumentStore(join(config.documentsDir, ATTACHMENTS_FOLDER)),
    app.log.child({ component: 'attachments' }),
  );
  const stopExpiredRowPurge = startExpiredRowPurge(db, app.log.child({ component: 'purge' }));
  const stopPosterPrune = startEventPosterPrune(db, app.log.child({ component: 'posters' }));
  const stopSummaryJob = startSummaryJob(db, app.log.child({ component: 'dashboards' }), {
    registering: () => registrationsInProgress(db),
  });
  const reportWorker = startReportWorker(
    db,
    reportFilesOf(config.documentsDir),
    app.log.child({ component: 'reports' }),
    config.reportPollSeconds * 1000,
  );
  const stopAlerts = startAlertEvaluation(
    db,
    app.log.child({ component: 'alerts' }),
    config.alertEvaluationSeconds * 1000,
  );
  const dispatcher = startOutboxDispatcher(outbox, config.outboxPollSeconds);
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    stopWebhooks();
    stopKeyPurge();
    stopOfferExpiry();
    stopReminders();
    stopAttachmentCleanup();
    stopExpiredRowPurge();
    stopPosterPrune();
    stopSummaryJob();
    reportWorker.stop();
    stopAlerts();
    await dispatcher.stop();
    await app.close();
    await localPortal?.portal.close();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    await dispatcher.stop();
    await db.destroy();
    process.exit(1);
  }
  const database = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  app.log.info({ database, host: config.host, port: config.port }, 'cityleague started');
  if (config.env === 'production' && !config.databaseUrl) {
    app.log.warn('production is running on the embedded PGlite database: set DATABASE_URL');
  }
  if (seeded) printDemoLogIns(config.env);
  if (localPortal) printDevelopmentPortal(localPortal);
  printAddresses(config.port);
}

main().catch((error: unknown) => {
  console.error(error instanceof DataKeyMismatch ? error.message : error);
  process.exit(1);
});
