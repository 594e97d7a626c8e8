import type { AlertRuleCode } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { AlertRow } from '../db/schema.js';

/** A subject for which a rule fires, with the figures that made it fire. */
export interface AlertCandidate {
  subjectType: AlertRow['subject_type'];
  subjectId: string;
  subjectLabel: string;
  eventId: string | null;
  districtCode: string | null;
  detail: Record<string, unknown>;
}

type Parameters = Record<string, number>;
type Evaluator = (db: Executor, parameters: Parameters) => Promise<AlertCandidate[]>;

/**
 * Registrations in the last `windowHours` grouped by `groupColumn`, compared with the same
 * group's usual rate: its registrations in the `baselineDays` before the window, divided by the
 * number of windows in that span. A group fires with at least `minCount` registrations in the
 * window and more than `factor` times its usual rate. A group without history has a usual rate
 * of 0, so `minCount` alone decides for it.
 */
async function registrationSpikes(
  db: Executor,
  parameters: Parameters,
  groupColumn: 'e.id' | 'r.partner_id',
) {
  const { windowHours, baselineDays, factor, minCount } = parameters as Record<string, number>;
  const group = sql.raw(groupColumn);
  const windows = (baselineDays! * 24) / windowHours!;
  const { rows } = await sql<{ subject: string; recent: number; baseline: number }>`
    select ${group}::text as subject,
      count(*) filter (where r.created_at >= now() - make_interval(hours => ${windowHours}))::int
        as recent,
      count(*) filter (where r.created_at < now() - make_interval(hours => ${windowHours}))::int
        as baseline
    from registrations r
    join events e on e.id = r.event_id
    where ${group} is not null
      and r.created_at >= now() - make_interval(hours => ${windowHours})
        - make_interval(days => ${baselineDays})
    group by ${group}
    having count(*) filter (where r.created_at >= now() - make_interval(hours => ${windowHours}))
      >= ${minCount}`.execute(db);
  return rows
    .map((row) => ({ ...row, usual: row.baseline / windows }))
    .filter((row) => row.recent > factor! * row.usual)
    .map((row) => ({
      subject: row.subject,
      detail: {
        registrations: row.recent,
        usualPerWindow: Math.round(row.usual * 100) / 100,
        windowHours,
        baselineDays,
        factor,
      },
    }));
}

const eventSpike: Evaluator = async (db, parameters) => {
  const spikes = await registrationSpikes(db, parameters, 'e.id');
  if (spikes.length === 0) return [];
  const events = await db
    .selectFrom('events')
    .select(['id', 'name', 'district_code'])
    .where(
      'id',
      'in',
      spikes.map((spike) => spike.subject),
    )
    .execute();
  return spikes.map((spike) => {
    const event = events.find((row) => row.id === spike.subject);
    return {
      subjectType: 'event',
      subjectId: spike.subject,
      subjectLabel: event?.name ?? spike.subject,
      eventId: spike.subject,
      districtCode: event?.district_code ?? null,
      detail: spike.detail,
    };
  });
};

// A partner's registrations are the entries it pushed through the open API, on its own events
// or on others' events whose registration it hosts. Entries made in the web app on a partner's
// event are not the partner's.
const partnerSpike: Evaluator = async (db, parameters) => {
  const spikes = await registrationSpikes(db, parameters, 'r.partner_id');
  if (spikes.length === 0) return [];
  const partners = await db
    .selectFrom('partners')
    .select(['id', 'name'])
    .where(
      'id',
      'in',
      spikes.map((spike) => spike.subject),
    )
    .execute();
  return spikes.map((spike) => ({
    subjectType: 'partner',
    subjectId: spike.subject,
    subjectLabel: partners.find((row) => row.id === spike.subject)?.name ?? spike.subject,
    eventId: null,
    districtCode: null,
    detail: spike.detail,
  }));
};

const reviewOverdue: Evaluator = async (db, { days }) => {
  const rows = await db
    .selectFrom('events')
    .select([
      'id',
      'name',
      'district_code',
      'submitted_at',
      sql<number>`floor(extract(epoch from now() - submitted_at) / 86400)::int`.as('days_waiting'),
    ])
    .where('state', '=', 'submitted')
    .where(sql<boolean>`submitted_at < now() - make_interval(days => ${days})`)
    .execute();
  return rows.map((row) => ({
    subjectType: 'event',
    subjectId: row.id,
    subjectLabel: row.name,
    eventId: row.id,
    districtCode: row.district_code,
    detail: { daysWaiting: row.days_waiting, days, submittedAt: row.submitted_at?.toISOString() },
  }));
};

