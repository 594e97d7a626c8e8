import type {
  AccountType,
  ChangeState,
  EventLevel,
  EventState,
  FilingField,
  FilingForm,
  FilingScope,
  MenuKey,
  ReviewStep,
  Section,
  PermittedEventAction,
} from '@cityleague/domain';

import type { Division, PublicEvent } from '../lib/types';

/** The signed-in account as GET /api/me and POST /api/session return it. */
export interface Me {
  user: {
    id: string;
    username: string;
    displayName: string;
    accountType: AccountType;
    divisionCode: string;
    divisionName: string;
    organisation: { id: string; name: string };
  };
  menus: MenuKey[];
  filing: FilingScope[];
  /** True until the user replaces an initial password; the console shows only the change page. */
  mustChangePassword: boolean;
  /** The sign-in step still missing after the password; the console shows only that step. */
  pendingStep: 'totp' | 'totp_enrolment' | null;
  /** Two-factor sign-in (TOTP): whether it is set up, and whether the account type must use it. */
  totp: { enrolled: boolean; required: boolean };
}

/** A new TOTP secret for enrolment, with its otpauth URI and a QR code as a PNG data URL. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** One account in the operator's account list. */
export interface ManagedAccount {
  id: string;
  username: string;
  displayName: string;
  accountType: AccountType;
  divisionCode: string;
  divisionName: string;
  organisationName: string;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  locked: boolean;
  disabled: boolean;
  presetNumber: number | null;
  createdAt: string;
}

export type { Division, PublicEvent, Sport } from '../lib/types';

/** Details of the full filing form beyond the public ones; null where a draft lacks one. */
export interface FilingDetails {
  address: string | null;
  host: string | null;
  organiser: string | null;
  coOrganisers: string[];
  expectedParticipants: number | null;
  /** The entry fee in fen (hundredths of a yuan); 0 for a free event. */
  feeCents: number | null;
  rules: string | null;
  safetyPlan: string | null;
  medicalCover: string | null;
  insurance: string | null;
  contactName: string | null;
  contactPhone: string | null;
  description: string | null;
}

/** A review step of a submitted filing; `done` is null until the reviewer records it. */
export interface ReviewStepState {
  step: ReviewStep;
  /** The national federation that pre-reviews the sport, for the pre_review step. */
  federation?: string;
  done: { at: string; by: string; byName: string; note: string } | null;
}

/** A change to an approved event, with the changed fields' values before and after. */
export interface ChangeRequest {
  id: string;
  eventId: string;
  state: ChangeState;
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason: string;
  returnReason: string | null;
  submittedAt: string;
  decidedAt: string | null;
}

/** Review and after-approval state of an event. */
export interface EventReviewState {
  form: FilingForm;
  /** Required details the filing still lacks; submit is rejected until it is empty. */
  missingFields: FilingField[];
  reviewSteps: ReviewStepState[];
  pendingChange: ChangeRequest | null;
  cancelReason: string | null;
  cancelledAt: string | null;
  /** The event this draft was copied from. */
  copiedFrom: string | null;
  /** Whole days the filing or its pending change has waited for the reviewer, else null. */
  daysWaiting: number | null;
}

/** An event in any state, as the console API returns it. */
export interface ConsoleEvent extends PublicEvent, FilingDetails, EventReviewState {
  /** What the signed-in user may do with the event, as the server decides it. */
  actions: PermittedEventAction[];
  state: EventState;
  returnReason: string | null;
  submittedAt: string | null;
  approvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * The reviewer of the event's filing, or of its next submission while it is a draft or
   * returned. Null when the filing passes on submit.
   */
  reviewerAccountType: AccountType | null;
  /** The district whose bureau reviews the event; null for every other reviewer. */
  reviewerDistrictCode: string | null;
  /** The organisation that filed the event and runs it. */
  organisationId: string;
  /** The contract a contractor filed the event under; null for other filers. */
  contractId: string | null;
}

/** One audit entry of an event, e.g. action `event.returned` with detail `{ reason }`. */
export interface TimelineEntry {
  at: string;
  action: string;
  actorName: string | null;
  detail: Record<string, unknown> | null;
}

export type ConsoleEventDetail = ConsoleEvent & { timeline: TimelineEntry[] };

/** The details of a filing as the API takes them; times are ISO 8601 instants. */
export interface FilingDetailValues {
  sport: string;
  divisionCode: string;
  venue: string;
  address: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  registrationOpensAt: string;
  registrationClosesAt: string;
  host: string;
  organiser: string;
  coOrganisers: string[];
  expectedParticipants: number;
  /** The entry fee in fen (hundredths of a yuan). */
  feeCents: number;
  rules: string;
  safetyPlan: string;
  medicalCover: string;
  insurance: string;
  contactName: string;
  contactPhone: string;
  description: string;
  /** Required from contractors: the contract whose level, section and sport the event takes. */
  contractId: string;
}

/** A new filing: name, level and section, and any details known yet. */
export type EventInput = {
  name: string;
  level: EventLevel;
  section: Section;
} & Partial<FilingDetailValues>;

