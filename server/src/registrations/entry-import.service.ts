import {
  ageOn,
  checkEligibility,
  checkEntryRow,
  maskMobile,
  maskResidentId,
  shanghaiDate,
  type CheckedEntryRow,
  type EligibilityProblem,
  type EntryRowError,
} from '@cityleague/domain';

import { sql } from 'kysely';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { isUniqueViolation, type Db, type Executor } from '../db/database.js';
import type { EventGroupRow } from '../db/schema.js';
import { EventNotFound, EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { withFieldErrors } from '../http/problem.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { emitWebhookEvent } from '../webhooks/webhook.emit.js';
import { isTemplateExample, readEntryWorkbook } from './entry-workbook.js';
import { ensureDefaultGroup } from './group.service.js';
import { listGroups } from './group.repository.js';
import * as places from './places.repository.js';
import {
  EntryImportConflict,
  EntryImportHasErrors,
  EntryImportOverCapacity,
  EntryImportTooLarge,
  EntryImportTooManyRows,
  EntryImportUnreadable,
} from './registration.errors.js';
import * as repository from './registration.repository.js';

/** Largest workbook accepted, in bytes; 5,000 rows of entries take about 200 KiB. */
export const MAX_ENTRY_WORKBOOK_BYTES = 2 * 1024 * 1024;
/** Most data rows in one workbook. */
export const MAX_ENTRY_WORKBOOK_ROWS = 5000;

/** Channel recorded on entries taken offline and imported from a workbook. */
export const IMPORT_CHANNEL = 'import';

/** How many rows ask for places in a group, and how many it has free. */
export interface GroupDemand {
  groupId: string;
  name: string;
  requested: number;
  free: number;
}

export interface EntryImportReport {
  mode: 'dry_run' | 'committed';
  rows: number;
  valid: number;
  errors: EntryRowError[];
  groups: GroupDemand[];
  /** Entries created; 0 on a dry run. */
  created: number;
}

interface PlannedEntry {
  row: CheckedEntryRow;
  group: EventGroupRow;
  phoneHash: string;
  idHash: string | null;
}

const ELIGIBILITY_REASONS: Record<EligibilityProblem, [column: string, reason: string]> = {
  gender: ['身份证号码', '不符合该组别的性别要求（需填写身份证号码）'],
  age_unknown: ['出生日期', '该组别有年龄要求，请填写身份证号码或出生日期'],
  too_young: ['出生日期', '比赛当天未达到该组别的最小年龄'],
  too_old: ['出生日期', '比赛当天超过该组别的最大年龄'],
};

function rowError(row: number, column: string, code: string, reason: string): EntryRowError {
  return { row, column, code, reason };
}

/** Finds the row's group: by name, or the only individual group when the column is blank. */
function groupOf(row: CheckedEntryRow, groups: EventGroupRow[]): EventGroupRow | EntryRowError {
  if (row.group === '') {
    if (groups.length === 1 && groups[0]) return groups[0];
    return rowError(row.row, '组别', 'group_required', '该赛事有多个组别，请填写组别名称');
  }
  const group = groups.find((candidate) => candidate.name === row.group);
  if (!group) {
    return rowError(row.row, '组别', 'group_unknown', `没有名为“${row.group}”的组别`);
  }
  return group;
}

/** Checks the group's entry type and its gender and age rule, on the event's start date. */
function eligibilityErrors(
  row: CheckedEntryRow,
  group: EventGroupRow,
  startsAt: Date,
): EntryRowError[] {
  if (group.entry_type === 'team') {
    return [
      rowError(row.row, '组别', 'team_group', `“${group.name}”是团体组别，请在后台按队伍报名`),
    ];
  }
  const problems = checkEligibility(
    {
      gender: group.gender,
      ...(group.min_age === null ? {} : { minAge: group.min_age }),
      ...(group.max_age === null ? {} : { maxAge: group.max_age }),
    },
    {
      name: row.name,
      phone: row.phone,
      ...(row.id ? { idNumber: row.id.id, gender: row.id.sex } : {}),
      ...(row.birthDate
        ? { birthDate: row.birthDate, age: ageOn(row.birthDate, shanghaiDate(startsAt)) }
        : {}),
    },
  );
  return problems.map((problem) => {
    const [column, reason] = ELIGIBILITY_REASONS[problem];
    return rowError(row.row, column, problem, reason);
  });
}

const PHONE_WITHOUT_ID_REASON =
  '该手机号码已用于一条未填写身份证号码的报名，同一手机号码不能再报名';
const PHONE_IN_USE_REASON = '该手机号码已有报名；未填写身份证号码时，一个手机号码只能报名一人';

/**
 * Returns the same-phone clash of a row with an earlier row of the file, by the rule of
 * `register`. A row without an ID number may share its mobile number with no earlier row. A
 * row with an ID number may not share it with an earlier row that has none.
 */
function samePhoneRowError(
  row: CheckedEntryRow,
  idHash: string | null,
  phoneHash: string,
  firstRows: { any: Map<string, number>; withoutId: Map<string, number> },
): EntryRowError | undefined {
  const earlier = idHash ? firstRows.withoutId.get(phoneHash) : firstRows.any.get(phoneHash);
  if (earlier === undefined) return undefined;
  const reason = idHash
    ? `与第 ${earlier} 行共用手机号码，而第 ${earlier} 行未填写身份证号码`
    : `与第 ${earlier} 行共用手机号码；未填写身份证号码时，一个手机号码只能报名一人`;
  return rowError(row.row, '手机号码', 'same_phone', reason);
}

/**
 * Reads and checks every row against the event's groups and its live entries: each person
 * (by ID number, else mobile number) may appear once in the file and must not already hold a
 * live entry. The same-phone rule of `register` applies across rows and against live entries.
 * Returns the planned entries and the row errors.
 */
async function planImport(
  db: Executor,
  cipher: PersonalDataCipher,
  event: { id: string; startsAt: Date },
  groups: EventGroupRow[],
  content: Buffer,
): Promise<{ rows: number; planned: PlannedEntry[]; errors: EntryRowError[] }> {
  let read;
  try {
    read = await readEntryWorkbook(content);
  } catch {
    throw new EntryImportUnreadable();
  }
  if (!read.ok) return { rows: 0, planned: [], errors: read.errors };
  if (read.rows.length > MAX_ENTRY_WORKBOOK_ROWS) {
    throw new EntryImportTooManyRows(read.rows.length, MAX_ENTRY_WORKBOOK_ROWS);
  }

  const { startsAt } = event;
  const errors: EntryRowError[] = [];
  const candidates: PlannedEntry[] = [];
  const firstRowOf = new Map<string, number>();
  const firstRowsByPhone = { any: new Map<string, number>(), withoutId: new Map<string, number>() };
  for (const { row, values } of read.rows) {
    if (isTemplateExample(values)) {
      errors.push(rowError(row, '姓名', 'example_row', '请删除模板中的示例行后再导入'));
      continue;
    }
    const checked = checkEntryRow(row, values);
    if (!checked.ok) {
      errors.push(...checked.errors);
      continue;
    }
    const group = groupOf(checked.value, groups);
    if ('code' in group) {
      errors.push(group);
      continue;
    }
    const problems = eligibilityErrors(checked.value, group, startsAt);
    if (problems.length > 0) {
      errors.push(...problems);
      continue;
    }
    const idHash = checked.value.id ? cipher.hash(checked.value.id.id) : null;
    const phoneHash = cipher.hash(checked.value.phone);
    const person = idHash ? `id:${idHash}` : `phone:${phoneHash}`;
    const first = firstRowOf.get(person);
    if (first !== undefined) {
      errors.push(
        rowError(
          row,
          idHash ? '身份证号码' : '手机号码',
          'duplicate_row',
          `与第 ${first} 行是同一人`,
        ),
      );
      continue;
    }
    const samePhone = samePhoneRowError(checked.value, idHash, phoneHash, firstRowsByPhone);
    if (samePhone) {
      errors.push(samePhone);
      continue;
    }
    firstRowOf.set(person, row);
    if (!firstRowsByPhone.any.has(phoneHash)) firstRowsByPhone.any.set(phoneHash, row);
    if (!idHash) firstRowsByPhone.withoutId.set(phoneHash, row);
    candidates.push({ row: checked.value, group, phoneHash, idHash });
  }

  const live = await repository.findLiveByPeople(db, event.id, {
    idHashes: candidates.flatMap((entry) => (entry.idHash ? [entry.idHash] : [])),
    phoneHashes: candidates.map((entry) => entry.phoneHash),
  });
  const liveIds = new Set(live.flatMap((entry) => (entry.id_hash ? [entry.id_hash] : [])));
  const livePhones = new Set(live.map((entry) => entry.phone_hash));
  const livePhonesWithoutId = new Set(
    live.flatMap((entry) => (entry.id_hash ? [] : [entry.phone_hash])),
  );
  const planned: PlannedEntry[] = [];
  for (const entry of candidates) {
    if (entry.idHash ? liveIds.has(entry.idHash) : livePhones.has(entry.phoneHash)) {
      const registered = entry.idHash === null && livePhonesWithoutId.has(entry.phoneHash);
      errors.push(
        entry.idHash || registered
          ? rowError(
              entry.row.row,
              entry.idHash ? '身份证号码' : '手机号码',
              'already_registered',
              '此人已报名本赛事',
            )
          : rowError(entry.row.row, '手机号码', 'same_phone', PHONE_IN_USE_REASON),
      );
    } else if (entry.idHash && livePhonesWithoutId.has(entry.phoneHash)) {
      errors.push(rowError(entry.row.row, '手机号码', 'same_phone', PHONE_WITHOUT_ID_REASON));
    } else {
      planned.push(entry);
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { rows: read.rows.length, planned, errors };
}

function demandOf(groups: EventGroupRow[], planned: PlannedEntry[]): GroupDemand[] {
  return groups.map((group) => ({
    groupId: group.id,
    name: group.name,
    requested: planned.filter((entry) => entry.group.id === group.id).length,
    free: Math.max(0, group.capacity - group.taken),
  }));
}

async function ownPublishedEvent(db: Db, user: Principal, eventId: string) {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);
  if (event.state !== 'published' || event.starts_at === null) throw new EventNotFound(eventId);
  return { startsAt: new Date(event.starts_at) };
}

/**
 * Checks a workbook of entries taken offline without writing anything: the row errors, and
 * for each group the places asked for against the places free now.
 */
export async function dryRunEntryImport(
  db: Db,
  cipher: PersonalDataCipher,
  user: Principal,
  eventId: string,
  content: Buffer,
): Promise<EntryImportReport> {
  if (content.length > MAX_ENTRY_WORKBOOK_BYTES) {
    throw new EntryImportTooLarge(content.length, MAX_ENTRY_WORKBOOK_BYTES);
  }
  const { startsAt } = await ownPublishedEvent(db, user, eventId);
  const groups = await listGroups(db, eventId);
  const plan = await planImport(db, cipher, { id: eventId, startsAt }, groups, content);
  return {
    mode: 'dry_run',
    rows: plan.rows,
    valid: plan.planned.length,
    errors: plan.errors,
    groups: demandOf(groups, plan.planned),
    created: 0,
  };
}

/**
 * Imports a workbook of entries taken offline, all or nothing. Under the event's lock it
 * checks every row again and takes each group's places with one conditional update, so the
 * import gets all the places it needs or none. Then it inserts the entries as active, channel
 * `import`, each with its confirmation SMS and partner webhook. Any row error, a group short
 * of places or a person who registered meanwhile rolls the whole import back.
 */
export async function commitEntryImport(
  db: Db,
  cipher: PersonalDataCipher,
  actor: { user: Principal; ip: string },
  eventId: string,
  upload: { fileName: string; content: Buffer },
): Promise<EntryImportReport> {
  if (upload.content.length > MAX_ENTRY_WORKBOOK_BYTES) {
    throw new EntryImportTooLarge(upload.content.length, MAX_ENTRY_WORKBOOK_BYTES);
  }
  await ownPublishedEvent(db, actor.user, eventId);
  try {
    return await db.transaction().execute(async (trx) => {
      const event = await places.lockEventForEntries(trx, eventId);
      if (!event || event.state !== 'published' || event.starts_at === null) {
        throw new EventNotFound(eventId);
      }
      const groups = await ensureDefaultGroup(trx, event);
      const plan = await planImport(
        trx,
        cipher,
        { id: eventId, startsAt: new Date(event.starts_at) },
        groups,
        upload.content,
      );
      if (plan.errors.length > 0) {
        throw withFieldErrors(
          new EntryImportHasErrors(plan.errors.length),
          plan.errors.map((error) => ({
            field: `${error.row}:${error.column}`,
            code: error.code,
            message: error.reason,
          })),
        );
      }
      const demand = demandOf(groups, plan.planned);
      for (const group of demand) {
        if (group.requested === 0) continue;
        if (!(await places.takePlaces(trx, group.groupId, group.requested))) {
          throw new EntryImportOverCapacity(group.name, group.requested, group.free);
        }
      }
      for (const entry of plan.planned) {
        const id = uuidv7();
        await repository.insertRegistration(trx, {
          id,
          event_id: eventId,
          group_id: entry.group.id,
          code: randomCode(),
          name: entry.row.name,
          phone_ciphertext: cipher.encrypt(entry.row.phone),
          phone_hash: entry.phoneHash,
          phone_masked: maskMobile(entry.row.phone),
          id_ciphertext: entry.row.id ? cipher.encrypt(entry.row.id.id) : null,
          id_hash: entry.idHash,
          id_masked: entry.row.id ? maskResidentId(entry.row.id.id) : null,
          // The paper form that the desk collected holds the entrant's consent to the ID number.
          id_consent_at: entry.row.id ? sql<Date>`now()` : null,
          status: 'active',
          channel: IMPORT_CHANNEL,
        });
        await repository.insertNotification(trx, {
          id: uuidv7(),
          kind: 'registration.confirmed',
          eventId,
          registrationId: id,
          payload: { registrationId: id, eventId },
        });
        await emitWebhookEvent(trx, {
          action: 'registration.created',
          resourceType: 'registration',
          resourceId: id,
          eventId,
        });
      }
      await recordAudit(trx, {
        actorUserId: actor.user.id,
        actorIp: actor.ip,
        action: 'registrations.imported',
        entityType: 'event',
        entityId: eventId,
        detail: { fileName: upload.fileName, created: plan.planned.length },
      });
      return {
        mode: 'committed' as const,
        rows: plan.rows,
        valid: plan.planned.length,
        errors: [],
        groups: demand,
        created: plan.planned.length,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new EntryImportConflict();
    throw error;
  }
}
