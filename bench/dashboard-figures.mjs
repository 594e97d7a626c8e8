// Measures the dashboard's summary reads over a city's year of data on PostgreSQL.
// Usage: node bench/dashboard-figures.mjs (after `npm run build`), with DATABASE_URL naming an
// empty database that this script may fill. It writes EVENTS events and ENTRIES entries
// straight into the tables with the triggers off, rebuilds the summaries, times
// dashboardFigures for the city, a district and a street, then times entries written with the
// triggers on. With MEASURE_ONLY=1 it only times dashboardFigures on the data already there,
// such as a data set of bench/data.mjs, for the bureau and the community sports association,
// over the year and its last quarter.
import { performance } from 'node:perf_hooks';

import pg from 'pg';

import { openDatabase } from '../server/dist/db/database.js';
import { migrateToLatest } from '../server/dist/db/migrate.js';
import { loadDivisions } from '../server/dist/divisions/division.service.js';
import {
  dashboardFigures,
  resolveDashboardScope,
} from '../server/dist/dashboards/dashboard.service.js';
import { rebuildDashboardSummaries } from '../server/dist/dashboards/dashboard-summaries.js';

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const ENTRIES = Number(process.env.ENTRIES ?? 500_000);
const PEOPLE = Number(process.env.PEOPLE ?? 300_000);
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to an empty PostgreSQL database.');
  process.exit(2);
}

const db = await openDatabase({ url });
await migrateToLatest(db);
await loadDivisions(db);
const client = new pg.Client({ connectionString: url });
await client.connect();

const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
if (process.env.MEASURE_ONLY === '1') {
  await measureExisting();
  await client.end();
  await db.destroy();
  process.exit(0);
}
await client.query(`
  insert into organisations (id, name, division_code)
  select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, '测量单位 ' || i, '3101'
  from generate_series(1, 200) i on conflict do nothing`);
await client.query(`
  insert into users (id, username, password_hash, display_name, account_type, organisation_id,
    division_code)
  values ('00000000-0000-4000-9000-000000000001', 'measure', 'x', '测量', 'sports_bureau',
    '00000000-0000-4000-8000-000000000001', '3101') on conflict do nothing`);

let started = performance.now();
await client.query('set session_replication_role = replica');
await client.query(
  `insert into events (id, organisation_id, created_by, name, level, section, sport,
     division_code, district_code, venue, starts_at, ends_at, capacity, registration_opens_at,
     registration_closes_at, state, updated_at)
   select gen_random_uuid(),
     ('00000000-0000-4000-8000-' || lpad((1 + i % 200)::text, 12, '0'))::uuid,
     '00000000-0000-4000-9000-000000000001', '测量赛事 ' || i,
     (array['city','district','street','community'])[1 + i % 4],
     (array['league_event','brand_event','series','x_sport','fitness_test','community_games'])[1 + i % 6],
     (array['running','basketball_3x3','football','badminton','table_tennis'])[1 + i % 5],
     s.code, s.district_code, '测量场馆',
     make_timestamptz($1, 1 + i % 12, 1 + i % 27, 9, 0, 0, 'Asia/Shanghai'),
     make_timestamptz($1, 1 + i % 12, 1 + i % 27, 12, 0, 0, 'Asia/Shanghai'),
     1000, make_timestamptz($1 - 1, 12, 1, 0, 0, 0, 'Asia/Shanghai'),
     make_timestamptz($1, 1, 1, 0, 0, 0, 'Asia/Shanghai'),
     (array['published','published','published','submitted','approved','cancelled'])[1 + i % 6],
     now()
   from generate_series(1, $2) i
   cross join (select array_agg(code order by code) as codes from divisions
     where level = 'street') c
   join divisions s on s.code = c.codes[1 + (i::bigint * 7919) % array_length(c.codes, 1)]`,
  [year, EVENTS],
);
await client.query(`
  insert into event_groups (id, event_id, name, capacity, is_default)
  select gen_random_uuid(), id, '默认组', 1000, true from events where name like '测量赛事 %'`);
