import { connect } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
let port: number;

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  port = address.port;
});

afterAll(async () => {
  await ctx.close();
});

/** Sends raw bytes as a request and returns the whole response once the server closes it. */
function rawRequest(bytes: Buffer): Promise<{ status: number; type: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
      resolve({ status: Number(head.split(' ')[1]), type, body: JSON.parse(body) });
    });
  });
}

describe('requests the HTTP parser rejects', () => {
  it('answers raw UTF-8 in the URL with a problem', async () => {
    const response = await rawRequest(
      Buffer.from('GET /api/events?q=篮球 HTTP/1.1\r\nHost: localhost\r\n\r\n', 'utf8'),
    );
    expect(response.status).toBe(400);
    expect(response.type).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'REQUEST_UNREADABLE',
    });
  });

  it('answers oversized headers with 431', async () => {
    const header = `x-filler: ${'a'.repeat(20_000)}`;
    const response = await rawRequest(
      Buffer.from(`GET /healthz HTTP/1.1\r\nHost: localhost\r\n${header}\r\n\r\n`),
    );
    expect(response.status).toBe(431);
    expect(response.body).toMatchObject({ status: 431, code: 'REQUEST_HEADERS_TOO_LARGE' });
  });

  it('still serves the percent-encoded URL', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?q=${encodeURIComponent('篮球')}`,
    });
    expect(response.statusCode).toBe(200);
  });
});
