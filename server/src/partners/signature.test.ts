import { describe, expect, it } from 'vitest';

import {
  canonicalString,
  checkSigningHeaders,
  signatureMatches,
  signRequest,
  type SignedRequest,
} from './signature.js';

const REQUEST: SignedRequest = {
  method: 'post',
  path: '/api/partner/v1/events?x=1',
  timestamp: '1796342400',
  nonce: 'n0nce-0123456789abcdef',
  body: '{"name":"测试"}',
};

describe('canonicalString', () => {
  it('joins method, path, timestamp, nonce and body hash', () => {
    const lines = canonicalString(REQUEST).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'POST',
      '/api/partner/v1/events?x=1',
      '1796342400',
      'n0nce-0123456789abcdef',
    ]);
    expect(lines[4]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes an empty body as the SHA-256 of nothing', () => {
    const lines = canonicalString({ ...REQUEST, body: '' }).split('\n');
    expect(lines[4]).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('signatureMatches', () => {
  const signature = signRequest('secret-1', REQUEST);

  it('accepts the signature of the same request', () => {
    expect(signatureMatches('secret-1', REQUEST, signature)).toBe(true);
  });

  it.each([
    ['another secret', 'secret-2', REQUEST],
    ['another method', 'secret-1', { ...REQUEST, method: 'PUT' }],
    ['another query', 'secret-1', { ...REQUEST, path: '/api/partner/v1/events?x=2' }],
    ['another timestamp', 'secret-1', { ...REQUEST, timestamp: '1796342401' }],
    ['another nonce', 'secret-1', { ...REQUEST, nonce: 'n0nce-0123456789abcdeF' }],
    ['another body', 'secret-1', { ...REQUEST, body: '{"name":"测试 "}' }],
  ])('rejects %s', (_label, secret, request) => {
    expect(signatureMatches(secret, request, signature)).toBe(false);
  });

  it('rejects a truncated or garbled signature', () => {
    expect(signatureMatches('secret-1', REQUEST, signature.slice(0, 20))).toBe(false);
    expect(signatureMatches('secret-1', REQUEST, '')).toBe(false);
    expect(signatureMatches('secret-1', REQUEST, '!!!')).toBe(false);
  });
});

describe('checkSigningHeaders', () => {
  const now = new Date(1796342400 * 1000);
  const good = {
    keyId: 'pk_1',
    timestamp: '1796342400',
    nonce: 'abcdefghijklmnop',
    signature: 'x',
  };

  it('accepts the window edges', () => {
    expect(checkSigningHeaders({ ...good, timestamp: '1796342100' }, now)).toBeUndefined();
    expect(checkSigningHeaders({ ...good, timestamp: '1796342700' }, now)).toBeUndefined();
  });

  it.each([
    ['no key id', { ...good, keyId: undefined }, 'missing'],
    ['no signature', { ...good, signature: '' }, 'missing'],
    ['milliseconds', { ...good, timestamp: '1796342400000' }, 'timestamp_format'],
    ['a date', { ...good, timestamp: '2026-12-04' }, 'timestamp_format'],
    ['a short nonce', { ...good, nonce: 'short' }, 'nonce_format'],
    ['a nonce with spaces', { ...good, nonce: 'abcdefgh ijklmnop' }, 'nonce_format'],
    ['301 s early', { ...good, timestamp: '1796342099' }, 'expired'],
    ['301 s late', { ...good, timestamp: '1796342701' }, 'expired'],
  ])('rejects %s', (_label, headers, problem) => {
    expect(checkSigningHeaders(headers, now)).toBe(problem);
  });
});
