import { createHash } from 'node:crypto';

import {
  fileNameTitle,
  organisationBasisText,
  parseReportPeriod,
  REPORT_KIND_LABELS,
  type ReportKind,
  type ReportPeriod,
} from '@cityleague/domain';
import type { FastifyBaseLogger } from 'fastify';

import { OutOfScope } from '../accounts/account.errors.js';
import { findPrincipal, type Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-context.js';
import { ORGANISATION_BASIS } from '../dashboards/dashboard.service.js';
import type { Db } from '../db/database.js';
import { getDivision, isWithin } from '../divisions/division.service.js';
import { InvalidCursor } from '../http/problem.js';
import { decodeCursor, encodeCursor, isMicrosecondInstant } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import { gatherReportContent } from './report-content.js';
import type { ReportFiles, ReportFormat } from './report-files.js';
import { writeReportPdf } from './report-pdf.js';
import { writeReportWorkbook } from './report-workbook.js';
import {
  ReportFuturePeriod,
  ReportNotFound,
  ReportNotReady,
  ReportPeriodInvalid,
} from './report.errors.js';
import * as repository from './report.repository.js';

const PAGE_SIZE = 20;

/**
 * Titles a report as the dashboard names its figures. When only the requester's organisation's
 * events count (a contractor's or the community sports association's report), the title starts
 * with the organisation's name: `<organisation> · <division> · <period><kind>`. Otherwise it is
 * `<division><period><kind>`.
 */
export function reportTitle(job: repository.ReportJobView): string {
  const period = parseReportPeriod(job.kind, job.period);
  const periodName = `${period?.label ?? job.period}${REPORT_KIND_LABELS[job.kind]}`;
  if (ORGANISATION_BASIS.includes(job.requested_by_type)) {
    return `${job.organisation_name} · ${job.division_name} · ${periodName}`;
  }
  return `${job.division_name}${periodName}`;
}

/** Shapes a report job as the archive lists it. */
export function reportView(job: repository.ReportJobView) {
  const period = parseReportPeriod(job.kind, job.period);
  return {
    id: job.id,
    title: reportTitle(job),
    kind: job.kind,
    period: job.period,
    periodLabel: period?.label ?? job.period,
    division: { code: job.division_code, name: job.division_name },
    requestedBy: job.requested_by_name,
    status: job.status,
    progress: job.progress,
    error: job.error,
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
    files:
      job.status === 'done'
        ? { xlsxBytes: job.xlsx_bytes ?? 0, pdfBytes: job.pdf_bytes ?? 0 }
        : null,
  };
}

/**
 * Tells whether a period starts after the current month in Asia/Shanghai. A quarter or year
 * that contains the current month has begun, so only one whose first month is later is in the
 * future.
 */
export function isFuturePeriod(period: ReportPeriod, now = new Date()): boolean {
  const shanghai = new Date(now.getTime() + 8 * 60 * 60 * 1000);
  const year = shanghai.getUTCFullYear();
  const month = shanghai.getUTCMonth() + 1;
  return period.year > year || (period.year === year && period.startMonth > month);
}

/**
 * Queues a report of the user's scope, or of a division within it (ACC_OUT_OF_SCOPE
 * otherwise), and audits the request. A period that has not begun is RPT_FUTURE_PERIOD. When
 * the user already has an identical report queued or running, that job is returned with
 * `reused` set in place of a new one.
 */
export async function requestReport(
  db: Db,
  user: Principal,
  input: { kind: ReportKind; period: string; division?: string },
  actor: AuditActor,
) {
  const period = parseReportPeriod(input.kind, input.period);
  if (!period) throw new ReportPeriodInvalid(input.period, input.kind);
  if (isFuturePeriod(period)) throw new ReportFuturePeriod(period.key);
  const home = await getDivision(db, user.divisionCode);
  const scope = input.division ? await getDivision(db, input.division) : home;
  if (!isWithin(scope, home)) throw new OutOfScope(scope.code);

  const job = {
    kind: input.kind,
    period: period.key,
    divisionCode: scope.code,
    requestedBy: user.id,
  };
  const { id, reused } = await db.transaction().execute(async (trx) => {
    await repository.lockReportRequest(trx, job);
    const pending = await repository.findPendingReportJob(trx, job);
    if (pending) return { id: pending.id, reused: true };
    const newId = uuidv7();
    await repository.insertReportJob(trx, {
      ...job,
      id: newId,
      organisationId: user.organisationId,
    });
    await recordAudit(trx, {
      ...actor,
      action: 'report.requested',
      entityType: 'report',
      entityId: newId,
      detail: { kind: input.kind, period: period.key, divisionCode: scope.code },
    });
    return { id: newId, reused: false };
  });
  return { ...reportView((await repository.findReportJob(db, id))!), reused };
}

/**
 * Loads a report that the user may see: one requested by the user's organisation for a
 * division within the user's scope. Anything else is RPT_NOT_FOUND, so a response never reveals
 * that another district's report exists.
 */
async function visibleReport(db: Db, user: Principal, id: string) {
  const job = await repository.findReportJob(db, id);
  if (!job || job.organisation_id !== user.organisationId) throw new ReportNotFound(id);
  const home = await getDivision(db, user.divisionCode);
  const scope = await getDivision(db, job.division_code);
  if (!isWithin(scope, home)) throw new ReportNotFound(id);
  return job;
}

export async function getReport(db: Db, user: Principal, id: string) {
  return reportView(await visibleReport(db, user, id));
}

/** Lists the reports of the user's organisation within the user's scope, newest first. */
export async function listReports(db: Db, user: Principal, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, ['createdAt', 'id'] as const) : undefined;
  if (cursor && !(after && isMicrosecondInstant(after.createdAt))) throw new InvalidCursor();
  const home = await getDivision(db, user.divisionCode);
  const jobs = await repository.listReportJobs(db, user.organisationId, PAGE_SIZE + 1, after);
  const page = jobs.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  const visible = [];
  for (const job of page) {
    if (isWithin(await getDivision(db, job.division_code), home)) visible.push(reportView(job));
  }
  return {
    items: visible,
    nextCursor:
      jobs.length > PAGE_SIZE && last
        ? encodeCursor({ createdAt: last.position, id: last.id })
        : null,
  };
}

