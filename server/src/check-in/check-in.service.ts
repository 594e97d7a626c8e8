import { isStorableTime } from '../shared/storable-time.js';
import { randomUUID } from 'node:crypto';

import {
  checkInWindow,
  isInCheckInWindow,
  mergeScans,
  parseTicketInput,
  type CheckInWindow,
  type Scan,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { auditActorOf } from '../audit/audit-context.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import type { CheckInScanRow, RegistrationRow, ScanMode, ScanOutcome } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import {
  CodeNotFound,
  EntryCancelled,
  EntryNotActive,
  EventNotRunning,
  OutsideCheckInWindow,
  ScanTimeInvalid,
  TicketInvalid,
  TicketOfOtherEvent,
} from './check-in.errors.js';
import * as repository from './check-in.repository.js';
import type { TicketSigner } from './ticket-token.js';

/** How far an offline device's clock may run ahead of the database clock. */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

export { CHECK_IN_OPENS_HOURS_BEFORE_START } from '@cityleague/domain';

/** Returns the check-in window of an event row. */
export function checkInWindowOf(event: { starts_at: Date | string; ends_at: Date | string }) {
  return checkInWindow(event.starts_at, event.ends_at);
}

/** One scan as a device sends it. */
export interface ScanRequest {
  /** Text of the QR code, or the registration code as typed. */
  text: string;
  /** Random value of the device, so that a resent scan is recognised. */
  nonce: string;
  deviceId: string;
  gate: string;
  /** The device's clock at an offline scan, ISO 8601; online scans take the database clock. */
  scannedAt?: string;
}

/** Time, gate and device of the check-in in force for an entry. */
export interface CheckInPlace {
  at: Date;
  gate: string;
  deviceId: string;
}

/** Outcome of one scan as stored. A resent scan returns the same outcome with `replayed`. */
export interface ScanResult {
  nonce: string;
  outcome: ScanOutcome;
  replayed: boolean;
  /** Error code of a rejected scan. */
  rejection: string | null;
  registration: RegistrationRow | undefined;
  /** The entry's check-in in force now, which may be another scan's. */
  checkIn: CheckInPlace | null;
  /** True when another device scanned the same ticket and an offline scan was involved. */
  conflict: boolean;
}

/** Actor of a scan: an organiser's user, or no user when a citizen registers on site. */
export interface ScanActor {
  user: Principal | null;
  ip: string;
  userAgent?: string | null;
}

interface ScanContext {
  eventId: string;
  signer: Pick<TicketSigner, 'verifyTicket'> | undefined;
  actor: ScanActor;
  mode: ScanMode;
  /** Window the scan time must fall in; on-site registration checks its own time instead. */
  window: CheckInWindow | undefined;
}

function placeOf(registration: RegistrationRow, winner: CheckInScanRow | undefined) {
  if (registration.checked_in_at === null) return null;
  return {
    at: new Date(registration.checked_in_at),
    gate: registration.checked_in_gate ?? '',
    deviceId: winner?.device_id ?? '',
  };
}

async function currentPlace(db: Executor, registration: RegistrationRow | undefined) {
  if (!registration) return null;
  const winner = registration.check_in_scan_id
    ? await repository.findScan(db, registration.check_in_scan_id)
    : undefined;
  return placeOf(registration, winner);
}

/** Rebuilds the result of a scan stored earlier, with the entry's check-in as it is now. */
async function replayScan(db: Executor, scan: CheckInScanRow): Promise<ScanResult> {
  const registration = scan.registration_id
    ? await db
        .selectFrom('registrations')
        .selectAll()
        .where('id', '=', scan.registration_id)
        .executeTakeFirst()
    : undefined;
  return {
    nonce: scan.nonce,
    outcome: scan.outcome,
    replayed: true,
    rejection: scan.rejection,
    registration,
    checkIn: await currentPlace(db, registration),
    conflict: scan.conflict,
  };
}

/** Reads an offline scan's device time; undefined when it is unreadable or too far ahead. */
function offlineScanTime(scannedAt: string | undefined, now: Date): Date | undefined {
  const time = scannedAt === undefined ? Number.NaN : Date.parse(scannedAt);
  if (!isStorableTime(time) || time > now.getTime() + MAX_CLOCK_AHEAD_MS) return undefined;
  return new Date(time);
}

/** Error codes of rejected scans; `rejectionError` turns each into its catalogue error. */
type Rejection =
  | 'CHK_TICKET_INVALID'
  | 'CHK_CODE_NOT_FOUND'
  | 'CHK_TICKET_OTHER_EVENT'
  | 'CHK_ENTRY_CANCELLED'
  | 'CHK_ENTRY_NOT_ACTIVE'
  | 'CHK_SCAN_TIME_INVALID'
  | 'CHK_OUTSIDE_WINDOW';

