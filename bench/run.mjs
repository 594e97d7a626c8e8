// Load benchmark of a production build on PostgreSQL, with its baselines measured in the same
// run: a Fastify route without database work (/healthz) and pgbench simple-update on the same
// PostgreSQL. It drives the public listing and search, event detail, a citizen's own entries,
// check-in scans and the dashboards against generated data at 1x and 10x. Registrations run as
// a flash crowd on one hot event and as steady registrations across many events. Last, two
// instances run behind a round-robin proxy. Every figure is printed absolute and as a ratio to
// its baseline, the targets as PASS or FAIL, and the stored entries are checked afterwards.
//
// Usage: npm run bench -- --help. docs/performance.md describes the scenarios and figures.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import autocannon from 'autocannon';
import { generate } from 'otplib';

import {
  autovacuumOn,
  DataSetError,
  ensureDataSet,
  entriesPerSecond,
  insertOpenEvents,
  openCitizenSessions,
  participantQueueDrain,
  pgbenchBaseline,
  scanTargets,
  streetAccount,
  transactionCount,
  vacuumWrittenTables,
  verifyEntries,
  withClient,
} from './database.mjs';
import { OptionError, USAGE, parseBenchOptions, runsPart, scaledSizes } from './options.mjs';
import { LISTING_AND_SEARCH_SCENARIOS, XUHUI } from './read-scenarios.mjs';
import { startRoundRobinProxy, startServer } from './servers.mjs';
import { evaluateTargets, verificationProblems } from './targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'Demo@2026';
// The demo accounts of a generated data set are made in development mode, so the accounts that
// need two-factor sign-in share this published demo secret (server/src/demo/demo-league.ts).
const DEMO_TOTP_SECRET = 'CITYLEAGUEDEMOTOTPSECRETSHANGHAI';
const CITY = '3101';
const STEADY_EVENTS = 200;
const STEADY_CAPACITY = 10_000;
const CITIZEN_SESSIONS = 200;
// Dashboards serve officials, not the public, so the run uses ten concurrent viewers.
const DASHBOARD_CONNECTIONS = 10;
const PGBENCH_CLIENTS = 20;

let options;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof OptionError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
// The run measures the production build, so it builds first unless --skip-build is set.
if (!options.skipBuild) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`npm run build failed with exit code ${build.status}; the run did not start`);
    process.exit(1);
  }
}
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = Date.now().toString(36);
let phoneCounter = 0;

/** Returns a mobile number that no other request of this run has used. */
function nextPhone() {
  phoneCounter += 1;
  return `136${String(phoneCounter).padStart(8, '0')}`;
}

