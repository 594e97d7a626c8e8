import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  fileEvent,
  postOk,
  signIn,
  type TestContext,
} from '../test/harness.js';
import {
  compoundFileHeader,
  minimalDocx,
  minimalPdf,
  minimalPng,
  multipart,
  TINY_JPEG,
  TINY_WEBP,
  windowsExecutable,
  zipOf,
  type FormPart,
} from './document-test-support.js';

let ctx: TestContext;
let street: string;
let xuhui: string;
let pudong: string;
let otherStreet: string;

/** A brand event of 徐家汇街道, which the 徐汇 district bureau reviews. */
const BRAND_XUJIAHUI = { level: 'district', section: 'brand_event', divisionCode: '310104014' };

beforeAll(async () => {
  ctx = await createTestContext();
  const accounts = [
    { username: 'doc.street', accountType: 'street', divisionCode: '310104014' },
    { username: 'doc.other', accountType: 'street', divisionCode: '310104014' },
    { username: 'doc.xuhui', accountType: 'district_bureau', divisionCode: '310104' },
    { username: 'doc.pudong', accountType: 'district_bureau', divisionCode: '310115' },
  ];
  for (const account of accounts) await createAccount(ctx.db, account);
  street = await signIn(ctx.app, 'doc.street');
  otherStreet = await signIn(ctx.app, 'doc.other');
  xuhui = await signIn(ctx.app, 'doc.xuhui');
  pudong = await signIn(ctx.app, 'doc.pudong');
});

afterAll(async () => {
  await ctx?.close();
});

async function draft(name = '材料测试赛事'): Promise<string> {
  return (await fileEvent(ctx.app, street, { ...BRAND_XUJIAHUI, name })).id as string;
}

function upload(
  eventId: string,
  parts: FormPart[],
  cookie: string | null = street,
  app: FastifyInstance = ctx.app,
): Promise<LightMyRequestResponse> {
  const form = multipart(parts);
  return app.inject({
    method: 'POST',
    url: `/api/console/events/${eventId}/documents`,
    payload: form.payload,
    headers: { ...form.headers, ...(cookie ? { cookie } : {}) },
  });
}

function fileParts(
  filename: string,
  content: Buffer,
  category = 'safety_plan',
  contentType?: string,
): FormPart[] {
  return [
    { name: 'category', value: category },
    { name: 'file', filename, content, contentType },
  ];
}

interface DocumentItem {
  id: string;
  category: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  downloadUrl: string;
}

