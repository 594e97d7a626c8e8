import { sportName, type Section } from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { organisationCreditCode } from '../accounts/account.service.js';
import type { Db, Executor } from '../db/database.js';
import type { ContractRow } from '../db/schema.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import * as repository from './contract.repository.js';

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Returns the calendar year in Asia/Shanghai (UTC+8, no daylight saving) at an instant. */
export function shanghaiYear(instant: number): number {
  return new Date(instant + SHANGHAI_OFFSET_MS).getUTCFullYear();
}
type ContractView = Awaited<
  ReturnType<ReturnType<typeof repository.contractViewQuery>['executeTakeFirstOrThrow']>
>;

function toContract(row: ContractView) {
  return {
    id: row.id,
    year: row.year,
    creditCode: row.credit_code,
    organisationName: row.organisation_name,
    level: row.level,
    districtCode: row.district_code,
    districtName: row.district_name,
    section: row.section as Section,
    sport: row.sport,
    sportName: sportName(row.sport) ?? row.sport,
    eventName: row.event_name,
    contactName: row.contact_name,
    contactPhoneMasked: row.contact_phone_masked,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export interface ContractFilter {
  year?: number;
  level?: 'city' | 'district';
  districtCode?: string;
  sport?: string;
  section?: string;
  q?: string;
  cursor?: string;
  limit?: number;
}

const CURSOR_KEYS = ['id'] as const;

/** Lists contracts, newest first, by year, level, district, sport, section and a search text. */
export async function listContracts(db: Db, filter: ContractFilter) {
  const limit = filter.limit ?? 20;

  let query = repository
    .contractViewQuery(db)
    .orderBy('contracts.id', 'desc')
    .limit(limit + 1);
  if (filter.year !== undefined) query = query.where('contracts.year', '=', filter.year);
  if (filter.level) query = query.where('contracts.level', '=', filter.level);
  if (filter.districtCode) query = query.where('contracts.district_code', '=', filter.districtCode);
  if (filter.sport) query = query.where('contracts.sport', '=', filter.sport);
  if (filter.section) query = query.where('contracts.section', '=', filter.section);
  const text = filter.q?.trim();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('contracts.organisation_name', 'ilike', pattern),
        eb('contracts.event_name', 'ilike', pattern),
        eb('contracts.credit_code', '=', text.toUpperCase()),
      ]),
    );
  }
  if (filter.cursor) {
    const position = decodeCursor(filter.cursor, CURSOR_KEYS);
    if (!position) throw new InvalidCursor();
    query = query.where('contracts.id', '<', position.id);
  }

  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ id: last.id }) : null;
  return { items: page.map(toContract), nextCursor };
}

/**
 * Lists the contracts of the user's organisation, matched by its credit code, from the
 * current year (Asia/Shanghai) on. An organisation without a credit code has none.
 */
export async function listOwnContracts(db: Db, user: Principal) {
  const creditCode = await organisationCreditCode(db, user.organisationId);
  if (!creditCode) return { items: [] };
  const rows = await repository
    .contractViewQuery(db)
    .where('contracts.credit_code', '=', creditCode)
    .where('contracts.year', '>=', shanghaiYear(Date.now()))
    .orderBy('contracts.year')
    .orderBy('contracts.event_name')
    .execute();
  return { items: rows.map(toContract) };
}

/** Returns the contract if it belongs to the user's organisation (same credit code), else undefined. */
export async function findOwnContract(
  db: Executor,
  user: Principal,
  contractId: string,
): Promise<ContractRow | undefined> {
  const creditCode = await organisationCreditCode(db, user.organisationId);
  if (!creditCode) return undefined;
  const contract = await repository.findContract(db, contractId);
  return contract?.credit_code === creditCode ? contract : undefined;
}
