import type { Insertable, UpdateObject } from 'kysely';
import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { ContractImportTable, ContractTable, Database } from '../db/schema.js';

export async function insertImport(db: Executor, row: Insertable<ContractImportTable>) {
  await db.insertInto('contract_imports').values(row).execute();
}

/** Reads an import and locks it until the transaction ends. */
export async function lockImport(db: Executor, id: string) {
  return db
    .selectFrom('contract_imports')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findImport(db: Executor, id: string) {
  return db.selectFrom('contract_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateImport(
  db: Executor,
  id: string,
  changes: UpdateObject<Database, 'contract_imports'>,
) {
  await db.updateTable('contract_imports').set(changes).where('id', '=', id).execute();
}

/** Finds the contracts of one year with these credit codes, for comparing an import with them. */
export async function findContractsByCreditCodes(db: Executor, year: number, codes: string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('contracts')
    .selectAll()
    .where('year', '=', year)
    .where('credit_code', 'in', codes)
    .execute();
}

/** Reads the contract with this key and locks it until the transaction ends. */
export async function lockContractByKey(
  db: Executor,
  key: { year: number; creditCode: string; eventName: string },
) {
  return db
    .selectFrom('contracts')
    .selectAll()
    .where('year', '=', key.year)
    .where('credit_code', '=', key.creditCode)
    .where('event_name', '=', key.eventName)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts a contract unless its key exists; returns whether it was inserted. */
export async function insertContractIfAbsent(
  db: Executor,
  row: Insertable<ContractTable>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('contracts')
    .values(row)
    .onConflict((conflict) => conflict.constraint('contracts_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateContract(
  db: Executor,
  id: string,
  changes: UpdateObject<Database, 'contracts'>,
) {
  await db
    .updateTable('contracts')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Selects contracts with the name of their district. */
export function contractViewQuery(db: Executor) {
  return db
    .selectFrom('contracts')
    .leftJoin('divisions as district', 'district.code', 'contracts.district_code')
    .selectAll('contracts')
    .select(['district.name as district_name']);
}

export async function findContract(db: Executor, id: string) {
  return db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
}
