import { sql } from 'kysely';

import type { Executor } from '../db/database.js';
import type { ReportJobRow } from '../db/schema.js';
import { microsecondInstantOf } from '../shared/cursor.js';

/** How long a worker holds a running job before another worker may take it over. */
const LEASE_MINUTES = 10;

export async function insertReportJob(
  db: Executor,
  job: {
    id: string;
    kind: ReportJobRow['kind'];
    period: string;
    divisionCode: string;
    requestedBy: string;
    organisationId: string;
  },
): Promise<ReportJobRow> {
  return db
    .insertInto('report_jobs')
    .values({
      id: job.id,
      kind: job.kind,
      period: job.period,
      division_code: job.divisionCode,
      requested_by: job.requestedBy,
      organisation_id: job.organisationId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// Two-key advisory lock class of report requests, apart from the other classes in use.
const REQUEST_LOCK_CLASS = 6101;

/**
 * Serialises report requests of one user for one kind, period and division until the
 * transaction ends, so that two identical requests cannot both miss the other's job.
 */
export async function lockReportRequest(
  db: Executor,
  job: { requestedBy: string; kind: string; period: string; divisionCode: string },
) {
  const key = `${job.requestedBy}|${job.kind}|${job.period}|${job.divisionCode}`;
  await sql`select pg_advisory_xact_lock(${sql.lit(REQUEST_LOCK_CLASS)}, hashtext(${key}))`.execute(
    db,
  );
}

/** Finds the user's queued or running job of the same kind, period and division, if any. */
export async function findPendingReportJob(
  db: Executor,
  job: { requestedBy: string; kind: ReportJobRow['kind']; period: string; divisionCode: string },
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('report_jobs')
    .select('id')
    .where('requested_by', '=', job.requestedBy)
    .where('kind', '=', job.kind)
    .where('period', '=', job.period)
    .where('division_code', '=', job.divisionCode)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/** A report job with the names a listing shows and the requester's account type. */
export type ReportJobView = ReportJobRow & {
  division_name: string;
  requested_by_name: string;
  requested_by_type: string;
  organisation_name: string;
};

function jobsWithNames(db: Executor) {
  return db
    .selectFrom('report_jobs')
    .innerJoin('divisions', 'divisions.code', 'report_jobs.division_code')
    .innerJoin('users', 'users.id', 'report_jobs.requested_by')
    .innerJoin('organisations', 'organisations.id', 'report_jobs.organisation_id')
    .selectAll('report_jobs')
    .select([
      'divisions.name as division_name',
      'users.display_name as requested_by_name',
      'users.account_type as requested_by_type',
      'organisations.name as organisation_name',
    ]);
}

export async function findReportJob(db: Executor, id: string): Promise<ReportJobView | undefined> {
  return jobsWithNames(db).where('report_jobs.id', '=', id).executeTakeFirst();
}

/**
 * Lists an organisation's reports, newest first, after the cursor's position. `position` is
 * the creation time as `microsecondInstantOf` writes it, for the next cursor.
 */
export async function listReportJobs(
  db: Executor,
  organisationId: string,
  limit: number,
  after?: { createdAt: string; id: string },
): Promise<(ReportJobView & { position: string })[]> {
  let query = jobsWithNames(db)
    .select(microsecondInstantOf('report_jobs.created_at').as('position'))
    .where('report_jobs.organisation_id', '=', organisationId)
    .orderBy('report_jobs.created_at', 'desc')
    .orderBy('report_jobs.id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where(
      sql<boolean>`(report_jobs.created_at, report_jobs.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return query.execute();
}

/**
 * Claims the oldest queued job, or a running one whose lease lapsed (its worker died), and
 * marks it running under a new lease. `skip locked` lets several workers claim at once.
 */
export async function claimReportJob(db: Executor): Promise<ReportJobRow | undefined> {
  const { rows } = await sql<ReportJobRow>`
    update report_jobs
    set status = 'running', progress = 0, attempts = attempts + 1, started_at = now(),
        lease_until = now() + make_interval(mins => ${LEASE_MINUTES})
    where id = (
      select id from report_jobs
      where status = 'queued' or (status = 'running' and lease_until < now())
      order by created_at, id
      limit 1
      for update skip locked
    )
    returning *`.execute(db);
  return rows[0];
}

export async function setReportProgress(db: Executor, id: string, progress: number) {
  await db
    .updateTable('report_jobs')
    .set({ progress, lease_until: sql`now() + make_interval(mins => ${LEASE_MINUTES})` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function completeReportJob(
  db: Executor,
  id: string,
  files: { xlsxBytes: number; xlsxSha256: string; pdfBytes: number; pdfSha256: string },
) {
  await db
    .updateTable('report_jobs')
    .set({
      status: 'done',
      progress: 100,
      finished_at: sql`now()`,
      lease_until: null,
      xlsx_bytes: files.xlsxBytes,
      xlsx_sha256: files.xlsxSha256,
      pdf_bytes: files.pdfBytes,
      pdf_sha256: files.pdfSha256,
    })
    .where('id', '=', id)
    .execute();
}

export async function failReportJob(db: Executor, id: string, error: string) {
  await db
    .updateTable('report_jobs')
    .set({ status: 'failed', finished_at: sql`now()`, lease_until: null, error })
    .where('id', '=', id)
    .execute();
}
