import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db } from '../db/database.js';
import type { DocumentStore } from '../documents/document-store.js';
import { startPeriodicJob } from '../shared/periodic-job.js';

/** Age in hours after which an upload that no registration claimed is deleted. */
export const UNCLAIMED_ATTACHMENT_MAX_AGE_HOURS = 24;
/** Most rows deleted in one transaction, so a large backlog does not hold long locks. */
const CLEANUP_BATCH = 200;

/**
 * Deletes uploaded files that no registration claimed within `maxAgeHours`: an entrant who
 * uploads a file and never completes the form leaves one behind. The rows are taken with
 * `for update skip locked`, so two processes that run this at once split the rows and never
 * delete one twice. A registration that claims a file at the same moment either locks the row
 * first (and the row is skipped) or waits and then finds it gone (and the registration fails
 * with unknown_file). The files are removed after each batch commits, and a file that cannot
 * be removed is logged and left on disk. Returns the number of rows deleted.
 */
export async function deleteUnclaimedAttachments(
  db: Db,
  store: DocumentStore,
  log: FastifyBaseLogger,
  maxAgeHours = UNCLAIMED_ATTACHMENT_MAX_AGE_HOURS,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.transaction().execute(async (trx) => {
      const result = await sql<{ id: string; event_id: string }>`
        delete from registration_attachments
        where id in (
          select id from registration_attachments
          where registration_id is null
            and created_at < now() - make_interval(hours => ${maxAgeHours})
          order by created_at
          limit ${CLEANUP_BATCH}
          for update skip locked
        )
        returning id, event_id`.execute(trx);
      return result.rows;
    });
    for (const row of rows) {
      const { fileError } = await store.removeCommitted(row.event_id, row.id);
      if (fileError) {
        log.error(
          { err: fileError, attachmentId: row.id, eventId: row.event_id },
          'unclaimed attachment file not removed',
        );
      }
    }
    deleted += rows.length;
    if (rows.length < CLEANUP_BATCH) return deleted;
  }
}

/** Runs `deleteUnclaimedAttachments` every `intervalMs` until the returned function is called. */
export function startAttachmentCleanup(
  db: Db,
  store: DocumentStore,
  log: FastifyBaseLogger,
  intervalMs = 60 * 60_000,
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'attachment cleanup round failed',
    round: async () => {
      const count = await deleteUnclaimedAttachments(db, store, log);
      if (count > 0) log.info({ deleted: count }, 'unclaimed attachments deleted');
    },
  });
  return job.stop;
}
