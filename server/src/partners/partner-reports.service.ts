import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import { PartnerNotFound } from './partner.errors.js';

async function partnerOrganisation(db: Executor, partnerId: string): Promise<string> {
  const partner = await db
    .selectFrom('partners')
    .select('organisation_id')
    .where('id', '=', partnerId)
    .executeTakeFirst();
  if (!partner) throw new PartnerNotFound(partnerId);
  return partner.organisation_id;
}

/**
 * Lists the cross-channel duplicates that concern a partner, newest first: entries it pushed
 * that were rejected because the person already had a live entry through another channel, and
 * entries through other channels rejected because of one it pushed. `personRef` is a prefix
 * of the keyed ID number hash, so repeated attempts of one person can be grouped without
 * showing the ID number.
 */
export async function listDuplicates(db: Executor, partnerId: string, limit: number) {
  await partnerOrganisation(db, partnerId);
  const rows = await db
    .selectFrom('registration_duplicates as d')
    .innerJoin('events', 'events.id', 'd.event_id')
    .leftJoin('partners as attempted', 'attempted.id', 'd.attempted_partner_id')
    .leftJoin('partners as existing', 'existing.id', 'd.existing_partner_id')
    .select([
      'd.id',
      'd.at',
      'd.event_id',
      'events.name as event_name',
      sql<string>`left(d.id_hash, 12)`.as('person_ref'),
      'd.attempted_channel',
      'attempted.name as attempted_partner',
      'd.existing_registration_id',
      'd.existing_channel',
      'existing.name as existing_partner',
    ])
    .where((eb) =>
      eb.or([
        eb('d.attempted_partner_id', '=', partnerId),
        eb('d.existing_partner_id', '=', partnerId),
      ]),
    )
    .orderBy('d.at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: new Date(row.at).toISOString(),
    eventId: row.event_id,
    eventName: row.event_name,
    personRef: row.person_ref,
    attempted: { channel: row.attempted_channel, partnerName: row.attempted_partner },
    existing: {
      registrationId: row.existing_registration_id,
      channel: row.existing_channel,
      partnerName: row.existing_partner,
    },
  }));
}

export interface PartnerStatement {
  eventIds: string[];
  registrations: { id: string; status: string }[];
}

/**
 * Lists the league's side of a partner's day (Asia/Shanghai): the events of the partner's
 * organisation created that day and the entries of its events created that day, each with its
 * current status.
 */
