import { createHash } from 'node:crypto';

import { maskMobile } from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor, Trx } from '../db/database.js';
import type { ContractRow } from '../db/schema.js';
import { listDivisions } from '../divisions/division.service.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import {
  checkContractRow,
  type CheckedContractRow,
  type DistrictLookup,
  type RowError,
} from './contract-rows.js';
import { readContractWorkbook } from './contract-workbook.js';
import {
  ContractFileTooLarge,
  ContractFileTooManyRows,
  ContractFileUnreadable,
  ContractImportCommitted,
  ContractImportHasErrors,
  ContractImportNotFound,
} from './contract.errors.js';
import * as repository from './contract.repository.js';

/** Largest workbook accepted, in bytes. A year's contracts (hundreds of rows) take a few dozen KiB. */
export const MAX_WORKBOOK_BYTES = 2 * 1024 * 1024;
/** Most data rows in one workbook. */
export const MAX_WORKBOOK_ROWS = 5000;

/** The user acting and their IP address, for the audit log. */
export interface Actor {
  user: Principal;
  ip: string;
}

/** A checked row as stored with the dry run: the phone number encrypted, never in clear. */
interface StoredRow extends Omit<CheckedContractRow, 'contactPhone'> {
  phoneCiphertext: string;
  phoneHash: string;
  phoneMasked: string;
}

export type RowStatus = 'new' | 'changed' | 'unchanged';

/** The outcome of one valid row: new, changed (with the changed fields) or unchanged. */
export interface RowOutcome {
  row: number;
  status: RowStatus;
  creditCode: string;
  organisationName: string;
  eventName: string;
  changedFields: string[];
  contractId: string | null;
}

interface StoredReport {
  errors: RowError[];
  rows: RowOutcome[];
}

async function districtLookup(db: Executor): Promise<DistrictLookup> {
  const districts = await listDivisions(db, { level: 'district' });
  return {
    byCode: new Map(districts.map((district) => [district.code, district.code])),
    byName: new Map(districts.map((district) => [district.name, district.code])),
  };
}

/** Reads and checks every row of the workbook; duplicates of a key within the file are errors. */
async function checkWorkbook(db: Executor, bytes: Buffer) {
  let read;
  try {
    read = await readContractWorkbook(bytes);
  } catch {
    throw new ContractFileUnreadable();
  }
  if (!read.ok) return { checked: [], errors: read.errors, invalidRows: 1 };
  if (read.rows.length > MAX_WORKBOOK_ROWS) {
    throw new ContractFileTooManyRows(read.rows.length, MAX_WORKBOOK_ROWS);
  }

  const districts = await districtLookup(db);
  const checked: CheckedContractRow[] = [];
  const errors: RowError[] = [];
  const invalid = new Set<number>();
  const firstRowOfKey = new Map<string, number>();
  for (const { row, values } of read.rows) {
    const result = checkContractRow(row, values, districts);
    if (!result.ok) {
      errors.push(...result.errors);
      invalid.add(row);
      continue;
    }
    const key = `${result.value.creditCode}\u0000${result.value.eventName}`;
    const first = firstRowOfKey.get(key);
    if (first !== undefined) {
      errors.push({
        row,
        column: '中标赛事名称',
        code: 'duplicate_row',
        reason: `与第 ${first} 行重复：同一单位的同名赛事只能出现一次`,
      });
      invalid.add(row);
      continue;
    }
    firstRowOfKey.set(key, row);
    checked.push(result.value);
  }
  return { checked, errors, invalidRows: invalid.size };
}

function toStoredRow(cipher: PersonalDataCipher, row: CheckedContractRow): StoredRow {
  const { contactPhone, ...rest } = row;
  return {
    ...rest,
    phoneCiphertext: cipher.encrypt(contactPhone),
    phoneHash: cipher.hash(contactPhone),
    phoneMasked: maskMobile(contactPhone),
  };
}

/** Lists the fields in which a row differs from the stored contract with the same key. */
function changedFields(contract: ContractRow, row: StoredRow): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['organisationName', contract.organisation_name, row.organisationName],
    ['level', contract.level, row.level],
    ['districtCode', contract.district_code, row.districtCode],
    ['section', contract.section, row.section],
    ['sport', contract.sport, row.sport],
    ['contactName', contract.contact_name, row.contactName],
    ['contactPhone', contract.contact_phone_hash, row.phoneHash],
  ];
  return pairs.filter(([, before, after]) => before !== after).map(([field]) => field);
}

function outcomeOf(row: StoredRow, contract: ContractRow | undefined): RowOutcome {
  const fields = contract ? changedFields(contract, row) : [];
  let status: RowStatus = 'new';
  if (contract) status = fields.length > 0 ? 'changed' : 'unchanged';
  return {
    row: row.row,
    status,
    creditCode: row.creditCode,
    organisationName: row.organisationName,
    eventName: row.eventName,
    changedFields: fields,
    contractId: contract?.id ?? null,
  };
}

function countOutcomes(outcomes: RowOutcome[]) {
  const count = (status: RowStatus) => outcomes.filter((o) => o.status === status).length;
  return { new: count('new'), changed: count('changed'), unchanged: count('unchanged') };
}

/**
 * Checks an uploaded contract workbook without changing any contract: every row is checked,
 * compared with the stored contracts of the year, and the report is kept as an import that
 * `commitImport` can apply.
 */
