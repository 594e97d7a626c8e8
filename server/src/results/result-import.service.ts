import { createHash } from 'node:crypto';

import { describeResult, type ResultStatus } from '@cityleague/domain';

import { recordAudit } from '../audit/audit.repository.js';
import type { Db, Executor } from '../db/database.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { uuidv7 } from '../shared/ids.js';
import {
  ResultEventNotPublished,
  ResultFileTooLarge,
  ResultFileTooManyRows,
  ResultFileUnreadable,
  ResultImportCommitted,
  ResultImportHasErrors,
  ResultImportNotFound,
  ResultImportStale,
} from './result.errors.js';
import * as repository from './result.repository.js';
import {
  checkResultRow,
  type CheckedResultRow,
  type EntryRef,
  type ResultLookup,
  type RowError,
} from './result-rows.js';
import {
  afterResultsChanged,
  lockPublishedEvent,
  ownedEvent,
  type ResultActor,
} from './result.service.js';
import { readResultWorkbook } from './result-workbook.js';

/** Largest workbook accepted, in bytes. 10,000 rows of results take about 300 KiB. */
export const MAX_RESULT_WORKBOOK_BYTES = 2 * 1024 * 1024;
/** Most data rows in one workbook. */
export const MAX_RESULT_WORKBOOK_ROWS = 20_000;

/** A valid row as the report shows it to the organiser, who owns the entry. */
interface RowOutcome {
  row: number;
  code: string;
  name: string;
  groupName: string;
  result: string;
  status: 'new' | 'changed' | 'unchanged';
}

interface StoredReport {
  errors: RowError[];
  rows: RowOutcome[];
}

async function lookupOf(
  db: Executor,
  cipher: PersonalDataCipher,
  eventId: string,
): Promise<{ lookup: ResultLookup; entries: Map<string, EntryRef> }> {
  const groups = await repository.groupsOf(db, eventId);
  const entries = await repository.activeEntries(db, eventId);
  const byId = new Map<string, EntryRef>();
  const byCode = new Map<string, EntryRef>();
  const byNameAndPhone = new Map<string, EntryRef>();
  for (const row of entries) {
    const entry = { registrationId: row.id, code: row.code, name: row.name, groupId: row.group_id };
    byId.set(row.id, entry);
    byCode.set(row.code, entry);
    byNameAndPhone.set(`${row.name.trim()}\u0000${row.phone_hash}`, entry);
  }
  return {
    lookup: {
      groupsByName: new Map(groups.map((group) => [group.name, group])),
      entriesByCode: byCode,
      entriesByNameAndPhone: byNameAndPhone,
      hashPhone: (phone) => cipher.hash(phone),
    },
    entries: byId,
  };
}

/** Reads and checks every row; a second row for the same entry is an error. */
async function checkWorkbook(
  db: Executor,
  cipher: PersonalDataCipher,
  eventId: string,
  bytes: Buffer,
) {
  let read;
  try {
    read = await readResultWorkbook(bytes);
  } catch {
    throw new ResultFileUnreadable();
  }
  if (!read.ok) return { checked: [], errors: read.errors, invalidRows: 1, rowCount: 0 };
  if (read.rows.length > MAX_RESULT_WORKBOOK_ROWS) {
    throw new ResultFileTooManyRows(read.rows.length, MAX_RESULT_WORKBOOK_ROWS);
  }

  const { lookup, entries } = await lookupOf(db, cipher, eventId);
  const checked: CheckedResultRow[] = [];
  const errors: RowError[] = [];
  const invalid = new Set<number>();
  const firstRowOfEntry = new Map<string, number>();
  for (const { row, values } of read.rows) {
    const result = checkResultRow(row, values, lookup);
    if (!result.ok) {
      errors.push(...result.errors);
      invalid.add(row);
      continue;
    }
    const first = firstRowOfEntry.get(result.value.registrationId);
    if (first !== undefined) {
      errors.push({
        row,
        column: '报名码',
        code: 'duplicate_entrant',
        reason: `与第 ${first} 行是同一报名，每人只能有一行成绩`,
      });
      invalid.add(row);
      continue;
    }
    firstRowOfEntry.set(result.value.registrationId, row);
    checked.push(result.value);
  }
  return { checked, errors, invalidRows: invalid.size, rowCount: read.rows.length, entries };
}

function figuresOf(row: CheckedResultRow) {
  return { status: row.status, rank: row.rank, timeMs: row.timeMs, score: row.score };
}

/**
 * Checks an uploaded result workbook without changing any result: every row is matched to an
 * active entry of the event and checked, and the report is kept as an import that
 * `commitResultImport` can apply.
 */
