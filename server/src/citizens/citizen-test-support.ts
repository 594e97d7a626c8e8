import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

import type { Db } from '../db/database.js';
import { drainOutbox } from '../notifications/outbox.service.js';
import { DevelopmentSmsProvider } from '../notifications/sms-provider.js';

/** Sends every queued outbox SMS through the development provider, as the dispatcher would. */
export async function deliverOutbox(app: FastifyInstance, db: Db = app.db) {
  return drainOutbox({
    db,
    cipher: app.cipher,
    provider: new DevelopmentSmsProvider(db, app.cipher),
    log: app.log,
  });
}

/** Requests a sign-in code from the given address. */
export function requestCode(app: FastifyInstance, phone: string, remoteAddress = '198.51.100.1') {
  return app.inject({
    method: 'POST',
    url: '/api/citizen/sms-codes',
    payload: { phone },
    remoteAddress,
  });
}

/** Reads the newest sign-in code that the development provider recorded for a number. */
export async function latestCode(app: FastifyInstance, phone: string): Promise<string> {
  const response = await app.inject({
    method: 'GET',
    url: `/api/dev/sms?phone=${encodeURIComponent(phone)}`,
  });
  if (response.statusCode !== 200) throw new Error(`GET /api/dev/sms: ${response.body}`);
  // Other messages to the number, such as a results notice sent by the outbox meanwhile, may
  // be newer than the code; the newest sign-in code is the one to use.
  const texts = response.json<{ items: { text: string }[] }>().items.map((item) => item.text);
  const code = texts.map((text) => /验证码为 (\d{6})/.exec(text)?.[1]).find(Boolean);
  if (!code) throw new Error('no sign-in code recorded for the number');
  return code;
}

/** Posts a code to sign in. */
export function postCode(
  app: FastifyInstance,
  phone: string,
  code: string,
  remoteAddress = '198.51.100.1',
) {
  return app.inject({
    method: 'POST',
    url: '/api/citizen/session',
    payload: { phone, code },
    remoteAddress,
  });
}

/** Returns the `csid=…` cookie header value that a sign-in response set. */
export function citizenCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'csid');
  if (!cookie)
    throw new Error(`sign-in set no csid cookie: ${response.statusCode} ${response.body}`);
  return `csid=${cookie.value}`;
}

/** Requests a code, delivers it and signs in; returns the citizen cookie. */
export async function signInCitizen(
  app: FastifyInstance,
  phone: string,
  remoteAddress = '198.51.100.1',
): Promise<string> {
  const requested = await requestCode(app, phone, remoteAddress);
  if (requested.statusCode !== 202) throw new Error(`code request: ${requested.body}`);
  await deliverOutbox(app);
  return citizenCookieOf(await postCode(app, phone, await latestCode(app, phone), remoteAddress));
}

/**
 * Runs `work` with the 60-second wait between two codes for one number switched off, for tests
 * that need a second code at once. The other code limits still apply.
 */
export async function withoutResendWait<T>(app: FastifyInstance, work: () => Promise<T>) {
  const limiter = app.rateLimiter;
  app.rateLimiter = {
    take: (key, limit, windowMs) =>
      key.startsWith('sms-code:phone-resend:')
        ? Promise.resolve(undefined)
        : limiter.take(key, limit, windowMs),
  };
  try {
    return await work();
  } finally {
    app.rateLimiter = limiter;
  }
}
