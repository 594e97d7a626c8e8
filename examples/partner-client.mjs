// Example partner client for the league's open API: plain Node.js 20, no dependencies.
//
//   CL_BASE_URL=http://127.0.0.1:3000 CL_KEY_ID=pk_… CL_SECRET=… \
//     node examples/partner-client.mjs sync [state-file]
//   CL_WEBHOOK_SECRET=… node examples/partner-client.mjs webhooks [port]
//
// `sync` pages through GET /api/partner/v1/events with cursors, prints one JSON line per
// event and stores the last cursor in the state file (default: partner-sync-state.json), so
// the next run fetches only what changed. `webhooks` listens on 127.0.0.1 and prints each
// webhook whose signature is valid. It responds with 401 to any other.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { pathToFileURL, URLSearchParams } from 'node:url';

/** Builds the four signing headers of a request (see docs/partner-guide.md). */
export function signedHeaders(keyId, secret, method, pathWithQuery, body = '') {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('base64url');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const text = [method, pathWithQuery, timestamp, nonce, bodyHash].join('\n');
  return {
    'x-cl-key-id': keyId,
    'x-cl-timestamp': timestamp,
    'x-cl-nonce': nonce,
    'x-cl-signature': createHmac('sha256', secret).update(text).digest('base64'),
  };
}

/** Sends a signed GET and returns the parsed body; throws with the problem's code otherwise. */
export async function signedGet(config, pathWithQuery) {
  const response = await fetch(new URL(pathWithQuery, config.baseUrl), {
    headers: signedHeaders(config.keyId, config.secret, 'GET', pathWithQuery),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(`GET ${pathWithQuery} failed with ${response.status} ${body.code ?? ''}`);
  }
  return body;
}

/**
 * Fetches every event changed since `cursor` (all events without one), page by page, and
 * calls `onEvent` for each. Returns the cursor to store for the next run.
 */
export async function syncEvents(config, cursor, onEvent, limit = 50) {
  let position = cursor;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (position) query.set('cursor', position);
    const page = await signedGet(config, `/api/partner/v1/events?${query}`);
    for (const event of page.items) await onEvent(event);
    position = page.nextCursor;
    if (!page.hasMore) return position;
  }
}

/**
 * Checks a webhook: the signature is base64 HMAC-SHA256 of `timestamp.body` keyed with the
 * endpoint secret, and the timestamp must lie within `toleranceSeconds` of the clock so a
 * recorded delivery cannot be replayed later. `body` is the raw request body.
 */
export function verifyWebhook(secret, headers, body, toleranceSeconds = 300, now = Date.now()) {
  const timestamp = headers['x-cl-timestamp'];
  const signature = headers['x-cl-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}; see the comment at the top of this file`);
  return value;
}

async function runSync(stateFile = 'partner-sync-state.json') {
  const config = {
    baseUrl: requireEnv('CL_BASE_URL'),
    keyId: requireEnv('CL_KEY_ID'),
    secret: requireEnv('CL_SECRET'),
  };
  const state = await readFile(stateFile, 'utf8')
    .then((text) => JSON.parse(text))
    .catch(() => ({}));
  const cursor = await syncEvents(config, state.cursor, (event) => {
    process.stdout.write(
      `${JSON.stringify({ id: event.id, name: event.name, state: event.state })}\n`,
    );
  });
  await writeFile(stateFile, JSON.stringify({ cursor }));
}

function runWebhooks(port = '8787') {
  const secret = requireEnv('CL_WEBHOOK_SECRET');
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyWebhook(secret, request.headers, body)) {
        response.writeHead(401).end('invalid signature');
        return;
      }
      process.stdout.write(`${body}\n`);
      response.writeHead(204).end();
    });
  });
  server.listen(Number(port), '127.0.0.1');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, argument] = process.argv.slice(2);
  if (command === 'sync') {
    runSync(argument).catch((error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    });
  } else if (command === 'webhooks') {
    runWebhooks(argument);
  } else {
    process.stderr.write('Usage: partner-client.mjs sync [state-file] | webhooks [port]\n');
    process.exitCode = 2;
  }
}