interface ResolvedTicket {
  code: string;
  /** The registration of this event that the ticket names, locked; undefined when rejected for it. */
  registration: RegistrationRow | undefined;
  rejection: Rejection | undefined;
}

/** Finds the ticket's registration under its row lock and the reason to reject the scan, if any. */
async function resolveTicket(
  trx: Executor,
  context: ScanContext,
  text: string,
): Promise<ResolvedTicket> {
  const parsed = parseTicketInput(text);
  if (parsed.kind === 'invalid') {
    return { code: text.slice(0, 40), registration: undefined, rejection: 'CHK_TICKET_INVALID' };
  }
  const registration = await repository.lockRegistrationByCode(trx, parsed.code);
  const code = parsed.code;
  if (!registration) return { code, registration, rejection: 'CHK_CODE_NOT_FOUND' };
  if (parsed.kind === 'signed') {
    if (!context.signer) throw new Error('A signed ticket needs the ticket signer');
    const genuine = context.signer.verifyTicket(registration.event_id, code, parsed.signature);
    if (!genuine) return { code, registration: undefined, rejection: 'CHK_TICKET_INVALID' };
  }
  if (registration.event_id !== context.eventId) {
    return { code, registration: undefined, rejection: 'CHK_TICKET_OTHER_EVENT' };
  }
  if (registration.status === 'cancelled') {
    return { code, registration, rejection: 'CHK_ENTRY_CANCELLED' };
  }
  if (registration.status !== 'active') {
    return { code, registration, rejection: 'CHK_ENTRY_NOT_ACTIVE' };
  }
  return { code, registration, rejection: undefined };
}

function scanOf(row: { code: string; device_id: string; scanned_at: Date; nonce: string }): Scan {
  return {
    code: row.code,
    device: row.device_id,
    scannedAt: new Date(row.scanned_at).toISOString(),
    nonce: row.nonce,
  };
}

/**
 * Applies one scan in the caller's transaction. The registration's row lock orders the scans
 * of one ticket. The earliest scan, by `mergeScans`, becomes the check-in: a later scan is a
 * repeat, and an earlier offline scan replaces a later check-in, which is then `superseded`.
 * A rejected scan is stored too, with its error code.
 */
async function applyScan(
  trx: Executor,
  context: ScanContext,
  request: ScanRequest,
): Promise<ScanResult> {
  const earlier = await repository.findScanByNonce(trx, context.eventId, request.nonce);
  if (earlier) return replayScan(trx, earlier);

  const resolved = await resolveTicket(trx, context, request.text);
  // The clock is read after the ticket's lock, so a scan that waited is timed after the wait.
  const now = await repository.databaseNow(trx);
  const scannedAt = context.mode === 'offline' ? offlineScanTime(request.scannedAt, now) : now;
  let ticket: ResolvedTicket = scannedAt
    ? resolved
    : {
        code: request.text.slice(0, 40),
        registration: undefined,
        rejection: 'CHK_SCAN_TIME_INVALID',
      };
  // An offline scan is judged by the time the device recorded it, not by the upload time.
  if (
    !ticket.rejection &&
    scannedAt &&
    context.window &&
    !isInCheckInWindow(context.window, scannedAt)
  ) {
    ticket = { ...ticket, rejection: 'CHK_OUTSIDE_WINDOW' };
  }
  const registration = ticket.registration;
  const base = {
    id: randomUUID(),
    event_id: context.eventId,
    registration_id: registration?.id ?? null,
    code: ticket.code || '-',
    nonce: request.nonce,
    device_id: request.deviceId,
    gate: request.gate,
    mode: context.mode,
    scanned_at: scannedAt ?? now,
    scanned_by: context.actor.user?.id ?? null,
  };

  if (ticket.rejection || !registration) {
    const rejection = ticket.rejection ?? 'CHK_CODE_NOT_FOUND';
    const row = await repository.insertScan(trx, { ...base, outcome: 'rejected', rejection });
    if (!row) return retryAsReplay(trx, context, request);
    return {
      nonce: request.nonce,
      outcome: 'rejected',
      replayed: false,
      rejection,
      registration,
      checkIn: await currentPlace(trx, registration),
      conflict: false,
    };
  }

  const winner = registration.check_in_scan_id
    ? await repository.findScan(trx, registration.check_in_scan_id)
    : undefined;
  const mine = scanOf(base);
  let outcome: ScanOutcome = 'checked_in';
  let conflict = false;
  if (registration.checked_in_at !== null) {
    const current = winner
      ? scanOf(winner)
      : scanOf({ ...base, device_id: '', nonce: '', scanned_at: registration.checked_in_at });
    const [first] = mergeScans([current, mine]).checkIns;
    outcome = first?.nonce === mine.nonce && first.device === mine.device ? 'checked_in' : 'repeat';
    const offline = context.mode === 'offline' || winner?.mode === 'offline';
    conflict = offline && current.device !== mine.device;
  }

  const row = await repository.insertScan(trx, { ...base, outcome, conflict });
  if (!row) return retryAsReplay(trx, context, request);
  let updated = registration;
  if (outcome === 'checked_in') {
    updated = await repository.setCheckIn(trx, registration.id, row);
    const replaced = registration.checked_in_at === null ? null : (winner ?? 'unrecorded');
    await recordCheckIn(trx, context, updated, replaced, row);
  }
  return {
    nonce: request.nonce,
    outcome,
    replayed: false,
    rejection: null,
    registration: updated,
    checkIn: placeOf(updated, outcome === 'checked_in' ? row : winner),
    conflict,
  };
}