async function signIn(baseUrl, username) {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!response.ok) {
    throw new Error(`Sign-in of ${username} failed: ${response.status} ${await response.text()}`);
  }
  const cookie = response.headers.get('set-cookie').split(';')[0];
  const me = await response.json();
  if (!me.pendingStep) return cookie;
  const second = await fetch(`${baseUrl}/api/session/totp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ code: await generate({ secret: DEMO_TOTP_SECRET }) }),
  });
  if (!second.ok) {
    throw new Error(`One-time code of ${username} failed: ${second.status} ${await second.text()}`);
  }
  return second.headers.get('set-cookie').split(';')[0];
}

/**
 * Waits until /readyz, which queries the database, responds within 250 ms, so requests still
 * queued for the pool after a scenario do not slow the next one. Returns the seconds waited,
 * at most 60.
 */
async function drain(baseUrl) {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const sent = Date.now();
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
      if (response.ok && Date.now() - sent < 250) break;
    } catch {
      // Timed out while the server works through its backlog; ask again.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return (Date.now() - started) / 1000;
}

/**
 * Database whose written tables each scenario vacuums after it has drained, set while a data
 * set is measured on a server that runs without autovacuum (see vacuumWrittenTables).
 */
let vacuumedDatabase = null;

/**
 * Runs autocannon against `baseUrl` and returns the scenario's figures. Status classes are
 * counted separately so expected rejections (409 of a full event) are not server errors.
 */
function load(baseUrl, scenario, autocannonOptions) {
  const started = Date.now();
  const settings = {
    url: baseUrl,
    connections: options.connections,
    duration: options.duration,
    ...autocannonOptions,
  };
  const { maxSeconds } = settings;
  delete settings.maxSeconds;
  // autocannon rejects a duration beside a request count, so a counted run drops it.
  if (settings.amount) delete settings.duration;
  let stopTimer;
  let instance;
  const figures = new Promise((resolve, reject) => {
    instance = autocannon(settings, (error, result) => {
      clearTimeout(stopTimer);
      if (error) return reject(error);
      console.log(
        `${scenario}: ${Math.round(result.requests.average)} requests/s, ` +
          `p99 ${result.latency.p99} ms, 5xx ${result['5xx']}`,
      );
      resolve({
        scenario,
        connections: result.connections,
        seconds: (Date.now() - started) / 1000,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        // autocannon reports 0 ms when no request completed, which must not pass a target.
        p50Ms: result.requests.total > 0 ? result.latency.p50 : null,
        p99Ms: result.requests.total > 0 ? result.latency.p99 : null,
        ok: result['2xx'],
        clientErrors: result['4xx'],
        serverErrors: result['5xx'],
        socketErrors: result.errors + result.timeouts,
      });
    });
  });
  // A counted run on a slow server would take too long, so it ends after maxSeconds anyway.
  if (maxSeconds) stopTimer = setTimeout(() => instance.stop(), maxSeconds * 1000);
  return figures.then(async (row) => {
    const drained = { ...row, drainSeconds: await drain(baseUrl) };
    if (vacuumedDatabase) drained.vacuumSeconds = await vacuumWrittenTables(vacuumedDatabase);
    return drained;
  });
}

function get(path, headers = {}) {
  return { path, headers };
}

/** Requests that each register a new person for the next of `eventIds`, round robin. */
function registrationRequests(eventIds, onAccepted) {
  let next = 0;
  return [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        const eventId = eventIds[next % eventIds.length];
        next += 1;
        return {
          ...request,
          path: `/api/events/${eventId}/registrations`,
          body: JSON.stringify({ name: '压测用户', phone: nextPhone() }),
        };
      },
      onResponse: (status) => {
        if (status === 201) onAccepted();
      },
    },
  ];
}

/** Builds a GET request that takes the next of `paths` each time it is sent, round robin. */
function rotatingGet(paths) {
  let next = 0;
  return {
    path: paths[0],
    setupRequest: (request) => {
      const path = paths[next % paths.length];
      next += 1;
      return { ...request, path };
    },
  };
}

/** Runs the listing, search and detail scenarios; `label` names the data set. */
async function readScenarios(baseUrl, label, detailEventId) {
  const rows = [];
  for (const [name, paths] of LISTING_AND_SEARCH_SCENARIOS) {
    const request = typeof paths === 'string' ? get(paths) : rotatingGet(paths);
    rows.push(await load(baseUrl, `${name} (${label})`, { requests: [request] }));
  }
  rows.push(
    await load(baseUrl, `event detail (${label})`, {
      requests: [get(`/api/events/${detailEventId}`)],
    }),
  );
  return rows;
}

/** Runs steady registrations: `options.connections` clients across many new events. */
async function steadyRegistrations(baseUrl, dataSet, label) {
  const eventIds = await insertOpenEvents(dataSet.url, {
    count: STEADY_EVENTS,
    capacity: STEADY_CAPACITY,
    name: `压测 平稳报名 ${runId}`,
  });
  const row = await load(baseUrl, `steady registrations, ${STEADY_EVENTS} events (${label})`, {
    requests: registrationRequests(eventIds, () => {}),
  });
  row.verification = await verifyEntries(dataSet.url, eventIds);
  row.participantQueue = await measureParticipantQueue(dataSet.url, row.scenario);
  return row;
}

/**
 * Runs the flash crowd: `options.crowd` clients send `options.attempts` registrations, each a
 * new person, for one event of `options.places` places, and stop after `options.crowdSeconds`.
 * Registrations/s is measured on the stored entries, from the first to the last.
 */
async function flashCrowd(baseUrl, dataSet, label) {
  const [eventId] = await insertOpenEvents(dataSet.url, {
    count: 1,
    capacity: options.places,
    name: `压测 热门赛事 ${runId}`,
  });
  const started = Date.now();
  let accepted = 0;
  let lastAccepted = started;
  const row = await load(baseUrl, `flash crowd, one event (${label})`, {
    connections: options.crowd,
    amount: options.attempts,
    maxSeconds: options.crowdSeconds,
    requests: registrationRequests([eventId], () => {
      accepted += 1;
      lastAccepted = Date.now();
    }),
  });
  row.accepted = accepted;
  row.acceptedPerSecondSeenByClients = Math.round(
    accepted / Math.max(0.001, (lastAccepted - started) / 1000),
  );
  row.registrationsPerSecond = await entriesPerSecond(dataSet.url, eventId);
  row.verification = await verifyEntries(dataSet.url, [eventId]);
  row.participantQueue = await measureParticipantQueue(dataSet.url, row.scenario);
  return row;
}

/**
 * Waits until the servers' summary job has applied the participant-set queue, which the
 * dashboards need to count the scenario's people, and reports how long that took.
 */
async function measureParticipantQueue(url, scenario) {
  const queue = await participantQueueDrain(url);
  console.log(
    `${scenario}: participant queue ${queue.rowsAtStart} rows, ` +
      `empty after ${queue.drainedAfterMs ?? 'more than 60,000'} ms`,
  );
  return queue;
}

async function signedInScenarios(baseUrl, dataSet, label) {
  const rows = [];
  const cookies = await openCitizenSessions(dataSet.url, CITIZEN_SESSIONS);
  let nextCitizen = 0;
  rows.push(
    await load(baseUrl, `my registrations, ${cookies.length} citizens (${label})`, {
      requests: [
        {
          path: '/api/citizen/registrations',
          setupRequest: (request) => {
            const cookie = cookies[nextCitizen % cookies.length];
            nextCitizen += 1;
            return { ...request, headers: { ...request.headers, cookie } };
          },
        },
      ],
    }),
  );

  const scan = await scanTargets(dataSet.url);
  const contractor = await signIn(baseUrl, scan.username);
  let nextScan = 0;
  rows.push(
    await load(baseUrl, `check-in scans, one event (${label})`, {
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: contractor },
          setupRequest: (request) => {
            const code = scan.codes[nextScan % scan.codes.length];
            nextScan += 1;
            const nonce = `bench-${runId}-${nextScan}`;
            return {
              ...request,
              path: `/api/console/events/${scan.eventId}/check-ins`,
              body: JSON.stringify({ code, nonce, deviceId: 'bench', gate: '压测入口' }),
            };
          },
        },
      ],
    }),
  );

  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const street = await streetAccount(dataSet.url);
  const viewers = [
    ['city', 'bureau', CITY],
    ['district 徐汇', 'xuhui.bureau', XUHUI],
    ['street', street.username, street.street],
  ];
  for (const [level, username, division] of viewers) {
    const cookie = await signIn(baseUrl, username);
    rows.push(
      await load(baseUrl, `dashboard ${level}, year ${year} (${label})`, {
        connections: DASHBOARD_CONNECTIONS,
        requests: [get(`/api/dashboard?division=${division}&year=${year}`, { cookie })],
      }),
    );
  }
  return { rows, detailEventId: scan.eventId };
}

/** Measures one data set on one server: baseline, reads and the registration scenarios. */
async function measureOneInstance(dataSet, label, report) {
  vacuumedDatabase = report.autovacuum ? null : dataSet.url;
  const port = options.port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startServer({
    port,
    databaseUrl: dataSet.url,
    dataKey: dataSet.dataKey,
    redisUrl,
  });
  try {
    await load(baseUrl, 'warm-up', { requests: [get('/healthz')] });
    const before = await transactionCount(dataSet.url);
    const baseline = await load(baseUrl, `baseline /healthz, no database (${label})`, {
      requests: [get('/healthz')],
    });
    baseline.databaseTransactions = (await transactionCount(dataSet.url)) - before;
    report.scenarios.push({ ...baseline, baseline: 'healthz' });
    const healthz = baseline.requestsPerSecond;

    let detailEventId;
    if (['reads', 'registrations', 'growth'].some((part) => runsPart(options, part))) {
      const signedIn = await signedInScenarios(baseUrl, dataSet, label);
      detailEventId = signedIn.detailEventId;
      for (const row of signedIn.rows) {
        const writes = row.scenario.startsWith('check-in');
        report.scenarios.push({ ...row, baseline: writes ? 'pgbench' : 'healthz' });
      }
    }
    if (runsPart(options, 'reads') || runsPart(options, 'growth')) {
      detailEventId ??= (await scanTargets(dataSet.url)).eventId;
      for (const row of await readScenarios(baseUrl, label, detailEventId)) {
        report.scenarios.push({ ...row, baseline: 'healthz' });
      }
    }
    if (runsPart(options, 'registrations') || runsPart(options, 'growth')) {
      report.scenarios.push({
        ...(await steadyRegistrations(baseUrl, dataSet, label)),
        baseline: 'pgbench',
      });
    }
    if (label === '1x' && runsPart(options, 'registrations')) {
      report.scenarios.push({
        ...(await flashCrowd(baseUrl, dataSet, label)),
        baseline: 'pgbench',
      });
    }
    return healthz;
  } finally {
    await server.stop();
  }
}

/**
 * Measures the listing and the flash crowd through the proxy to one instance, then to two.
 * Each phase starts its own servers and stops them afterwards, so a queue left by the first
 * phase's flash crowd does not load the second.
 */
async function measureScaleOut(dataSet, report) {
  vacuumedDatabase = report.autovacuum ? null : dataSet.url;
  const proxyPort = options.port + 3;
  for (const count of [1, 2]) {
    const ports = [options.port + 1, options.port + 2].slice(0, count);
    const label = `${count} instance${count > 1 ? 's' : ''} behind the proxy`;
    const servers = [];
    let closeProxy;
    try {
      for (const port of ports) {
        servers.push(
          await startServer({ port, databaseUrl: dataSet.url, dataKey: dataSet.dataKey, redisUrl }),
        );
      }
      closeProxy = await startRoundRobinProxy(proxyPort, ports);
      const baseUrl = `http://127.0.0.1:${proxyPort}`;
      await load(baseUrl, 'warm-up', { requests: [get('/api/events')] });
      report.scenarios.push({
        ...(await load(baseUrl, `listing, newest first (1x, ${label})`, {
          requests: [get('/api/events')],
        })),
        baseline: 'healthz',
      });
      report.scenarios.push({
        ...(await flashCrowd(baseUrl, dataSet, `1x, ${label}`)),
        baseline: 'pgbench',
      });
    } finally {
      await closeProxy?.();
      for (const server of servers) await server.stop();
    }
  }
}

