// Times registration batches of 250 entries through registerInBatch on PostgreSQL: the whole
// batch transaction and its statement that inserts the entries, where the dashboard summary
// triggers run.
// Usage: node bench/registration-batch-insert.mjs (after `npm run build`), with DATABASE_URL
// naming an empty database that this script may fill. It writes ENTRIES background entries
// over EVENTS events with the triggers off and rebuilds the summaries, so that the participant
// sets are not empty. An event and person pair that repeats is written once, so ENTRIES above
// the least common multiple of EVENTS and PEOPLE adds nothing. A database that already contains
// entries is reused as it is. Then it publishes BATCHES events, each in a community of a different
// street, and registers 251 new people for each: the first call runs alone and the other 250
// form one batch (see registration-batch.ts). Every entry is active, so each one reaches all
// 20 participant sets of a community event (4 division levels times the division itself,
// section, sport, level and organiser) in 2 periods.
// With QUERY_LOG=1 it prints every statement's time in ms and its first words.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import { migrateToLatest } from '../server/dist/db/migrate.js';
import { loadDivisions } from '../server/dist/divisions/division.service.js';
import { rebuildDashboardSummaries } from '../server/dist/dashboards/dashboard-summaries.js';
import { MAX_BATCH, registerInBatch } from '../server/dist/registrations/registration-batch.js';
import { PersonalDataCipher } from '../server/dist/shared/personal-data.js';

const EVENTS = Number(process.env.EVENTS ?? 2_000);
const ENTRIES = Number(process.env.ENTRIES ?? 30_000);
const PEOPLE = Number(process.env.PEOPLE ?? 30_000);
const BATCHES = Number(process.env.BATCHES ?? 8);
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to an empty PostgreSQL database.');
  process.exit(2);
}

// Durations of the batch's statement that inserts the entries, read from Kysely's query log.
const insertDurations = [];
const db = new Kysely({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 20 }) }),
  log(event) {
    if (event.level !== 'query') return;
    const text = event.query.sql;
    if (process.env.QUERY_LOG)
      console.log(Math.round(event.queryDurationMillis), text.slice(0, 90).replace(/\s+/g, ' '));
    if (/^\s*with entry as .*insert into registrations/s.test(text)) {
      insertDurations.push(event.queryDurationMillis);
    }
  },
});
await migrateToLatest(db);
await loadDivisions(db);
const client = new pg.Client({ connectionString: url });
await client.connect();
const cipher = new PersonalDataCipher(randomBytes(32));

const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
const organisationId = '00000000-0000-4000-8000-000000000001';
const userId = '00000000-0000-4000-9000-000000000001';
await client.query(
  `insert into organisations (id, name, division_code) values ($1, '测量单位', '3101')
   on conflict do nothing`,
  [organisationId],
);
await client.query(
  `insert into users (id, username, password_hash, display_name, account_type, organisation_id,
     division_code)
   values ($1, 'measure', 'x', '测量', 'contractor', $2, '3101') on conflict do nothing`,
  [userId, organisationId],
);

/** Inserts a published event in `division` whose registration is open now; returns its id. */
async function insertEvent(name, division, startsAt) {
  const { rows } = await client.query(
    `insert into events (id, organisation_id, created_by, name, level, section, sport,
       division_code, district_code, venue, starts_at, ends_at, capacity,
       registration_opens_at, registration_closes_at, state, updated_at)
     select gen_random_uuid(), $1, $2, $3, 'community', 'community_games', 'running',
       d.code, d.district_code, '测量场馆', $4, $4::timestamptz + interval '3 hours', 100000,
       now() - interval '1 day', now() + interval '1 day', 'published', now()
     from divisions d where d.code = $5
     returning id`,
    [organisationId, userId, name, startsAt, division],
  );
  const eventId = rows[0].id;
  await client.query(
    `insert into event_groups (id, event_id, name, capacity, is_default)
     values (gen_random_uuid(), $1, '默认组', 100000, true)`,
    [eventId],
  );
  return eventId;
}

