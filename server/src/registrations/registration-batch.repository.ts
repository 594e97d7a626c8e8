import { sql } from 'kysely';

import type { Trx } from '../db/database.js';
import type { EventGroupRow, RegistrationRow } from '../db/schema.js';
import { formsAndNoticesQuery, type FormAndNoticeRow } from '../forms/form.repository.js';
import { createdEntryWebhookSteps } from '../webhooks/webhook.emit.js';
import { takeGroupsPlacesSteps } from './places.repository.js';

/*
 * The statements of a registration batch that run while it holds its events' locks. Each
 * round trip to the database there also waits for the event loop, which a flash crowd keeps
 * busy with requests, so the batch reads what it needs with one statement and writes with
 * another.
 */

/** Rows that a batch reads under its events' locks. */
export interface BatchReads {
  /** The stored form and latest safety notice of each event. */
  forms: FormAndNoticeRow[];
  /** The events' groups, by event and then in each event's order, as listGroupsOfEvents. */
  groups: EventGroupRow[];
  /** Live entries of the events that share an ID number or mobile number with a request. */
  live: { event_id: string; id_hash: string | null; phone_hash: string }[];
  /** Entries of the events that used one of the requests' Idempotency-Keys. */
  usedKeys: { event_id: string; idempotency_key: string }[];
}

type GroupJson = Omit<EventGroupRow, 'created_at' | 'updated_at'> & {
  created_at: string;
  updated_at: string;
};

/**
 * Reads the forms, groups, live entries of the same people and used Idempotency-Keys of a
 * batch's events with one statement. Run it after the events are locked: a statement takes its
 * snapshot when it starts, so it then finds every entry and counter committed before the locks.
 * `people` may name more people than the batch finally checks; the caller only looks up its
 * own.
 */
export async function readUnderEventLocks(
  trx: Trx,
  eventIds: readonly string[],
  people: { idHashes: string[]; phoneHashes: string[]; keys: string[] },
): Promise<BatchReads> {
  const events = [...eventIds];
  const result = await sql<{
    forms: FormAndNoticeRow[];
    groups: GroupJson[];
    live: BatchReads['live'];
    used_keys: BatchReads['usedKeys'];
  }>`
    select
      (select coalesce(json_agg(f), '[]') from (${formsAndNoticesQuery(events)}) f) as forms,
      (select coalesce(json_agg(g order by g.event_id, g.sort_order, g.id), '[]')
        from event_groups g where g.event_id = any(${events}::uuid[])) as groups,
      (select coalesce(json_agg(json_build_object('event_id', r.event_id, 'id_hash', r.id_hash,
          'phone_hash', r.phone_hash)), '[]')
        from registrations r
        where r.event_id = any(${events}::uuid[]) and r.status <> 'cancelled'
          and (r.id_hash = any(${people.idHashes}::text[])
            or r.phone_hash = any(${people.phoneHashes}::text[]))) as live,
      (select coalesce(json_agg(json_build_object('event_id', r.event_id,
          'idempotency_key', r.idempotency_key)), '[]')
        from registrations r
        where r.event_id = any(${events}::uuid[])
          and r.idempotency_key = any(${people.keys}::text[])) as used_keys`.execute(trx);
  const row = result.rows[0]!;
  return {
    forms: row.forms,
    groups: row.groups.map((group) => ({
      ...group,
      created_at: new Date(group.created_at),
      updated_at: new Date(group.updated_at),
    })),
    live: row.live,
    usedKeys: row.used_keys,
  };
}

/**
 * An entry row as insertBatchEntries reads it from JSON. The columns that take the database's
 * time are flags here, outbox_id names the entry's confirmation or waiting-list SMS, and
 * webhook_id its `registration.created` webhook event.
 */
