import { randomBytes } from 'node:crypto';

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

import { as, eventInput, testCreditCode } from './harness.js';
import { signRequest } from '../partners/signature.js';

/** A partner created through the operator's API, with its first credential. */
export interface TestPartner {
  id: string;
  organisationId: string;
  name: string;
  keyId: string;
  secret: string;
}

let partnerCount = 0;

/** Registers a partner with the given scopes as the operator and returns its credential. */
export async function createTestPartner(
  app: FastifyInstance,
  operatorCookie: string,
  scopes: string[],
  prefix = '报名测试平台',
): Promise<TestPartner> {
  partnerCount += 1;
  const name = `${prefix}${partnerCount}${randomBytes(2).toString('hex')}`;
  const response = await as(
    app,
    operatorCookie,
  )({
    method: 'POST',
    url: '/api/operator/partners',
    payload: {
      name,
      creditCode: testCreditCode(),
      contactName: '测试联系人',
      contactPhone: '13800138125',
      scopes,
      rateLimitPerMinute: 100000,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  const issued = response.json<{
    partner: { id: string; organisationId: string };
    credential: { keyId: string; secret: string };
  }>();
  return { ...issued.partner, ...issued.credential, name };
}

/** Sends a signed partner request with a fresh nonce and, for writes, an Idempotency-Key. */
export async function signedRequest(
  app: FastifyInstance,
  partner: TestPartner,
  options: {
    method: 'GET' | 'POST' | 'PATCH';
    url: string;
    body?: unknown;
    /** The Idempotency-Key; a random one when omitted, none when null. */
    key?: string | null;
  },
): Promise<LightMyRequestResponse> {
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(12).toString('base64url');
  const signature = signRequest(partner.secret, {
    method: options.method,
    path: options.url,
    timestamp,
    nonce,
    body,
  });
  const headers: Record<string, string> = {
    'x-cl-key-id': partner.keyId,
    'x-cl-timestamp': timestamp,
    'x-cl-nonce': nonce,
    'x-cl-signature': signature,
  };
  if (body !== '') headers['content-type'] = 'application/json';
  if (options.key !== null && options.method !== 'GET') {
    headers['idempotency-key'] = options.key ?? randomBytes(9).toString('base64url');
  }
  return app.inject({
    method: options.method,
    url: options.url,
    headers,
    ...(body ? { payload: body } : {}),
  });
}

/**
 * Files a city event as the partner, has the committee approve it and publishes it through
 * the partner API. Returns the event id.
 */
export async function publishPartnerEvent(
  app: FastifyInstance,
  partner: TestPartner,
  committeeCookie: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const filed = await signedRequest(app, partner, {
    method: 'POST',
    url: '/api/partner/v1/events',
    body: eventInput({ name: `合作平台报名赛${randomBytes(3).toString('hex')}`, ...overrides }),
  });
  expect(filed.statusCode, filed.body).toBe(201);
  const id = filed.json<{ id: string }>().id;
  const approved = await as(
    app,
    committeeCookie,
  )({ method: 'POST', url: `/api/reviews/${id}/approve` });
  expect(approved.statusCode, approved.body).toBe(200);
  const published = await signedRequest(app, partner, {
    method: 'POST',
    url: `/api/partner/v1/events/${id}/publish`,
  });
  expect(published.statusCode, published.body).toBe(200);
  expect(published.json<{ state: string }>().state).toBe('published');
  return id;
}
