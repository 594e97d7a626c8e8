import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers of a signed partner request. */
export const SIGNATURE_HEADERS = {
  keyId: 'x-cl-key-id',
  timestamp: 'x-cl-timestamp',
  nonce: 'x-cl-nonce',
  signature: 'x-cl-signature',
} as const;

/** Seconds a signed request stays valid on either side of the server's clock. */
export const SIGNATURE_WINDOW_SECONDS = 300;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,12}$/;

export interface SignedRequest {
  method: string;
  /** Path with the query string, exactly as sent. */
  path: string;
  /** Unix time in seconds, as sent in the timestamp header. */
  timestamp: string;
  nonce: string;
  body: Buffer | string;
}

/**
 * Builds the string a partner signs: method, path with query, timestamp, nonce and the
 * SHA-256 of the body in hex, joined by line feeds.
 */
export function canonicalString(request: SignedRequest): string {
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  return [
    request.method.toUpperCase(),
    request.path,
    request.timestamp,
    request.nonce,
    bodyHash,
  ].join('\n');
}

/** Signs a request with a credential secret: base64 of HMAC-SHA256 over the canonical string. */
export function signRequest(secret: string, request: SignedRequest): string {
  return createHmac('sha256', secret).update(canonicalString(request)).digest('base64');
}

/** Compares a sent signature with the expected one in constant time. */
export function signatureMatches(secret: string, request: SignedRequest, sent: string): boolean {
  const expected = Buffer.from(signRequest(secret, request), 'base64');
  const sentBytes = Buffer.from(sent, 'base64');
  return sentBytes.length === expected.length && timingSafeEqual(sentBytes, expected);
}

export type HeaderProblem = 'missing' | 'timestamp_format' | 'nonce_format' | 'expired';

/**
 * Checks the shape of the signing headers and the timestamp against the window around `now`.
 * Returns the problem, or undefined when the headers may be verified.
 */
export function checkSigningHeaders(
  headers: { keyId?: string; timestamp?: string; nonce?: string; signature?: string },
  now: Date,
): HeaderProblem | undefined {
  const { keyId, timestamp, nonce, signature } = headers;
  if (!keyId || !timestamp || !nonce || !signature) return 'missing';
  if (!TIMESTAMP.test(timestamp)) return 'timestamp_format';
  if (!NONCE.test(nonce)) return 'nonce_format';
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  return skew > SIGNATURE_WINDOW_SECONDS ? 'expired' : undefined;
}