export interface EntryRecord {
  id: string;
  event_id: string;
  organisation_id: string;
  group_id: string;
  code: string;
  name: string;
  phone_ciphertext: string;
  phone_hash: string;
  phone_masked: string;
  id_ciphertext: string | null;
  id_hash: string | null;
  id_masked: string | null;
  status: 'active' | 'waiting';
  waiting_seq: string | null;
  idempotency_key: string | null;
  channel: string;
  submitted_by_citizen_id: string | null;
  answers: string;
  form_version: number | null;
  safety_notice_version: number | null;
  safety_accepted: boolean;
  id_consented: boolean;
  guardian_name: string | null;
  guardian_phone_ciphertext: string | null;
  guardian_phone_masked: string | null;
  guardian_consented: boolean;
  outbox_id: string;
  webhook_id: string;
}

/**
 * Takes the `places` of the batch's groups, inserts its entries, queues their confirmation or
 * waiting-list SMS and records their `registration.created` webhook events, all in one
 * statement. The rows travel as one JSON parameter rather than a parameter per column and row,
 * which a batch of 250 entries would need 6,000 of, each compiled, sent and planned. Returns
 * the inserted entries, and whether every group had its places; when one had not, the caller
 * must roll back.
 */
export async function insertBatchEntries(
  trx: Trx,
  rows: readonly EntryRecord[],
  places: readonly { groupId: string; count: number }[],
): Promise<{ registrations: RegistrationRow[]; placesTaken: boolean }> {
  if (rows.length === 0) return { registrations: [], placesTaken: places.length === 0 };
  const result = await sql<RegistrationRow & { groups_taken: number }>`
    with ${takeGroupsPlacesSteps(places)},
    entry as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as r (
        id uuid, event_id uuid, organisation_id uuid, group_id uuid, code text, name text,
        phone_ciphertext text, phone_hash text, phone_masked text, id_ciphertext text,
        id_hash text, id_masked text, status text, waiting_seq bigint, idempotency_key text,
        channel text, submitted_by_citizen_id uuid, answers text, form_version integer,
        safety_notice_version integer, safety_accepted boolean, id_consented boolean,
        guardian_name text, guardian_phone_ciphertext text, guardian_phone_masked text,
        guardian_consented boolean, outbox_id uuid, webhook_id uuid)
    ), inserted as (
      insert into registrations (id, event_id, group_id, code, name, phone_ciphertext,
        phone_hash, phone_masked, id_ciphertext, id_hash, id_masked, status, waiting_seq,
        idempotency_key, channel, submitted_by_citizen_id, answers, form_version,
        safety_notice_version, safety_accepted_at, id_consent_at, guardian_name,
        guardian_phone_ciphertext, guardian_phone_masked, guardian_consent_at)
      select id, event_id, group_id, code, name, phone_ciphertext, phone_hash, phone_masked,
        id_ciphertext, id_hash, id_masked, status, waiting_seq, idempotency_key, channel,
        submitted_by_citizen_id, answers::jsonb, form_version, safety_notice_version,
        case when safety_accepted then now() end, case when id_consented then now() end,
        guardian_name, guardian_phone_ciphertext, guardian_phone_masked,
        case when guardian_consented then now() end
      from entry
      returning *
    ), queued as (
      insert into notification_outbox (id, kind, event_id, registration_id, payload)
      select outbox_id,
        case status when 'active' then 'registration.confirmed' else 'registration.waiting' end,
        event_id, id, jsonb_build_object('registrationId', id, 'eventId', event_id)
      from entry
    ), webhook_entry as (
      -- Web entries come from no partner.
      select webhook_id, id as entry_id, event_id, organisation_id, null::uuid as partner_id
      from entry
    ), ${createdEntryWebhookSteps('webhook_entry')}
    select inserted.*, (select count(*)::integer from taken) as groups_taken
    from inserted`.execute(trx);
  const registrations = result.rows.map(({ groups_taken: _, ...registration }) => registration);
  return {
    registrations,
    placesTaken: result.rows.every((row) => row.groups_taken === places.length),
  };
}