/** A concurrent request stored this nonce first: return what it recorded. */
async function retryAsReplay(trx: Executor, context: ScanContext, request: ScanRequest) {
  const stored = await repository.findScanByNonce(trx, context.eventId, request.nonce);
  if (!stored) throw new Error(`Scan with nonce ${request.nonce} vanished`);
  return replayScan(trx, stored);
}

/**
 * Writes the audit entry and, for a first check-in, the check_in.recorded webhook. An earlier
 * offline scan that replaces a check-in marks the replaced scan superseded; partners already
 * heard of the check-in, so no second webhook goes out.
 */
async function recordCheckIn(
  trx: Executor,
  context: ScanContext,
  registration: RegistrationRow,
  replaced: CheckInScanRow | 'unrecorded' | null,
  scan: CheckInScanRow,
) {
  const detail = { eventId: context.eventId, gate: scan.gate, mode: context.mode };
  const audit = context.actor.user
    ? auditActorOf({ ...context.actor, user: context.actor.user })
    : { actorUserId: null, organisationId: null, actorIp: context.actor.ip, userAgent: null };
  if (replaced && replaced !== 'unrecorded') {
    await repository.supersedeScan(trx, replaced.id, scan.conflict);
  }
  await recordAudit(trx, {
    ...audit,
    action: replaced ? 'registration.check_in_corrected' : 'registration.checked_in',
    entityType: 'registration',
    entityId: registration.id,
    detail,
  });
  if (replaced) return;
  await emitWebhookEvent(trx, {
    action: 'check_in.recorded',
    resourceType: 'registration',
    resourceId: registration.id,
    eventId: context.eventId,
  });
}

/**
 * Loads the event for a check-in device, owned by the caller's organisation and published,
 * and returns its check-in window. Each scan is checked against the window on its own.
 */
async function checkInEvent(db: Db, user: Principal, eventId: string): Promise<CheckInWindow> {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);
  if (event.state !== 'published' || event.starts_at === null || event.ends_at === null) {
    throw new EventNotRunning(eventId);
  }
  return checkInWindowOf({ starts_at: event.starts_at, ends_at: event.ends_at });
}

interface RejectionDetails {
  eventId: string;
  code: string;
  status: string;
  /** The scan's time as the device sent it; empty for an online scan. */
  at: string;
  window: CheckInWindow | undefined;
}

const REJECTIONS: Record<Rejection, (details: RejectionDetails) => Error> = {
  CHK_TICKET_INVALID: () => new TicketInvalid(),
  CHK_CODE_NOT_FOUND: ({ eventId }) => new CodeNotFound(eventId),
  CHK_TICKET_OTHER_EVENT: ({ eventId, code }) => new TicketOfOtherEvent(code, eventId),
  CHK_ENTRY_CANCELLED: ({ code }) => new EntryCancelled(code),
  CHK_ENTRY_NOT_ACTIVE: ({ code, status }) => new EntryNotActive(code, status),
  CHK_SCAN_TIME_INVALID: ({ at }) => new ScanTimeInvalid(at),
  CHK_OUTSIDE_WINDOW: ({ eventId, window }) =>
    new OutsideCheckInWindow(
      eventId,
      window?.opensAt.toISOString() ?? 'unknown',
      window?.closesAt.toISOString() ?? 'unknown',
    ),
};

