import {
  checkResultFigures,
  describeResult,
  formatResultTime,
  maskName,
  parseResultTime,
  parseScore,
  type ResultFigures,
  type ResultStatus,
} from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import { recordAudit } from '../audit/audit.repository.js';
import { phoneHashOfCitizen } from '../citizens/citizen.service.js';
import type { Db, Executor, Trx } from '../db/database.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import { getPublishedEvent } from '../events/public-event.service.js';
import { InvalidCursor, withFieldErrors, type FieldError } from '../http/problem.js';
import { decodeCursor, encodeCursor, isDecimalInteger } from '../shared/cursor.js';
import { uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { emitResultsPublished } from '../webhooks/webhook.emit.js';
import {
  ResultEntryNotFound,
  ResultEventNotPublished,
  ResultInvalid,
  ResultNotFound,
  ResultsEmpty,
  ResultsNotPublished,
} from './result.errors.js';
import * as repository from './result.repository.js';

/** The organiser acting, for ownership checks and the audit log. */
export interface ResultActor {
  user: Principal;
  ip: string;
  userAgent: string | null;
}

/** A result as the API returns it: the figures, the time formatted and a Chinese summary. */
export function toResultView(row: {
  status: ResultStatus;
  rank: number | null;
  time_ms: number | null;
  score: string | null;
}) {
  const figures: ResultFigures = {
    status: row.status,
    rank: row.rank,
    timeMs: row.time_ms,
    score: row.score === null ? null : String(Number(row.score)),
  };
  return {
    status: figures.status,
    rank: figures.rank,
    time: figures.timeMs === null ? null : formatResultTime(figures.timeMs),
    score: figures.score,
    text: describeResult(figures),
  };
}

/** Loads an event that the user may see and whose organisation is the user's. */
export async function ownedEvent(db: Executor, user: Principal, eventId: string) {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);
  return event;
}

/** Locks a published event for a change of its results; other states get RES_EVENT_NOT_PUBLISHED. */
export async function lockPublishedEvent(trx: Trx, eventId: string) {
  const event = await repository.lockEvent(trx, eventId);
  if (!event || event.state !== 'published') throw new ResultEventNotPublished(eventId);
  return event;
}

/**
 * Brings certificates and notices up to date after results changed. Before publication
 * nothing is issued; after it, new finishers get certificates, entries that lost their finish
 * lose theirs, and entrants with a new result get their one results notice.
 */
export async function afterResultsChanged(trx: Trx, eventId: string) {
  if (!(await repository.findPublication(trx, eventId))) return;
  await repository.syncCertificates(trx, eventId);
  await repository.queueResultNotices(trx, eventId);
}

const CONSOLE_CURSOR = ['id'] as const;