/** Adds each row's ratio to its baseline: /healthz of the same data set, or pgbench. */
function withRatios(report) {
  const healthz = new Map();
  for (const row of report.scenarios) {
    if (row.scenario.startsWith('baseline /healthz')) healthz.set(dataSetOf(row), row);
  }
  for (const row of report.scenarios) {
    const base =
      row.baseline === 'pgbench'
        ? report.pgbench?.tps
        : healthz.get(dataSetOf(row))?.requestsPerSecond;
    const rate = row.registrationsPerSecond ?? row.requestsPerSecond;
    row.ratioToBaseline = base ? Number((rate / base).toFixed(3)) : null;
  }
}

/** Returns the data set a scenario ran on: the 1x, 10x or city at the start of its parentheses. */
function dataSetOf(row) {
  return /\((\d+x|city)/.exec(row.scenario)?.[1];
}

function targetFigures(report) {
  const find = (prefix) => report.scenarios.find((row) => row.scenario.startsWith(prefix));
  const flash = find('flash crowd, one event (1x)');
  const steady = report.scenarios.find(
    (row) => row.scenario.startsWith('steady') && row.scenario.endsWith('(1x)'),
  );
  const largest =
    ['(city)', '(10x)'].find((label) =>
      report.scenarios.some((row) => row.scenario.endsWith(label)),
    ) ?? '(1x)';
  const reads = report.scenarios
    .filter(
      (row) =>
        (row.scenario.startsWith('listing') || row.scenario.startsWith('search')) &&
        row.scenario.endsWith(largest),
    )
    .map((row) => ({ scenario: row.scenario, p99Ms: row.p99Ms }));
  const dashboards = report.scenarios
    .filter((row) => row.scenario.startsWith('dashboard'))
    .map((row) => ({ scenario: row.scenario, p99Ms: row.p99Ms }));
  const growth = [];
  for (const row of report.scenarios.filter((item) => item.scenario.endsWith('(1x)'))) {
    const name = row.scenario.slice(0, -' (1x)'.length);
    const big = report.scenarios.find((item) => item.scenario === `${name} (10x)`);
    if (big) growth.push({ scenario: name, p99At1x: row.p99Ms, p99At10x: big.p99Ms });
  }
  // The hot-event target compares with the /healthz of the 1x set, where the flash crowd runs.
  const healthz = report.scenarios.find(
    (row) => row.scenario.startsWith('baseline /healthz') && dataSetOf(row) === '1x',
  );
  return {
    healthzRps: healthz?.requestsPerSecond,
    flashCrowd: flash && {
      registrationsPerSecond: flash.registrationsPerSecond,
      p99Ms: flash.p99Ms,
      serverErrors: flash.serverErrors,
      verification: flash.verification,
    },
    steady: steady && {
      p99Ms: steady.p99Ms,
      serverErrors: steady.serverErrors,
      verification: steady.verification,
    },
    reads,
    dashboards,
    growth,
  };
}

function markdownTable(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function renderMarkdown(report) {
  const scenarioRows = report.scenarios.map((row) => [
    row.scenario,
    row.connections,
    row.requests,
    row.registrationsPerSecond ?? row.requestsPerSecond,
    row.p50Ms,
    row.p99Ms,
    row.ok,
    row.clientErrors,
    row.serverErrors + row.socketErrors,
    `${row.ratioToBaseline ?? '-'} of ${row.baseline}`,
  ]);
  const targetRows = report.targets.map((row) => [
    row.target,
    row.value,
    row.limit,
    row.pass ? 'PASS' : 'FAIL',
  ]);
  return [
    `pgbench simple-update: ${report.pgbench ? `${Math.round(report.pgbench.tps)} tps, ${report.pgbench.latencyAverageMs} ms average at ${report.pgbench.clients} clients` : 'not run'}`,
    `autovacuum: ${report.autovacuum ? 'on' : 'off, so the run vacuums the written tables after each scenario'}`,
    '',
    markdownTable(
      [
        'scenario',
        'conn.',
        'requests',
        'per second',
        'p50 ms',
        'p99 ms',
        '2xx',
        '4xx',
        '5xx + socket',
        'ratio',
      ],
      scenarioRows,
    ),
    '',
    markdownTable(['target', 'value', 'limit', 'result'], targetRows),
  ].join('\n');
}

/** Measures pgbench when the selected parts compare with it. */
async function measurePgbench(report) {
  if (runsPart(options, 'baseline') || runsPart(options, 'registrations')) {
    report.pgbench = await pgbenchBaseline(adminUrl, {
      clients: PGBENCH_CLIENTS,
      duration: options.duration,
    });
  }
}

/** Fills or reuses the 1x and 10x data sets and measures the selected parts on them. */
async function measureGeneratedDataSets(report) {
  const small = await ensureDataSet(
    adminUrl,
    'cityleague_benchdata_1x',
    scaledSizes(options.scale),
    options,
  );
  report.dataSets['1x'] = { sizes: small.sizes, reused: small.reused };
  await measurePgbench(report);
  await measureOneInstance(small, '1x', report);
  if (runsPart(options, 'growth')) {
    const big = await ensureDataSet(
      adminUrl,
      'cityleague_benchdata_10x',
      scaledSizes(options.scale * 10),
      options,
    );
    report.dataSets['10x'] = { sizes: big.sizes, reused: big.reused };
    await measureOneInstance(big, '10x', report);
  }
  if (runsPart(options, 'scale-out')) await measureScaleOut(small, report);
}

/**
 * Measures the data set that --data-url names, filled beforehand by bench/data.mjs, under the
 * label "city". The server needs the key the data was written with: DATA_KEY, else the key
 * that bench/data.mjs writes to bench/results/data-key when DATA_KEY is unset.
 */
async function measureGivenDataSet(report) {
  const keyFile = join(root, 'bench', 'results', 'data-key');
  let dataKey = process.env.DATA_KEY;
  if (!dataKey && existsSync(keyFile)) dataKey = readFileSync(keyFile, 'utf8').trim();
  if (!dataKey) {
    throw new Error(`--data-url needs the data set's key: set DATA_KEY or write it to ${keyFile}`);
  }
  const { rows } = await withClient(options.dataUrl, (client) =>
    client.query(
      `select (select count(*) from citizens)::int as citizens,
         (select count(*) from events)::int as events,
         (select count(*) from registrations)::int as registrations`,
    ),
  );
  report.dataSets.city = { database: new URL(options.dataUrl).pathname.slice(1), rows: rows[0] };
  await measurePgbench(report);
  await measureOneInstance({ url: options.dataUrl, dataKey }, 'city', report);
}

async function main() {
  const report = {
    at: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))),
    },
    options,
    dataSets: {},
    pgbench: undefined,
    scenarios: [],
  };
  // Without autovacuum on the server, the run vacuums the written tables after each scenario.
  report.autovacuum = await autovacuumOn(options.dataUrl ?? adminUrl);
  if (!report.autovacuum) {
    console.log('autovacuum is off: each scenario ends with a vacuum of the written tables');
  }
  if (options.dataUrl) {
    await measureGivenDataSet(report);
  } else {
    await measureGeneratedDataSets(report);
  }

  withRatios(report);
  report.targets = evaluateTargets(targetFigures(report));
  report.machine.loadAverageAtEnd = loadavg().map((value) => Number(value.toFixed(2)));
  const markdown = renderMarkdown(report);
  console.log(`\n${markdown}\n`);

  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = join(root, 'bench', 'results', `run-${runId}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, '.md'), `${markdown}\n`);
  console.log(`Report written to ${file} and .md beside it`);

  const broken = report.scenarios.filter(
    (row) => row.verification && verificationProblems(row.verification).length > 0,
  );
  if (broken.length > 0) {
    console.error(
      `FAIL: stored entries are wrong after ${broken.map((row) => row.scenario).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error instanceof DataSetError ? error.message : error);
  process.exit(1);
});
