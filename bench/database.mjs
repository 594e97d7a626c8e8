// PostgreSQL work of the benchmark: the generated data sets, the events a run registers for,
// the check of stored entries afterwards, citizen sessions, and the pgbench baseline.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const run = promisify(execFile);

/** Returns the URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` with a client connected to `url` and closes the client afterwards. */
export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(adminUrl, name) {
  await withClient(adminUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
}

/**
 * Version of what bench/data.mjs writes. Raise it when the generator changes, so that a run
 * fills its data sets again instead of reusing ones of the old generator. Version 2 fills the
 * events' pinyin search columns, and version 3 stores event times at whole seconds.
 */
export const DATA_SET_VERSION = 3;

/** Returns whether a data set's stored metadata is of this generator version and these sizes. */
export function matchesDataSet(meta, sizes) {
  return meta.version === DATA_SET_VERSION && JSON.stringify(meta.sizes) === JSON.stringify(sizes);
}

/** Raised when a data set cannot be filled without destroying one this checkout did not make. */
export class DataSetError extends Error {}

/**
 * Decides what to do with data set `name`: 'reuse' it, or 'fill' it (dropping the database
 * first). `meta` is its metadata file (bench/results/<name>.json, with the sizes, the data key
 * and whether the fill completed), or undefined when this checkout has none. Throws
 * DataSetError for a database that exists without that file, because another checkout filled
 * it: dropping it would end that checkout's runs, and its data key is not here to reuse it.
 */
export function dataSetAction({ name, fresh, meta, sizes, exists, filled }) {
  if (fresh || !exists) return 'fill';
  if (meta === undefined) {
    throw new DataSetError(
      `Database ${name} exists, but bench/results/${name}.json, which records its data key, is ` +
        'missing, so another checkout filled it. Copy that file from the checkout that filled ' +
        'it to reuse the data set, or run with --fresh to drop it and fill it again.',
    );
  }
  return meta.complete !== false && matchesDataSet(meta, sizes) && filled ? 'reuse' : 'fill';
}

/**
 * Returns the data set in database `name` with the given sizes: reuses it when its metadata
 * file matches and its fill completed, else drops the database and fills it again with
 * bench/data.mjs (see dataSetAction). Returns { url, dataKey, sizes, reused }.
 */
export async function ensureDataSet(adminUrl, name, sizes, { fresh }) {
  const metaFile = join(results, `${name}.json`);
  const url = databaseUrl(adminUrl, name);
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : undefined;
  const exists = await databaseExists(adminUrl, name);
  const filled = exists && (await hasEvents(url));
  if (dataSetAction({ name, fresh, meta, sizes, exists, filled }) === 'reuse') {
    return { url, dataKey: meta.dataKey, sizes, reused: true };
  }

  const dataKey = randomBytes(32).toString('base64');
  // Written before the fill, so a fill that stops halfway is filled again by the next run.
  const writeMeta = (complete) => {
    mkdirSync(results, { recursive: true });
    writeFileSync(
      metaFile,
      `${JSON.stringify({ version: DATA_SET_VERSION, sizes, dataKey, complete })}\n`,
      { mode: 0o600 },
    );
  };
  writeMeta(false);
  await recreateDatabase(adminUrl, name);
  console.log(`Filling ${name}: ${JSON.stringify(sizes)}`);
  const args = Object.entries(sizes).flatMap(([key, value]) => [`--${key}`, String(value)]);
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench', 'data.mjs'), ...args], {
      env: { ...process.env, DATABASE_URL: url, DATA_KEY: dataKey },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`bench/data.mjs for ${name} exited with ${code}`)),
    );
  });
  writeMeta(true);
  return { url, dataKey, sizes, reused: false };
}

async function databaseExists(adminUrl, name) {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query('select 1 from pg_database where datname = $1', [name]);
    return rows.length > 0;
  });
}

async function hasEvents(url) {
  try {
    return await withClient(url, async (client) => {
      const { rows } = await client.query('select exists (select 1 from events) as filled');
      return rows[0].filled;
    });
  } catch {
    // A missing database or table means the data set must be made again.
    return false;
  }
}

/**
 * Inserts `count` published events with one default group of `capacity` places each, open for
 * registration now, copied from a generated published event. Returns their ids.
 */
