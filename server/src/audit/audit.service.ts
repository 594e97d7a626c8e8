import {
  auditActionLabel,
  auditEntityTypeLabel,
  AUDIT_OUTCOMES,
  shanghaiDateTime,
} from '@cityleague/domain';
import ExcelJS from 'exceljs';

import type { Db } from '../db/database.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor, isDecimalInteger } from '../shared/cursor.js';
import type { AuditActor } from './audit-context.js';
import { AuditExportTooLarge, InvalidAuditRange } from './audit.errors.js';
import { countEntries, filteredEntries, type AuditFilter, type AuditRow } from './audit-query.js';
import { recordAudit } from './audit.repository.js';

/** Most entries one export may hold; a larger selection must be narrowed first. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

const CURSOR_KEYS = ['seq'] as const;

function checkRange(filter: AuditFilter) {
  if (filter.from && filter.to && new Date(filter.from) > new Date(filter.to)) {
    throw new InvalidAuditRange(filter.from, filter.to);
  }
}

/** Converts a row to the audit entry that the viewer receives. */
export function toAuditEntryView(row: AuditRow) {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor:
      row.actor_user_id === null
        ? null
        : {
            id: row.actor_user_id,
            username: row.actor_username ?? '',
            displayName: row.actor_display_name ?? '',
          },
    partner:
      row.actor_partner_id === null
        ? null
        : { id: row.actor_partner_id, name: row.actor_partner_name ?? '' },
    organisation:
      row.organisation_id === null
        ? null
        : { id: row.organisation_id, name: row.organisation_name ?? '' },
    ip: row.actor_ip,
    userAgent: row.user_agent,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    outcome: row.outcome,
    detail: row.detail,
    changes: row.changes,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Lists matching audit entries, newest first, a page at a time. */
export async function listAuditEntries(
  db: Db,
  filter: AuditFilter & { cursor?: string; limit?: number },
) {
  checkRange(filter);
  const limit = filter.limit ?? 50;
  let query = filteredEntries(db, filter).limit(limit + 1);
  if (filter.cursor) {
    const position = decodeCursor(filter.cursor, CURSOR_KEYS);
    // The list reads the bigint seq as a JavaScript number, so it writes safe integers only.
    const maximum = BigInt(Number.MAX_SAFE_INTEGER);
    if (!position || !isDecimalInteger(position.seq, maximum)) throw new InvalidCursor();
    query = query.where('audit_log.seq', '<', Number(position.seq));
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ seq: String(last.seq) }) : null;
  return { items: page.map(toAuditEntryView), nextCursor };
}

/**
 * Builds an .xlsx workbook of the matching entries, newest first, and audits the export in
 * the transaction that reads them. Raises AUD_EXPORT_TOO_LARGE above 10,000 entries.
 */
export async function exportAuditEntries(
  db: Db,
  actor: AuditActor,
  filter: AuditFilter,
): Promise<{ workbook: Buffer; count: number }> {
  checkRange(filter);
  const rows = await db.transaction().execute(async (trx) => {
    const count = await countEntries(trx, filter);
    if (count > AUDIT_EXPORT_MAX_ROWS) throw new AuditExportTooLarge(count, AUDIT_EXPORT_MAX_ROWS);
    const selected = await filteredEntries(trx, filter).limit(AUDIT_EXPORT_MAX_ROWS).execute();
    await recordAudit(trx, {
      ...actor,
      action: 'audit.exported',
      entityType: 'audit_log',
      entityId: selected.length > 0 ? `${selected.at(-1)!.seq}-${selected[0]!.seq}` : '-',
      detail: { filter: { ...filter }, count: selected.length },
    });
    return selected;
  });
  return { workbook: await buildWorkbook(rows), count: rows.length };
}

const COLUMNS = [
  { header: '序号', width: 10 },
  { header: '时间', width: 22 },
  { header: '操作', width: 18 },
  { header: '操作代码', width: 22 },
  { header: '结果', width: 8 },
  { header: '用户名', width: 16 },
  { header: '姓名', width: 16 },
  { header: '单位', width: 28 },
  { header: 'IP', width: 16 },
  { header: '对象类型', width: 12 },
  { header: '对象', width: 38 },
  { header: '变更前后', width: 50 },
  { header: '详情', width: 50 },
  { header: '浏览器', width: 40 },
  { header: '哈希', width: 66 },
];

async function buildWorkbook(rows: AuditRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('审计日志');
  sheet.columns = COLUMNS.map((column) => ({ header: column.header, width: column.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) {
    sheet.addRow([
      Number(row.seq),
      shanghaiDateTime(new Date(row.at)),
      auditActionLabel(row.action),
      row.action,
      AUDIT_OUTCOMES[row.outcome] ?? row.outcome,
      row.actor_username ?? '',
      row.actor_display_name ?? row.actor_partner_name ?? '',
      row.organisation_name ?? '',
      row.actor_ip ?? '',
      auditEntityTypeLabel(row.entity_type),
      row.entity_id,
      row.changes ? JSON.stringify(row.changes) : '',
      JSON.stringify(row.detail),
      row.user_agent ?? '',
      row.hash,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
