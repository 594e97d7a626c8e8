import {
  canFile,
  filingFormOf,
  missingFilingFields,
  sportName,
  type AccountType,
  type FilingField,
} from '@cityleague/domain';

import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import type { Executor } from '../db/database.js';
import type { DivisionRow } from '../db/schema.js';
import { DivisionInvalidLevel, DivisionUnknownInInput } from '../divisions/division.errors.js';
import { findDivision } from '../divisions/division.service.js';
import { withFieldErrors, type FieldError } from '../http/problem.js';
import { findOwnContract, shanghaiYear } from '../contracts/contract.service.js';
import {
  ContractMismatch,
  ContractNotOwned,
  ContractRequired,
  EventOutOfScope,
  FilingIncomplete,
  FilingNotAllowed,
  InvalidSchedule,
  UnknownSport,
} from './event.errors.js';
import type { Filing } from './event.schemas.js';

/** Details every filed event has; only a draft may lack them, as the database enforces. */
export const FILED_DETAILS = [
  'sport',
  'divisionCode',
  'venue',
  'startsAt',
  'endsAt',
  'capacity',
  'registrationOpensAt',
  'registrationClosesAt',
] as const satisfies readonly FilingField[];

const missingError = (field: FilingField): FieldError => ({
  field,
  code: 'required',
  message: 'is required',
});

/**
 * Checks a filing against the filer's rights, the division tree, the sports catalogue, the
 * contract and the schedule rules. Details a draft lacks are skipped; with `complete` set
 * (on submit) every missing detail is reported at once, together with any schedule problem,
 * as EVT_INCOMPLETE. Returns the division the event is held in, once it is known.
 */
export async function checkFiling(
  db: Executor,
  user: Principal,
  filing: Filing,
  options: { complete: boolean } = { complete: false },
): Promise<DivisionRow | null> {
  if (!canFile(user.accountType as AccountType, filing.level, filing.section)) {
    throw new FilingNotAllowed(user.accountType, filing.level, filing.section);
  }
  if (filing.sport !== null && sportName(filing.sport) === undefined) {
    throw new UnknownSport(filing.sport);
  }

  let division: DivisionRow | null = null;
  if (filing.divisionCode !== null) {
    division = (await findDivision(db, filing.divisionCode)) ?? null;
    if (!division) throw new DivisionUnknownInInput(filing.divisionCode);
    checkDivisionLevel(division, filing.level);
    if (!isInFilerScope(user, division)) throw new EventOutOfScope(division.code);
  }
  await checkContract(db, user, filing, division);

  const schedule = scheduleErrors(filing, await databaseNow(db));
  if (options.complete) {
    const missing = missingFilingFields(filingFormOf(filing), filing).map(missingError);
    if (missing.length > 0) {
      throw withFieldErrors(new FilingIncomplete(), [...missing, ...schedule]);
    }
  }
  if (schedule.length > 0) throw withFieldErrors(new InvalidSchedule(), schedule);
  return division;
}

/** Lists the details a filed event must keep that a change would clear. */
export function clearedFiledDetails(filing: Filing): FieldError[] {
  return FILED_DETAILS.filter((field) => filing[field] === null).map(missingError);
}

/**
 * Checks the contract a filing names. Contractors must name one of their own contracts;
 * other filers may name one their organisation holds. The event takes its level, section
 * and sport from the contract, lies in the contract's district when the contract is
 * district-level, and starts in the contract's year (Asia/Shanghai). Details a draft lacks
 * are checked once they are given.
 */