export async function insertOpenEvents(url, { count, capacity, name }) {
  return withClient(url, async (client) => {
    const { rows: columns } = await client.query(
      `select column_name from information_schema.columns
       where table_schema = 'public' and table_name = 'events' and is_generated = 'NEVER'
       order by ordinal_position`,
    );
    // The platform stores times to the millisecond, which its list cursors carry.
    const now = `date_trunc('milliseconds', now())`;
    const overrides = {
      id: 'gen_random_uuid()',
      name: `$1 || ' ' || n`,
      capacity: '$2',
      expected_participants: '$2',
      registered_count: '0',
      state: `'published'`,
      fee_cents: '0',
      starts_at: `${now} + interval '3 days'`,
      ends_at: `${now} + interval '3 days 4 hours'`,
      registration_opens_at: `${now} - interval '1 hour'`,
      registration_closes_at: `${now} + interval '2 days'`,
      cancelled_at: 'null',
      published_at: now,
      created_at: now,
      updated_at: now,
    };
    const names = columns.map((column) => column.column_name);
    const values = names.map((column) => overrides[column] ?? `t.${column}`);
    const { rows } = await client.query(
      `with template as (
         select * from events where state = 'published' and fee_cents = 0 order by id limit 1
       ), made as (
         insert into events (${names.join(', ')})
         select ${values.join(', ')} from template t cross join generate_series(1, $3::int) n
         returning id, capacity
       ), groups as (
         insert into event_groups (id, event_id, name, capacity, fee_cents, is_default)
         select gen_random_uuid(), id, '默认组', capacity, 0, true from made
       )
       select id from made`,
      [name, capacity, count],
    );
    return rows.map((row) => row.id);
  });
}

/**
 * Counts, over the given events, the events with more active entries than places, the entries
 * of a person already entered for that event, and the events whose counters (event and group)
 * differ from their active entries. Returns those three with the totals.
 */
export async function verifyEntries(url, eventIds) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `with entries as (
         select event_id, count(*)::int as n, count(distinct phone_hash)::int as people
         from registrations where event_id = any($1::uuid[]) and status = 'active'
         group by event_id
       ), taken as (
         select event_id, sum(taken)::int as taken from event_groups
         where event_id = any($1::uuid[]) group by event_id
       )
       select
         count(*) filter (where coalesce(x.n, 0) > e.capacity)::int as overbooked,
         coalesce(sum(coalesce(x.n, 0) - coalesce(x.people, 0)), 0)::int as duplicates,
         count(*) filter (where e.registered_count <> coalesce(x.n, 0)
           or coalesce(t.taken, 0) <> coalesce(x.n, 0))::int as "counterMismatches",
         coalesce(sum(x.n), 0)::int as entries,
         coalesce(sum(e.capacity), 0)::int as places,
         count(*)::int as events
       from events e left join entries x on x.event_id = e.id
       left join taken t on t.event_id = e.id
       where e.id = any($1::uuid[])`,
      [eventIds],
    );
    return rows[0];
  });
}

/**
 * Waits until the dashboards' participant queue is empty, polling every 100 ms for at most
 * `limitMs`, as the servers' background job applies it. Returns the queued rows found at the
 * start and the milliseconds until the queue was empty, or null when it was not empty in time.
 */
export async function participantQueueDrain(url, limitMs = 60_000) {
  return withClient(url, async (client) => {
    const queued = async () =>
      (await client.query('select count(*)::int as n from dashboard_participant_changes')).rows[0]
        .n;
    const started = Date.now();
    const rowsAtStart = await queued();
    let rows = rowsAtStart;
    while (rows > 0 && Date.now() - started < limitMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = await queued();
    }
    return { rowsAtStart, drainedAfterMs: rows === 0 ? Date.now() - started : null };
  });
}

/**
 * Returns the active entries of an event per second, from its first entry to its last, on the
 * database clock. Unlike the client's count of 201 answers, this includes entries whose
 * request the client had given up on (timed out) before the server committed them.
 */
export async function entriesPerSecond(url, eventId) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select count(*)::int as entries,
         extract(epoch from max(created_at) - min(created_at))::float8 as seconds
       from registrations where event_id = $1 and status = 'active'`,
      [eventId],
    );
    const { entries, seconds } = rows[0];
    return entries > 1 && seconds > 0 ? Math.round((entries - 1) / seconds) : 0;
  });
}

/**
 * Opens a session for each of `count` citizens with entries, as the SMS sign-in would, and
 * returns their cookies. The rows are written directly because a production build has no
 * development SMS outbox to read the codes from.
 */
export async function openCitizenSessions(url, count) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select c.id from citizens c
       where exists (select 1 from registrations r where r.phone_hash = c.phone_hash)
       order by c.id limit $1`,
      [count],
    );
    const cookies = [];
    for (const row of rows) {
      const token = randomBytes(32).toString('base64url');
      const id = createHash('sha256').update(token).digest('hex');
      await client.query(
        `insert into citizen_sessions (id, citizen_id, ip, expires_at)
         values ($1, $2, '127.0.0.1', now() + interval '1 day')`,
        [id, row.id],
      );
      cookies.push(`csid=${token}`);
    }
    return cookies;
  });
}

