import type { DocumentCategory, RegistrationForm, ResultStatus } from '@cityleague/domain';
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface DivisionTable {
  code: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community';
  parent_code: string | null;
  district_code: string | null;
  street_code: string | null;
}

export interface OrganisationTable {
  id: string;
  name: string;
  credit_code: string | null;
  division_code: string;
  created_at: CreatedAt;
}

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  display_name: string;
  account_type: string;
  organisation_id: string;
  division_code: string;
  created_at: CreatedAt;
  must_change_password: Generated<boolean>;
  /** N of a preset street account named SAGYWTB plus N in three digits; null otherwise. */
  preset_number: ColumnType<number | null, number | null | undefined, number | null>;
  /** The TOTP secret (base32), encrypted with the personal data cipher; null when not enrolled. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** A secret shown for enrolment and not yet confirmed with a code, encrypted. */
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** The last accepted TOTP time step (Unix seconds / 30); codes of it or earlier are rejected. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  totp_enrolled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When the operator disabled the account; a disabled account cannot sign in. */
  disabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Subject (`sub`) of the government portal identity linked to the account; null if none. */
  portal_subject: ColumnType<string | null, string | null | undefined, string | null>;
  /** The official's mobile number for alert SMS, encrypted; null when none is on file. */
  phone_ciphertext: ColumnType<string | null, string | null | undefined, string | null>;
  phone_hash: ColumnType<string | null, string | null | undefined, string | null>;
  phone_masked: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionTable {
  id: string;
  user_id: string;
  ip: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
  /** The sign-in step still missing after the password; null once the session is complete. */
  pending_step: ColumnType<PendingStep | null, PendingStep | null | undefined, PendingStep | null>;
}

/** `totp`: the user must enter a one-time code. `totp_enrolment`: the user must enrol first. */
export type PendingStep = 'totp' | 'totp_enrolment';

