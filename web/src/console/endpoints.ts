import type { EventState } from '@cityleague/domain';
import { api } from '../lib/api';
import type {
  AuditEntry,
  AuditFilter,
  BatchScanResult,
  CheckInResult,
  CheckInStats,
  OfflineScan,
  OfflineTicketList,
  OutboxPage,
  OutboxState,
  ConsoleEvent,
  Contract,
  ContractFilter,
  ContractImport,
  EntryImportReport,
  ConsoleEventDetail,
  Dashboard,
  DashboardDrill,
  DashboardEvent,
  DashboardPeriod,
  Division,
  EventInput,
  EventPatch,
  Me,
  Page,
  RegistrationDetail,
  RegistrationPage,
  Sport,
  Team,
  ManagedAccount,
  TotpEnrolment,
  VenueSuggestion,
} from './types';

/** Builds a query string from the defined, non-empty parameters, with a leading '?'. */
function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value) search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const eventPath = (id: string) => `/api/console/events/${encodeURIComponent(id)}`;

export const signIn = (username: string, password: string) =>
  api<Me>('/api/session', { method: 'POST', body: { username, password } });

export const signOut = () => api<void>('/api/session', { method: 'DELETE' });

export const fetchMe = () => api<Me>('/api/me');

export const changePassword = (currentPassword: string, newPassword: string) =>
  api<Me>('/api/me/password', { method: 'POST', body: { currentPassword, newPassword } });

export const verifyTotp = (code: string) =>
  api<Me>('/api/session/totp', { method: 'POST', body: { code } });

export const startTotpEnrolment = () =>
  api<TotpEnrolment>('/api/me/totp/enrolment', { method: 'POST' });

export const confirmTotpEnrolment = (code: string) =>
  api<Me>('/api/me/totp', { method: 'POST', body: { code } });

export const removeTotp = (code: string) =>
  api<Me>('/api/me/totp', { method: 'DELETE', body: { code } });

export interface AccountFilters {
  type?: string;
  division?: string;
  q?: string;
}

export const fetchManagedAccounts = (filters: AccountFilters, cursor: string | null) =>
  api<{ items: ManagedAccount[]; nextCursor: string | null }>(
    `/api/operator/accounts${query({ ...filters, cursor, limit: '20' })}`,
  );

export interface NewManagedAccount {
  username: string;
  accountType: string;
  divisionCode: string;
  organisationName: string;
  displayName?: string;
  creditCode?: string;
}

export const createManagedAccount = (account: NewManagedAccount) =>
  api<{ id: string; initialPassword: string }>('/api/operator/accounts', {
    method: 'POST',
    body: account,
  });

const managedPath = (id: string) => `/api/operator/accounts/${encodeURIComponent(id)}`;

export const resetManagedPassword = (id: string) =>
  api<{ initialPassword: string }>(`${managedPath(id)}/password-reset`, { method: 'POST' });

/** Runs an operator action that returns nothing: unlock, totp-reset, disable or enable. */
export const runAccountAction = (
  id: string,
  action: 'unlock' | 'totp-reset' | 'disable' | 'enable',
) => api<void>(`${managedPath(id)}/${action}`, { method: 'POST' });

export const fetchSports = () => api<Sport[]>('/api/sports');

export const fetchDistricts = () => api<Division[]>('/api/divisions?level=district');

export const fetchChildDivisions = (parentCode: string) =>
  api<Division[]>(`/api/divisions${query({ parent: parentCode })}`);

export const fetchDivision = (code: string) =>
  api<Division>(`/api/divisions/${encodeURIComponent(code)}`);

export const fetchConsoleEvents = (state: EventState | undefined, cursor: string | null) =>
  api<Page<ConsoleEvent>>(`/api/console/events${query({ state, cursor })}`);

export const fetchConsoleEvent = (id: string) => api<ConsoleEventDetail>(eventPath(id));