/**
 * Returns a generated event of a benchmark contractor with active entries, and their codes.
 * Check-in is open from 24 hours before an event's start until its end, so the event's times
 * are first moved together to start in an hour.
 */
export async function scanTargets(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select e.id, u.username from events e
       join users u on u.organisation_id = e.organisation_id and u.username like 'bench.%'
         and u.account_type = 'contractor'
       where e.state = 'published' and e.registered_count > 0
       order by e.registered_count desc, e.id limit 1`,
    );
    if (rows.length === 0) throw new Error('The data set has no contractor event with entries');
    await client.query(
      `update events set
         starts_at = starts_at + shift, ends_at = ends_at + shift,
         registration_opens_at = registration_opens_at + shift,
         registration_closes_at = registration_closes_at + shift
       from (select now() + interval '1 hour' - starts_at as shift from events where id = $1) s
       where id = $1`,
      [rows[0].id],
    );
    const codes = await client.query(
      `select code from registrations where event_id = $1 and status = 'active' order by code`,
      [rows[0].id],
    );
    return {
      eventId: rows[0].id,
      username: rows[0].username,
      codes: codes.rows.map((row) => row.code),
    };
  });
}

/**
 * Returns the benchmark street account whose street has the most events, and that street. The
 * events are counted in one grouped scan: a count per account took 4 minutes on the city-size
 * data set (500,000 events, 234 street accounts) on a loaded 2-core machine.
 */
export async function streetAccount(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select u.username, u.division_code as street from users u
       join (select division_code, count(*) as events from events group by division_code) e
         on e.division_code = u.division_code
       where u.account_type = 'street' and u.username like 'bench.%'
       order by e.events desc, u.username
       limit 1`,
    );
    if (rows.length === 0) throw new Error('The data set has no street account');
    return rows[0];
  });
}

/** Returns committed plus rolled-back transactions of the database so far. */
export async function transactionCount(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `select (xact_commit + xact_rollback)::bigint as n from pg_stat_database
       where datname = current_database()`,
    );
    return Number(rows[0].n);
  });
}

/** Returns whether the PostgreSQL server at `url` runs autovacuum. */
export async function autovacuumOn(url) {
  return withClient(url, async (client) => {
    const { rows } = await client.query('show autovacuum');
    return rows[0].autovacuum === 'on';
  });
}

/**
 * Tables that registrations, scans and the summary job write. The queue tables are emptied
 * every second, so without vacuum each read of them scans more dead rows.
 */
const WRITTEN_TABLES = [
  'dashboard_participant_changes',
  'dashboard_fact_rollup_changes',
  'dashboard_event_facts',
  'dashboard_fact_rollups',
  'notification_outbox',
  'events',
  'event_groups',
];

/**
 * Vacuums and analyzes the tables that the scenarios write, as autovacuum would between them,
 * and returns the seconds it took.
 */
export async function vacuumWrittenTables(url) {
  const started = Date.now();
  await withClient(url, (client) => client.query(`vacuum (analyze) ${WRITTEN_TABLES.join(', ')}`));
  return (Date.now() - started) / 1000;
}

/**
 * Runs pgbench's built-in simple-update script (`pgbench -b simple-update`, the same as -N) on
 * a database of its own. Returns { tps, latencyAverageMs, clients }.
 */
export async function pgbenchBaseline(adminUrl, { clients, duration }) {
  const name = 'cityleague_benchh_pgbench';
  await recreateDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  try {
    await run('pgbench', ['-i', '-q', '-s', '10', url]);
    const { stdout } = await run('pgbench', [
      '-b',
      'simple-update',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(duration),
      url,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout);
    const latency = /latency average = ([\d.]+) ms/.exec(stdout);
    if (!tps || !latency) throw new Error(`Unexpected pgbench output:\n${stdout}`);
    return { tps: Number(tps[1]), latencyAverageMs: Number(latency[1]), clients };
  } finally {
    await withClient(adminUrl, (client) =>
      client.query(`drop database if exists ${name} with (force)`),
    );
  }
}