/** Lists an event's active entries with their results for its organiser, in registration order. */
export async function listConsoleResults(
  db: Db,
  user: Principal,
  eventId: string,
  page: { groupId?: string; cursor?: string; limit?: number },
) {
  await ownedEvent(db, user, eventId);
  const limit = page.limit ?? 50;
  let afterId: string | undefined;
  if (page.cursor) {
    afterId = decodeCursor(page.cursor, CONSOLE_CURSOR)?.id;
    if (!afterId) throw new InvalidCursor();
  }
  const rows = await repository.listEntriesWithResults(db, eventId, {
    groupId: page.groupId,
    afterId,
    limit,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const publication = await repository.findPublication(db, eventId);
  return {
    items: items.map((row) => ({
      registrationId: row.id,
      code: row.code,
      name: row.name,
      groupId: row.group_id,
      groupName: row.group_name,
      result: row.status === null ? null : toResultView({ ...row, status: row.status }),
      certificateCode: row.certificate_code,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
    groups: await repository.groupsOf(db, eventId),
    counts: await repository.countResults(db, eventId),
    publishedAt: publication ? new Date(publication.published_at).toISOString() : null,
  };
}

/** A result as the organiser enters it in the console. */
export interface ResultInput {
  status: ResultStatus;
  rank: number | null;
  time: string | null;
  score: string | null;
}

function checkInput(input: ResultInput): ResultFigures {
  const errors: FieldError[] = [];
  let timeMs: number | null = null;
  if (input.time !== null && input.time.trim() !== '') {
    const time = parseResultTime(input.time);
    if (time.ok) timeMs = time.value;
    else errors.push({ field: 'time', code: time.reason, message: 'is not a time HH:MM:SS.sss' });
  }
  let score: string | null = null;
  if (input.score !== null && input.score.trim() !== '') {
    const parsed = parseScore(input.score);
    if (parsed.ok) score = parsed.value;
    else errors.push({ field: 'score', code: parsed.reason, message: 'is not a valid score' });
  }
  const figures = checkResultFigures({ status: input.status, rank: input.rank, timeMs, score });
  if (!figures.ok) {
    const field = figures.reason === 'time_and_score' ? 'score' : 'rank';
    errors.push({ field, code: figures.reason, message: figures.reason.replaceAll('_', ' ') });
  }
  if (errors.length > 0 || !figures.ok) {
    throw withFieldErrors(new ResultInvalid(errors.map((e) => e.field).join(', ')), errors);
  }
  return figures.value;
}

/**
 * Enters or replaces the result of an active entry of a published event, audited with the
 * figures before and after. After publication the change is public at once.
 */
export async function saveResult(
  db: Db,
  actor: ResultActor,
  eventId: string,
  registrationId: string,
  input: ResultInput,
) {
  await ownedEvent(db, actor.user, eventId);
  return db.transaction().execute(async (trx) => {
    await lockPublishedEvent(trx, eventId);
    const entry = await repository.findActiveEntry(trx, eventId, registrationId);
    if (!entry) throw new ResultEntryNotFound(registrationId, eventId);
    const figures = checkInput(input);
    const before = await repository.findResult(trx, registrationId);
    await repository.upsertResult(trx, {
      id: uuidv7(),
      event_id: eventId,
      registration_id: registrationId,
      group_id: entry.group_id,
      status: figures.status,
      rank: figures.rank,
      time_ms: figures.timeMs,
      score: figures.score,
      updated_by: actor.user.id,
      updated_at: new Date(),
    });
    await afterResultsChanged(trx, eventId);
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      userAgent: actor.userAgent,
      action: 'result.updated',
      entityType: 'registration',
      entityId: registrationId,
      detail: { eventId },
      changes: {
        result: {
          before: before ? toResultView(before).text : null,
          after: describeResult(figures),
        },
      },
    });
    const saved = await repository.findResult(trx, registrationId);
    return { registrationId, result: toResultView(saved!) };
  });
}

/** Removes the result of an entry of a published event, audited; its certificate is revoked. */
export async function deleteResult(
  db: Db,
  actor: ResultActor,
  eventId: string,
  registrationId: string,
) {
  await ownedEvent(db, actor.user, eventId);
  await db.transaction().execute(async (trx) => {
    await lockPublishedEvent(trx, eventId);
    const before = await repository.findResult(trx, registrationId);
    if (!before || before.event_id !== eventId) throw new ResultNotFound(registrationId);
    await repository.deleteResult(trx, registrationId);
    await afterResultsChanged(trx, eventId);
    await recordAudit(trx, {
      actorUserId: actor.user.id,
      actorIp: actor.ip,
      userAgent: actor.userAgent,
      action: 'result.deleted',
      entityType: 'registration',
      entityId: registrationId,
      detail: { eventId },
      changes: { result: { before: toResultView(before).text, after: null } },
    });
  });
}

/**
 * Publishes an event's results once: in one transaction it records the publication, issues a
 * certificate to every finisher, queues one SMS per entrant with a result and the
 * `results.published` webhook, and audits it. A second call finds the publication under the
 * event's lock and changes nothing.
 */
export async function publishResults(db: Db, actor: ResultActor, eventId: string) {
  await ownedEvent(db, actor.user, eventId);
  return db.transaction().execute(async (trx) => {
    await lockPublishedEvent(trx, eventId);
    const counts = await repository.countResults(trx, eventId);
    if (counts.results === 0) throw new ResultsEmpty(eventId);
    const first = await repository.insertPublication(trx, eventId, actor.user.id);
    if (first) {
      await repository.syncCertificates(trx, eventId);
      await repository.queueResultNotices(trx, eventId);
      await emitResultsPublished(trx, eventId);
      await recordAudit(trx, {
        actorUserId: actor.user.id,
        actorIp: actor.ip,
        userAgent: actor.userAgent,
        action: 'results.published',
        entityType: 'event',
        entityId: eventId,
        detail: { results: counts.results, finishers: counts.finishers },
      });
    }
    const publication = await repository.findPublication(trx, eventId);
    return {
      publishedAt: new Date(publication!.published_at).toISOString(),
      alreadyPublished: !first,
      results: counts.results,
      finishers: counts.finishers,
    };
  });
}

const PUBLIC_CURSOR = ['order', 'rank', 'id'] as const;
/** The public list's status order: 0 for finishers, 1 for DNF and 2 for DSQ. */
const MAX_STATUS_ORDER = 2n;
/** The largest PostgreSQL integer, the type of a rank. */
const MAX_INTEGER = 2n ** 31n - 1n;

/**
 * Lists the published results of a published event for anyone: finishers by rank, then DNF and
 * DSQ. Names are masked (first character kept) and nothing else about the entrant is shown.
 */
const REGISTRATION_CODE = /^[2-9A-HJ-NP-TV-Z]{10}$/;

/**
 * Reads a typed lookup: a registration code (case ignored) or else a full name, both without
 * spaces. Only an exact name matches, so that the lookup never lists the entrants whose names
 * start with some characters.
 */
function entrantLookup(text: string): repository.EntrantLookup {
  const typed = text.normalize('NFKC').replace(/\s+/g, '');
  const code = typed.toUpperCase();
  return REGISTRATION_CODE.test(code) ? { code } : { name: typed };
}

export async function listPublicResults(
  db: Db,
  eventId: string,
  page: { groupId?: string; cursor?: string; limit?: number; q?: string },
) {
  const event = await getPublishedEvent(db, eventId);
  const publication = await repository.findPublication(db, eventId);
  if (!publication) throw new ResultsNotPublished(eventId);

  const limit = page.limit ?? 50;
  let after: repository.PublicResultKey | undefined;
  if (page.cursor) {
    const decoded = decodeCursor(page.cursor, PUBLIC_CURSOR);
    if (
      !decoded ||
      !isDecimalInteger(decoded.order, MAX_STATUS_ORDER) ||
      !isDecimalInteger(decoded.rank, MAX_INTEGER)
    ) {
      throw new InvalidCursor();
    }
    after = { order: Number(decoded.order), rank: Number(decoded.rank), id: decoded.id };
  }
  const rows = await repository.listPublicResults(db, eventId, {
    groupId: page.groupId,
    after,
    limit,
    entrant: page.q === undefined ? undefined : entrantLookup(page.q),
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({
          order: String(last.status_order),
          rank: String(last.rank ?? 0),
          id: last.id,
        })
      : null;
  return {
    event: { id: event.id, name: event.name, startsAt: event.startsAt },
    publishedAt: new Date(publication.published_at).toISOString(),
    groups: await repository.resultCountsByGroup(db, eventId),
    items: items.map((row) => ({
      nameMasked: maskName(row.name),
      groupName: row.group_name,
      ...toResultView(row),
    })),
    nextCursor,
  };
}

/** Maximum number of results `listCitizenResults` returns. */
const CITIZEN_RESULT_LIMIT = 100;

/** Lists the published results of a citizen's own entries, with their certificate codes. */
export async function listCitizenResults(db: Db, citizenId: string) {
  const phoneHash = await phoneHashOfCitizen(db, citizenId);
  const rows = await repository.resultsOfPhone(db, phoneHash, CITIZEN_RESULT_LIMIT);
  return rows.map((row) => ({
    registrationId: row.registration_id,
    eventId: row.event_id,
    eventName: row.event_name,
    startsAt: row.starts_at ? new Date(row.starts_at).toISOString() : null,
    groupName: row.group_name,
    ...toResultView(row),
    certificateCode: row.certificate_code,
    publishedAt: new Date(row.published_at).toISOString(),
  }));
}

/**
 * Reads what the results SMS of an entry needs: the number, the event and the result. Returns
 * undefined when the entry was cancelled or its result removed since the notice was queued.
 */
export async function resultNoticeOf(db: Db, cipher: PersonalDataCipher, registrationId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(registrationId)) return undefined;
  const row = await repository.findNotice(db, registrationId);
  if (!row) return undefined;
  return {
    phone: cipher.decrypt(row.phone_ciphertext),
    eventName: row.event_name,
    result: toResultView(row).text,
    certificate: row.certificate_code !== null,
  };
}
