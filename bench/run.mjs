// Load benchmark of a production build: a no-database baseline route, the public listing and
// detail, and a flash crowd registering for one event. Prints each figure and its ratio to the
// baseline, then checks that the flash crowd neither overbooked nor duplicated an entry.
//
// Usage: DATABASE_URL=postgres://... node bench/run.mjs [--duration 10] [--connections 100]
// Without DATABASE_URL the server runs on PGlite in a temporary folder.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import autocannon from 'autocannon';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    places: { type: 'string', default: '5000' },
    port: { type: 'string', default: '3900' },
  },
});
const duration = Number(options.duration);
const connections = Number(options.connections);
const places = Number(options.places);
const baseUrl = `http://127.0.0.1:${options.port}`;
const PASSWORD = 'Demo@2026';

async function freshDatabase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cityleague-bench-'));
  const url = process.env.DATABASE_URL;
  if (!url) return { env: { DATA_DIR: dataDir }, label: 'PGlite', drop: async () => {} };
  const name = `cityleague_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: target.toString() },
    label: 'PostgreSQL',
    url: target.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true });
    },
  };
}

async function startServer(env) {
  const child = spawn(process.execPath, [join(root, 'server', 'dist', 'server.js')], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      DATA_KEY: randomBytes(32).toString('base64'),
      SEED_DEMO: 'true',
      PORT: options.port,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WEB_DIR: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill();
  throw new Error('Server did not become ready in 180 s');
}

async function signIn(username) {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`Sign-in of ${username} failed: ${response.status}`);
  return response.headers.get('set-cookie').split(';')[0];
}

async function call(cookie, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} failed: ${await response.text()}`);
  return response.json();
}

/** Files, approves and publishes an event whose registration is open now. */
async function hotEvent() {
  const organiser = await signIn('contractor');
  const committee = await signIn('committee');
  const hour = 3600_000;
  const now = Date.now();
  const event = await call(organiser, 'POST', '/api/console/events', {
    name: '压力测试 热门赛事',
    sport: 'marathon',
    level: 'city',
    section: 'league_event',
    divisionCode: '310115',
    venue: '浦东新区 世纪大道',
    capacity: places,
    startsAt: new Date(now + 72 * hour).toISOString(),
    endsAt: new Date(now + 78 * hour).toISOString(),
    registrationOpensAt: new Date(now - hour).toISOString(),
    registrationClosesAt: new Date(now + 48 * hour).toISOString(),
  });
  await call(organiser, 'POST', `/api/console/events/${event.id}/submit`);
  await call(committee, 'POST', `/api/reviews/${event.id}/approve`);
  await call(organiser, 'POST', `/api/console/events/${event.id}/publish`);
  return event.id;
}

function load(title, requestOptions) {
  return new Promise((resolve, reject) => {
    autocannon({ url: baseUrl, connections, duration, ...requestOptions }, (error, result) =>
      error ? reject(error) : resolve({ title, result }),
    );
  });
}

function summary({ title, result }, baseline) {
  const rps = result.requests.average;
  return {
    scenario: title,
    requestsPerSecond: Math.round(rps),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ratioToBaseline: baseline ? Number((rps / baseline).toFixed(3)) : 1,
  };
}

/** Reads the counter and the entries in one statement, once in-flight requests have finished. */
async function verifyFlashCrowd(database, eventId) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  if (!database.url) {
    const event = await (await fetch(`${baseUrl}/api/events/${eventId}`)).json();
    return { registeredCount: event.registeredCount, capacity: event.capacity };
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query(
    `select e.registered_count as "registeredCount", e.capacity,
            count(r.id)::int as entries, count(distinct r.phone_hash)::int as people
     from events e left join registrations r on r.event_id = e.id and r.status = 'active'
     where e.id = $1 group by e.id`,
    [eventId],
  );
  await client.end();
  return rows[0];
}

async function main() {
  const database = await freshDatabase();
  const server = await startServer(database.env);
  try {
    const eventId = await hotEvent();
    const results = [];
    // The first run warms the server up; its figures are discarded.
    await load('warm-up', { path: '/healthz' });
    const baseline = await load('baseline GET /healthz (no database)', { path: '/healthz' });
    results.push(baseline);
    results.push(await load('GET /api/events (public listing)', { path: '/api/events' }));
    results.push(
      await load('GET /api/events?district&section', {
        path: '/api/events?district=310104&section=league_event',
      }),
    );
    results.push(await load('GET /api/events/:id (detail)', { path: `/api/events/${eventId}` }));
    let attempt = 0;
    results.push(
      await load('POST registration (flash crowd, one event)', {
        requests: [
          {
            method: 'POST',
            path: `/api/events/${eventId}/registrations`,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              attempt += 1;
              const phone = `139${String(attempt).padStart(8, '0')}`;
              return { ...request, body: JSON.stringify({ name: '压测用户', phone }) };
            },
          },
        ],
      }),
    );

    const baselineRps = baseline.result.requests.average;
    const table = results.map((entry) => summary(entry, baselineRps));
    const flashCrowd = await verifyFlashCrowd(database, eventId);
    const report = {
      at: new Date().toISOString(),
      database: database.label,
      connections,
      durationSeconds: duration,
      places,
      table,
      flashCrowd,
    };
    console.table(table);
    console.log('Flash crowd check:', flashCrowd);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    const file = join(root, 'bench', 'results', `run-${Date.now()}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Report written to ${file}`);

    const overbooked = flashCrowd.registeredCount > flashCrowd.capacity;
    const mismatch =
      flashCrowd.entries !== undefined && flashCrowd.entries !== flashCrowd.registeredCount;
    const duplicates = flashCrowd.people !== undefined && flashCrowd.people !== flashCrowd.entries;
    if (overbooked || mismatch || duplicates) {
      console.error('FAIL: the flash crowd overbooked, duplicated or miscounted entries');
      process.exitCode = 1;
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
