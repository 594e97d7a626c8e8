import { Resvg } from '@resvg/resvg-js';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  as,
  createAccount,
  createTestContext,
  expectProblem,
  signIn,
  type TestContext,
} from '../test/harness.js';

const LONG_TITLE = '2027年上海市民体育大联赛徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let ctx: TestContext;
let street: string;
let operator: string;

beforeAll(async () => {
  ctx = await createTestContext();
  await createAccount(ctx.db, {
    username: 'kv.street',
    accountType: 'street',
    divisionCode: '310104014',
  });
  await createAccount(ctx.db, {
    username: 'kv.operator',
    accountType: 'operator',
    divisionCode: '3101',
  });
  street = await signIn(ctx.app, 'kv.street');
  operator = await signIn(ctx.app, 'kv.operator');
});

afterAll(async () => {
  await ctx.close();
});

function poster(body: Record<string, unknown>, query = '', cookie = street) {
  return as(
    ctx.app,
    cookie,
  )({ method: 'POST', url: `/api/console/posters${query}`, payload: body });
}

const validBody = {
  templateId: 'sports',
  title: LONG_TITLE,
  organisers: ['主办单位：上海市徐汇区体育局', '承办单位：徐家汇街道办事处'],
  dateLine: '2027年5月1日—5月3日',
  venueLine: '徐汇区徐家汇体育公园',
};