// The event counters of the dashboards' facts, not the entries: at city size the scan of the
// entries of a fortnight's events took 0.7 s.
const lowCheckInRate: Evaluator = async (db, { ratePercent, minRegistrations, lookbackDays }) => {
  const { rows } = await sql<{
    id: string;
    name: string;
    district_code: string | null;
    registrations: number;
    check_ins: number;
    ends_at: Date;
  }>`
    select e.id, e.name, e.district_code, f.registrations, f.check_ins, f.ends_at
    from dashboard_event_facts f
    join events e on e.id = f.event_id
    where f.state = 'published'
      and f.ends_at < now()
      and f.ends_at >= now() - make_interval(days => ${lookbackDays})
      and f.registrations >= ${minRegistrations}
      and f.check_ins * 100.0 < ${ratePercent} * f.registrations`.execute(db);
  return rows.map((row) => ({
    subjectType: 'event',
    subjectId: row.id,
    subjectLabel: row.name,
    eventId: row.id,
    districtCode: row.district_code,
    detail: {
      registrations: row.registrations,
      checkIns: row.check_ins,
      checkInRate: Math.round((row.check_ins / row.registrations) * 1000) / 10,
      ratePercent,
      endsAt: new Date(row.ends_at).toISOString(),
    },
  }));
};

// A person is the ID number's keyed hash when the entry has one, else the mobile number's, as
// the reports count unique participants.
const overlappingRegistrations: Evaluator = async (db, { minEvents }) => {
  const { rows } = await sql<{
    person: string;
    phone_masked: string;
    district_code: string | null;
    events: { id: string; name: string }[];
  }>`
    with live as (
      select coalesce(r.id_hash, r.phone_hash) as person, r.phone_masked,
        e.id, e.name, e.district_code, e.starts_at, e.ends_at
      from registrations r
      join events e on e.id = r.event_id
      where r.status in ('active', 'offered') and e.state = 'published' and e.ends_at > now()
    )
    select a.person, min(a.phone_masked) as phone_masked, min(a.district_code) as district_code,
      jsonb_agg(distinct jsonb_build_object('id', a.id, 'name', a.name)) as events
    from live a
    join live b on b.person = a.person and b.id <> a.id
      and a.starts_at < b.ends_at and b.starts_at < a.ends_at
    group by a.person
    having count(distinct a.id) >= ${minEvents}`.execute(db);
  return rows.map((row) => ({
    subjectType: 'person',
    subjectId: row.person,
    subjectLabel: row.phone_masked,
    eventId: row.events[0]?.id ?? null,
    districtCode: row.district_code,
    detail: { events: row.events, eventCount: row.events.length },
  }));
};

const smsFailureRate: Evaluator = async (db, { windowMinutes, ratePercent, minMessages }) => {
  const { rows } = await sql<{ attempted: number; failed: number }>`
    select count(*)::int as attempted,
      count(*) filter (where sent_at is null and last_error is not null)::int as failed
    from notification_outbox
    where attempts > 0 and created_at >= now() - make_interval(mins => ${windowMinutes})`.execute(
    db,
  );
  const { attempted, failed } = rows[0] ?? { attempted: 0, failed: 0 };
  if (attempted < minMessages! || failed * 100 <= ratePercent! * attempted) return [];
  return [
    {
      subjectType: 'outbox',
      subjectId: 'sms',
      subjectLabel: '短信发送',
      eventId: null,
      districtCode: null,
      detail: {
        attempted,
        failed,
        failureRate: Math.round((failed / attempted) * 1000) / 10,
        windowMinutes,
        ratePercent,
      },
    },
  ];
};

const signInFailuresByIp: Evaluator = async (db, { windowMinutes, failures }) => {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select([
      'ip',
      sql<number>`count(*)::int`.as('failures'),
      sql<number>`count(distinct username)::int`.as('usernames'),
    ])
    .where('ip', 'is not', null)
    .where(sql<boolean>`at >= now() - make_interval(mins => ${windowMinutes})`)
    .groupBy('ip')
    .having(sql<boolean>`count(*) >= ${failures}`)
    .execute();
  return rows.map((row) => ({
    subjectType: 'ip',
    subjectId: row.ip!,
    subjectLabel: row.ip!,
    eventId: null,
    districtCode: null,
    detail: {
      failures: row.failures,
      usernames: row.usernames,
      windowMinutes,
      threshold: failures,
    },
  }));
};

/** The evaluator of each rule: a query over the live tables returning the subjects that fire. */
export const ALERT_EVALUATORS: Record<AlertRuleCode, Evaluator> = {
  event_registration_spike: eventSpike,
  partner_registration_spike: partnerSpike,
  review_overdue: reviewOverdue,
  low_check_in_rate: lowCheckInRate,
  overlapping_registrations: overlappingRegistrations,
  sms_failure_rate: smsFailureRate,
  sign_in_failures_by_ip: signInFailuresByIp,
};
