import { shanghaiDateTime, toCsv, type FormField } from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { RegistrationRow } from '../db/schema.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { loadRegistrationForm } from '../forms/form.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { writeTextWorkbook, type SheetColumn } from './entry-workbook.js';
import { EntryExportTooLarge } from './registration.errors.js';
import * as repository from './registration.repository.js';

/** Maximum entries in one export; a city's biggest events have a few tens of thousands. */
export const ENTRY_EXPORT_MAX_ROWS = 100_000;

export type EntryExportFormat = 'xlsx' | 'csv';

const STATUS_LABELS: Record<string, string> = {
  active: '有效',
  waiting: '候补中',
  offered: '候补待确认',
  cancelled: '已取消',
};

const CHANNEL_LABELS: Record<string, string> = {
  web: '线上报名',
  console: '后台录入',
  import: '线下导入',
  partner: '合作平台',
  on_site: '现场报名',
};

const COLUMNS: SheetColumn[] = [
  { header: '报名码', width: 14 },
  { header: '姓名', width: 14 },
  { header: '手机号码', width: 16 },
  { header: '身份证号码', width: 22 },
  { header: '组别', width: 16 },
  { header: '报名状态', width: 12 },
  { header: '报名渠道', width: 12 },
  { header: '报名时间', width: 20 },
  { header: '签到时间', width: 20 },
  { header: '取消时间', width: 20 },
  { header: '取消原因', width: 30 },
];

function time(value: Date | string | null): string {
  return value === null ? '' : shanghaiDateTime(new Date(value));
}

type ExportRow = RegistrationRow & { group_name: string };

function cellsOf(row: ExportRow, cipher: PersonalDataCipher, unmasked: boolean): string[] {
  const phone = unmasked ? cipher.decrypt(row.phone_ciphertext) : row.phone_masked;
  let id = row.id_masked ?? '';
  if (unmasked && row.id_ciphertext) id = cipher.decrypt(row.id_ciphertext);
  return [
    row.code,
    row.name,
    phone,
    id,
    row.group_name,
    STATUS_LABELS[row.status] ?? row.status,
    CHANNEL_LABELS[row.channel] ?? row.channel,
    time(row.created_at),
    time(row.checked_in_at),
    time(row.cancelled_at),
    row.cancel_reason ?? '',
  ];
}

/**
 * Writes one answer to a custom field as the organiser reads it: a choice by its label, several
 * choices joined by 、, a file as 已上传 (the file itself is downloaded in the console).
 */
export function answerText(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const label = (choice: unknown) =>
    field.options?.find((option) => option.value === choice)?.label ?? String(choice);
  if (field.type === 'file') return '已上传';
  if (field.type === 'single_choice') return label(value);
  if (field.type === 'multiple_choice' && Array.isArray(value)) return value.map(label).join('、');
  return String(value);
}

/**
 * Exports every entry of the organiser's event, one row per person, as .xlsx or as CSV (UTF-8
 * with a byte order mark, every cell that could start a formula neutralised). Mobile and ID
 * numbers are masked unless `unmasked` is asked for. Each custom field of the event's form
 * follows as a column headed by its label. Each export writes an
 * `export.registrations` audit entry with the format, the row count and whether identifiers
 * were shown, never the values.
 */
export async function exportEntries(
  db: Db,
  cipher: PersonalDataCipher,
  actor: { user: Principal; ip: string },
  eventId: string,
  options: { format: EntryExportFormat; unmasked: boolean },
): Promise<{ eventName: string; body: Buffer }> {
  const event = await getVisibleEvent(db, actor.user, eventId);
  if (event.organisation_id !== actor.user.organisationId) throw new EventNotOwned(eventId);

  const rows = await repository.listForExport(db, eventId, ENTRY_EXPORT_MAX_ROWS);
  if (rows.length > ENTRY_EXPORT_MAX_ROWS) throw new EntryExportTooLarge(ENTRY_EXPORT_MAX_ROWS);
  const { fields } = (await loadRegistrationForm(db, eventId)).form;
  const columns: SheetColumn[] = [
    ...COLUMNS,
    ...fields.map((field) => ({ header: field.label, width: 20 })),
  ];
  const cells = rows.map((row) => [
    ...cellsOf(row, cipher, options.unmasked),
    ...fields.map((field) => answerText(field, row.answers[field.key])),
  ]);
  const body =
    options.format === 'csv'
      ? Buffer.from(toCsv([columns.map((column) => column.header), ...cells]), 'utf8')
      : await writeTextWorkbook('报名名单', columns, cells);

  await recordAudit(db, {
    actorUserId: actor.user.id,
    actorIp: actor.ip,
    action: 'export.registrations',
    entityType: 'event',
    entityId: eventId,
    detail: { format: options.format, rows: rows.length, unmasked: options.unmasked },
  });
  return { eventName: event.name, body };
}