/** Reads width and height from the IHDR chunk, which a PNG must start with. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes a PNG into RGBA pixels by drawing it as an image with resvg. */
function pixelsOf(png: Buffer, width: number, height: number): Buffer {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" ` +
    `href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
}

interface Region {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Counts the distinct colours and the near-white pixels in a region of RGBA pixels. */
function colourStats(pixels: Buffer, width: number, region: Region) {
  const colours = new Set<number>();
  let white = 0;
  let total = 0;
  for (let y = region.top; y < region.bottom; y += 1) {
    for (let x = region.left; x < region.right; x += 1) {
      const offset = (y * width + x) * 4;
      const [r, g, b] = [pixels[offset]!, pixels[offset + 1]!, pixels[offset + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r > 240 && g > 240 && b > 240) white += 1;
      total += 1;
    }
  }
  return { colours: colours.size, whiteShare: white / total };
}

function expectPng(response: LightMyRequestResponse): Buffer {
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  expect(response.headers['content-type']).toBe('image/png');
  return response.rawPayload;
}

describe('GET /api/console/poster-templates', () => {
  it('lists the templates with Chinese names', async () => {
    const response = await as(
      ctx.app,
      street,
    )({ method: 'GET', url: '/api/console/poster-templates' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{
      items: { id: string; name: string; description: string }[];
      width: number;
      height: number;
    }>();
    expect(body.items.map((item) => item.id)).toEqual(['sports', 'community', 'festive']);
    expect(body.items.map((item) => item.name)).toEqual(['活力运动', '清新社区', '喜庆红']);
    expect(body.width).toBe(1080);
    expect(body.height).toBe(1920);
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/console/poster-templates' });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('turns away a platform role', async () => {
    const response = await as(
      ctx.app,
      operator,
    )({ method: 'GET', url: '/api/console/poster-templates' });
    expectProblem(response, 403, 'ACC_ROLE_FORBIDDEN');
  });
});

describe('POST /api/console/posters', () => {
  it('renders a long Chinese title as a full-size PNG that is not blank', async () => {
    const png = expectPng(await poster(validBody));
    expect(pngSize(png)).toEqual({ width: 1080, height: 1920 });

    const pixels = pixelsOf(png, 1080, 1920);
    // The sports template draws the title in white on dark blue, left-aligned from x = 96,
    // centred in the band between 620 px and the organiser band near the foot.
    const title = colourStats(pixels, 1080, { left: 96, top: 700, right: 984, bottom: 1300 });
    expect(title.colours).toBeGreaterThan(50);
    expect(title.whiteShare).toBeGreaterThan(0.1);
    expect(title.whiteShare).toBeLessThan(0.7);
    // The margin beside the title, where nothing is drawn in white.
    const empty = colourStats(pixels, 1080, { left: 0, top: 0, right: 60, bottom: 600 });
    expect(empty.whiteShare).toBe(0);
  });

  it.each(['sports', 'community', 'festive'])('renders template %s', async (templateId) => {
    const png = expectPng(await poster({ ...validBody, templateId }, '?width=270'));
    expect(pngSize(png)).toEqual({ width: 270, height: 480 });
    const pixels = pixelsOf(png, 270, 480);
    expect(
      colourStats(pixels, 270, { left: 0, top: 0, right: 270, bottom: 480 }).colours,
    ).toBeGreaterThan(100);
  });

  it('draws each template differently', async () => {
    const bodies = await Promise.all(
      ['sports', 'community', 'festive'].map(async (templateId) =>
        expectPng(await poster({ ...validBody, templateId }, '?width=120')).toString('base64'),
      ),
    );
    expect(new Set(bodies).size).toBe(3);
  });

  it('answers the same request with the same PNG', async () => {
    const first = expectPng(await poster(validBody, '?width=200'));
    const second = expectPng(
      await poster({ ...validBody, title: `  ${LONG_TITLE} ` }, '?width=200'),
    );
    expect(second.equals(first)).toBe(true);
  });

  it('sends an attachment on download=1 only', async () => {
    const inline = await poster(validBody, '?width=120');
    expectPng(inline);
    expect(inline.headers['content-disposition']).toBeUndefined();

    const download = await poster(validBody, '?width=120&download=1');
    expectPng(download);
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('主KV.png')}`,
    );
  });

  it('accepts the minimum: a title and one organiser', async () => {
    const png = expectPng(
      await poster({ templateId: 'festive', title: '趣', organisers: ['主办'] }, '?width=120'),
    );
    expect(pngSize(png)).toEqual({ width: 120, height: 213 });
  });

  it('rejects an unknown template', async () => {
    const response = await poster({ ...validBody, templateId: 'neon' });
    const problem = expectProblem(response, 400, 'POSTER_TEMPLATE_UNKNOWN');
    expect(problem.detail).toContain('neon');
  });

  it('rejects text the font cannot draw', async () => {
    const response = await poster({ ...validBody, venueLine: '徐汇区🏀体育公园' });
    const problem = expectProblem(response, 400, 'POSTER_TEXT_UNSUPPORTED');
    expect(problem.errors).toEqual([
      {
        field: 'venueLine',
        code: 'unsupported_character',
        message: 'contains characters the poster font cannot draw: 🏀',
      },
    ]);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an empty title', { ...validBody, title: '' }, 'title'],
    ['a blank title', { ...validBody, title: '  \u3000 ' }, 'title'],
    ['a title over 100 characters', { ...validBody, title: '赛'.repeat(101) }, 'title'],
    ['a title with a line break', { ...validBody, title: '三人篮球\n挑战赛' }, 'title'],
    ['a missing title', { templateId: 'sports', organisers: ['主办'] }, 'title'],
    ['no organisers', { ...validBody, organisers: [] }, 'organisers'],
    ['five organisers', { ...validBody, organisers: ['甲', '乙', '丙', '丁', '戊'] }, 'organisers'],
    ['a blank organiser', { ...validBody, organisers: ['主办', ' '] }, 'organisers.1'],
    [
      'an organiser over 40 characters',
      { ...validBody, organisers: ['办'.repeat(41)] },
      'organisers.0',
    ],
    ['a date line over 40 characters', { ...validBody, dateLine: '日'.repeat(41) }, 'dateLine'],
    ['an empty venue line', { ...validBody, venueLine: '' }, 'venueLine'],
    ['a venue line over 50 characters', { ...validBody, venueLine: '场'.repeat(51) }, 'venueLine'],
    ['an unknown field', { ...validBody, colour: 'red' }, 'colour'],
    ['an empty template id', { ...validBody, templateId: '' }, 'templateId'],
  ];

  it.each(invalid)('rejects %s', async (_case, body, field) => {
    const response = await poster(body);
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((error) => error.field)).toContain(field);
  });

  it.each([
    ['a width over 1080', '?width=1081'],
    ['a width under 120', '?width=119'],
    ['a width that is not a number', '?width=wide'],
    ['an unknown download flag', '?download=yes'],
  ])('rejects %s', async (_case, query) => {
    const response = await poster(validBody, query);
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });

  it('requires a session', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/console/posters',
      payload: validBody,
    });
    expectProblem(response, 401, 'ACC_SESSION_REQUIRED');
  });

  it('turns away a platform role', async () => {
    const response = await poster(validBody, '', operator);
    expectProblem(response, 403, 'ACC_ROLE_FORBIDDEN');
  });

  it('rejects a request from another site', async () => {
    const response = await as(
      ctx.app,
      street,
    )({
      method: 'POST',
      url: '/api/console/posters',
      headers: { origin: 'https://elsewhere.example' },
      payload: validBody,
    });
    expectProblem(response, 403, 'CSRF_REJECTED');
  });

  it('accepts a request from the console itself', async () => {
    const response = await as(
      ctx.app,
      street,
    )({
      method: 'POST',
      url: '/api/console/posters?width=120',
      headers: { host: 'league.example', origin: 'https://league.example' },
      payload: validBody,
    });
    expectPng(response);
  });
});
