import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  deliverOutbox,
  signInCitizen,
  withoutResendWait,
} from '../citizens/citizen-test-support.js';
import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  publishNewEvent,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  minimalPdf,
  minimalPng,
  multipart,
  TINY_JPEG,
  TINY_WEBP,
  type FormPart,
} from './document-test-support.js';

let ctx: TestContext;
let street: string;
let xuhui: string;
let pudong: string;
let eventId: string;

const BRAND_XUJIAHUI = { level: 'district', section: 'brand_event', divisionCode: '310104014' };
const REGISTERED_PHONE = '13900139301';
const OTHER_PHONE = '13900139302';

beforeAll(async () => {
  ctx = await createTestContext();
  const accounts = [
    { username: 'cg.street', accountType: 'street', divisionCode: '310104014' },
    { username: 'cg.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
    { username: 'cg.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  ];
  for (const account of accounts) await createAccount(ctx.db, account);
  street = await signIn(ctx.app, 'cg.street');
  xuhui = await signIn(ctx.app, 'cg.xuhui');
  pudong = await signIn(ctx.app, 'cg.pudong');
  eventId = (
    await publishNewEvent(ctx.app, street, xuhui, { ...BRAND_XUJIAHUI, name: '群码测试赛事' })
  ).id;
  const registration = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: '测试市民', phone: REGISTERED_PHONE },
  });
  expect(registration.statusCode, registration.body).toBe(201);
  // Sends the confirmation SMS now, so that the sign-in code is the number's newest message.
  await deliverOutbox(ctx.app);
});

afterAll(async () => {
  await ctx?.close();
});

