import { canFile, sportName, type AccountType } from '@cityleague/domain';

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
  FilingNotAllowed,
  InvalidSchedule,
  UnknownSport,
} from './event.errors.js';
import type { EventInput } from './event.schemas.js';

/**
 * Checks a complete filing against the filer's rights, the division tree, the sports
 * catalogue and the schedule rules. Returns the division the event is held in.
 */
export async function checkFiling(
  db: Executor,
  user: Principal,
  input: EventInput,
): Promise<DivisionRow> {
  if (!canFile(user.accountType as AccountType, input.level, input.section)) {
    throw new FilingNotAllowed(user.accountType, input.level, input.section);
  }
  if (sportName(input.sport) === undefined) throw new UnknownSport(input.sport);

  const division = await findDivision(db, input.divisionCode);
  if (!division) throw new DivisionUnknownInInput(input.divisionCode);
  checkDivisionLevel(division, input.level);
  if (!isInFilerScope(user, division)) throw new EventOutOfScope(division.code);
  await checkContract(db, user, input, division);

  const problems = scheduleErrors(input, await databaseNow(db));
  if (problems.length > 0) throw withFieldErrors(new InvalidSchedule(), problems);
  return division;
}

/**
 * Checks the contract a filing names. Contractors must name one of their own contracts;
 * other filers may name one their organisation holds. The event takes its level, section
 * and sport from the contract, lies in the contract's district when the contract is
 * district-level, and starts in the contract's year (Asia/Shanghai).
 */
async function checkContract(
  db: Executor,
  user: Principal,
  input: EventInput,
  division: DivisionRow,
): Promise<void> {
  if (input.contractId === undefined) {
    if (user.accountType === 'contractor') throw new ContractRequired();
    return;
  }
  const contract = await findOwnContract(db, user, input.contractId);
  if (!contract) throw new ContractNotOwned(input.contractId);

  const problems: FieldError[] = [];
  const mismatch = (field: string, expected: string) =>
    problems.push({ field, code: 'contract_mismatch', message: `must be ${expected}` });
  if (input.level !== contract.level) mismatch('level', contract.level);
  if (input.section !== contract.section) mismatch('section', contract.section);
  if (input.sport !== contract.sport) mismatch('sport', contract.sport);
  const districtCode = division.district_code ?? division.code;
  if (contract.district_code !== null && districtCode !== contract.district_code) {
    mismatch('divisionCode', `in district ${contract.district_code}`);
  }
  if (shanghaiYear(Date.parse(input.startsAt)) !== contract.year) {
    mismatch('startsAt', `in ${contract.year}`);
  }
  if (problems.length > 0) throw withFieldErrors(new ContractMismatch(contract.id), problems);
}

function checkDivisionLevel(division: DivisionRow, level: EventInput['level']): void {
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
 * Lists schedule problems: the event starts after `now` (the database clock) and ends after
 * it starts, and registration opens before it closes and closes no later than the start.
 */
export function scheduleErrors(input: EventInput, now: number): FieldError[] {
  const errors: FieldError[] = [];
  const startsAt = Date.parse(input.startsAt);
  if (!(startsAt > now)) {
    errors.push({ field: 'startsAt', code: 'in_future', message: 'must be later than now' });
  }
  const endsAt = Date.parse(input.endsAt);
  const opensAt = Date.parse(input.registrationOpensAt);
  const closesAt = Date.parse(input.registrationClosesAt);
  if (!(endsAt > startsAt)) {
    errors.push({ field: 'endsAt', code: 'after_start', message: 'must be after startsAt' });
  }
  if (!(closesAt > opensAt)) {
    errors.push({
      field: 'registrationClosesAt',
      code: 'after_open',
      message: 'must be after registrationOpensAt',
    });
  }
  if (!(closesAt <= startsAt)) {
    errors.push({
      field: 'registrationClosesAt',
      code: 'before_start',
      message: 'must not be after startsAt',
    });
  }
  return errors;
}