await client.query(
  `insert into registrations (id, event_id, code, name, phone_ciphertext, phone_hash,
     phone_masked, status, channel, group_id, checked_in_at)
   select gen_random_uuid(), e.id, 'M' || i, '测量', 'v1:x', 'p' || ((i::bigint * 7919) % $2), '1**',
     case when i % 10 = 0 then 'cancelled' else 'active' end,
     (array['web','web','on_site','partner'])[1 + i % 4], g.id,
     case when i % 3 = 0 and i % 10 <> 0 then now() end
   from generate_series(1, $1) i
   cross join (select array_agg(id order by id) as ids from events
     where name like '测量赛事 %') a
   join events e on e.id = a.ids[1 + i % $3]
   join event_groups g on g.event_id = e.id
   on conflict do nothing`,
  [ENTRIES, PEOPLE, EVENTS],
);
await client.query('set session_replication_role = origin');
const { rows: written } = await client.query('select count(*)::int as n from registrations');
console.log(
  `wrote ${EVENTS} events and ${written[0].n} entries in ${Math.round(performance.now() - started)} ms`,
);

started = performance.now();
await rebuildDashboardSummaries(db);
console.log(`rebuilt the summaries in ${Math.round(performance.now() - started)} ms`);

const user = {
  id: '00000000-0000-4000-9000-000000000001',
  accountType: 'sports_bureau',
  organisationId: '00000000-0000-4000-8000-000000000001',
  organisationName: '测量单位 1',
  divisionCode: '3101',
};
for (const division of await sampleDivisions()) await timeFigures(user, division, { year });

started = performance.now();
const { rows: events } = await client.query(
  `select e.id, g.id as group_id from events e join event_groups g on g.event_id = e.id
   where e.name like '测量赛事 %' limit 1000`,
);
for (let i = 0; i < 2000; i++) {
  const event = events[i % events.length];
  await client.query(
    `insert into registrations (id, event_id, code, name, phone_ciphertext, phone_hash,
       phone_masked, channel, group_id)
     values (gen_random_uuid(), $1, $2, '测量', 'v1:x', $3, '1**', 'web', $4)`,
    [event.id, `T${i}`, `new-${i}`, event.group_id],
  );
}
console.log(
  `2000 single-row entry inserts with the triggers on: ${((performance.now() - started) / 2000).toFixed(2)} ms each`,
);
await client.end();
await db.destroy();

/** Returns the city, the busiest district and that district's busiest street. */
async function sampleDivisions() {
  const { rows } = await client.query(
    `select district_code, street_code from dashboard_event_facts
     where street_code is not null and month like $1
     group by 1, 2 order by count(*) desc limit 1`,
    [`${year}-%`],
  );
  return ['3101', rows[0].district_code, rows[0].street_code];
}

/** Times dashboardFigures ten times after one warm-up run and prints the median and maximum. */
async function timeFigures(viewer, division, period) {
  const scope = await resolveDashboardScope(db, viewer, division);
  await dashboardFigures(db, scope, period);
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await dashboardFigures(db, scope, period);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const name = Object.values(period).join('-');
  console.log(
    `dashboardFigures ${viewer.accountType} ${division} ${name}: median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms`,
  );
}

/** Times the dashboards of the data already in the database. */
async function measureExisting() {
  const { rows } = await client.query(
    `select u.id, u.account_type, u.organisation_id, o.name, u.division_code
     from users u join organisations o on o.id = u.organisation_id
     where u.account_type in ('sports_bureau', 'community_association')
     order by u.account_type desc, u.username limit 100`,
  );
  const viewers = ['sports_bureau', 'community_association']
    .map((type) => rows.find((row) => row.account_type === type))
    .filter(Boolean)
    .map((row) => ({
      id: row.id,
      accountType: row.account_type,
      organisationId: row.organisation_id,
      organisationName: row.name,
      divisionCode: row.division_code,
    }));
  const { rows: facts } = await client.query(
    `select count(*)::int as n, count(*) filter (where rolled)::int as rolled
     from dashboard_event_facts where month like $1`,
    [`${year}-%`],
  );
  console.log(`${facts[0].n} events in ${year}, ${facts[0].rolled} of them rolled`);
  for (const viewer of viewers) {
    for (const division of await sampleDivisions()) {
      for (const period of [{ year }, { year, quarter: 4 }]) {
        await timeFigures(viewer, division, period);
      }
    }
  }
}
