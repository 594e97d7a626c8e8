import { join } from 'node:path';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { minimalPng, multipart } from '../documents/document-test-support.js';
import { DocumentStore } from '../documents/document-store.js';
import {
  as,
  createAccount,
  createTestContext,
  fileEvent,
  postOk,
  recordPersonalData,
  signIn,
  type TestContext,
} from '../test/harness.js';
import { deleteUnclaimedAttachments } from './attachment-cleanup.service.js';
import { ATTACHMENTS_FOLDER } from './attachment.routes.js';

/*
 * On PostgreSQL (DATABASE_URL) the concurrent cases run on separate connections; PGlite serves
 * one connection, so there they run one after the other and only check the outcome.
 */

let ctx: TestContext;
let organiser: string;
let reviewer: string;
let store: DocumentStore;
let eventId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'ac.contractor',
    accountType: 'contractor',
    divisionCode: '3101',
  });
  await createAccount(ctx.db, {
    username: 'ac.committee',
    accountType: 'committee',
    divisionCode: '3101',
  });
  organiser = await signIn(ctx.app, 'ac.contractor');
  reviewer = await signIn(ctx.app, 'ac.committee');
  store = new DocumentStore(join(ctx.config.documentsDir, ATTACHMENTS_FOLDER));

  const event = await fileEvent(ctx.app, organiser, {});
  const saved = await as(
    ctx.app,
    organiser,
  )({
    method: 'PUT',
    url: `/api/console/events/${event.id}/registration-form`,
    payload: {
      form: {
        idNumber: 'optional',
        fields: [{ key: 'health_report', label: '体检报告', type: 'file', required: false }],
      },
      safetyNotice: null,
    },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/submit`);
  await postOk(ctx.app, reviewer, `/api/reviews/${event.id}/approve`);
  await postOk(ctx.app, organiser, `/api/console/events/${event.id}/publish`);
  eventId = event.id;
});

afterAll(async () => {
  await ctx.close();
});

async function upload(): Promise<string> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registration-attachments`,
    ...multipart([
      { name: 'fieldKey', value: 'health_report' },
      { name: 'file', filename: 'report.png', content: minimalPng() },
    ]),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

async function age(ids: string[], hours: number) {
  await ctx.db
    .updateTable('registration_attachments')
    .set({ created_at: sql<Date>`now() - make_interval(hours => ${hours})` })
    .where('id', 'in', ids)
    .execute();
}

async function rowOf(id: string) {
  return ctx.db
    .selectFrom('registration_attachments')
    .select(['id', 'registration_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

async function fileExists(id: string): Promise<boolean> {
  const handle = await store.open(eventId, id);
  await handle?.close();
  return handle !== undefined;
}

let phoneSerial = 0;
function register(fileId: string) {
  phoneSerial += 1;
  const phone = `1370066${String(phoneSerial).padStart(4, '0')}`;
  recordPersonalData(ctx, phone);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/events/${eventId}/registrations`,
    payload: { name: '上传者', phone, answers: { health_report: fileId } },
  });
}

describe('deleteUnclaimedAttachments', () => {
  it('deletes only old unclaimed uploads with their files', async () => {
    const old = await upload();
    const recent = await upload();
    const claimed = await upload();
    const entry = await register(claimed);
    expect(entry.statusCode, entry.body).toBe(201);
    await age([old, claimed], 25);
    await age([recent], 23);

    expect(await deleteUnclaimedAttachments(ctx.db, store, ctx.app.log)).toBe(1);

    expect(await rowOf(old)).toBeUndefined();
    expect(await fileExists(old)).toBe(false);
    expect(await rowOf(recent)).toBeDefined();
    expect(await fileExists(recent)).toBe(true);
    expect((await rowOf(claimed))?.registration_id).toBe(entry.json<{ id: string }>().id);
    expect(await fileExists(claimed)).toBe(true);
    expect(await deleteUnclaimedAttachments(ctx.db, store, ctx.app.log)).toBe(0);
  });

  it('honours a shorter maximum age', async () => {
    await deleteUnclaimedAttachments(ctx.db, store, ctx.app.log, 0);
    const id = await upload();
    await age([id], 2);
    expect(await deleteUnclaimedAttachments(ctx.db, store, ctx.app.log, 3)).toBe(0);
    expect(await deleteUnclaimedAttachments(ctx.db, store, ctx.app.log, 1)).toBe(1);
    expect(await rowOf(id)).toBeUndefined();
  });

  it('deletes each row once when two runs overlap', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 30; n += 1) ids.push(await upload());
    await age(ids, 48);

    const counts = await Promise.all([
      deleteUnclaimedAttachments(ctx.db, store, ctx.app.log),
      deleteUnclaimedAttachments(ctx.db, store, ctx.app.log),
    ]);

    expect(counts[0] + counts[1]).toBe(30);
    const left = await ctx.db
      .selectFrom('registration_attachments')
      .select('id')
      .where('id', 'in', ids)
      .execute();
    expect(left).toEqual([]);
    for (const id of ids) expect(await fileExists(id)).toBe(false);
  });

  // Either the claim wins and the file stays with its entry, or the cleanup wins and the
  // registration is rejected: no entry may keep an answer whose file is gone.
  it('never deletes a file an entry claims meanwhile', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 10; n += 1) ids.push(await upload());
    await age(ids, 48);

    const [responses] = await Promise.all([
      Promise.all(ids.map((id) => register(id))),
      deleteUnclaimedAttachments(ctx.db, store, ctx.app.log),
    ]);

    for (const [index, response] of responses.entries()) {
      const id = ids[index]!;
      const row = await rowOf(id);
      if (response.statusCode === 201) {
        expect(row?.registration_id).toBe(response.json<{ id: string }>().id);
        expect(await fileExists(id)).toBe(true);
      } else {
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe(
          'unknown_file',
        );
        expect(row).toBeUndefined();
        expect(await fileExists(id)).toBe(false);
      }
    }
  });
});