/** Reads a finished report's file and audits the download in the same transaction. */
export async function downloadReport(
  db: Db,
  files: ReportFiles,
  user: Principal,
  id: string,
  format: ReportFormat,
  actor: AuditActor,
) {
  const job = await visibleReport(db, user, id);
  if (job.status !== 'done') throw new ReportNotReady(id, job.status);
  const content = await files.read(job.id, format);
  await recordAudit(db, {
    ...actor,
    action: 'report.downloaded',
    entityType: 'report',
    entityId: job.id,
    detail: { format, kind: job.kind, period: job.period, divisionCode: job.division_code },
  });
  return { content, fileName: `${fileNameTitle(reportTitle(job))}.${format}` };
}

/**
 * Returns the events a report counts in the dashboard's words: an organiser's own events, with
 * the organisation named, or every event of the division.
 */
export function reportBasisLabel(requester: Principal): string {
  if (!ORGANISATION_BASIS.includes(requester.accountType)) return '辖区内全部赛事';
  const basis = organisationBasisText(requester.accountType);
  return `${basis}（本单位：${requester.organisationName}）`;
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Generates one claimed report: gathers the figures as the requester would count them today,
 * writes the .xlsx and the PDF, and marks the job done. Progress goes from 0 to 100 in the
 * job's row as it goes.
 */
async function generate(db: Db, files: ReportFiles, job: repository.ReportJobView) {
  const requester = await findPrincipal(db, job.requested_by);
  if (!requester) throw new Error(`Requester ${job.requested_by} of report ${job.id} not found`);
  const period = parseReportPeriod(job.kind, job.period);
  if (!period) throw new Error(`Report ${job.id} has an invalid period ${job.period}`);
  const scope = await getDivision(db, job.division_code);
  const basisLabel = reportBasisLabel(requester);

  const progress = (value: number) => repository.setReportProgress(db, job.id, value);
  const content = await gatherReportContent(
    db,
    { user: requester, scope, period },
    { title: reportTitle(job), basisLabel },
    progress,
  );
  const workbook = await writeReportWorkbook(content);
  await files.write(job.id, 'xlsx', workbook);
  await progress(75);
  const pdf = await writeReportPdf(content);
  await files.write(job.id, 'pdf', pdf);
  await progress(95);
  await repository.completeReportJob(db, job.id, {
    xlsxBytes: workbook.length,
    xlsxSha256: sha256(workbook),
    pdfBytes: pdf.length,
    pdfSha256: sha256(pdf),
  });
}

/**
 * Claims and generates due report jobs one after another until none is left. A job whose
 * generation throws is marked failed with the error's message. Returns the number of jobs run.
 */
export async function runReportJobs(
  db: Db,
  files: ReportFiles,
  log?: FastifyBaseLogger,
): Promise<number> {
  let count = 0;
  for (;;) {
    const claimed = await repository.claimReportJob(db);
    if (!claimed) return count;
    count += 1;
    const job = (await repository.findReportJob(db, claimed.id))!;
    try {
      await generate(db, files, job);
      log?.info({ reportId: job.id, kind: job.kind }, 'report generated');
    } catch (error) {
      log?.error({ err: error, reportId: job.id }, 'report generation failed');
      await files.remove(job.id);
      await repository.failReportJob(db, job.id, (error as Error).message.slice(0, 500));
    }
  }
}

/**
 * Runs `runReportJobs` every `intervalMs` until the returned function is called. `wake()`
 * starts a round at once, as after a new request.
 */
export function startReportWorker(
  db: Db,
  files: ReportFiles,
  log: FastifyBaseLogger,
  intervalMs = 5_000,
) {
  return startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'report round failed',
    round: () => runReportJobs(db, files, log),
  });
}