function uploadCode(
  event: string,
  parts: FormPart[],
  cookie: string | null = street,
): Promise<LightMyRequestResponse> {
  const form = multipart(parts);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/console/events/${event}/chat-groups`,
    payload: form.payload,
    headers: { ...form.headers, ...(cookie ? { cookie } : {}) },
  });
}

function codeParts(label: string, content: Buffer, filename = 'qr.png'): FormPart[] {
  return [
    { name: 'label', value: label },
    { name: 'file', filename, content, contentType: 'image/png' },
  ];
}

interface ChatGroupItem {
  id: string;
  label: string;
  contentType: string;
  sizeBytes: number;
  imageUrl: string;
}

async function chatGroupRows(event: string) {
  return ctx.db.selectFrom('event_chat_groups').selectAll().where('event_id', '=', event).execute();
}

async function newEvent(name: string): Promise<string> {
  return (await publishNewEvent(ctx.app, street, xuhui, { ...BRAND_XUJIAHUI, name })).id;
}

describe('chat-group upload', () => {
  it('stores PNG, JPEG and WebP images with their labels', async () => {
    const event = await newEvent('群码上传赛事');
    const images = [
      ['1群', minimalPng(), 'image/png'],
      ['2群', TINY_JPEG, 'image/jpeg'],
      ['3群', TINY_WEBP, 'image/webp'],
    ] as const;
    for (const [label, content, type] of images) {
      const response = await uploadCode(event, codeParts(` ${label} `, content));
      expect(response.statusCode, response.body).toBe(201);
      const item = response.json<ChatGroupItem>();
      expect(item.label).toBe(label);
      expect(item.contentType).toBe(type);
      expect(item.sizeBytes).toBe(content.length);
      expect(item.imageUrl).toBe(`/api/console/events/${event}/chat-groups/${item.id}/image`);
      expect(existsSync(join(ctx.config.documentsDir, event, item.id))).toBe(true);
    }
    const entries = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', event)
      .where('action', '=', 'chat_group.uploaded')
      .execute();
    expect(entries).toHaveLength(3);
  });

  it('accepts images only', async () => {
    const event = await newEvent('群码类型赛事');
    const response = await uploadCode(event, codeParts('1群', minimalPdf(), 'qr.png'));
    expectProblem(response, 415, 'DOC_TYPE_NOT_ALLOWED');
    expect(await chatGroupRows(event)).toEqual([]);
  });

  it('rejects an image over 2 MiB', async () => {
    const event = await newEvent('群码大小赛事');
    const large = Buffer.concat([minimalPng(), Buffer.alloc(2 * 1024 * 1024)]);
    expectProblem(await uploadCode(event, codeParts('1群', large)), 413, 'DOC_TOO_LARGE');
    expect(await chatGroupRows(event)).toEqual([]);
  });

  it('requires a label of 1 to 20 characters', async () => {
    const event = await newEvent('群码名称赛事');
    const blank = await uploadCode(event, codeParts('   ', minimalPng()));
    expect(expectProblem(blank, 400, 'VALIDATION_FAILED').errors?.[0]?.field).toBe('label');
    const long = await uploadCode(event, codeParts('群'.repeat(21), minimalPng()));
    expectProblem(long, 400, 'VALIDATION_FAILED');
    const control = await uploadCode(event, codeParts('1\u202e群', minimalPng()));
    expectProblem(control, 400, 'VALIDATION_FAILED');
    expect(await chatGroupRows(event)).toEqual([]);
  });

  it('stops at 5 codes per event', async () => {
    const event = await newEvent('群码数量赛事');
    for (let index = 1; index <= 5; index += 1) {
      const response = await uploadCode(event, codeParts(`${index}群`, minimalPng()));
      expect(response.statusCode, response.body).toBe(201);
    }
    const sixth = await uploadCode(event, codeParts('6群', minimalPng()));
    expectProblem(sixth, 409, 'DOC_CHAT_GROUP_LIMIT_REACHED');
    expect(await chatGroupRows(event)).toHaveLength(5);
  });

  it('accepts a draft and rejects a cancelled event', async () => {
    const draft = (await fileEvent(ctx.app, street, { ...BRAND_XUJIAHUI, name: '群码草稿赛事' }))
      .id;
    expect((await uploadCode(draft, codeParts('1群', minimalPng()))).statusCode).toBe(201);

    const cancelled = await newEvent('群码取消赛事');
    const item = (
      await uploadCode(cancelled, codeParts('1群', minimalPng()))
    ).json<ChatGroupItem>();
    // NOTE: no route cancels an event yet, so the state is written directly.
    await ctx.db
      .updateTable('events')
      .set({ state: 'cancelled', cancelled_at: new Date() })
      .where('id', '=', cancelled)
      .execute();
    const response = await uploadCode(cancelled, codeParts('2群', minimalPng()));
    expectProblem(response, 409, 'DOC_EVENT_CANCELLED');
    const removal = await as(
      ctx.app,
      street,
    )({
      method: 'DELETE',
      url: `/api/console/events/${cancelled}/chat-groups/${item.id}`,
    });
    expectProblem(removal, 409, 'DOC_EVENT_CANCELLED');
    expect(await chatGroupRows(cancelled)).toHaveLength(1);
  });

  it('lets only the owning organisation upload', async () => {
    const event = await newEvent('群码权限赛事');
    expectProblem(
      await uploadCode(event, codeParts('1群', minimalPng()), xuhui),
      403,
      'EVT_NOT_OWNED',
    );
    expectProblem(
      await uploadCode(event, codeParts('1群', minimalPng()), pudong),
      404,
      'EVT_NOT_FOUND',
    );
    expectProblem(
      await uploadCode(event, codeParts('1群', minimalPng()), null),
      401,
      'ACC_SESSION_REQUIRED',
    );
    expect(await chatGroupRows(event)).toEqual([]);
  });

  it('deletes a code and its file', async () => {
    const event = await newEvent('群码删除赛事');
    const item = (await uploadCode(event, codeParts('1群', minimalPng()))).json<ChatGroupItem>();
    const url = `/api/console/events/${event}/chat-groups/${item.id}`;
    expectProblem(await as(ctx.app, xuhui)({ method: 'DELETE', url }), 403, 'EVT_NOT_OWNED');

    const response = await as(ctx.app, street)({ method: 'DELETE', url });
    expect(response.statusCode, response.body).toBe(204);
    expect(existsSync(join(ctx.config.documentsDir, event, item.id))).toBe(false);
    expect(await chatGroupRows(event)).toEqual([]);
    expectProblem(
      await as(ctx.app, street)({ method: 'DELETE', url }),
      404,
      'DOC_CHAT_GROUP_NOT_FOUND',
    );
  });
});

describe('chat-group viewing', () => {
  let item: ChatGroupItem;
  const image = minimalPng();

  beforeAll(async () => {
    item = (await uploadCode(eventId, codeParts('1群', image))).json<ChatGroupItem>();
  });

  it('shows the codes to the organiser and the district bureau in scope', async () => {
    for (const cookie of [street, xuhui]) {
      const list = await as(
        ctx.app,
        cookie,
      )({
        method: 'GET',
        url: `/api/console/events/${eventId}/chat-groups`,
      });
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json<{ items: ChatGroupItem[] }>().items.map((group) => group.label)).toEqual([
        '1群',
      ]);
      const picture = await as(ctx.app, cookie)({ method: 'GET', url: item.imageUrl });
      expect(picture.statusCode, picture.body).toBe(200);
      expect(picture.headers['content-type']).toBe('image/png');
      expect(picture.rawPayload.equals(image)).toBe(true);
    }
    const owner = await as(
      ctx.app,
      street,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/chat-groups`,
    });
    expect(owner.json<{ canChange: boolean }>().canChange).toBe(true);
  });

  it('hides the codes from another district bureau', async () => {
    const list = await as(
      ctx.app,
      pudong,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/chat-groups`,
    });
    expectProblem(list, 404, 'EVT_NOT_FOUND');
    expectProblem(
      await as(ctx.app, pudong)({ method: 'GET', url: item.imageUrl }),
      404,
      'EVT_NOT_FOUND',
    );
  });

  it('shows the codes to a citizen registered with the signed-in number', async () => {
    const citizen = await signInCitizen(ctx.app, REGISTERED_PHONE);
    const list = await as(
      ctx.app,
      citizen,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/chat-groups`,
    });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json<{ items: ChatGroupItem[] }>().items;
    expect(items.map((group) => [group.label, group.imageUrl])).toEqual([
      ['1群', `/api/citizen/events/${eventId}/chat-groups/${item.id}/image`],
    ]);
    const picture = await as(ctx.app, citizen)({ method: 'GET', url: items[0]!.imageUrl });
    expect(picture.statusCode, picture.body).toBe(200);
    expect(picture.rawPayload.equals(image)).toBe(true);
    expect(picture.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a citizen without a registration for the event', async () => {
    const citizen = await signInCitizen(ctx.app, OTHER_PHONE, '198.51.100.2');
    const list = await as(
      ctx.app,
      citizen,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/chat-groups`,
    });
    expectProblem(list, 404, 'DOC_NOT_REGISTERED');
    const picture = await as(
      ctx.app,
      citizen,
    )({
      method: 'GET',
      url: `/api/citizen/events/${eventId}/chat-groups/${item.id}/image`,
    });
    expectProblem(picture, 404, 'DOC_NOT_REGISTERED');
  });

  it('refuses a citizen whose registration was cancelled', async () => {
    // The test before this one signed the same number in less than a minute ago.
    const citizen = await withoutResendWait(ctx.app, () =>
      signInCitizen(ctx.app, REGISTERED_PHONE),
    );
    const event = await newEvent('群码退赛赛事');
    await uploadCode(event, codeParts('1群', minimalPng()));
    const registration = await ctx.app.inject({
      method: 'POST',
      url: `/api/events/${event}/registrations`,
      payload: { name: '测试市民', phone: REGISTERED_PHONE },
    });
    expect(registration.statusCode, registration.body).toBe(201);
    const url = `/api/citizen/events/${event}/chat-groups`;
    expect((await as(ctx.app, citizen)({ method: 'GET', url })).statusCode).toBe(200);

    // NOTE: no route cancels a registration yet, so the status is written directly.
    await ctx.db
      .updateTable('registrations')
      .set({ status: 'cancelled' })
      .where('event_id', '=', event)
      .execute();
    expectProblem(await as(ctx.app, citizen)({ method: 'GET', url }), 404, 'DOC_NOT_REGISTERED');
  });

  it('requires a citizen session', async () => {
    const url = `/api/citizen/events/${eventId}/chat-groups`;
    expectProblem(await ctx.app.inject({ method: 'GET', url }), 401, 'CIT_SESSION_REQUIRED');
    expectProblem(await as(ctx.app, street)({ method: 'GET', url }), 401, 'CIT_SESSION_REQUIRED');
  });

  it('does not serve a code through another event', async () => {
    const other = await newEvent('群码他赛事');
    const url = `/api/console/events/${other}/chat-groups/${item.id}/image`;
    expectProblem(
      await as(ctx.app, street)({ method: 'GET', url }),
      404,
      'DOC_CHAT_GROUP_NOT_FOUND',
    );
  });
});

describe('chat-group submission flow', () => {
  it('keeps codes through submission and review', async () => {
    const draft = (await fileEvent(ctx.app, street, { ...BRAND_XUJIAHUI, name: '群码流程赛事' }))
      .id;
    await uploadCode(draft, codeParts('1群', minimalPng()));
    await postOk(ctx.app, street, `/api/console/events/${draft}/submit`);
    const second = await uploadCode(draft, codeParts('2群', minimalPng()));
    expect(second.statusCode, second.body).toBe(201);
    expect(await chatGroupRows(draft)).toHaveLength(2);
  });
});