export const createEvent = (input: EventInput) =>
  api<ConsoleEvent>('/api/console/events', { method: 'POST', body: input });

export const updateEvent = (id: string, patch: EventPatch, options: { keepalive?: boolean } = {}) =>
  api<ConsoleEvent>(eventPath(id), { method: 'PATCH', body: patch, ...options });

export const submitEvent = (id: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/submit`, { method: 'POST' });

export const publishEvent = (id: string) =>
  api<ConsoleEvent>(`${eventPath(id)}/publish`, { method: 'POST' });

export const approveEvent = (id: string) =>
  api<ConsoleEvent>(`/api/reviews/${encodeURIComponent(id)}/approve`, { method: 'POST' });

export const returnEvent = (id: string, reason: string) =>
  api<ConsoleEvent>(`/api/reviews/${encodeURIComponent(id)}/return`, {
    method: 'POST',
    body: { reason },
  });

export const fetchRegistrations = (eventId: string, cursor: string | null) =>
  api<RegistrationPage>(`${eventPath(eventId)}/registrations${query({ cursor })}`);

/** Reveals the mobile number (`phone`) or a masked answer (`answers.<key>`), audited. */
export const revealRegistrationField = (eventId: string, registrationId: string, field: string) =>
  api<{ field: string; value: string }>(
    `${eventPath(eventId)}/registrations/${encodeURIComponent(registrationId)}/reveal`,
    { method: 'POST', body: { field } },
  );

export const fetchRegistrationDetail = (eventId: string, registrationId: string) =>
  api<RegistrationDetail>(
    `${eventPath(eventId)}/registrations/${encodeURIComponent(registrationId)}`,
  );

/** Path of the audited download of an entry's file answer. */
export const entryFilePath = (eventId: string, registrationId: string, fileId: string) =>
  `${eventPath(eventId)}/registrations/${encodeURIComponent(registrationId)}/files/${encodeURIComponent(fileId)}`;

export const checkIn = (
  eventId: string,
  scan: { code: string; nonce: string; deviceId: string; gate: string },
) => api<CheckInResult>(`${eventPath(eventId)}/check-ins`, { method: 'POST', body: scan });

export const syncCheckIns = (eventId: string, deviceId: string, scans: OfflineScan[]) =>
  api<{ results: BatchScanResult[]; conflicts: number }>(`${eventPath(eventId)}/check-ins/batch`, {
    method: 'POST',
    body: { deviceId, scans },
  });

export const fetchOfflineTicketList = (eventId: string) =>
  api<OfflineTicketList>(`${eventPath(eventId)}/check-in-list`);

export const fetchCheckInStats = (eventId: string) =>
  api<CheckInStats>(`${eventPath(eventId)}/check-in-stats`);

export const fetchOnSiteLink = (eventId: string) =>
  api<{ url: string; qrSvg: string }>(`${eventPath(eventId)}/on-site-link`);

export const fetchOutbox = (state: OutboxState, cursor: string | null) =>
  api<OutboxPage>(`/api/operator/outbox${query({ state, cursor, limit: '50' })}`);

export const retryOutboxMessage = (id: string) =>
  api<{ id: string; kind: string }>(`/api/operator/outbox/${encodeURIComponent(id)}/retry`, {
    method: 'POST',
  });

export const fetchTeams = (eventId: string, cursor: string | null) =>
  api<Page<Team>>(`${eventPath(eventId)}/teams${query({ cursor, limit: '50' })}`);

/** Cancels one entry as the organiser; a place it held goes to the waiting list. */
export const cancelRegistration = (eventId: string, registrationId: string, reason: string) =>
  api<{ id: string; status: string; released: boolean }>(
    `${eventPath(eventId)}/registrations/${encodeURIComponent(registrationId)}/cancel`,
    { method: 'POST', body: { reason } },
  );

export const cancelTeam = (eventId: string, teamId: string, reason: string) =>
  api<{ id: string; status: string; released: number }>(
    `${eventPath(eventId)}/teams/${encodeURIComponent(teamId)}/cancel`,
    { method: 'POST', body: { reason } },
  );

/** Query parameters of a dashboard: its division and period, as strings. */
function dashboardParams(division: string | undefined, period: DashboardPeriod) {
  return {
    division,
    year: period.year?.toString(),
    quarter: period.quarter?.toString(),
    month: period.month?.toString(),
  };
}

export const fetchDashboard = (division: string | undefined, period: DashboardPeriod = {}) =>
  api<Dashboard>(`/api/dashboard${query(dashboardParams(division, period))}`);

/** Path of a figure set's workbook, which the browser downloads with the session cookie. */
export const dashboardExportPath = (
  division: string | undefined,
  period: DashboardPeriod,
  figureSet: string,
) => `/api/dashboard/export${query({ ...dashboardParams(division, period), figureSet })}`;

export const fetchDashboardEvents = (
  division: string | undefined,
  period: DashboardPeriod,
  drill: DashboardDrill,
  cursor: string | null,
) => {
  const { year, month, unassigned, ...filters } = drill;
  const scoped = month ? { year: year ?? period.year, month } : period;
  const params = {
    ...dashboardParams(division, scoped),
    ...filters,
    unassigned: unassigned ? 'true' : undefined,
    cursor,
  };
  return api<Page<DashboardEvent>>(`/api/dashboard/events${query(params)}`);
};

const auditQuery = (filter: AuditFilter, cursor?: string | null) =>
  query({ ...filter, cursor, limit: cursor === undefined ? undefined : '50' });

export const fetchAuditEntries = (filter: AuditFilter, cursor: string | null) =>
  api<Page<AuditEntry>>(`/api/audit/entries${auditQuery(filter, cursor)}`);

/** Path of the Excel export of the entries that match the filter. */
export const auditExportPath = (filter: AuditFilter) => `/api/audit/export${auditQuery(filter)}`;
/** Venues of earlier events that contain the text, the organisation's own first. */
export const fetchVenueSuggestions = (text: string) =>
  api<{ items: VenueSuggestion[] }>(`/api/console/venues${query({ q: text })}`);

export const fetchOwnContracts = () => api<{ items: Contract[] }>('/api/console/contracts/mine');

export const fetchContracts = (filter: ContractFilter, cursor: string | null) =>
  api<Page<Contract>>(`/api/console/contracts${query({ ...filter, cursor })}`);

/** Path of an event's entries export, which the browser downloads with the session cookie. */
export const entryExportPath = (eventId: string, format: 'xlsx' | 'csv', unmasked = false) =>
  `/api/console/events/${encodeURIComponent(eventId)}/registrations/export${query({
    format,
    unmasked: unmasked ? 'true' : undefined,
  })}`;

/** Path of the template workbook for importing entries taken offline. */
export const ENTRY_IMPORT_TEMPLATE_PATH = '/api/console/registration-imports/template';

/** Checks (dry run) or imports, all or nothing, a workbook of entries taken offline. */
export const importEntries = (
  eventId: string,
  upload: { fileName: string; content: string; dryRun: boolean },
) =>
  api<EntryImportReport>(
    `/api/console/events/${encodeURIComponent(eventId)}/registration-imports`,
    { method: 'POST', body: upload },
  );

/** Path of the template workbook, which the browser downloads with the session cookie. */
export const CONTRACT_TEMPLATE_PATH = '/api/console/contracts/template.xlsx';

export const dryRunContractImport = (fileName: string, content: string, year: number) =>
  api<ContractImport>('/api/console/contracts/imports', {
    method: 'POST',
    body: { fileName, content, year },
  });

export const commitContractImport = (id: string) =>
  api<ContractImport>(`/api/console/contracts/imports/${encodeURIComponent(id)}/commit`, {
    method: 'POST',
  });