export interface PasswordHistoryTable {
  id: Generated<string>;
  user_id: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface SignInFailureTable {
  id: Generated<string>;
  username: string;
  ip: string | null;
  at: CreatedAt;
  counted: Generated<boolean>;
}

export interface SignInLockTable {
  username: string;
  locked_until: Timestamp;
}

/** A portal log-in between the redirect to the provider and the callback. */
export interface PortalLoginTable {
  /** SHA-256 of the cookie token. */
  id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export type PortalRegistrationStatus =
  'started' | 'pending' | 'approved' | 'rejected' | 'completed';

/** A self-registration of an organisation that signed in through the government portal. */
export interface PortalRegistrationTable {
  id: string;
  subject: string;
  credit_code: string;
  organisation_name: string;
  status: PortalRegistrationStatus;
  account_type: string | null;
  division_code: string | null;
  password_hash: string | null;
  reject_reason: string | null;
  user_id: string | null;
  /** SHA-256 of the registration cookie token; null once the registration is closed. */
  token_hash: string | null;
  token_expires_at: Timestamp | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface EventTable {
  id: string;
  organisation_id: string;
  /** The user who filed the event; null when a partner filed it (events_one_creator). */
  created_by: string | null;
  /** The partner platform that filed the event through the open API. */
  created_by_partner_id: Optional<string>;
  name: string;
  /** Pinyin initials of the name (三人篮球赛: srlqs), written with it, for the public search. */
  name_initials: Optional<string>;
  /** Full pinyin of the name and venue from each syllable on, for search (see pinyin-search.ts). */
  name_pinyin: Optional<string>;
  venue_pinyin: Optional<string>;
  /** Lower-case name, venue, address and their initials, generated for the public search. */
  search_document: ColumnType<string, never, never>;
  /** Full pinyin of the name and venue, generated for the public search. */
  pinyin_document: ColumnType<string, never, never>;
  level: string;
  section: string;
  // A draft may lack any of these; the events_filed_complete check requires them once filed.
  sport: string | null;
  division_code: string | null;
  district_code: string | null;
  venue: string | null;
  /** Pinyin initials of the venue (徐汇区体育馆: xhqtyg), written with it, for suggestions. */
  venue_initials: Optional<string>;
  starts_at: Timestamp | null;
  ends_at: Timestamp | null;
  capacity: number | null;
  registration_opens_at: Timestamp | null;
  registration_closes_at: Timestamp | null;
  registered_count: Generated<number>;
  state: string;
  reviewer_type: string | null;
  reviewer_district_code: string | null;
  return_reason: string | null;
  submitted_at: Timestamp | null;
  approved_at: Timestamp | null;
  published_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Id of the last transaction that wrote the row (xid8), the partner sync position. */
  change_txid: Generated<string>;
  /** The contract a contractor's event is filed under; null for other filers. */
  contract_id: ColumnType<string | null, string | null | undefined, string | null>;
  address: Optional<string>;
  host: Optional<string>;
  organiser: Optional<string>;
  co_organisers: ColumnType<string[], string | undefined, string>;
  expected_participants: Optional<number>;
  fee_cents: Optional<number>;
  rules: Optional<string>;
  safety_plan: Optional<string>;
  medical_cover: Optional<string>;
  insurance: Optional<string>;
  contact_name: Optional<string>;
  contact_phone: Optional<string>;
  description: Optional<string>;
  /** Steps the reviewer records before approving, and what each recorded. */
  review_steps: ColumnType<StoredReviewStep[], string | undefined, string>;
  pending_change_id: Optional<string>;
  cancel_reason: Optional<string>;
  copied_from: Optional<string>;
  /** Last moment a citizen may cancel an active entry; null means until registration closes. */
  cancel_deadline: Optional<Date>;
}

/** A nullable column that inserts may leave out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface StoredReviewStep {
  step: string;
  /** The federation whose pre-review is asked for, for a pre-review step. */
  federation?: string;
  done: { at: string; by: string; byName: string; note: string } | null;
}

export interface SportPreReviewTable {
  sport: string;
  federation: string;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EventChangeTable {
  id: string;
  event_id: string;
  state: Generated<string>;
  before: ColumnType<Record<string, unknown>, string, string>;
  after: ColumnType<Record<string, unknown>, string, string>;
  fields: string[];
  reason: string;
  reviewer_type: string | null;
  reviewer_district_code: string | null;
  return_reason: string | null;
  /** The user who asked for the change; null when a partner asked (event_changes_one_submitter). */
  submitted_by: string | null;
  submitted_by_partner_id: Optional<string>;
  submitted_at: CreatedAt;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface RegistrationTable {
  id: string;
  event_id: string;
  code: string;
  name: string;
  phone_ciphertext: string;
  phone_hash: string;
  phone_masked: string;
  status: Generated<RegistrationStatus>;
  idempotency_key: string | null;
  channel: string;
  created_at: CreatedAt;
  checked_in_at: Timestamp | null;
  checked_in_by: string | null;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancel_reason: ColumnType<string | null, string | null | undefined, string | null>;
  group_id: string;
  /** The resident ID number, encrypted, with its keyed hash and masked form; null when not given. */
  id_ciphertext: Optional<string>;
  id_hash: Optional<string>;
  id_masked: Optional<string>;
  /** Place in the group's waiting list, from one sequence: lower numbers are promoted first. */
  waiting_seq: ColumnType<
    string | null,
    string | number | null | undefined,
    string | number | null
  >;
  /** End of an offered entry's time to accept; set exactly while the status is 'offered'. */
  offer_expires_at: Optional<Date>;
  promoted_at: Optional<Date>;
  /** The partner that pushed the entry; set exactly when the channel is 'partner'. */
  partner_id: Optional<string>;
  /** The signed-in citizen who submitted the entry, who may list and cancel it; null without one. */
  submitted_by_citizen_id: Optional<string>;
  updated_at: Generated<Date>;
  /** Id of the last transaction that wrote the row, the position of partner sync. */
  change_txid: Generated<string>;
  /** Gate of the scan that checked the entry in, and that scan; null until checked in. */
  checked_in_gate: Optional<string>;
  check_in_scan_id: Optional<string>;
  /** Normalised answers to the form's shown custom fields, by field key. */
  answers: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** Version of the event's form the answers were given under; null for the default form. */
  form_version: Optional<number>;
  /** Version of the safety notice the entrant accepted, with the time; null without a notice. */
  safety_notice_version: Optional<number>;
  safety_accepted_at: Optional<Date>;
  /** When the entrant consented to giving the ID number; set whenever one is stored. */
  id_consent_at: Optional<Date>;
  /** A guardian's consent for an entrant under 14: all four set, or none. */
  guardian_name: Optional<string>;
  guardian_phone_ciphertext: Optional<string>;
  guardian_phone_masked: Optional<string>;
  guardian_consent_at: Optional<Date>;
  /** The team this entry is a member of; null for an individual entry. */
  team_id: Optional<string>;
}

/** Mode of a scan: scanned online, synced from an offline device, or on-site registration. */
export type ScanMode = 'online' | 'offline' | 'on_site';
/** Outcome of a scan: checked in, already checked in, lost to an earlier scan, or rejected. */
export type ScanOutcome = 'checked_in' | 'repeat' | 'superseded' | 'rejected';

export interface CheckInScanTable {
  id: string;
  event_id: string;
  registration_id: string | null;
  /** Registration code as scanned or typed, normalised. */
  code: string;
  /** Random value chosen by the device; unique per event, so a resent scan is recognised. */
  nonce: string;
  device_id: string;
  gate: string;
  mode: ScanMode;
  /** Time of the scan: the database clock online, the device's clock for offline scans. */
  scanned_at: ColumnType<Date, Date | string, Date | string>;
  received_at: CreatedAt;
  scanned_by: string | null;
  outcome: ScanOutcome;
  /** Error code of a rejected scan, such as CHK_ENTRY_CANCELLED; null otherwise. */
  rejection: string | null;
  /** Set on both scans when two devices scanned one ticket and an offline scan was involved. */
  conflict: Generated<boolean>;
}

export interface EventRegistrationFormTable {
  event_id: string;
  definition: ColumnType<RegistrationForm, string, string>;
  version: number;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EventSafetyNoticeTable {
  event_id: string;
  version: number;
  body: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface FormTemplateTable {
  id: string;
  organisation_id: string;
  name: string;
  definition: ColumnType<RegistrationForm, string, string>;
  safety_notice: Optional<string>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A file uploaded as the answer to a file field; unclaimed until an entry names it. */
export interface RegistrationAttachmentTable {
  id: string;
  event_id: string;
  registration_id: Optional<string>;
  field_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: CreatedAt;
}

/** Status of a team; its live members have the same status. */
export type TeamStatus = 'active' | 'waiting' | 'cancelled';

export interface TeamTable {
  id: string;
  event_id: string;
  group_id: string;
  name: string;
  /** The signed-in citizen who registered the team and may change or cancel it. */
  captain_citizen_id: string;
  status: TeamStatus;
  /** Place in the group's waiting list; the members carry the same number. */
  waiting_seq: ColumnType<
    string | null,
    string | number | null | undefined,
    string | number | null
  >;
  idempotency_key: Optional<string>;
  cancel_reason: Optional<string>;
  cancelled_at: Optional<Date>;
  promoted_at: Optional<Date>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Status of an entry: 'active' and 'offered' hold a place of the group, 'waiting' does not. */
export type RegistrationStatus = 'active' | 'waiting' | 'offered' | 'cancelled';

export interface EventGroupTable {
  id: string;
  event_id: string;
  name: string;
  capacity: number;
  /** Places held by active and offered entries; the event_groups_places check keeps it in range. */
  taken: Generated<number>;
  fee_cents: Generated<number>;
  gender: Generated<'any' | 'male' | 'female'>;
  min_age: Optional<number>;
  max_age: Optional<number>;
  entry_type: Generated<'individual' | 'team'>;
  team_min: Optional<number>;
  team_max: Optional<number>;
  waiting_list: Generated<WaitingListMode>;
  offer_hours: Optional<number>;
  sort_order: Generated<number>;
  /** Set on the group made at publication of an event without groups; follows its capacity. */
  is_default: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

/** What happens when a group is full: reject, promote the next in line, or offer them the place. */
export type WaitingListMode = 'off' | 'auto' | 'offer';

export interface AuditLogTable {
  id: string;
  /** Position in the hash chain, from 1, in the order entries were appended. */
  seq: ColumnType<number, number, never>;
  /** Stored at millisecond precision, because the hash covers it. */
  at: ColumnType<Date, Date, never>;
  actor_user_id: string | null;
  /** The partner platform that acted through the open API, with no user. */
  actor_partner_id: ColumnType<string | null, string | null | undefined, never>;
  organisation_id: string | null;
  actor_ip: string | null;
  user_agent: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  outcome: 'success' | 'failure';
  detail: ColumnType<Record<string, unknown>, string, never>;
  changes: ColumnType<
    Record<string, { before: unknown; after: unknown }> | null,
    string | null,
    never
  >;
  /** SHA-256 (hex) of the previous entry, or of the last archived one. */
  prev_hash: string;
  hash: string;
}

/** The end of an archived stretch of the audit chain; rows up to through_seq left the table. */
export interface AuditCheckpointTable {
  id: string;
  created_at: CreatedAt;
  through_seq: number;
  through_hash: string;
  archived_count: number;
  file_name: string;
  file_sha256: string;
}

export interface NotificationOutboxTable {
  id: string;
  created_at: CreatedAt;
  kind: string;
  event_id: string | null;
  registration_id: string | null;
  payload: ColumnType<Record<string, unknown>, string, string>;
  sent_at: Timestamp | null;
  attempts: Generated<number>;
  /** Earliest time of the next delivery attempt; a claimed row's lease ends here too. */
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  /** Set on notifications that must reach a person once whatever the retries of their cause. */
  dedup_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the row will never be sent: too many failures or a message that went stale. */
  abandoned_at: Timestamp | null;
}

export interface CitizenTable {
  id: string;
  phone_ciphertext: string;
  phone_hash: string;
  phone_masked: string;
  real_name_ciphertext: string | null;
  real_name_masked: string | null;
  id_number_ciphertext: string | null;
  id_number_hash: string | null;
  id_number_masked: string | null;
  id_consent_at: Timestamp | null;
  gender: 'male' | 'female' | null;
  /** Calendar date; read it as `birth_date::text` (YYYY-MM-DD) to avoid time zone shifts. */
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  /** Sport codes the citizen chose for recommendations, in the order chosen. */
  favourite_sports: ColumnType<string[], string[] | undefined, string[]>;
  /** District the citizen chose or was located in, for recommendations. */
  district_code: Optional<string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CitizenSessionTable {
  /** SHA-256 of the cookie token. */
  id: string;
  citizen_id: string;
  ip: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SmsCodeTable {
  id: string;
  phone_hash: string;
  code_hash: string;
  ip: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  failed_attempts: Generated<number>;
}

export interface DevSmsMessageTable {
  id: string;
  phone_hash: string;
  phone_masked: string;
  text: string;
  sent_at: CreatedAt;
}

export interface PartnerTable {
  id: string;
  name: string;
  organisation_id: string;
  contact_name: string;
  contact_phone_ciphertext: string;
  contact_phone_hash: string;
  contact_phone_masked: string;
  scopes: string[];
  rate_limit_per_minute: number;
  status: Generated<'active' | 'suspended'>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface PartnerCredentialTable {
  key_id: string;
  partner_id: string;
  secret_ciphertext: string;
  created_at: CreatedAt;
  /** End of the credential's validity; null while it is the current credential. */
  expires_at: Timestamp | null;
}

export interface PartnerNonceTable {
  key_id: string;
  nonce: string;
  seen_at: CreatedAt;
}

export interface WebhookEndpointTable {
  id: string;
  partner_id: string;
  url: string;
  secret_ciphertext: string;
  actions: string[];
  status: Generated<'active' | 'disabled'>;
  disabled_reason: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface WebhookEventTable {
  id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  /** Position of this event among the events of its resource, from 1. */
  sequence: number;
  /** League event the resource belongs to, deciding which partners may receive it. */
  event_id: string | null;
  organisation_id: string | null;
  occurred_at: CreatedAt;
}

export interface WebhookDeliveryTable {
  id: string;
  webhook_event_id: string;
  endpoint_id: string;
  status: Generated<'pending' | 'delivered' | 'abandoned'>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_attempt_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

export interface ContractImportTable {
  id: string;
  year: number;
  file_name: string;
  sha256: string;
  status: 'dry_run' | 'committed';
  row_count: number;
  new_count: number;
  changed_count: number;
  unchanged_count: number;
  invalid_count: number;
  report: ColumnType<unknown, string, string>;
  /** The valid rows of the file, phone numbers already encrypted, applied on commit. */
  rows: ColumnType<unknown, string, string>;
  created_by: string;
  created_at: CreatedAt;
  committed_by: string | null;
  committed_at: Timestamp | null;
}

export interface ContractTable {
  id: string;
  year: number;
  credit_code: string;
  organisation_name: string;
  level: 'city' | 'district';
  district_code: string | null;
  section: string;
  sport: string;
  event_name: string;
  contact_name: string;
  contact_phone_ciphertext: string;
  contact_phone_hash: string;
  contact_phone_masked: string;
  /** The import that created the contract or last changed it; null when made otherwise. */
  import_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A document attached to an event's filing; the file is DOCUMENTS_DIR/<event_id>/<id>. */
export interface EventDocumentTable {
  id: string;
  event_id: string;
  category: DocumentCategory;
  /** The uploader's file name, cleaned for display and downloads; never used as a path. */
  file_name: string;
  /** Derived from the file's content, not from the name or the declared type. */
  content_type: string;
  size_bytes: number;
  /** SHA-256 of the file, as hex. */
  sha256: string;
  uploaded_by: string;
  uploaded_at: CreatedAt;
}

/** A chat-group QR image of an event; the file is DOCUMENTS_DIR/<event_id>/<id>. */
export interface EventChatGroupTable {
  id: string;
  event_id: string;
  /** The group's name as the organiser gave it, such as 1群. */
  label: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: CreatedAt;
}

/** A data key the server has started with, by key id; it stores no key material. */
export interface DataKeyTable {
  id: string;
  /** HMAC-SHA256 of a fixed text under a key derived from the master key, as hex. */
  fingerprint: string;
  /** Whether this key makes the lookup hashes; one key at most. */
  makes_hashes: Generated<boolean>;
  first_used_at: CreatedAt;
}

/**
 * A partner write by its Idempotency-Key. The row is inserted before the write runs; the
 * status and body are stored when it ends, so a row without them is still in progress.
 */
export interface PartnerIdempotencyKeyTable {
  partner_id: string;
  key: string;
  /** SHA-256 (hex) of the method, the path and the raw body. */
  request_hash: string;
  status_code: Optional<number>;
  content_type: Optional<string>;
  response_body: Optional<string>;
  created_at: CreatedAt;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A requested report: the background job and, once done, its stored .xlsx and PDF files. */
export interface ReportJobTable {
  id: string;
  kind: 'monthly' | 'quarterly' | 'annual';
  /** The period as requested: 2026-03, 2026-Q1 or 2026. */
  period: string;
  division_code: string;
  requested_by: string;
  organisation_id: string;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  progress: Generated<number>;
  error: Optional<string>;
  xlsx_bytes: Optional<number>;
  xlsx_sha256: Optional<string>;
  pdf_bytes: Optional<number>;
  pdf_sha256: Optional<string>;
  attempts: Generated<number>;
  /** While running: when the worker's claim lapses and another worker may take the job over. */
  lease_until: Optional<Date>;
  created_at: CreatedAt;
  started_at: Optional<Date>;
  finished_at: Optional<Date>;
}

/** An alert rule's switch and parameters, set by the operator. */
export interface AlertRuleTable {
  code: string;
  enabled: Generated<boolean>;
  parameters: ColumnType<Record<string, number>, string, string>;
  updated_by: Optional<string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** An anomaly alert; the partial index alerts_one_open keeps one open alert per rule and subject. */
export interface AlertTable {
  id: string;
  rule: string;
  subject_type: 'event' | 'partner' | 'person' | 'outbox' | 'ip';
  /** The event or partner id, the person's keyed hash, the IP address, or 'sms'. */
  subject_id: string;
  subject_label: string;
  event_id: Optional<string>;
  /** The district the alert concerns, deciding which district bureau reads it; null city-wide. */
  district_code: Optional<string>;
  /** The figures that made the rule fire, as last evaluated. */
  detail: ColumnType<Record<string, unknown>, string, string>;
  status: Generated<'new' | 'acknowledged' | 'resolved'>;
  first_seen_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  acknowledged_by: Optional<string>;
  acknowledged_at: Optional<Date>;
  resolved_by: Optional<string>;
  resolved_at: Optional<Date>;
  resolution_note: Optional<string>;
}

/** The console notice of an alert to one user. */
export interface AlertNotificationTable {
  alert_id: string;
  user_id: string;
  created_at: CreatedAt;
  read_at: Optional<Date>;
}

/** An event's dashboard dimensions and entry counters, kept by triggers (migration 0021). */
export interface DashboardEventFactTable {
  event_id: string;
  organisation_id: string;
  state: string;
  level: string;
  section: string;
  sport: string | null;
  district_code: string | null;
  street_code: string | null;
  community_code: string | null;
  /** YYYY-MM of the event's start in Asia/Shanghai; null while it has no schedule. */
  month: string | null;
  ends_at: Date | null;
  /** Active entries. */
  registrations: number;
  cancellations: number;
  check_ins: number;
  /** Active entries by channel class. */
  online: number;
  on_site: number;
  partner: number;
  /** Whether the sums of dashboard_fact_rollups hold this row: an ended event, not a draft. */
  rolled: Generated<boolean>;
}

/** Fact sums of ended events per division, dimension, month, state and community games. */
export interface DashboardFactRollupTable {
  /** The division code: the city, a district, a street or a community. */
  scope: string;
  dimension: string;
  /** The dimension's value; '' for an event without one. */
  key: string;
  month: string;
  state: string;
  community_games: boolean;
  events: number;
  registrations: number;
  cancellations: number;
  check_ins: number;
  online: number;
  on_site: number;
  partner: number;
}

/** A queued change of a rolled fact row: the old row with sign -1, the new one with +1. */
export interface DashboardFactRollupChangeTable {
  id: Generated<string>;
  sign: number;
  organisation_id: string;
  state: string;
  level: string;
  section: string;
  sport: string | null;
  district_code: string | null;
  street_code: string | null;
  community_code: string | null;
  month: string;
  registrations: number;
  cancellations: number;
  check_ins: number;
  online: number;
  on_site: number;
  partner: number;
}

/** A person with active entries in a dashboard scope and period, by the mobile number's hash. */
export interface DashboardParticipantTable {
  /**
   * A division code, or a division code and one breakdown: `<code>|section:<section>`,
   * `<code>|sport:<sport>`, `<code>|level:<level>` or `<code>|org:<organisation id>`.
   */
  scope: string;
  /** YYYY or YYYY-MM. */
  period: string;
  person_hash: string;
  entries: number;
}

/** The number of people per scope and period, in shards that a read adds up. */
export interface DashboardParticipantCountTable {
  scope: string;
  period: string;
  shard: number;
  participants: number;
}

/**
 * Participant-set changes waiting to be applied: one row per statement and event, with the
 * event's scopes and periods and each person's change of active entries.
 */
export interface DashboardParticipantChangeTable {
  id: Generated<string>;
  scopes: string[];
  periods: string[];
  people: string[];
  deltas: number[];
}

export interface Database {
  divisions: DivisionTable;
  organisations: OrganisationTable;
  users: UserTable;
  sessions: SessionTable;
  password_history: PasswordHistoryTable;
  sign_in_failures: SignInFailureTable;
  sign_in_locks: SignInLockTable;
  portal_logins: PortalLoginTable;
  portal_registrations: PortalRegistrationTable;
  events: EventTable;
  event_changes: EventChangeTable;
  sport_pre_reviews: SportPreReviewTable;
  registrations: RegistrationTable;
  check_in_scans: CheckInScanTable;
  event_groups: EventGroupTable;
  teams: TeamTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointTable;
  notification_outbox: NotificationOutboxTable;
  partners: PartnerTable;
  partner_credentials: PartnerCredentialTable;
  partner_nonces: PartnerNonceTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  citizens: CitizenTable;
  citizen_sessions: CitizenSessionTable;
  sms_codes: SmsCodeTable;
  dev_sms_messages: DevSmsMessageTable;
  contract_imports: ContractImportTable;
  contracts: ContractTable;
  data_keys: DataKeyTable;
  event_documents: EventDocumentTable;
  event_chat_groups: EventChatGroupTable;
  partner_idempotency_keys: PartnerIdempotencyKeyTable;
  registration_duplicates: RegistrationDuplicateTable;
  partner_hosted_events: PartnerHostedEventTable;
  partner_reconciliations: PartnerReconciliationTable;
  event_results: EventResultTable;
  result_imports: ResultImportTable;
  result_publications: ResultPublicationTable;
  certificate_designs: CertificateDesignTable;
  certificates: CertificateTable;
  certificate_files: CertificateFileTable;
  event_poster_files: EventPosterFileTable;
  event_registration_forms: EventRegistrationFormTable;
  event_safety_notices: EventSafetyNoticeTable;
  form_templates: FormTemplateTable;
  registration_attachments: RegistrationAttachmentTable;
  report_jobs: ReportJobTable;
  alert_rules: AlertRuleTable;
  alerts: AlertTable;
  alert_notifications: AlertNotificationTable;
  dashboard_event_facts: DashboardEventFactTable;
  dashboard_participants: DashboardParticipantTable;
  dashboard_participant_counts: DashboardParticipantCountTable;
  dashboard_participant_changes: DashboardParticipantChangeTable;
  dashboard_fact_rollups: DashboardFactRollupTable;
  dashboard_fact_rollup_changes: DashboardFactRollupChangeTable;
}

/** An event of another organisation for which a partner may push entries. */
export interface PartnerHostedEventTable {
  partner_id: string;
  event_id: string;
  created_at: CreatedAt;
}

/** An entry rejected because the same person already had a live entry through another channel. */
export interface RegistrationDuplicateTable {
  id: string;
  event_id: string;
  id_hash: string;
  attempted_channel: string;
  attempted_partner_id: string | null;
  existing_registration_id: string;
  existing_channel: string;
  existing_partner_id: string | null;
  at: CreatedAt;
}

/** The event ids and entry statuses a partner reported for one day (Asia/Shanghai). */
export interface PartnerReconciliationTable {
  partner_id: string;
  day: string;
  event_ids: string[];
  registrations: ColumnType<{ id: string; status: string }[], string, string>;
  received_at: CreatedAt;
}

/** An entrant's result; a finisher has a rank, and a result has a time or a score, not both. */
export interface EventResultTable {
  id: string;
  event_id: string;
  registration_id: string;
  group_id: string;
  status: ResultStatus;
  rank: number | null;
  time_ms: number | null;
  /** numeric(13, 3), read as a decimal string. */
  score: string | null;
  updated_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ResultImportTable {
  id: string;
  event_id: string;
  file_name: string;
  sha256: string;
  status: 'dry_run' | 'committed';
  row_count: number;
  valid_count: number;
  invalid_count: number;
  report: ColumnType<unknown, string, string>;
  rows: ColumnType<unknown, string, string>;
  created_by: string;
  created_at: CreatedAt;
  committed_by: string | null;
  committed_at: Timestamp | null;
}

export interface ResultPublicationTable {
  event_id: string;
  published_by: string;
  published_at: CreatedAt;
}

export interface CertificateDesignTable {
  event_id: string;
  layout: string;
  colour: string;
  background: Buffer | null;
  background_type: string | null;
  updated_by: string;
  updated_at: Timestamp;
}

export interface CertificateTable {
  id: string;
  /** Twelve characters of base32 without 0, 1, I and O (60 random bits); the verification key. */
  code: string;
  event_id: string;
  registration_id: string;
  issued_at: CreatedAt;
  revoked_at: Timestamp | null;
}

/** A rendered certificate file, kept until what it shows changes. */
export interface EventPosterFileTable {
  event_id: string;
  /** Width of the PNG in px, one of the widths the public poster is served at. */
  width: number;
  /** Hex digits of the poster's ETag: a hash of everything the poster draws. */
  fingerprint: string;
  bytes: Buffer;
  rendered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CertificateFileTable {
  certificate_id: string;
  format: 'png' | 'pdf';
  /** SHA-256 (hex) of the content, design and format the file was rendered from. */
  fingerprint: string;
  bytes: Buffer;
  rendered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type UserRow = Selectable<UserTable>;
export type RegistrationRow = Selectable<RegistrationTable>;
export type CheckInScanRow = Selectable<CheckInScanTable>;
export type EventGroupRow = Selectable<EventGroupTable>;
export type TeamRow = Selectable<TeamTable>;
export type DivisionRow = Selectable<DivisionTable>;
export type ContractRow = Selectable<ContractTable>;
export type EventDocumentRow = Selectable<EventDocumentTable>;
export type EventChatGroupRow = Selectable<EventChatGroupTable>;
export type ReportJobRow = Selectable<ReportJobTable>;
export type AlertRow = Selectable<AlertTable>;
