import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deliverDue } from '../webhooks/webhook.delivery.js';
import { as, createAccount, createTestContext, signIn, type TestContext } from '../test/harness.js';
import { createTestPartner, publishPartnerEvent, type TestPartner } from '../test/partners.js';

const CLIENT = fileURLToPath(new URL('../../../examples/partner-client.mjs', import.meta.url));
const run = promisify(execFile);

// The example is plain JavaScript for partners to copy, so the test imports it untyped.
const { verifyWebhook } = (await import(CLIENT)) as {
  verifyWebhook: (
    secret: string,
    headers: IncomingMessage['headers'],
    body: string,
    toleranceSeconds?: number,
    now?: number,
  ) => boolean;
};

let ctx: TestContext;
let operator: string;
let committee: string;
let baseUrl: string;
let partner: TestPartner;
let folder: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'ex.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ex.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  operator = await signIn(ctx.app, 'ex.operator');
  committee = await signIn(ctx.app, 'ex.committee');
  partner = await createTestPartner(
    ctx.app,
    operator,
    ['events:read', 'events:write', 'registrations:read'],
    '示例平台',
  );
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  folder = await mkdtemp(join(tmpdir(), 'partner-client-'));
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
  await ctx?.close();
});

async function syncWithExample(stateFile: string): Promise<{ id: string; name: string }[]> {
  const { stdout } = await run(process.execPath, [CLIENT, 'sync', stateFile], {
    env: {
      ...process.env,
      CL_BASE_URL: baseUrl,
      CL_KEY_ID: partner.keyId,
      CL_SECRET: partner.secret,
    },
  });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { id: string; name: string });
}

/**
 * Runs the example's sync until the event has come, and returns everything it printed. Sync
 * stops before the oldest transaction still running on the PostgreSQL server, so a run may
 * come back short while another database's transaction is open.
 */
async function syncUntil(stateFile: string, eventId: string) {
  const printed: { id: string; name: string }[] = [];
  for (let round = 0; round < 100; round += 1) {
    printed.push(...(await syncWithExample(stateFile)));
    if (printed.some((event) => event.id === eventId)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return printed;
}

describe('example partner client', () => {
  it('syncs events with a stored cursor', async () => {
    const stateFile = join(folder, 'state.json');
    const first = await publishPartnerEvent(ctx.app, partner, committee);

    const initial = await syncUntil(stateFile, first);
    expect(initial.map((event) => event.id)).toContain(first);
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { cursor: string };
    expect(state.cursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await publishPartnerEvent(ctx.app, partner, committee);
    const next = await syncUntil(stateFile, second);
    expect(next.map((event) => event.id)).toEqual([second]);
  });

  it('fails with the problem code on a bad secret', async () => {
    const error = await run(process.execPath, [CLIENT, 'sync', join(folder, 'bad.json')], {
      env: { ...process.env, CL_BASE_URL: baseUrl, CL_KEY_ID: partner.keyId, CL_SECRET: 'wrong' },
    }).catch((failure: { code: number; stderr: string }) => failure);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain('PTN_SIGNATURE_INVALID');
  });

  it('verifies the signature of a real delivery', async () => {
    const bodies: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        bodies.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const added = await as(
        ctx.app,
        operator,
      )({
        method: 'POST',
        url: `/api/operator/partners/${partner.id}/webhooks`,
        payload: { url: `http://127.0.0.1:${port}/hooks`, actions: ['event.approved'] },
      });
      expect(added.statusCode, added.body).toBe(201);
      const { secret } = added.json<{ secret: string }>();
      await publishPartnerEvent(ctx.app, partner, committee);
      const now = new Date();
      await deliverDue(ctx.db, ctx.app.cipher, { now });

      expect(bodies).toHaveLength(1);
      const hit = bodies[0]!;
      expect(verifyWebhook(secret, hit.headers, hit.body, 300, now.getTime())).toBe(true);
      expect(verifyWebhook('another-secret', hit.headers, hit.body, 300, now.getTime())).toBe(
        false,
      );
      expect(verifyWebhook(secret, hit.headers, `${hit.body} `, 300, now.getTime())).toBe(false);
      // A delivery replayed ten minutes later is outside the tolerance.
      expect(verifyWebhook(secret, hit.headers, hit.body, 300, now.getTime() + 600_000)).toBe(
        false,
      );
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
