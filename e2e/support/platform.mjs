// Starts the built server on a free port with a fresh database, and Chromium beside it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generate } from 'otplib';
import pg from 'pg';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = join(root, 'e2e', 'artifacts');

/** Returns a TCP port on loopback that is free now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Creates a fresh PostgreSQL database when DATABASE_URL is set; PGlite in a temp folder otherwise. */
async function freshDatabase() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cityleague-e2e-'));
  const url = process.env.DATABASE_URL;
  if (!url)
    return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true }) };

  const name = `cityleague_e2e_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: target.toString() },
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true });
    },
  };
}

async function waitUntilReady(baseUrl, child, output) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Server exited early:\n${output.join('')}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Server did not become ready in 120 s:\n${output.join('')}`);
}

/**
 * Starts the server (demo accounts only, no demo events) and a headless Chromium. `port`
 * fixes the server's port and `env` adds variables, such as the OIDC_* settings.
 */
export async function startPlatform(options = {}) {
  const port = options.port ?? (await freePort());
  const database = await freshDatabase();
  const output = [];
  const child = spawn(process.execPath, [join(root, 'server', 'dist', 'server.js')], {
    env: {
      ...process.env,
      ...database.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'accounts',
      LOG_LEVEL: 'warn',
      // Each platform keeps its own rate limit counters when REDIS_URL is set, so a phone
      // number that one test file signs in is not still waiting out its SMS resend in the next.
      REDIS_KEY_PREFIX: `cityleague-e2e:${port}-${Date.now()}:`,
      // Tests change an event or its entries and read it back at once (a released place on
      // the waiting list, the dashboard after new entries), so every read is computed.
      READ_CACHE_MILLISECONDS: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));

  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child, output);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

  return {
    baseUrl,
    browser,
    output,
    async stop() {
      await browser.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await database.drop();
    },
  };
}

/** The TOTP secret that the demo seed gives bureau, committee, operator and security. */
/** The password of every demo account. */
export const DEMO_PASSWORD = 'Demo@2026';

export const DEMO_TOTP_SECRET = 'CITYLEAGUEDEMOTOTPSECRETSHANGHAI';

// The last time step used per account and secret: the server rejects, for each user, a code of
// that step or an earlier one.
const lastSteps = new Map();

/**
 * Returns a one-time code of the secret that the server has not accepted from this account
 * yet. The server also accepts the code of the next 30-second step, so a second sign-in within
 * one step uses that code, and only a third one waits for the next step. Accounts that share
 * the demo secret do not wait for each other.
 */
export async function freshTotpCode(secret = DEMO_TOTP_SECRET, account = '') {
  const key = `${account}:${secret}`;
  const last = lastSteps.get(key) ?? -1;
  const step = Math.max(Math.floor(Date.now() / 30_000), last + 1);
  const startOfPreviousStep = (step - 1) * 30_000;
  if (Date.now() < startOfPreviousStep) {
    await new Promise((resolve) => setTimeout(resolve, startOfPreviousStep - Date.now() + 50));
  }
  lastSteps.set(key, step);
  return generate({ secret, epoch: step * 30 });
}

// Cookies of console sessions that needed a one-time code, per server and account. The server
// accepts each code once, so a third sign-in within 30 seconds waits for the next code. A test
// file that signs the same account in again reuses its session instead.
const codeSessions = new Map();

/**
 * Signs in on the console's sign-in page that `page` shows; enters a one-time code when the
 * account requests one. Returns once the console has left the sign-in page. An account that
 * entered a code before on this server gets that session again, unless it has ended.
 */
export async function signInToConsole(page, username, password) {
  const origin = new URL(page.url()).origin;
  const key = `${origin} ${username}`;
  const saved = codeSessions.get(key);
  if (saved) {
    await page.context().addCookies(saved);
    const me = await page.request.get(`${origin}/api/me`);
    if (me.ok() && !(await me.json()).pendingStep) {
      // With a live session the sign-in page sends the official on to the console.
      await page.goto(`${origin}/console/login`);
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      return;
    }
    codeSessions.delete(key);
  }
  await page.getByLabel('账号').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  const codeField = page.getByLabel('动态验证码');
  const left = page.waitForURL((url) => !url.pathname.endsWith('/login'));
  const codeRequested = codeField.waitFor().then(
    () => 'code',
    () => 'none',
  );
  if ((await Promise.race([left.then(() => 'left'), codeRequested])) === 'code') {
    await codeField.fill(await freshTotpCode(DEMO_TOTP_SECRET, username));
    await page.getByRole('button', { name: /验\s*证/ }).click();
    await left;
    codeSessions.set(key, await page.context().cookies(origin));
  }
}