/** Lists every file under the documents folder, as paths relative to it. */
function storedFiles(): string[] {
  const root = ctx.config.documentsDir;
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

async function documentRows(eventId: string) {
  return ctx.db.selectFrom('event_documents').selectAll().where('event_id', '=', eventId).execute();
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('document upload', () => {
  const ALLOWED = [
    ['安全预案.pdf', minimalPdf(), 'application/pdf'],
    [
      '竞赛规程.docx',
      minimalDocx(),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['医疗保障.doc', compoundFileHeader(), 'application/msword'],
    ['场地照片.jpg', TINY_JPEG, 'image/jpeg'],
    ['保险单.png', minimalPng(), 'image/png'],
    ['路线图.webp', TINY_WEBP, 'image/webp'],
  ] as const;

  it.each(ALLOWED)('stores %s with the type of its content', async (name, content, type) => {
    const eventId = await draft();
    // The declared type is wrong on purpose: only the content decides.
    const response = await upload(eventId, fileParts(name, content, 'other', 'text/plain'));
    expect(response.statusCode, response.body).toBe(201);
    const item = response.json<DocumentItem>();
    expect(item.contentType).toBe(type);
    expect(item.fileName).toBe(name);
    expect(item.category).toBe('other');
    expect(item.sizeBytes).toBe(content.length);
    expect(item.sha256).toBe(sha256(content));
    expect(item.downloadUrl).toBe(`/api/console/events/${eventId}/documents/${item.id}`);

    const stored = join(ctx.config.documentsDir, eventId, item.id);
    expect(readFileSync(stored).equals(content)).toBe(true);
    const [row] = await documentRows(eventId);
    expect(row?.file_name).toBe(name);
    expect(row?.content_type).toBe(type);
  });

  it('lists the documents with the right to change them', async () => {
    const eventId = await draft();
    await upload(eventId, fileParts('规程.pdf', minimalPdf(), 'competition_rules'));
    await upload(eventId, fileParts('预案.pdf', minimalPdf(), 'safety_plan'));

    const own = await as(
      ctx.app,
      street,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/documents`,
    });
    expect(own.statusCode, own.body).toBe(200);
    const list = own.json<{
      items: DocumentItem[];
      canChange: boolean;
      maxCount: number;
      maxBytes: number;
    }>();
    expect(list.items.map((item) => item.category)).toEqual(['competition_rules', 'safety_plan']);
    expect(list.canChange).toBe(true);
    expect(list.maxCount).toBe(20);
    expect(list.maxBytes).toBe(20 * 1024 * 1024);

    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);
    const reviewer = await as(
      ctx.app,
      xuhui,
    )({
      method: 'GET',
      url: `/api/console/events/${eventId}/documents`,
    });
    expect(reviewer.statusCode, reviewer.body).toBe(200);
    expect(reviewer.json<{ items: unknown[] }>().items).toHaveLength(2);
    expect(reviewer.json<{ canChange: boolean }>().canChange).toBe(false);
  });

  it('records an audit entry on the event', async () => {
    const eventId = await draft();
    const content = minimalPdf();
    const item = (await upload(eventId, fileParts('预案.pdf', content))).json<DocumentItem>();
    const entry = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'event')
      .where('entity_id', '=', eventId)
      .where('action', '=', 'document.uploaded')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toEqual({
      documentId: item.id,
      category: 'safety_plan',
      fileName: '预案.pdf',
      sizeBytes: content.length,
      sha256: sha256(content),
    });
  });
});

describe('document content check', () => {
  const REJECTED = [
    ['a Windows program named .pdf', 'setup.pdf', windowsExecutable(), 'application/pdf'],
    [
      'an HTML page named .pdf',
      'notice.pdf',
      Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'),
      'application/pdf',
    ],
    [
      'a ZIP archive without a Word body named .docx',
      'rules.docx',
      zipOf({ 'readme.txt': 'not a Word document', 'word/media/logo.png': minimalPng() }),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'an SVG image named .png',
      'map.png',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'image/png',
    ],
    ['plain text', 'notes.txt', Buffer.from('only words'), 'text/plain'],
  ] as const;

  it.each(REJECTED)('rejects %s', async (_, name, content, type) => {
    const eventId = await draft();
    const before = storedFiles();
    const response = await upload(eventId, fileParts(name, content, 'safety_plan', type));
    expectProblem(response, 415, 'DOC_TYPE_NOT_ALLOWED');
    expect(await documentRows(eventId)).toEqual([]);
    expect(storedFiles()).toEqual(before);
  });

  it('rejects an empty file', async () => {
    const eventId = await draft();
    const response = await upload(eventId, fileParts('空白.pdf', Buffer.alloc(0)));
    expectProblem(response, 400, 'DOC_EMPTY');
    expect(await documentRows(eventId)).toEqual([]);
  });

  it('rejects a file over the configured limit and keeps none of it', async () => {
    const app = await ctx.buildApp({ documentMaxBytes: 1024 });
    const eventId = await draft();
    const before = storedFiles();
    const pdf = minimalPdf();
    const padding = (length: number) => Buffer.alloc(length - pdf.length, 0x20);

    const over = await upload(
      eventId,
      fileParts('大文件.pdf', Buffer.concat([pdf, padding(1025)])),
      street,
      app,
    );
    const problem = expectProblem(over, 413, 'DOC_TOO_LARGE');
    expect(problem.detail).toContain('1024');
    expect(storedFiles()).toEqual(before);

    const far = await upload(
      eventId,
      fileParts('更大.pdf', Buffer.concat([pdf, padding(300_000)])),
      street,
      app,
    );
    expectProblem(far, 413, 'DOC_TOO_LARGE');
    expect(storedFiles()).toEqual(before);
    expect(await documentRows(eventId)).toEqual([]);

    const exact = await upload(
      eventId,
      fileParts('正好.pdf', Buffer.concat([pdf, padding(1024)])),
      street,
      app,
    );
    expect(exact.statusCode, exact.body).toBe(201);
    expect(exact.json<DocumentItem>().sizeBytes).toBe(1024);
  });

  it('requires a known category', async () => {
    const eventId = await draft();
    const missing = await upload(eventId, [
      { name: 'file', filename: 'a.pdf', content: minimalPdf() },
    ]);
    const problem = expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => [error.field, error.code])).toEqual([
      ['category', 'required'],
    ]);

    const unknown = await upload(eventId, fileParts('a.pdf', minimalPdf(), 'budget'));
    expect(expectProblem(unknown, 400, 'VALIDATION_FAILED').errors?.[0]?.code).toBe('enum');
    expect(await documentRows(eventId)).toEqual([]);
    expect(storedFiles().filter((path) => path.startsWith('.incoming'))).toEqual([]);
  });

  it('requires one multipart file', async () => {
    const eventId = await draft();
    const noFile = await upload(eventId, [{ name: 'category', value: 'other' }]);
    expectProblem(noFile, 400, 'DOC_FILE_MISSING');

    const json = await as(
      ctx.app,
      street,
    )({
      method: 'POST',
      url: `/api/console/events/${eventId}/documents`,
      payload: { category: 'other', file: 'JVBERi0xLjQ=' },
    });
    expectProblem(json, 415, 'DOC_MULTIPART_REQUIRED');

    const two = await upload(eventId, [
      ...fileParts('一.pdf', minimalPdf()),
      { name: 'file', filename: '二.pdf', content: minimalPdf() },
    ]);
    expectProblem(two, 413, 'DOC_TOO_MANY_PARTS');
    expect(await documentRows(eventId)).toEqual([]);
    expect(storedFiles().filter((path) => path.startsWith('.incoming'))).toEqual([]);
  });

  it('stops at 20 documents per event', async () => {
    const eventId = await draft();
    for (let index = 0; index < 20; index += 1) {
      const response = await upload(eventId, fileParts(`第${index + 1}份.png`, minimalPng()));
      expect(response.statusCode, response.body).toBe(201);
    }
    const response = await upload(eventId, fileParts('第21份.png', minimalPng()));
    expectProblem(response, 409, 'DOC_LIMIT_REACHED');
    expect(await documentRows(eventId)).toHaveLength(20);
  });

  it('counts concurrent uploads against the limit one at a time', async () => {
    const eventId = await draft();
    for (let index = 0; index < 18; index += 1) {
      await upload(eventId, fileParts(`第${index + 1}份.png`, minimalPng()));
    }
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map((index) => upload(eventId, fileParts(`并发${index}.png`, minimalPng()))),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 409, 409, 409]);
    expect(await documentRows(eventId)).toHaveLength(20);
    const files = storedFiles().filter((path) => path.startsWith(eventId));
    expect(files).toHaveLength(20);
  });
});

describe('document file names', () => {
  it.each([
    ['../../../etc/passwd.pdf', 'passwd.pdf'],
    ['..\\..\\Windows\\win.ini', 'win.ini.pdf'],
    ['report\u202efdp.exe', 'reportfdp.exe.pdf'],
    ['   .hidden.pdf', 'hidden.pdf'],
    ['a:b*c?.PDF', 'a_b_c_.PDF'],
  ])('stores %j as %j, inside the documents folder', async (raw, expected) => {
    const eventId = await draft();
    const response = await upload(eventId, fileParts(raw, minimalPdf()));
    expect(response.statusCode, response.body).toBe(201);
    const item = response.json<DocumentItem>();
    expect(item.fileName).toBe(expected);
    expect(storedFiles()).toContain(join(eventId, item.id));
    expect(existsSync(join(ctx.config.documentsDir, '..', 'etc'))).toBe(false);
  });

  it('cuts a long name to 100 characters and keeps the extension', async () => {
    const eventId = await draft();
    const response = await upload(eventId, fileParts(`${'长'.repeat(300)}.pdf`, minimalPdf()));
    const name = response.json<DocumentItem>().fileName;
    expect(Array.from(name)).toHaveLength(100);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('document state and ownership', () => {
  it('rejects uploads once the filing is submitted', async () => {
    const eventId = await draft();
    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);
    const response = await upload(eventId, fileParts('晚交.pdf', minimalPdf()));
    expectProblem(response, 409, 'EVT_NOT_EDITABLE');
    expect(await documentRows(eventId)).toEqual([]);
  });

  it('accepts uploads again after the filing is returned', async () => {
    const eventId = await draft();
    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);
    await postOk(ctx.app, xuhui, `/api/reviews/${eventId}/return`, { reason: '请补充安全预案' });
    const response = await upload(eventId, fileParts('补充预案.pdf', minimalPdf()));
    expect(response.statusCode, response.body).toBe(201);
  });

  it('answers other organisations as the event routes do', async () => {
    const eventId = await draft();
    const hidden = await upload(eventId, fileParts('x.pdf', minimalPdf()), otherStreet);
    expectProblem(hidden, 404, 'EVT_NOT_FOUND');
    const anonymous = await upload(eventId, fileParts('x.pdf', minimalPdf()), null);
    expectProblem(anonymous, 401, 'ACC_SESSION_REQUIRED');

    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);
    const reviewer = await upload(eventId, fileParts('x.pdf', minimalPdf()), xuhui);
    expectProblem(reviewer, 403, 'EVT_NOT_OWNED');
    const otherDistrict = await upload(eventId, fileParts('x.pdf', minimalPdf()), pudong);
    expectProblem(otherDistrict, 404, 'EVT_NOT_FOUND');
    expect(await documentRows(eventId)).toEqual([]);
  });

  it('rejects a cross-site upload before reading it', async () => {
    const eventId = await draft();
    const form = multipart(fileParts('x.pdf', minimalPdf()));
    const response = await ctx.app.inject({
      method: 'POST',
      url: `/api/console/events/${eventId}/documents`,
      payload: form.payload,
      headers: { ...form.headers, cookie: street, origin: 'https://attacker.example' },
    });
    expectProblem(response, 403, 'CSRF_REJECTED');
    expect(await documentRows(eventId)).toEqual([]);
  });
});

describe('document download', () => {
  let eventId: string;
  let item: DocumentItem;
  const content = minimalPdf();
  const NAME = '安全预案（终稿）.pdf';

  beforeAll(async () => {
    eventId = await draft('下载测试赛事');
    item = (await upload(eventId, fileParts(NAME, content))).json<DocumentItem>();
    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);
  });

  function download(cookie: string | undefined, url = item.downloadUrl) {
    return ctx.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  }

  it('sends the file as an attachment with its stored type', async () => {
    const response = await download(street);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.rawPayload.equals(content)).toBe(true);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-length']).toBe(String(content.length));
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('private, no-store');
    const disposition = String(response.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(NAME);
  });

  it('sends the file to the reviewing district bureau', async () => {
    const response = await download(xuhui);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.rawPayload.equals(content)).toBe(true);
  });

  it('hides the file from another district bureau', async () => {
    expectProblem(await download(pudong), 404, 'EVT_NOT_FOUND');
  });

  it('hides the file from another street', async () => {
    expectProblem(await download(otherStreet), 404, 'EVT_NOT_FOUND');
  });

  it('requires a session', async () => {
    expectProblem(await download(undefined), 401, 'ACC_SESSION_REQUIRED');
  });

  it('fails as a server error when the stored file is gone', async () => {
    const otherEvent = await draft();
    const lost = (
      await upload(otherEvent, fileParts('丢失.pdf', minimalPdf()))
    ).json<DocumentItem>();
    rmSync(join(ctx.config.documentsDir, otherEvent, lost.id));
    expectProblem(await download(street, lost.downloadUrl), 500, 'INTERNAL_ERROR');
  });

  it('does not serve a document through another event', async () => {
    const otherEvent = await draft();
    const url = `/api/console/events/${otherEvent}/documents/${item.id}`;
    expectProblem(await download(street, url), 404, 'DOC_NOT_FOUND');
  });
});

describe('document deletion', () => {
  it('removes the row and the file, and audits it', async () => {
    const eventId = await draft();
    const item = (await upload(eventId, fileParts('作废.pdf', minimalPdf()))).json<DocumentItem>();
    const path = join(ctx.config.documentsDir, eventId, item.id);
    expect(existsSync(path)).toBe(true);

    const response = await as(ctx.app, street)({ method: 'DELETE', url: item.downloadUrl });
    expect(response.statusCode, response.body).toBe(204);
    expect(existsSync(path)).toBe(false);
    expect(await documentRows(eventId)).toEqual([]);
    const entry = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', eventId)
      .where('action', '=', 'document.deleted')
      .executeTakeFirstOrThrow();
    expect(entry.detail).toEqual({
      documentId: item.id,
      category: 'safety_plan',
      fileName: '作废.pdf',
    });

    const again = await as(ctx.app, street)({ method: 'DELETE', url: item.downloadUrl });
    expectProblem(again, 404, 'DOC_NOT_FOUND');
    expectProblem(
      await as(ctx.app, street)({ method: 'GET', url: item.downloadUrl }),
      404,
      'DOC_NOT_FOUND',
    );
  });

  it('keeps the document of a submitted filing', async () => {
    const eventId = await draft();
    const item = (await upload(eventId, fileParts('保留.pdf', minimalPdf()))).json<DocumentItem>();
    await postOk(ctx.app, street, `/api/console/events/${eventId}/submit`);

    const owner = await as(ctx.app, street)({ method: 'DELETE', url: item.downloadUrl });
    expectProblem(owner, 409, 'EVT_NOT_EDITABLE');
    const reviewer = await as(ctx.app, xuhui)({ method: 'DELETE', url: item.downloadUrl });
    expectProblem(reviewer, 403, 'EVT_NOT_OWNED');
    expect(existsSync(join(ctx.config.documentsDir, eventId, item.id))).toBe(true);
    expect(await documentRows(eventId)).toHaveLength(1);
  });
});
