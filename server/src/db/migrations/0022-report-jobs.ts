import { sql, type Kysely } from 'kysely';

/**
 * Adds `report_jobs`: one row per requested report, generated in the background. The row is
 * the job (status and progress from 0 to 100) and, once done, the record of the stored
 * .xlsx and PDF files under REPORTS_DIR/<id>/.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_jobs (
      id uuid primary key,
      kind text not null check (kind in ('monthly', 'quarterly', 'annual')),
      period text not null,
      division_code text not null references divisions (code),
      requested_by uuid not null references users (id),
      organisation_id uuid not null references organisations (id),
      status text not null default 'queued'
        check (status in ('queued', 'running', 'done', 'failed')),
      progress integer not null default 0 check (progress between 0 and 100),
      error text,
      xlsx_bytes integer,
      xlsx_sha256 text,
      pdf_bytes integer,
      pdf_sha256 text,
      attempts integer not null default 0,
      lease_until timestamptz,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      check ((status = 'done') = (xlsx_sha256 is not null and pdf_sha256 is not null)),
      check (status <> 'done' or progress = 100)
    )`.execute(db);
  await sql`
    create index report_jobs_archive on report_jobs (organisation_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`
    create index report_jobs_due on report_jobs (created_at)
      where status in ('queued', 'running')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table report_jobs`.execute(db);
}
