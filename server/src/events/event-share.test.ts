import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
const cookies: Record<string, string> = {};

const ACCOUNTS = [
  { username: 'sh.contractor', accountType: 'contractor', divisionCode: '3101' },
  { username: 'sh.committee', accountType: 'committee', divisionCode: '3101' },
  { username: 'sh.pudong', accountType: 'district_bureau', divisionCode: '310115' },
];

beforeAll(async () => {
  ctx = await createTestContext();
  for (const account of ACCOUNTS) {
    await createAccount(ctx.db, account);
    cookies[account.username] = await signIn(ctx.app, account.username);
  }
});

afterAll(async () => {
  await ctx.close();
});

const cookieOf = (username: string) => cookies[username] ?? '';

/** Renders the QR code the route is expected to send for a link. */
function qrOf(link: string) {
  return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

describe('share QR code', () => {
  it('encodes the public link at the request host', async () => {
    const event = await publishNewEvent(
      ctx.app,
      cookieOf('sh.contractor'),
      cookieOf('sh.committee'),
    );
    const response = await as(
      ctx.app,
      cookieOf('sh.contractor'),
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/share-qr.svg`,
      headers: { host: 'league.example.cn' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.body).toBe(await qrOf(`http://league.example.cn/events/${event.id}`));
  });

  it('takes the public origin from the proxy when TRUST_PROXY is set', async () => {
    const behindProxy = await ctx.buildApp({ trustProxy: true });
    const event = await fileEvent(ctx.app, cookieOf('sh.contractor'));
    const response = await as(
      behindProxy,
      cookieOf('sh.contractor'),
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/share-qr.svg`,
      headers: {
        host: '127.0.0.1:3000',
        'x-forwarded-host': 'league.example.cn',
        'x-forwarded-proto': 'https',
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).toBe(await qrOf(`https://league.example.cn/events/${event.id}`));
  });

  it('ignores forwarded headers without TRUST_PROXY', async () => {
    const event = await fileEvent(ctx.app, cookieOf('sh.contractor'));
    const response = await as(
      ctx.app,
      cookieOf('sh.contractor'),
    )({
      method: 'GET',
      url: `/api/console/events/${event.id}/share-qr.svg`,
      headers: { host: 'league.example.cn', 'x-forwarded-host': 'attacker.example' },
    });
    expect(response.body).toBe(await qrOf(`http://league.example.cn/events/${event.id}`));
  });

  it('hides events the caller may not see', async () => {
    const draft = await fileEvent(ctx.app, cookieOf('sh.contractor'));
    const response = await as(
      ctx.app,
      cookieOf('sh.pudong'),
    )({
      method: 'GET',
      url: `/api/console/events/${draft.id}/share-qr.svg`,
    });
    expectProblem(response, 404, 'EVT_NOT_FOUND');
  });

  it('requires a session', async () => {
    const draft = await fileEvent(ctx.app, cookieOf('sh.contractor'));
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/console/events/${draft.id}/share-qr.svg`,
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });
});
