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
}

export interface SessionTable {
  id: string;
  user_id: string;
  ip: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

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

export interface EventTable {
  id: string;
  organisation_id: string;
  created_by: string;
  name: string;
  sport: string;
  level: string;
  section: string;
  division_code: string;
  district_code: string;
  venue: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  capacity: number;
  registered_count: Generated<number>;
  registration_opens_at: Timestamp;
  registration_closes_at: Timestamp;
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
}

export interface RegistrationTable {
  id: string;
  event_id: string;
  code: string;
  name: string;
  phone_ciphertext: string;
  phone_hash: string;
  phone_masked: string;
  status: Generated<'active' | 'cancelled'>;
  idempotency_key: string | null;
  channel: string;
  created_at: CreatedAt;
  checked_in_at: Timestamp | null;
  checked_in_by: string | null;
}

export interface AuditLogTable {
  id: string;
  at: CreatedAt;
  actor_user_id: string | null;
  actor_ip: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  detail: ColumnType<Record<string, unknown>, string, never>;
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

export interface Database {
  divisions: DivisionTable;
  organisations: OrganisationTable;
  users: UserTable;
  sessions: SessionTable;
  password_history: PasswordHistoryTable;
  sign_in_failures: SignInFailureTable;
  sign_in_locks: SignInLockTable;
  events: EventTable;
  registrations: RegistrationTable;
  audit_log: AuditLogTable;
  notification_outbox: NotificationOutboxTable;
  data_keys: DataKeyTable;
}

export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type UserRow = Selectable<UserTable>;
export type RegistrationRow = Selectable<RegistrationTable>;
export type DivisionRow = Selectable<DivisionTable>;