/** A change to a draft or returned filing; null clears a detail. */
export type EventPatch = Partial<Pick<EventInput, 'name' | 'level' | 'section'>> & {
  [K in keyof FilingDetailValues]?: FilingDetailValues[K] | null;
};

/** A venue used by earlier events, as GET /api/console/venues suggests it. */
export interface VenueSuggestion {
  venue: string;
  address: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  /** True when one of the organisation's own events used it. */
  own: boolean;
  /** How many of the searched events were held there. */
  uses: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Registration {
  id: string;
  code: string;
  name: string;
  phoneMasked: string;
  status: 'active' | 'waiting' | 'offered' | 'cancelled';
  createdAt: string;
  checkedInAt: string | null;
  /** Answers to the form's custom fields; the entry list and detail carry them. */
  answers?: EntryAnswer[];
}

/** One answer to a custom field as the console shows it, masked when `masked` is true. */
export interface EntryAnswer {
  key: string;
  label: string;
  type: string;
  text: string;
  masked: boolean;
  file: { id: string; fileName: string; contentType: string; sizeBytes: number } | null;
}

/** One entry with its group, channel and masked identifiers, for the entry detail. */
export interface RegistrationDetail extends Registration {
  answers: EntryAnswer[];
  idMasked: string | null;
  groupName: string;
  channel: string;
  guardianName: string | null;
  guardianPhoneMasked: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface RegistrationPage extends Page<Registration> {
  total: number;
  checkedIn: number;
  /** Entries on the waiting list, those offered a place included. */
  waiting: number;
  offered: number;
}

/** Where and when an entry's check-in in force happened. */
export interface CheckInPlace {
  at: string;
  gate: string;
  deviceId: string;
}

/** A team member as the organiser sees them, personal data masked. */
export interface TeamMember {
  id: string;
  name: string;
  phoneMasked: string;
  idMasked: string | null;
  status: 'active' | 'waiting' | 'offered' | 'cancelled';
  code: string | null;
  checkedInAt: string | null;
}

/** A team entry with its members, as GET /api/console/events/:id/teams returns it. */
export interface Team {
  id: string;
  groupId: string;
  groupName: string | null;
  name: string;
  status: 'active' | 'waiting' | 'cancelled';
  size: number;
  queuePosition: number | null;
  createdAt: string;
  cancelledAt: string | null;
  members: TeamMember[];
}

export interface CheckInResult {
  outcome: 'checked_in' | 'repeat' | 'superseded';
  registration: Registration;
  alreadyCheckedIn: boolean;
  replayed: boolean;
  checkIn: CheckInPlace | null;
}

/** One scan an offline device stored, as the batch endpoint takes it. */
export interface OfflineScan {
  code: string;
  nonce: string;
  gate: string;
  scannedAt: string;
}

export interface BatchScanResult {
  nonce: string;
  outcome: 'checked_in' | 'repeat' | 'superseded' | 'rejected';
  replayed: boolean;
  error: string | null;
  conflict: boolean;
  code: string | null;
  name: string | null;
  checkIn: CheckInPlace | null;
}

export interface OfflineTicket {
  hash: string;
  nameMasked: string;
  groupId: string;
  status: string;
  checkedInAt: string | null;
  gate: string | null;
}

export interface OfflineTicketList {
  eventId: string;
  eventName: string;
  generatedAt: string;
  groups: { id: string; name: string }[];
  tickets: OfflineTicket[];
}

export interface CheckInStats {
  total: number;
  checkedIn: number;
  rate: number;
  onSite: number;
  rejectedScans: number;
  conflicts: number;
  lastScanAt: string | null;
  byGroup: { groupId: string; name: string; total: number; checkedIn: number; rate: number }[];
  byGate: { gate: string; checkedIn: number }[];
}

export type OutboxState = 'waiting' | 'retrying' | 'abandoned' | 'sent';

export interface OutboxItem {
  id: string;
  kind: string;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  abandonedAt: string | null;
  /** When the SMS gateway accepted the message; null until then. */
  sentAt: string | null;
  /** Cause for which an abandoned message was given up; null while it is not abandoned. */
  abandonReason: OutboxAbandonReason | null;
  /** Whether an operator may send it again. */
  retryable: boolean;
  eventId: string | null;
  eventName: string | null;
}

export type OutboxAbandonReason =
  | 'registration_cancelled'
  | 'registration_not_found'
  | 'registration_status_changed'
  | 'event_changed'
  | 'code_expired'
  | 'send_failed';

export interface OutboxPage extends Page<OutboxItem> {
  /** Counts of the unsent states; sent messages are too many to count on every request. */
  counts: Record<Exclude<OutboxState, 'sent'>, number>;
}

/** Event counts by dashboard stage: a published event that has ended counts as held. */
export type EventCounts = Record<EventState | 'held' | 'filed' | 'total', number>;

/** Figures of one dashboard cell: events by stage, entries, check-ins, people and channels. */
export interface DashboardFigures {
  events: EventCounts;
  registrations: number;
  cancellations: number;
  checkIns: number;
  /** Active entries of the events that ended before now: the check-in rate's denominator. */
  endedRegistrations: number;
  /** Check-ins of the events that ended before now: the check-in rate's numerator. */
  endedCheckIns: number;
  /** People with at least one active entry, each counted once. */
  participants: number;
  channels: { online: number; onSite: number; partner: number };
}

export interface DashboardRow extends DashboardFigures {
  key: string;
  name: string;
}

export interface DashboardNode extends DashboardRow {
  code: string;
  level: Division['level'];
  /** Set on the row of events held in the scope as a whole, which has no division to open. */
  unassigned?: true;
}

/**
 * Whose events a dashboard counts: every event of the division, or only the events that the
 * signed-in organisation may see (contractors and the community sports association).
 */
export type DashboardBasis = 'division' | 'organisation';

export interface DashboardPeriod {
  year?: number;
  quarter?: number;
  month?: number;
}

export interface Dashboard extends DashboardFigures {
  scope: { code: string; name: string; level: Division['level'] };
  basis: DashboardBasis;
  /** The organisation whose events are counted when `basis` is 'organisation'. */
  organisation: { id: string; name: string } | null;
  /** The period counted; without a year in the request it is the current year. */
  period: { year: number; quarter: number | null; month: number | null };
  lastYear: DashboardFigures;
  months: { month: string; thisYear: DashboardFigures; lastYear: DashboardFigures }[];
  sections: DashboardRow[];
  sports: DashboardRow[];
  levels: DashboardRow[];
  organisers: DashboardRow[];
  ranking: (DashboardRow & { parentName: string | null })[];
  /** Events held in the scope as a whole, in no child division. */
  unassigned: DashboardFigures;
  children: DashboardNode[];
}

/** Narrower selections of the events behind a dashboard figure. */
export interface DashboardDrill {
  stage?: EventState | 'held' | 'filed';
  section?: string;
  sport?: string;
  level?: string;
  organisationId?: string;
  child?: string;
  /** Only the events in no child division: the unassigned row of the child table. */
  unassigned?: boolean;
  /** Replaces the page's period, for a month of the trend chart. */
  month?: number;
  year?: number;
}

export interface DashboardEvent {
  id: string;
  name: string;
  state: EventState;
  stage: string;
  level: string;
  section: string;
  sport: string | null;
  divisionName: string | null;
  organisationName: string;
  startsAt: string | null;
  registrations: number;
  cancellations: number;
  checkIns: number;
  /** The event ended before now; an event that has not ended has no check-in rate. */
  ended: boolean;
  channels: { online: number; onSite: number; partner: number };
}

/** One audit log entry as GET /api/audit/entries returns it. */
export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  actor: { id: string; username: string; displayName: string } | null;
  /** The partner platform that acted through the open API; `actor` is then null. */
  partner: { id: string; name: string } | null;
  organisation: { id: string; name: string } | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  entityType: string;
  entityId: string;
  outcome: 'success' | 'failure';
  detail: Record<string, unknown>;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  prevHash: string;
  hash: string;
}

/** Filters of the audit viewer; an absent member does not filter. */
export interface AuditFilter {
  username?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  ip?: string;
  outcome?: 'success' | 'failure';
}

/** A contract (中标合同) of a contracted organiser, as the operator imported it. */
export interface Contract {
  id: string;
  year: number;
  creditCode: string;
  organisationName: string;
  level: 'city' | 'district';
  districtCode: string | null;
  districtName: string | null;
  section: Section;
  sport: string;
  sportName: string;
  eventName: string;
  contactName: string;
  contactPhoneMasked: string;
  createdAt: string;
  updatedAt: string;
}

/** One problem of an imported workbook: Excel row, column header, code and Chinese reason. */
export interface ContractRowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

/** A contract import: a dry run's report, or what its commit applied. */
export interface ContractImport {
  id: string;
  year: number;
  fileName: string;
  sha256: string;
  status: 'dry_run' | 'committed';
  createdAt: string;
  committedAt: string | null;
  summary: { rows: number; new: number; changed: number; unchanged: number; invalid: number };
  errors: ContractRowError[];
  rows: {
    row: number;
    status: 'new' | 'changed' | 'unchanged';
    creditCode: string;
    organisationName: string;
    eventName: string;
    changedFields: string[];
  }[];
}

export interface ContractFilter {
  year?: string;
  level?: string;
  sport?: string;
  q?: string;
}

/** One problem of an uploaded workbook: Excel row, column header, stable code, Chinese reason. */
export interface WorkbookRowError {
  row: number;
  column: string;
  code: string;
  reason: string;
}

/** The outcome of checking or importing a workbook of entries taken offline. */
export interface EntryImportReport {
  mode: 'dry_run' | 'committed';
  rows: number;
  valid: number;
  errors: WorkbookRowError[];
  groups: { groupId: string; name: string; requested: number; free: number }[];
  created: number;
}
