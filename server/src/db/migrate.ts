import { Migrator, type Migration, type MigrationProvider } from 'kysely';

import type { Db } from './database.js';
import * as initial from './migrations/0001-initial.js';
import * as passwordSecurity from './migrations/0002-password-security.js';
import * as presetStreetAccounts from './migrations/0003-preset-street-accounts.js';
import * as platformRoles from './migrations/0004-platform-roles.js';
import * as contracts from './migrations/0005-contracts.js';
import * as citizens from './migrations/0006-citizens.js';
import * as totpAndAccountStatus from './migrations/0007-totp-and-account-status.js';
import * as dataKeys from './migrations/0008-data-keys.js';
import * as auditChain from './migrations/0009-audit-chain.js';
import * as portalRegistration from './migrations/0010-portal-registration.js';
import * as partners from './migrations/0011-partners.js';
import * as webhooks from './migrations/0012-webhooks.js';
import * as eventFiling from './migrations/0013-event-filing.js';
import * as eventDocuments from './migrations/0014-event-documents.js';
import * as venueInitials from './migrations/0015-venue-initials.js';
import * as entryGroups from './migrations/0016-entry-groups.js';
import * as partnerWrites from './migrations/0017-partner-writes.js';
import * as registrationForms from './migrations/0018-registration-forms.js';
import * as teamEntries from './migrations/0019-team-entries.js';
import * as checkInScans from './migrations/0020-check-in-scans.js';
import * as dashboardSummaries from './migrations/0021-dashboard-summaries.js';
import * as reportJobs from './migrations/0022-report-jobs.js';
import * as anomalyAlerts from './migrations/0023-anomaly-alerts.js';
import * as partnerRegistrations from './migrations/0024-partner-registrations.js';
import * as eventSearch from './migrations/0025-event-search.js';
import * as results from './migrations/0026-results.js';
import * as pinyinSearchAndCertificateFiles from './migrations/0030-pinyin-search-and-certificate-files.js';
import * as dashboardBreakdownsAndAlertSms from './migrations/0031-dashboard-breakdowns-and-alert-sms.js';
import * as lookupIndexes from './migrations/0032-lookup-indexes.js';
import * as statementLevelDashboardTriggers from './migrations/0033-statement-level-dashboard-triggers.js';
import * as eventPosterFiles from './migrations/0035-event-poster-files.js';
import * as dashboardUnassignedParticipants from './migrations/0036-dashboard-unassigned-participants.js';
import * as dashboardParticipantQueue from './migrations/0038-dashboard-participant-queue.js';
import * as communityGamesParticipants from './migrations/0039-community-games-participants.js';
import * as dashboardFactRollups from './migrations/0040-dashboard-fact-rollups.js';
import * as dashboardQuarterParticipants from './migrations/0041-dashboard-quarter-participants.js';
import * as entriesSubmittedByCitizen from './migrations/0042-entries-submitted-by-citizen.js';
import * as eventCounterHotUpdates from './migrations/0043-event-counter-hot-updates.js';
import * as eventSearchDocuments from './migrations/0044-event-search-documents.js';
import * as dashboardParticipantApplyPlans from './migrations/0045-dashboard-participant-apply-plans.js';
import * as dashboardImportChannel from './migrations/0046-dashboard-import-channel.js';
import * as eventTimesToMilliseconds from './migrations/0047-event-times-to-milliseconds.js';

// Migrations are listed here, not read from a folder, so the compiled build and the
// tests run the same set in the same order.
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-password-security': passwordSecurity,
  '0003-preset-street-accounts': presetStreetAccounts,
  '0004-platform-roles': platformRoles,
  '0005-contracts': contracts,
  '0006-citizens': citizens,
  '0007-totp-and-account-status': totpAndAccountStatus,
  '0008-data-keys': dataKeys,
  '0009-audit-chain': auditChain,
  '0010-portal-registration': portalRegistration,
  '0011-partners': partners,
  '0012-webhooks': webhooks,
  '0013-event-filing': eventFiling,
  '0014-event-documents': eventDocuments,
  '0015-venue-initials': venueInitials,
  '0016-entry-groups': entryGroups,
  '0017-partner-writes': partnerWrites,
  '0018-registration-forms': registrationForms,
  '0019-team-entries': teamEntries,
  '0020-check-in-scans': checkInScans,
  '0021-dashboard-summaries': dashboardSummaries,
  '0022-report-jobs': reportJobs,
  '0023-anomaly-alerts': anomalyAlerts,
  '0024-partner-registrations': partnerRegistrations,
  '0025-event-search': eventSearch,
  '0026-results': results,
  '0030-pinyin-search-and-certificate-files': pinyinSearchAndCertificateFiles,
  '0031-dashboard-breakdowns-and-alert-sms': dashboardBreakdownsAndAlertSms,
  '0032-lookup-indexes': lookupIndexes,
  '0033-statement-level-dashboard-triggers': statementLevelDashboardTriggers,
  '0035-event-poster-files': eventPosterFiles,
  '0036-dashboard-unassigned-participants': dashboardUnassignedParticipants,
  '0038-dashboard-participant-queue': dashboardParticipantQueue,
  '0039-community-games-participants': communityGamesParticipants,
  '0040-dashboard-fact-rollups': dashboardFactRollups,
  '0041-dashboard-quarter-participants': dashboardQuarterParticipants,
  '0042-entries-submitted-by-citizen': entriesSubmittedByCitizen,
  '0043-event-counter-hot-updates': eventCounterHotUpdates,
  '0044-event-search-documents': eventSearchDocuments,
  '0045-dashboard-participant-apply-plans': dashboardParticipantApplyPlans,
  '0046-dashboard-import-channel': dashboardImportChannel,
  '0047-event-times-to-milliseconds': eventTimesToMilliseconds,
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
