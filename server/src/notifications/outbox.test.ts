import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { buildApp } from '../app.js';
import { deliverOutbox, latestCode, requestCode } from '../citizens/citizen-test-support.js';
import { loadConfig } from '../config.js';
import {
  createAccount,
  createTestContext,
  expectProblem,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { uuidv7 } from '../shared/ids.js';
import { shanghaiTimeFormat } from './sms-messages.js';
import {
  dispatchOutbox,
  OUTBOX_MAX_ATTEMPTS,
  retryDelaySeconds,
  type DispatchDependencies,
} from './outbox.service.js';
import { HttpSmsProvider, type SmsMessage, type SmsProvider } from './sms-provider.js';

let ctx: TestContext;
let contractor: string;
let committee: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'ob.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ob.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  contractor = await signIn(ctx.app, 'ob.contractor');
  committee = await signIn(ctx.app, 'ob.committee');
});

afterAll(async () => {
  await ctx.close();
});

beforeEach(async () => {
  // Each test starts from an empty outbox, so the rows it inspects are its own.
  await deliverOutbox(ctx.app);
  await sql`delete from notification_outbox`.execute(ctx.db);
});

/** A provider that keeps what it was given and fails while `failing` is set. */
class RecordingProvider implements SmsProvider {
  readonly name = 'recording';
  readonly sent: SmsMessage[] = [];
  failing = false;

  async send(message: SmsMessage): Promise<void> {
    if (this.failing) throw new Error('gateway unavailable');
    this.sent.push(message);
  }
}

/** Creates a logger that keeps every call, to check what the dispatcher writes to the log. */
function recordingLogger(lines: unknown[]): FastifyBaseLogger {
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push([level, ...args]);
    };
  const logger = {
    level: 'trace',
    fatal: record('fatal'),
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    trace: record('trace'),
    silent: () => {},
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

function dependencies(provider: SmsProvider, lines: unknown[] = []): DispatchDependencies {
  return { db: ctx.db, cipher: ctx.app.cipher, provider, log: recordingLogger(lines) };
}

async function outboxRows() {
  return ctx.db.selectFrom('notification_outbox').selectAll().orderBy('id').execute();
}

async function register(eventId: string, phone: string) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: '测试用户', phone },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string; code: string }>();
}