export async function dryRunImport(
  db: Db,
  cipher: PersonalDataCipher,
  actor: Actor,
  upload: { fileName: string; content: Buffer; year: number },
) {
  if (upload.content.length > MAX_WORKBOOK_BYTES) {
    throw new ContractFileTooLarge(upload.content.length, MAX_WORKBOOK_BYTES);
  }
  const { checked, errors, invalidRows } = await checkWorkbook(db, upload.content);
  const rows = checked.map((row) => toStoredRow(cipher, row));

  const existing = await repository.findContractsByCreditCodes(db, upload.year, [
    ...new Set(rows.map((row) => row.creditCode)),
  ]);
  const byKey = new Map(existing.map((c) => [`${c.credit_code}\u0000${c.event_name}`, c]));
  const outcomes = rows.map((row) =>
    outcomeOf(row, byKey.get(`${row.creditCode}\u0000${row.eventName}`)),
  );
  const counts = countOutcomes(outcomes);

  const id = uuidv7();
  const report: StoredReport = { errors, rows: outcomes };
  await repository.insertImport(db, {
    id,
    year: upload.year,
    file_name: upload.fileName,
    sha256: createHash('sha256').update(upload.content).digest('hex'),
    status: 'dry_run',
    row_count: rows.length + invalidRows,
    new_count: counts.new,
    changed_count: counts.changed,
    unchanged_count: counts.unchanged,
    invalid_count: invalidRows,
    report: JSON.stringify(report),
    rows: JSON.stringify(rows),
    created_by: actor.user.id,
    committed_by: null,
    committed_at: null,
  });
  return getImport(db, id);
}

/**
 * Writes one row: inserts a new key, updates a changed contract in place (its id, and the
 * events filed under it, stay) and leaves an unchanged one alone.
 */
async function applyRow(trx: Trx, importId: string, year: number, row: StoredRow) {
  const key = { year, creditCode: row.creditCode, eventName: row.eventName };
  const values = {
    organisation_name: row.organisationName,
    level: row.level,
    district_code: row.districtCode,
    section: row.section,
    sport: row.sport,
    contact_name: row.contactName,
    contact_phone_ciphertext: row.phoneCiphertext,
    contact_phone_hash: row.phoneHash,
    contact_phone_masked: row.phoneMasked,
    import_id: importId,
  };
  let contract = await repository.lockContractByKey(trx, key);
  if (!contract) {
    const id = uuidv7();
    const inserted = await repository.insertContractIfAbsent(trx, {
      id,
      year,
      credit_code: row.creditCode,
      event_name: row.eventName,
      ...values,
      updated_at: new Date(),
    });
    if (inserted) return { ...outcomeOf(row, undefined), contractId: id };
    // Another import inserted the same key after the lookup: compare with that row instead.
    contract = await repository.lockContractByKey(trx, key);
    if (!contract) throw new Error(`Contract ${row.creditCode} ${row.eventName} vanished`);
  }
  const outcome = outcomeOf(row, contract);
  if (outcome.status === 'changed') await repository.updateContract(trx, contract.id, values);
  return outcome;
}

/**
 * Applies a dry run in one transaction and audits it. An import is committed at most once:
 * a second commit, concurrent or later, gets CTR_IMPORT_ALREADY_COMMITTED. Rows are compared
 * again at commit time, so the counts show what this commit changed.
 */
export async function commitImport(db: Db, actor: Actor, id: string) {
  await db.transaction().execute(async (trx) => {
    const record = await repository.lockImport(trx, id);
    if (!record) throw new ContractImportNotFound(id);
    if (record.status === 'committed') throw new ContractImportCommitted(id);
    if (record.invalid_count > 0) throw new ContractImportHasErrors(id, record.invalid_count);

    const outcomes: RowOutcome[] = [];
    for (const row of record.rows as StoredRow[]) {
      outcomes.push(await applyRow(trx, id, record.year, row));
    }
    const counts = countOutcomes(outcomes);
    const report: StoredReport = { errors: [], rows: outcomes };
    await repository.updateImport(trx, id, {
      status: 'committed',
      new_count: counts.new,
      changed_count: counts.changed,
      unchanged_count: counts.unchanged,
      report: JSON.stringify(report),
      committed_by: actor.user.id,
      committed_at: new Date(),
    });
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      action: 'contracts.import',
      entityType: 'contract_import',
      entityId: id,
      detail: {
        fileName: record.file_name,
        sha256: record.sha256,
        year: record.year,
        ...counts,
        changedContracts: outcomes
          .filter((o) => o.status === 'changed')
          .map((o) => ({ id: o.contractId, fields: o.changedFields })),
      },
    });
  });
  return getImport(db, id);
}

/** Returns an import with its summary and row report. */
export async function getImport(db: Executor, id: string) {
  const record = await repository.findImport(db, id);
  if (!record) throw new ContractImportNotFound(id);
  const report = record.report as StoredReport;
  return {
    id: record.id,
    year: record.year,
    fileName: record.file_name,
    sha256: record.sha256,
    status: record.status,
    createdAt: new Date(record.created_at).toISOString(),
    committedAt: record.committed_at ? new Date(record.committed_at).toISOString() : null,
    summary: {
      rows: record.row_count,
      new: record.new_count,
      changed: record.changed_count,
      unchanged: record.unchanged_count,
      invalid: record.invalid_count,
    },
    errors: report.errors,
    rows: report.rows.map(({ contractId: _contractId, ...rest }) => rest),
  };
}
