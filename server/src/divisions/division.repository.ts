import type { Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';

export type DivisionLevel = DivisionRow['level'];

export async function findDivision(db: Executor, code: string): Promise<DivisionRow | undefined> {
  return db.selectFrom('divisions').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listDivisions(
  db: Executor,
  filter: { level?: DivisionLevel; parentCode?: string },
): Promise<DivisionRow[]> {
  let query = db.selectFrom('divisions').selectAll().orderBy('code');
  if (filter.level) query = query.where('level', '=', filter.level);
  if (filter.parentCode) query = query.where('parent_code', '=', filter.parentCode);
  return query.execute();
}

export async function countDivisions(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('divisions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertDivisions(db: Executor, rows: DivisionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('divisions').values(rows).execute();
}