describe('outbox dispatcher', () => {
  it('sends registration confirmations with the event name and code', async () => {
    const event = await publishNewEvent(ctx.app, contractor, committee, { name: '测试通知篮球赛' });
    const registration = await register(event.id, '13800138060');
    const provider = new RecordingProvider();

    const result = await dispatchOutbox(dependencies(provider));
    expect(result).toEqual({ sent: 1, failed: 0, abandoned: 0 });
    expect(provider.sent).toHaveLength(1);
    expect(provider.sent[0]?.to).toBe('13800138060');
    expect(provider.sent[0]?.text).toContain('测试通知篮球赛');
    expect(provider.sent[0]?.text).toContain(registration.code);
    // The SMS gives the start and the venue that the event has when the SMS is sent.
    const startsAt = shanghaiTimeFormat.format(new Date(event.startsAt));
    expect(provider.sent[0]?.text).toContain(`（${startsAt}，${event.venue}）`);

    const [row] = await outboxRows();
    expect(row?.sent_at).not.toBeNull();
    expect(row?.attempts).toBe(1);
    expect(row?.payload).toEqual({ registrationId: registration.id, eventId: event.id });
    expect(await dispatchOutbox(dependencies(provider))).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 0,
    });
    expect(provider.sent).toHaveLength(1);
  });

  it('drops the confirmation of a cancelled registration', async () => {
    const event = await publishNewEvent(ctx.app, contractor, committee);
    const registration = await register(event.id, '13800138061');
    await ctx.db
      .updateTable('registrations')
      .set({ status: 'cancelled' })
      .where('id', '=', registration.id)
      .execute();
    const provider = new RecordingProvider();
    expect(await dispatchOutbox(dependencies(provider))).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(provider.sent).toHaveLength(0);
    const [row] = await outboxRows();
    expect(row?.abandoned_at).not.toBeNull();
    expect(row?.last_error).toBe('registration was cancelled before sending');
  });

  it('leaves rows of unknown kinds pending and untouched', async () => {
    const id = uuidv7();
    await ctx.db
      .insertInto('notification_outbox')
      .values({
        id,
        kind: 'test.unknown_kind',
        event_id: null,
        registration_id: null,
        payload: '{}',
      })
      .execute();
    const provider = new RecordingProvider();
    expect(await dispatchOutbox(dependencies(provider))).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 0,
    });
    const [row] = await outboxRows();
    expect(row?.id).toBe(id);
    expect(row?.sent_at).toBeNull();
    expect(row?.abandoned_at).toBeNull();
    expect(row?.attempts).toBe(0);
  });

  it('strips the number and code from a sent code SMS', async () => {
    await requestCode(ctx.app, '13800138062', '198.51.100.62');
    const provider = new RecordingProvider();
    expect((await dispatchOutbox(dependencies(provider))).sent).toBe(1);
    expect(provider.sent[0]?.to).toBe('13800138062');
    const code = /验证码为 (\d{6})/.exec(provider.sent[0]?.text ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const [row] = await outboxRows();
    expect(Object.keys(row?.payload ?? {})).toEqual(['smsCodeId']);
  });

  it('drops a code SMS whose code expired before sending', async () => {
    await requestCode(ctx.app, '13800138063', '198.51.100.63');
    await sql`update sms_codes set expires_at = now() - interval '1 second'`.execute(ctx.db);
    const provider = new RecordingProvider();
    expect(await dispatchOutbox(dependencies(provider))).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 1,
    });
    expect(provider.sent).toHaveLength(0);
    const [row] = await outboxRows();
    expect(row?.last_error).toBe('code expired or used before sending');
    expect(Object.keys(row?.payload ?? {})).toEqual(['smsCodeId']);
  });

  it('retries failures with growing delays, then abandons the row', async () => {
    await requestCode(ctx.app, '13800138064', '198.51.100.64');
    const provider = new RecordingProvider();
    provider.failing = true;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= OUTBOX_MAX_ATTEMPTS; attempt += 1) {
      const result = await dispatchOutbox(dependencies(provider));
      const [row] = await outboxRows();
      expect(row?.attempts).toBe(attempt);
      if (attempt < OUTBOX_MAX_ATTEMPTS) {
        expect(result.failed).toBe(1);
        expect(row?.last_error).toBe('gateway unavailable');
        const { rows } = await sql<{ delay: number }>`
          select round(extract(epoch from next_attempt_at - now()))::int as delay
          from notification_outbox`.execute(ctx.db);
        delays.push(rows[0]?.delay ?? 0);
        // Not yet due: a second pass sends nothing.
        expect((await dispatchOutbox(dependencies(provider))).failed).toBe(0);
        await sql`update notification_outbox set next_attempt_at = now()`.execute(ctx.db);
      } else {
        expect(result.abandoned).toBe(1);
        expect(row?.abandoned_at).not.toBeNull();
      }
    }
    expect(delays.slice(0, 3)).toEqual([30, 60, 120]);
    for (const [index, delay] of delays.entries()) {
      expect(Math.abs(delay - retryDelaySeconds(index + 1))).toBeLessThanOrEqual(1);
    }
    expect(provider.sent).toHaveLength(0);
  });

  it('sends after a failure once the provider recovers', async () => {
    await requestCode(ctx.app, '13800138065', '198.51.100.65');
    const provider = new RecordingProvider();
    provider.failing = true;
    expect((await dispatchOutbox(dependencies(provider))).failed).toBe(1);
    provider.failing = false;
    await sql`update notification_outbox set next_attempt_at = now()`.execute(ctx.db);
    expect((await dispatchOutbox(dependencies(provider))).sent).toBe(1);
    const [row] = await outboxRows();
    expect(row?.attempts).toBe(2);
    expect(row?.sent_at).not.toBeNull();
    expect(row?.last_error).toBeNull();
  });

  it('sends each row once with two dispatchers at work', async () => {
    for (let i = 0; i < 5; i += 1) {
      await requestCode(ctx.app, `1380013807${i}`, `198.51.100.7${i}`);
    }
    const provider = new RecordingProvider();
    const results = await Promise.all([
      dispatchOutbox(dependencies(provider)),
      dispatchOutbox(dependencies(provider)),
    ]);
    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(5);
    expect(new Set(provider.sent.map((message) => message.to)).size).toBe(5);
    expect(provider.sent).toHaveLength(5);
  });

  it('logs no number, code or text', async () => {
    await requestCode(ctx.app, '13800138066', '198.51.100.66');
    const event = await publishNewEvent(ctx.app, contractor, committee);
    await register(event.id, '13800138067');
    const lines: unknown[] = [];
    const provider = new RecordingProvider();
    await dispatchOutbox(dependencies(provider, lines));
    provider.failing = true;
    await requestCode(ctx.app, '13800138068', '198.51.100.68');
    await dispatchOutbox(dependencies(provider, lines));

    expect(lines.length).toBeGreaterThanOrEqual(3);
    const logged = JSON.stringify(lines);
    for (const message of provider.sent) {
      expect(logged).not.toContain(message.to);
      expect(logged).not.toContain(message.text);
      const code = /验证码为 (\d{6})/.exec(message.text)?.[1];
      if (code) expect(logged).not.toContain(code);
    }
    expect(logged).not.toContain('13800138068');
  });
});

