// Starts the built server on a free port with a fresh database, and Chromium beside it.
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
export const DEMO_TOTP_SECRET = 'CITYLEAGUEDEMOTOTPSECRETSHANGHAI';

// The last time step used per account and secret: the server rejects, for each user, a code of
// that step or an earlier one.
const lastSteps = new Map();

/**
 * Returns a one-time code of the secret that the server has not accepted from this account
 * yet, waiting for the next 30-second step when this run already used the current one for it.
 * Accounts that share the demo secret do not wait for each other.
 */
export async function freshTotpCode(secret = DEMO_TOTP_SECRET, account = '') {
  const key = `${account}:${secret}`;
  let step = Math.floor(Date.now() / 30_000);
  const last = lastSteps.get(key) ?? -1;
  if (step <= last) {
    await new Promise((resolve) => setTimeout(resolve, (last + 1) * 30_000 - Date.now() + 50));
    step = last + 1;
  }
  lastSteps.set(key, step);
  return generate({ secret, epoch: step * 30 });
}

/**
 * Signs in on the console's sign-in page that `page` shows; enters a one-time code when the
 * account requests one. Returns once the console has left the sign-in page.
 */
export async function signInToConsole(page, username, password) {
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
  }
}

/**
 * Clicks a button that opens a confirmation popover, then the popover's button, and waits for
 * `done` to show. A click that lands while the popover is still zooming in is sometimes lost.
 * When the popover stays open, its button is clicked once more.
 */
export async function confirmInPopover(page, button, okText, done) {
  await button.click();
  const popover = page.locator('.ant-popover:visible');
  await popover.getByRole('button', { name: okText }).click();
  try {
    await done.waitFor({ timeout: 5000 });
  } catch (error) {
    if (!(await popover.isVisible())) throw error;
    await popover.getByRole('button', { name: okText }).click();
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