let started = performance.now();
const { rows: existing } = await client.query('select count(*)::int as n from registrations');
if (existing[0].n === 0) {
  await client.query('set session_replication_role = replica');
  await client.query(
    `insert into events (id, organisation_id, created_by, name, level, section, sport,
       division_code, district_code, venue, starts_at, ends_at, capacity, registration_opens_at,
       registration_closes_at, state, updated_at)
     select gen_random_uuid(), $3, $4, '背景赛事 ' || i,
       (array['city','district','street','community'])[1 + i % 4],
       (array['league_event','brand_event','series','x_sport','community_games'])[1 + i % 5],
       (array['running','basketball_3x3','football','badminton','table_tennis'])[1 + i % 5],
       s.code, s.district_code, '测量场馆',
       make_timestamptz($1, 1 + i % 12, 1 + i % 27, 9, 0, 0, 'Asia/Shanghai'),
       make_timestamptz($1, 1 + i % 12, 1 + i % 27, 12, 0, 0, 'Asia/Shanghai'),
       1000, make_timestamptz($1 - 1, 12, 1, 0, 0, 0, 'Asia/Shanghai'),
       make_timestamptz($1, 1, 1, 0, 0, 0, 'Asia/Shanghai'), 'published', now()
     from generate_series(1, $2) i
     cross join (select array_agg(code order by code) as codes from divisions
       where level in ('street', 'community')) c
     join divisions s on s.code = c.codes[1 + (i::bigint * 7919) % array_length(c.codes, 1)]`,
    [year, EVENTS, organisationId, userId],
  );
  await client.query(`
    insert into event_groups (id, event_id, name, capacity, is_default)
    select gen_random_uuid(), id, '默认组', 1000, true from events where name like '背景赛事 %'`);
  await client.query(
    `insert into registrations (id, event_id, code, name, phone_ciphertext, phone_hash,
       phone_masked, status, channel, group_id)
     select gen_random_uuid(), e.id, 'B' || i, '测量', 'v1:x', 'p' || ((i::bigint * 7919) % $2),
       '1**', 'active', 'web', g.id
     from generate_series(1, $1) i
     cross join (select array_agg(id order by id) as ids from events
       where name like '背景赛事 %') a
     join events e on e.id = a.ids[1 + i % $3]
     join event_groups g on g.event_id = e.id
     on conflict do nothing`,
    [ENTRIES, PEOPLE, EVENTS],
  );
  await client.query('set session_replication_role = origin');
  await rebuildDashboardSummaries(db);
  console.log(`background data written in ${Math.round(performance.now() - started)} ms`);
}
const { rows: sizes } = await client.query(`
  select (select count(*)::int from registrations) as entries,
    (select count(*)::int from dashboard_participants) as participant_rows`);
console.log(
  `background: ${sizes[0].entries} entries, ${sizes[0].participant_rows} participant set rows`,
);

const { rows: communities } = await client.query(
  `select distinct on (parent_code) code from divisions where level = 'community'
   order by parent_code, code limit $1`,
  [BATCHES],
);
const run = randomBytes(3).toString('hex');
const batchTimes = [];
for (let b = 0; b < BATCHES; b++) {
  const startsAt = new Date(Date.UTC(year, 5, 10 + b, 1));
  const eventId = await insertEvent(
    `测量批次 ${run} ${b}`,
    communities[b % communities.length].code,
    startsAt,
  );
  const calls = [];
  const timings = { first: 0, last: 0 };
  for (let i = 0; i <= MAX_BATCH; i++) {
    // Fake mobile numbers 19x..., new people in every run and batch.
    const phone = `19${String(((b * 1000 + i) * 7 + Number.parseInt(run, 16)) % 1e9).padStart(9, '0')}`;
    const call = registerInBatch(db, cipher, eventId, { name: '测量', phone, channel: 'web' });
    calls.push(i === 0 ? call.then(() => (timings.first = performance.now())) : call);
  }
  await Promise.all(calls);
  timings.last = performance.now();
  batchTimes.push(timings.last - timings.first);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fullInserts = insertDurations.slice(-BATCHES);
const format = (values) => values.map((v) => v.toFixed(0)).join(', ');
console.log(`batch transactions of ${MAX_BATCH} (ms): ${format(batchTimes)}`);
console.log(`entry inserts of ${MAX_BATCH} (ms): ${format(fullInserts)}`);
console.log(
  `median: batch ${median(batchTimes).toFixed(0)} ms, insert ${median(fullInserts).toFixed(0)} ms`,
);
const { rows: check } = await client.query('select count(*)::int as n from registrations');
console.log(`entries after the run: ${check[0].n}`);
await client.end();
await db.destroy();