export async function dryRunResultImport(
  db: Db,
  cipher: PersonalDataCipher,
  actor: ResultActor,
  eventId: string,
  upload: { fileName: string; content: Buffer },
) {
  const event = await ownedEvent(db, actor.user, eventId);
  if (event.state !== 'published') throw new ResultEventNotPublished(eventId);
  if (upload.content.length > MAX_RESULT_WORKBOOK_BYTES) {
    throw new ResultFileTooLarge(upload.content.length, MAX_RESULT_WORKBOOK_BYTES);
  }
  const checked = await checkWorkbook(db, cipher, eventId, upload.content);
  const groups = new Map((await repository.groupsOf(db, eventId)).map((g) => [g.id, g.name]));
  const stored = new Map(
    (await repository.resultsOfEvent(db, eventId)).map((result) => [
      result.registration_id,
      result,
    ]),
  );
  const outcomes: RowOutcome[] = [];
  for (const row of checked.checked) {
    const entry = checked.entries?.get(row.registrationId);
    const existing = stored.get(row.registrationId);
    const text = describeResult(figuresOf(row));
    let status: RowOutcome['status'] = 'new';
    if (existing) {
      const same =
        existing.status === row.status &&
        existing.rank === row.rank &&
        existing.time_ms === row.timeMs &&
        (existing.score === null ? null : String(Number(existing.score))) === row.score;
      status = same ? 'unchanged' : 'changed';
    }
    outcomes.push({
      row: row.row,
      code: entry?.code ?? '',
      name: entry?.name ?? '',
      groupName: groups.get(row.groupId) ?? '',
      result: text,
      status,
    });
  }

  const id = uuidv7();
  const report: StoredReport = { errors: checked.errors, rows: outcomes };
  await repository.insertImport(db, {
    id,
    event_id: eventId,
    file_name: upload.fileName,
    sha256: createHash('sha256').update(upload.content).digest('hex'),
    status: 'dry_run',
    row_count: checked.rowCount,
    valid_count: checked.checked.length,
    invalid_count: checked.invalidRows,
    report: JSON.stringify(report),
    rows: JSON.stringify(checked.checked),
    created_by: actor.user.id,
    committed_by: null,
    committed_at: null,
  });
  return getResultImport(db, actor, eventId, id);
}

/**
 * Applies a dry run in one transaction, all rows or none, and audits it. Every entry must still
 * be active (RES_IMPORT_STALE otherwise). An import is committed at most once.
 */
export async function commitResultImport(
  db: Db,
  actor: ResultActor,
  eventId: string,
  importId: string,
) {
  await ownedEvent(db, actor.user, eventId);
  await db.transaction().execute(async (trx) => {
    const record = await repository.lockImport(trx, eventId, importId);
    if (!record) throw new ResultImportNotFound(importId, eventId);
    await lockPublishedEvent(trx, eventId);
    if (record.status === 'committed') throw new ResultImportCommitted(importId);
    if (record.invalid_count > 0 || record.valid_count === 0) {
      throw new ResultImportHasErrors(importId, record.invalid_count);
    }
    const rows = record.rows as CheckedResultRow[];
    const active = new Map(
      (await repository.activeEntries(trx, eventId)).map((entry) => [entry.id, entry]),
    );
    for (const row of rows) {
      const entry = active.get(row.registrationId);
      if (!entry || entry.group_id !== row.groupId) {
        throw new ResultImportStale(row.registrationId, importId);
      }
      await repository.upsertResult(trx, {
        id: uuidv7(),
        event_id: eventId,
        registration_id: row.registrationId,
        group_id: row.groupId,
        status: row.status as ResultStatus,
        rank: row.rank,
        time_ms: row.timeMs,
        score: row.score,
        updated_by: actor.user.id,
        updated_at: new Date(),
      });
    }
    await afterResultsChanged(trx, eventId);
    await repository.markImportCommitted(trx, importId, actor.user.id);
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      userAgent: actor.userAgent,
      action: 'results.imported',
      entityType: 'event',
      entityId: eventId,
      detail: {
        importId,
        fileName: record.file_name,
        sha256: record.sha256,
        rows: rows.length,
      },
    });
  });
  return getResultImport(db, actor, eventId, importId);
}

/** Returns an import of the organiser's event with its summary and row report. */
export async function getResultImport(
  db: Db,
  actor: ResultActor,
  eventId: string,
  importId: string,
) {
  await ownedEvent(db, actor.user, eventId);
  const record = await repository.findImport(db, eventId, importId);
  if (!record) throw new ResultImportNotFound(importId, eventId);
  const report = record.report as StoredReport;
  return {
    id: record.id,
    eventId: record.event_id,
    fileName: record.file_name,
    sha256: record.sha256,
    status: record.status,
    createdAt: new Date(record.created_at).toISOString(),
    committedAt: record.committed_at ? new Date(record.committed_at).toISOString() : null,
    summary: {
      rows: record.row_count,
      valid: record.valid_count,
      invalid: record.invalid_count,
      new: report.rows.filter((row) => row.status === 'new').length,
      changed: report.rows.filter((row) => row.status === 'changed').length,
      unchanged: report.rows.filter((row) => row.status === 'unchanged').length,
    },
    errors: report.errors,
    rows: report.rows,
  };
}
