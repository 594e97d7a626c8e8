import { recordAudit } from '../audit/audit.repository.js';
import { listDivisions } from '../divisions/division.service.js';
import type { Db } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
import * as repository from './account.repository.js';
import {
  checkNewAccount,
  generateInitialPassword,
  insertAccountWithOrganisation,
  translateUniqueViolation,
  type CheckedAccount,
} from './account.service.js';

/** Prefix of preset street account usernames: SAGYWTB001, SAGYWTB002, … */
export const PRESET_USERNAME_PREFIX = 'SAGYWTB';

/** Returns the username of preset number N: SAGYWTB plus N in at least three digits. */
export function presetUsername(presetNumber: number): string {
  return `${PRESET_USERNAME_PREFIX}${String(presetNumber).padStart(3, '0')}`;
}

/**
 * Names the organisation of a street from the division name. A sub-district (街道) gets its
 * office (街道办事处) and a town (镇) or township (乡) its government (人民政府). A farm or
 * forest farm (农场, 林场) keeps its name. Any other unit, such as a development zone, an
 * industrial park or 菊园新区, gets its administrative committee (管理委员会).
 */
export function streetOrganisationName(streetName: string): string {
  if (streetName.endsWith('街道')) return `${streetName}办事处`;
  if (streetName.endsWith('镇') || streetName.endsWith('乡')) return `${streetName}人民政府`;
  if (streetName.endsWith('农场') || streetName.endsWith('林场')) return streetName;
  return `${streetName}管理委员会`;
}

/** A created preset street account with its initial password, shown once. */
export interface PresetStreetAccount {
  presetNumber: number;
  username: string;
  password: string;
  districtName: string;
  streetName: string;
  divisionCode: string;
}

export interface PresetStreetAccountsResult {
  /** The created accounts in division-code order. */
  created: PresetStreetAccount[];
  /** Streets skipped because they already had a street account. */
  skipped: number;
}

interface PlannedAccount {
  row: PresetStreetAccount;
  checked: CheckedAccount;
}

// Concurrent argon2 hashes: they run on libuv's thread pool, which has 4 threads by default.
const HASH_CONCURRENCY = 4;

async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Creates one street account per street-level division that has no street account yet,
 * each with its own organisation (see streetOrganisationName), a random initial password
 * and a forced password change at first sign-in.
 *
 * Numbering: preset number N is the N-th street of the division table in division-code
 * order, counting every street, so SAGYWTB number N always names the same street and a
 * skipped street leaves a gap. The number is also stored in users.preset_number.
 *
 * All accounts are inserted in one transaction with an `account.preset` audit entry each.
 * `beforeCommit` runs inside it with the created rows, so a failure there (such as an
 * unwritable output file) rolls every account back and no password is lost. Raises
 * ACC_USERNAME_TAKEN when a username SAGYWTBnnn belongs to an account of another street.
 */
export async function generatePresetStreetAccounts(
  db: Db,
  options: {
    beforeCommit?: (created: PresetStreetAccount[]) => Promise<void>;
    /** The operator who asked for the accounts, for the audit entries; none for the command. */
    actor?: { userId: string; ip: string };
  } = {},
): Promise<PresetStreetAccountsResult> {
  const streets = await listDivisions(db, { level: 'street' });
  const districts = new Map(
    (await listDivisions(db, { level: 'district' })).map((district) => [
      district.code,
      district.name,
    ]),
  );
  const covered = await repository.listDivisionsWithStreetAccount(db);
  const pending = streets
    .map((street, index) => ({ street, presetNumber: index + 1 }))
    .filter(({ street }) => !covered.has(street.code));

  // Hash the passwords before the transaction, so that it does not hold a connection
  // through the argon2 work of every account.
  const planned = await mapConcurrently(pending, HASH_CONCURRENCY, ({ street, presetNumber }) =>
    planAccount(db, street, presetNumber, districts),
  );

  const created = await db.transaction().execute(async (trx) => {
    await repository.lockJob(trx, 'accounts:preset-streets');
    // Another run may have covered some streets since the first look.
    const coveredNow = await repository.listDivisionsWithStreetAccount(trx);
    const rows: PresetStreetAccount[] = [];
    for (const { row, checked } of planned) {
      if (coveredNow.has(row.divisionCode)) continue;
      try {
        await insertAccountWithOrganisation(trx, checked, {
          presetNumber: row.presetNumber,
          audit: {
            action: 'account.preset',
            detail: { presetNumber: row.presetNumber },
            actorUserId: options.actor?.userId ?? null,
            actorIp: options.actor?.ip ?? null,
          },
        });
      } catch (error) {
        throw translateUniqueViolation(error, checked);
      }
      rows.push(row);
    }
    if (options.beforeCommit) {
      // The only beforeCommit in production writes the workbook of initial passwords.
      if (rows.length > 0)
        await recordAudit(trx, {
          actorUserId: null,
          actorIp: null,
          action: 'export.preset_workbook',
          entityType: 'preset_street_accounts',
          entityId: `${rows[0]!.presetNumber}-${rows.at(-1)!.presetNumber}`,
          detail: { accounts: rows.length },
        });
      await options.beforeCommit(rows);
    }
    return rows;
  });
  return { created, skipped: streets.length - created.length };
}

async function planAccount(
  db: Db,
  street: DivisionRow,
  presetNumber: number,
  districts: Map<string, string>,
): Promise<PlannedAccount> {
  const username = presetUsername(presetNumber);
  const password = generateInitialPassword(username);
  const organisationName = streetOrganisationName(street.name);
  const checked = await checkNewAccount(db, {
    username,
    password,
    displayName: organisationName,
    accountType: 'street',
    divisionCode: street.code,
    organisationName,
    mustChangePassword: true,
  });
  return {
    checked,
    row: {
      presetNumber,
      username,
      password,
      districtName: districts.get(street.district_code ?? '') ?? '',
      streetName: street.name,
      divisionCode: street.code,
    },
  };
}
