import { sql, type Insertable } from 'kysely';

import type { Executor } from '../db/database.js';
import type { CheckInScanTable } from '../db/schema.js';

/** Finds the scan an event received with this nonce, if any. */
export async function findScanByNonce(db: Executor, eventId: string, nonce: string) {
  return db
    .selectFrom('check_in_scans')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('nonce', '=', nonce)
    .executeTakeFirst();
}

export async function findScan(db: Executor, scanId: string) {
  return db.selectFrom('check_in_scans').selectAll().where('id', '=', scanId).executeTakeFirst();
}

/**
 * Inserts a scan unless the event already has one with its nonce. Returns the new row, or
 * undefined when a concurrent request with the same nonce inserted it first.
 */
export async function insertScan(db: Executor, row: Insertable<CheckInScanTable>) {
  return db
    .insertInto('check_in_scans')
    .values(row)
    .onConflict((conflict) => conflict.constraint('check_in_scans_nonce').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Marks a check-in replaced by an earlier scan, and as a conflict when the new one is one. */
export async function supersedeScan(db: Executor, scanId: string, conflict: boolean) {
  await db
    .updateTable('check_in_scans')
    .set({ outcome: 'superseded', ...(conflict ? { conflict: true } : {}) })
    .where('id', '=', scanId)
    .execute();
}

/**
 * Locks the registration with this code, in any event. Every scan of one ticket takes this
 * lock before it compares its time with the recorded check-in, so of two gates scanning one
 * ticket at once the second waits and then sees the first one's check-in.
 */
export async function lockRegistrationByCode(db: Executor, code: string) {
  return db
    .selectFrom('registrations')
    .selectAll()
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

/** Records a scan as the registration's check-in, replacing a later one. */
export async function setCheckIn(
  db: Executor,
  registrationId: string,
  scan: { id: string; scanned_at: Date; gate: string; scanned_by: string | null },
) {
  return db
    .updateTable('registrations')
    .set({
      checked_in_at: scan.scanned_at,
      checked_in_by: scan.scanned_by,
      checked_in_gate: scan.gate,
      check_in_scan_id: scan.id,
    })
    .where('id', '=', registrationId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Returns the database clock, which times online scans. It is the time of the call, not of the
 * transaction's start, so a scan that waited for a ticket's lock is timed after the wait.
 */
export async function databaseNow(db: Executor): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return new Date(rows[0]?.now ?? Date.now());
}

export async function groupName(db: Executor, groupId: string) {
  const row = await db
    .selectFrom('event_groups')
    .select('name')
    .where('id', '=', groupId)
    .executeTakeFirst();
  return row?.name ?? '';
}

/** Counts an event's active entries and check-ins by group, in the groups' order. */
export async function countByGroup(db: Executor, eventId: string) {
  return db
    .selectFrom('event_groups as g')
    .leftJoin('registrations as r', (join) =>
      join.onRef('r.group_id', '=', 'g.id').on('r.status', '=', 'active'),
    )
    .select([
      'g.id',
      'g.name',
      sql<number>`count(r.id)::int`.as('total'),
      sql<number>`count(r.checked_in_at)::int`.as('checked_in'),
      sql<number>`count(r.id) filter (where r.channel = 'on_site')::int`.as('on_site'),
    ])
    .where('g.event_id', '=', eventId)
    .groupBy(['g.id', 'g.name', 'g.sort_order'])
    .orderBy('g.sort_order')
    .orderBy('g.id')
    .execute();
}

/** Counts the check-ins of an event's active entries by the gate that recorded them. */
export async function countByGate(db: Executor, eventId: string) {
  return db
    .selectFrom('registrations')
    .select(['checked_in_gate as gate', sql<number>`count(*)::int`.as('checked_in')])
    .where('event_id', '=', eventId)
    .where('status', '=', 'active')
    .where('checked_in_at', 'is not', null)
    .groupBy('checked_in_gate')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('checked_in_gate')
    .execute();
}

/** Counts an event's scans: all, rejected, tickets with conflicting scans, and the latest. */
export async function scanTotals(db: Executor, eventId: string) {
  return db
    .selectFrom('check_in_scans')
    .select([
      sql<number>`count(*)::int`.as('scans'),
      sql<number>`count(*) filter (where outcome = 'rejected')::int`.as('rejected'),
      sql<number>`count(distinct registration_id) filter (where conflict)::int`.as('conflicts'),
      sql<Date | null>`max(scanned_at)`.as('last_scan_at'),
    ])
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
}

/** Lists what an offline device needs of every entry of an event, in registration order. */
export async function offlineEntries(db: Executor, eventId: string) {
  return db
    .selectFrom('registrations')
    .select(['code', 'name', 'group_id', 'status', 'checked_in_at', 'checked_in_gate'])
    .where('event_id', '=', eventId)
    .orderBy('id')
    .execute();
}

/** Tells whether on-site registration is open on the database clock: from 00:00 of the first day until the end. */
export async function onSiteOpen(db: Executor, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('events')
    .select(
      sql<boolean>`now() >= (date_trunc('day', starts_at at time zone 'Asia/Shanghai')
        at time zone 'Asia/Shanghai') and now() < coalesce(ends_at, starts_at + interval '1 day')`.as(
        'open',
      ),
    )
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row?.open === true;
}