/**
 * Clicks a button that opens a confirmation popover, then the popover's button, and waits for
 * `done` to show. A click that lands while the popover is still zooming in is sometimes lost.
 * When the popover stays open, its button is clicked once more; when it closed, the wait for
 * `done` goes on.
 */
export async function confirmInPopover(page, button, okText, done) {
  await button.click();
  const popover = page.locator('.ant-popover:visible');
  await clickUntilDone(popover.getByRole('button', { name: okText }), done);
}

/**
 * Clicks the confirming button of a popover or dialog and waits for `done` to show. A click
 * that lands while the popover or dialog is still zooming in is sometimes lost, so the button
 * is clicked once more when it is still shown after 5 s. Once it is gone, the click was taken
 * and the wait for `done` goes on.
 */
export async function clickUntilDone(button, done) {
  await button.click();
  try {
    await done.waitFor({ timeout: 5000 });
  } catch {
    if (await button.isVisible()) await button.click();
    await done.waitFor();
  }
}

/** Polls the development SMS log until a sign-in code for the number arrives, and returns it. */
export async function waitForSmsCode(page, baseUrl, phone) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await page.request.get(`${baseUrl}/api/dev/sms?phone=${phone}`);
    // A newer message to the number, such as a confirmation the outbox sent meanwhile, may
    // come before the code in the log.
    const texts = (await response.json()).items.map((item) => item.text);
    const code = texts.map((text) => /验证码为 (\d{6})/.exec(text)?.[1]).find(Boolean);
    if (code) return code;
    await page.waitForTimeout(500);
  }
  throw new Error('no sign-in code arrived within 30 s');
}

/** Calls the API as the console user that `page` is signed in as, and checks the status. */
export async function consoleCall(page, baseUrl, method, path, data, expected) {
  const response = await page.request.fetch(`${baseUrl}${path}`, {
    method,
    headers: { origin: baseUrl },
    ...(data ? { data } : {}),
  });
  assert.equal(response.status(), expected, await response.text());
  return response.json();
}

/**
 * Files community games of 徐家汇街道 as its street clerk with these groups, has the community
 * sports association approve them, and publishes them. Registration is open from an hour ago
 * for two days, and the event starts in three days. Returns the event id and the clerk's
 * browser context and page, still signed in.
 */
export async function publishStreetEvent(browser, baseUrl, filing, groups) {
  const street = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await street.newPage();
  await page.goto(`${baseUrl}/console/`);
  await signInToConsole(page, 'street.xujiahui', DEMO_PASSWORD);
  const me = await (await page.request.get(`${baseUrl}/api/me`)).json();

  const hour = 3600_000;
  const now = Date.now();
  const event = await consoleCall(
    page,
    baseUrl,
    'POST',
    '/api/console/events',
    {
      level: 'street',
      section: 'community_games',
      divisionCode: me.user.divisionCode,
      startsAt: new Date(now + 72 * hour).toISOString(),
      endsAt: new Date(now + 76 * hour).toISOString(),
      registrationOpensAt: new Date(now - hour).toISOString(),
      registrationClosesAt: new Date(now + 48 * hour).toISOString(),
      host: '徐家汇街道办事处',
      ...filing,
    },
    201,
  );
  for (const group of groups) {
    await consoleCall(page, baseUrl, 'POST', `/api/console/events/${event.id}/groups`, group, 201);
  }
  await consoleCall(
    page,
    baseUrl,
    'POST',
    `/api/console/events/${event.id}/submit`,
    undefined,
    200,
  );

  const association = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const reviewer = await association.newPage();
  await reviewer.goto(`${baseUrl}/console/`);
  await signInToConsole(reviewer, 'association', DEMO_PASSWORD);
  await consoleCall(reviewer, baseUrl, 'POST', `/api/reviews/${event.id}/approve`, undefined, 200);
  await association.close();

  await consoleCall(
    page,
    baseUrl,
    'POST',
    `/api/console/events/${event.id}/publish`,
    undefined,
    200,
  );
  return { eventId: event.id, street, streetPage: page };
}
