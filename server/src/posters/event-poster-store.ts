import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';

import type { Db, Executor } from '../db/database.js';
import { startPeriodicJob } from '../shared/periodic-job.js';
import type { PosterRenderer, PosterRequest } from './poster.service.js';

/**
 * Renderings of stored posters that may run at once per process. A rendering keeps its
 * transaction's database connection, so this also bounds the connections it takes.
 */
const MAX_CONCURRENT_RENDERINGS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withRenderingSlot<T>(work: () => Promise<T>): Promise<T> {
  while (running >= MAX_CONCURRENT_RENDERINGS) {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

let renderCount = 0;

/** Number of event posters rendered by this process, stored posters excluded. */
export function eventPosterRenderCount(): number {
  return renderCount;
}

async function findStoredPoster(db: Executor, eventId: string, width: number) {
  return db
    .selectFrom('event_poster_files')
    .select(['fingerprint', 'bytes'])
    .where('event_id', '=', eventId)
    .where('width', '=', width)
    .executeTakeFirst();
}

/**
 * Reads an event's poster PNG at `poster.width` from event_poster_files, or renders and stores
 * it there, so that one instance renders it and the others read it. `fingerprint` is the hash of everything the poster draws, and a
 * stored PNG with another fingerprint is rendered again and replaced. Requests that find no
 * current PNG render under an advisory lock on the event and width and read the table again
 * once they hold it, so simultaneous first requests on any instance render once.
 */
export async function eventPosterPng(
  db: Db,
  renderer: PosterRenderer,
  eventId: string,
  poster: PosterRequest,
  fingerprint: string,
): Promise<Buffer> {
  const stored = await findStoredPoster(db, eventId, poster.width);
  if (stored?.fingerprint === fingerprint) return stored.bytes;

  return withRenderingSlot(() =>
    db.transaction().execute(async (trx) => {
      const key = `event-poster:${eventId}:${poster.width}`;
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
      const current = await findStoredPoster(trx, eventId, poster.width);
      if (current?.fingerprint === fingerprint) return current.bytes;

      renderCount += 1;
      const bytes = await renderer.render(poster);
      const values = { fingerprint, bytes, rendered_at: sql<Date>`now()` };
      await trx
        .insertInto('event_poster_files')
        .values({ event_id: eventId, width: poster.width, ...values })
        .onConflict((conflict) => conflict.columns(['event_id', 'width']).doUpdateSet(values))
        .execute();
      return bytes;
    }),
  );
}

/** Days after an event's end for which its stored posters are kept. */
export const POSTER_RETENTION_DAYS = 30;

/**
 * Deletes the stored posters of events that are no longer published or that ended more than
 * POSTER_RETENTION_DAYS ago, so the table keeps only the posters citizens still open. A later
 * request for a deleted poster of a published event renders and stores it again. Returns the
 * number of posters deleted.
 */
export async function pruneEventPosterFiles(db: Executor): Promise<number> {
  const result = await db
    .deleteFrom('event_poster_files')
    .where('event_id', 'in', (eb) =>
      eb
        .selectFrom('events')
        .select('events.id')
        .where((where) =>
          where.or([
            where('events.state', '<>', 'published'),
            where(
              'events.ends_at',
              '<',
              sql<Date>`now() - make_interval(days => ${POSTER_RETENTION_DAYS})`,
            ),
          ]),
        ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Runs pruneEventPosterFiles every `intervalMs` (6 hours by default); returns a stop function. */
export function startEventPosterPrune(
  db: Db,
  log: FastifyBaseLogger,
  intervalMs = 6 * 60 * 60_000,
): () => void {
  const job = startPeriodicJob({
    intervalMs,
    log,
    failureMessage: 'deleting stored posters failed',
    round: async () => {
      const count = await pruneEventPosterFiles(db);
      if (count > 0) log.info({ count }, 'deleted stored posters of past and withdrawn events');
    },
  });
  return job.stop;
}