async function checkContract(
  db: Executor,
  user: Principal,
  filing: Filing,
  division: DivisionRow | null,
): Promise<void> {
  if (filing.contractId === null) {
    if (user.accountType === 'contractor') throw new ContractRequired();
    return;
  }
  const contract = await findOwnContract(db, user, filing.contractId);
  if (!contract) throw new ContractNotOwned(filing.contractId);

  const problems: FieldError[] = [];
  const mismatch = (field: string, expected: string) =>
    problems.push({ field, code: 'contract_mismatch', message: `must be ${expected}` });
  if (filing.level !== contract.level) mismatch('level', contract.level);
  if (filing.section !== contract.section) mismatch('section', contract.section);
  if (filing.sport !== null && filing.sport !== contract.sport) mismatch('sport', contract.sport);
  const districtCode = division === null ? null : (division.district_code ?? division.code);
  if (
    contract.district_code !== null &&
    districtCode !== null &&
    districtCode !== contract.district_code
  ) {
    mismatch('divisionCode', `in district ${contract.district_code}`);
  }
  if (filing.startsAt !== null && shanghaiYear(Date.parse(filing.startsAt)) !== contract.year) {
    // A code of its own, because the console names the contract year taken from the message.
    problems.push({
      field: 'startsAt',
      code: 'outside_contract_year',
      message: `must be in the contract year ${contract.year}`,
    });
  }
  if (problems.length > 0) throw withFieldErrors(new ContractMismatch(contract.id), problems);
}

function checkDivisionLevel(division: DivisionRow, level: Filing['level']): void {
  const allowed =
    level === 'street' || level === 'community'
      ? ['street', 'community']
      : ['district', 'street', 'community'];
  if (!allowed.includes(division.level)) {
    throw new DivisionInvalidLevel(division.code, division.level, allowed.join(' or '));
  }
}

/** Tells whether the division is in the filer's area: a bureau's district, a street's own street, else the city. */
function isInFilerScope(user: Principal, division: DivisionRow): boolean {
  if (user.accountType === 'district_bureau') return division.district_code === user.divisionCode;
  if (user.accountType === 'street') return division.street_code === user.divisionCode;
  return true;
}

async function databaseNow(db: Executor): Promise<number> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  return new Date(rows[0]?.now ?? Date.now()).getTime();
}

/**
 * First instant a filing's times may not reach: 2100-01-01 in Shanghai. The dashboards count
 * events per month with a four-digit year, and a later time is most likely a typing mistake.
 */
export const LATEST_EVENT_TIME = Date.parse('2100-01-01T00:00:00+08:00');

const SCHEDULE_FIELDS = [
  'startsAt',
  'endsAt',
  'registrationOpensAt',
  'registrationClosesAt',
] as const;

/**
 * Lists schedule problems among the times a filing gives: every time is before
 * LATEST_EVENT_TIME, the event starts after `now` (the database clock) and ends after it
 * starts, and registration opens before it closes and closes no later than the start.
 */
export function scheduleErrors(
  filing: Pick<Filing, 'startsAt' | 'endsAt' | 'registrationOpensAt' | 'registrationClosesAt'>,
  now: number,
): FieldError[] {
  const errors: FieldError[] = [];
  const time = (value: string | null) => (value === null ? null : Date.parse(value));
  const startsAt = time(filing.startsAt);
  const endsAt = time(filing.endsAt);
  const opensAt = time(filing.registrationOpensAt);
  const closesAt = time(filing.registrationClosesAt);
  for (const field of SCHEDULE_FIELDS) {
    const value = time(filing[field]);
    if (value !== null && !(value < LATEST_EVENT_TIME)) {
      errors.push({ field, code: 'before_2100', message: 'must be before 2100-01-01 (Shanghai)' });
    }
  }
  if (startsAt !== null && !(startsAt > now)) {
    errors.push({ field: 'startsAt', code: 'in_future', message: 'must be later than now' });
  }
  if (startsAt !== null && endsAt !== null && !(endsAt > startsAt)) {
    errors.push({ field: 'endsAt', code: 'after_start', message: 'must be after startsAt' });
  }
  if (opensAt !== null && closesAt !== null && !(closesAt > opensAt)) {
    errors.push({
      field: 'registrationClosesAt',
      code: 'after_open',
      message: 'must be after registrationOpensAt',
    });
  }
  if (closesAt !== null && startsAt !== null && !(closesAt <= startsAt)) {
    errors.push({
      field: 'registrationClosesAt',
      code: 'before_start',
      message: 'must not be after startsAt',
    });
  }
  return errors;
}