describe('HTTP SMS provider', () => {
  it('posts the message with the bearer token', async () => {
    const received: { auth?: string; body: string }[] = [];
    let status = 200;
    const server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ auth: request.headers.authorization, body });
        response.statusCode = status;
        response.end(status === 200 ? '{"ok":true}' : 'echo 13800138090');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const token = randomBytes(8).toString('hex');
      const provider = new HttpSmsProvider(`http://127.0.0.1:${port}/sms`, token);
      await provider.send({ to: '13800138090', text: '测试短信' });
      expect(received).toEqual([
        { auth: `Bearer ${token}`, body: JSON.stringify({ to: '13800138090', text: '测试短信' }) },
      ]);

      status = 503;
      const failure = await provider.send({ to: '13800138090', text: '测试短信' }).catch((e) => e);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toBe('SMS gateway answered HTTP 503');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports an unreachable gateway without the number', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const provider = new HttpSmsProvider(`http://127.0.0.1:${port}/sms`, 'token');
    const failure = (await provider
      .send({ to: '13800138091', text: 'x' })
      .catch((e) => e)) as Error;
    expect(failure.message).toMatch(/^SMS gateway request failed/);
    expect(failure.message).not.toContain('13800138091');
  });
});

describe('GET /api/dev/sms', () => {
  it('returns the newest messages of a number, masked', async () => {
    await requestCode(ctx.app, '13800138080', '198.51.100.80');
    await deliverOutbox(ctx.app);
    const code = await latestCode(ctx.app, '13800138080');
    const response = await ctx.app.inject({ method: 'GET', url: '/api/dev/sms?phone=13800138080' });
    const items = response.json<{ items: { phoneMasked: string; text: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]?.phoneMasked).toBe('138****8080');
    expect(items[0]?.text).toContain(code);
    const other = await ctx.app.inject({ method: 'GET', url: '/api/dev/sms?phone=13800138081' });
    expect(other.json()).toEqual({ items: [] });
  });

  it('rejects an invalid number', async () => {
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/dev/sms?phone=123' }),
      400,
      'CIT_INVALID_PHONE',
    );
  });

  it('does not exist in production', async () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://127.0.0.1:9/sms',
      SMS_HTTP_TOKEN: 'token',
    });
    const production = await buildApp(config, ctx.db);
    try {
      const response = await production.inject({
        method: 'GET',
        url: '/api/dev/sms?phone=13800138080',
      });
      expectProblem(response, 404, 'NOT_FOUND');
    } finally {
      await production.close();
    }
  });
});