/** Builds the catalogue error of a rejected scan, for the online answer. */
function rejectionError(
  context: Pick<ScanContext, 'eventId' | 'window'>,
  result: ScanResult,
  request: ScanRequest,
): Error {
  const make = REJECTIONS[result.rejection as Rejection];
  if (!make) return new Error(`Unknown scan rejection ${String(result.rejection)}`);
  return make({
    eventId: context.eventId,
    code: result.registration?.code ?? request.text.slice(0, 40),
    status: result.registration?.status ?? '',
    at: request.scannedAt ?? '',
    window: context.window,
  });
}

/**
 * Checks a person in by a scanned ticket or a typed code. Scans are idempotent by nonce: a
 * resent scan returns what the first one did. A second scan of a checked-in ticket is a
 * repeat that reports when and at which gate the person came in. A rejected scan is stored
 * and then raised as its catalogue error. Without a nonce every request is a new scan.
 */
export async function scanOnline(
  db: Db,
  signer: Pick<TicketSigner, 'verifyTicket'> | undefined,
  actor: ScanActor & { user: Principal },
  eventId: string,
  request: Omit<ScanRequest, 'scannedAt' | 'nonce'> & { nonce?: string },
): Promise<ScanResult> {
  const window = await checkInEvent(db, actor.user, eventId);
  const scan = { ...request, nonce: request.nonce ?? randomUUID() };
  const context: ScanContext = { eventId, signer, actor, mode: 'online', window };
  const result = await db.transaction().execute((trx) => applyScan(trx, context, scan));
  if (result.outcome === 'rejected') throw rejectionError(context, result, scan);
  return result;
}

/** Largest number of scans in one offline batch. */
export const MAX_BATCH_SCANS = 500;

/**
 * Syncs the scans an offline device stored. Each scan is applied in its own transaction, in
 * the order `mergeScans` gives (earliest first), so one rejected or failed scan keeps the
 * others. Returns the outcome of every scan in the order sent, and the conflicts: tickets that
 * another device also scanned, with the check-in that counts.
 */
export async function syncOfflineScans(
  db: Db,
  signer: Pick<TicketSigner, 'verifyTicket'>,
  actor: ScanActor & { user: Principal },
  eventId: string,
  deviceId: string,
  scans: readonly Omit<ScanRequest, 'deviceId'>[],
): Promise<ScanResult[]> {
  const window = await checkInEvent(db, actor.user, eventId);
  const context: ScanContext = { eventId, signer, actor, mode: 'offline', window };
  const byNonce = new Map<string, ScanResult>();
  const ordered = mergeOrder(scans, deviceId);
  for (const scan of ordered) {
    if (byNonce.has(scan.nonce)) continue;
    const request = { ...scan, deviceId };
    const result = await db.transaction().execute((trx) => applyScan(trx, context, request));
    byNonce.set(scan.nonce, result);
  }
  return scans.map((scan) => byNonce.get(scan.nonce)!);
}

/** Orders a device's scans as mergeScans does: the first scan of each ticket, earliest first. */
function mergeOrder(scans: readonly Omit<ScanRequest, 'deviceId'>[], deviceId: string) {
  const timed: Scan[] = [];
  for (const scan of scans) {
    const parsed = parseTicketInput(scan.text);
    const scannedAt = scan.scannedAt ?? '';
    if (parsed.kind === 'invalid' || Number.isNaN(Date.parse(scannedAt))) continue;
    timed.push({ code: parsed.code, device: deviceId, scannedAt, nonce: scan.nonce });
  }
  const merged = mergeScans(timed);
  const order = [...merged.checkIns, ...merged.conflicts.flatMap((conflict) => conflict.later)];
  const rank = new Map(order.map((scan, index) => [scan.nonce, index]));
  const last = order.length;
  return [...scans].sort((a, b) => (rank.get(a.nonce) ?? last) - (rank.get(b.nonce) ?? last));
}

/**
 * Checks in an entry created by on-site registration, in the transaction that created it. The
 * citizen's own phone is the device, and the gate is 现场报名. Returns the checked-in entry.
 */
export async function checkInOnSite(
  trx: Executor,
  actor: { ip: string },
  registration: RegistrationRow,
): Promise<RegistrationRow> {
  const context: ScanContext = {
    eventId: registration.event_id,
    signer: undefined,
    actor: { user: null, ip: actor.ip },
    mode: 'on_site',
    window: undefined,
  };
  const result = await applyScan(trx, context, {
    text: registration.code,
    nonce: `on-site:${registration.id}`,
    deviceId: 'on-site',
    gate: ON_SITE_GATE,
  });
  if (result.outcome !== 'checked_in') {
    throw new Error(`On-site check-in of ${registration.id} ended ${result.outcome}`);
  }
  return result.registration ?? registration;
}

/** Gate name of check-ins made by on-site registration. */
export const ON_SITE_GATE = '现场报名';