export async function leagueSideOfDay(db: Executor, organisationId: string, day: string) {
  const start = sql<Date>`(${day}::date)::timestamp at time zone 'Asia/Shanghai'`;
  const end = sql<Date>`(${day}::date + 1)::timestamp at time zone 'Asia/Shanghai'`;
  const events = await db
    .selectFrom('events')
    .select(['id', 'name', 'state'])
    .where('organisation_id', '=', organisationId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .orderBy('id')
    .execute();
  const entries = await db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select([
      'registrations.id',
      'registrations.event_id',
      'registrations.status',
      'registrations.channel',
    ])
    .where('events.organisation_id', '=', organisationId)
    .where('registrations.created_at', '>=', start)
    .where('registrations.created_at', '<', end)
    .orderBy('registrations.id')
    .execute();
  return {
    events: events.map((event) => ({ id: event.id, name: event.name, state: event.state })),
    registrations: entries.map((entry) => ({
      id: entry.id,
      eventId: entry.event_id,
      status: entry.status,
      channel: entry.channel,
    })),
  };
}

/** Compares the league's side of a day with a partner's statement; lists every difference. */
export function compareDay(
  league: Awaited<ReturnType<typeof leagueSideOfDay>>,
  statement: PartnerStatement | null,
) {
  const theirEvents = new Set(statement?.eventIds ?? []);
  const ourEvents = new Set(league.events.map((event) => event.id));
  const theirEntries = new Map(
    (statement?.registrations ?? []).map((entry) => [entry.id, entry.status]),
  );
  const ourEntries = new Map(league.registrations.map((entry) => [entry.id, entry.status]));
  return {
    eventsMissingAtPartner: [...ourEvents].filter((id) => !theirEvents.has(id)),
    eventsMissingHere: [...theirEvents].filter((id) => !ourEvents.has(id)),
    registrationsMissingAtPartner: [...ourEntries.keys()].filter((id) => !theirEntries.has(id)),
    registrationsMissingHere: [...theirEntries.keys()].filter((id) => !ourEntries.has(id)),
    statusMismatches: [...theirEntries]
      .filter(([id, status]) => ourEntries.has(id) && ourEntries.get(id) !== status)
      .map(([id, status]) => ({ id, league: ourEntries.get(id)!, partner: status })),
  };
}

/** Stores a partner's statement of a day, replacing an earlier one of the same day. */
export async function storeStatement(
  db: Executor,
  partnerId: string,
  day: string,
  statement: PartnerStatement,
): Promise<void> {
  await db
    .insertInto('partner_reconciliations')
    .values({
      partner_id: partnerId,
      day,
      event_ids: statement.eventIds,
      registrations: JSON.stringify(statement.registrations),
    })
    .onConflict((conflict) =>
      conflict.columns(['partner_id', 'day']).doUpdateSet((eb) => ({
        event_ids: eb.ref('excluded.event_ids'),
        registrations: eb.ref('excluded.registrations'),
        received_at: sql<Date>`now()`,
      })),
    )
    .execute();
}

/**
 * Builds the reconciliation report of a partner and a day: the league's events and entries,
 * the partner's last statement of the day (null when it sent none) and the differences.
 */
export async function reconciliationReport(db: Executor, partnerId: string, day: string) {
  const organisationId = await partnerOrganisation(db, partnerId);
  const league = await leagueSideOfDay(db, organisationId, day);
  const stored = await db
    .selectFrom('partner_reconciliations')
    .select(['event_ids', 'registrations', 'received_at'])
    .where('partner_id', '=', partnerId)
    .where('day', '=', day)
    .executeTakeFirst();
  const statement = stored
    ? {
        eventIds: stored.event_ids,
        registrations: stored.registrations,
        receivedAt: new Date(stored.received_at).toISOString(),
      }
    : null;
  return { day, league, partner: statement, differences: compareDay(league, statement) };
}

/**
 * Summarises every partner for the regulator. Each row counts the partner's events, the
 * entries of its events and the entries it pushed, and its webhook endpoints. It also counts
 * the last 24 hours' deliveries and failed attempts and the last 7 days' duplicates.
 */
export async function oversightSummary(db: Executor) {
  const { rows } = await sql<{
    id: string;
    name: string;
    status: string;
    events_total: number;
    events_published: number;
    entries_live: number;
    entries_pushed: number;
    endpoints_active: number;
    endpoints_disabled: number;
    deliveries_delivered: number;
    deliveries_pending: number;
    deliveries_abandoned: number;
    attempts_failed: number;
    last_delivered_at: Date | null;
    duplicates: number;
  }>`
    select p.id, p.name, p.status,
      (select count(*)::int from events e where e.organisation_id = p.organisation_id)
        as events_total,
      (select count(*)::int from events e where e.organisation_id = p.organisation_id
        and e.state = 'published') as events_published,
      (select count(*)::int from registrations r join events e on e.id = r.event_id
        where e.organisation_id = p.organisation_id and r.status <> 'cancelled') as entries_live,
      (select count(*)::int from registrations r where r.partner_id = p.id) as entries_pushed,
      (select count(*)::int from webhook_endpoints w where w.partner_id = p.id
        and w.status = 'active') as endpoints_active,
      (select count(*)::int from webhook_endpoints w where w.partner_id = p.id
        and w.status = 'disabled') as endpoints_disabled,
      (select count(*)::int from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
        where w.partner_id = p.id and d.status = 'delivered'
        and d.created_at > now() - interval '24 hours') as deliveries_delivered,
      (select count(*)::int from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
        where w.partner_id = p.id and d.status = 'pending') as deliveries_pending,
      (select count(*)::int from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
        where w.partner_id = p.id and d.status = 'abandoned'
        and d.created_at > now() - interval '24 hours') as deliveries_abandoned,
      (select count(*)::int from webhook_attempts a
        join webhook_deliveries d on d.id = a.delivery_id
        join webhook_endpoints w on w.id = d.endpoint_id
        where w.partner_id = p.id and a.at > now() - interval '24 hours'
        and (a.status_code is null or a.status_code >= 300)) as attempts_failed,
      (select max(a.at) from webhook_attempts a
        join webhook_deliveries d on d.id = a.delivery_id
        join webhook_endpoints w on w.id = d.endpoint_id
        where w.partner_id = p.id and a.status_code between 200 and 299) as last_delivered_at,
      (select count(*)::int from registration_duplicates x
        where (x.attempted_partner_id = p.id or x.existing_partner_id = p.id)
        and x.at > now() - interval '7 days') as duplicates
    from partners p
    order by p.name`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    status: row.status,
    events: { total: row.events_total, published: row.events_published },
    registrations: { live: row.entries_live, pushed: row.entries_pushed },
    webhooks: {
      endpointsActive: row.endpoints_active,
      endpointsDisabled: row.endpoints_disabled,
      delivered24h: row.deliveries_delivered,
      pending: row.deliveries_pending,
      abandoned24h: row.deliveries_abandoned,
      failedAttempts24h: row.attempts_failed,
      lastDeliveredAt: row.last_delivered_at ? new Date(row.last_delivered_at).toISOString() : null,
    },
    duplicates7d: row.duplicates,
  }));
}
