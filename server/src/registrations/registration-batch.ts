import { maskMobile, maskResidentId, type ResidentId } from '@cityleague/domain';
import { sql, type InsertObject } from 'kysely';

import type { Db, Trx } from '../db/database.js';
import type { Database, EventGroupRow, RegistrationRow } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import { loggableError } from '../http/problem.js';
import { loadRegistrationForm } from '../forms/form.service.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { emitCreatedEntryWebhookEvents } from '../webhooks/webhook.emit.js';
import { ensureDefaultGroup } from './group.service.js';
import * as places from './places.repository.js';
import {
  EventFull,
  TeamEntryRequired,
  WindowClosed,
  WindowNotOpen,
} from './registration.errors.js';
import * as repository from './registration.repository.js';
import {
  answerColumns,
  checkGroupRule,
  checkInput,
  chooseGroup,
  register,
  type CheckedInput,
  type RegistrationInput,
  type RegistrationResult,
} from './registration.service.js';
import { validateRegistrationAnswers } from './registration-answers.js';

/*
 * Registration batching. Every web registration waits in its event's queue in this process. A
 * batch takes what has queued up, at most MAX_BATCH requests of one or more events, and stores
 * it in one transaction. Per event, that transaction takes the event lock, reads the form and
 * groups once, looks up duplicates once and updates each group's counter once. The entries of
 * all its events are inserted with one multi-row statement, so the statement-level triggers
 * and the commit are paid once per batch. A flash crowd fills batches with one event, and
 * steady registrations across many events share them. Nothing waits for a timer, so a lone
 * request starts its own batch.
 *
 * An event is in at most one running batch, and its requests are taken in arrival order. At
 * most MAX_CONCURRENT_BATCHES batches run at once. storeBatch locks a batch's events in
 * ascending id order in every process, so two batches cannot deadlock on event locks.
 *
 * The database decides every outcome, as on the one-by-one path of `register`: the batch holds
 * the same event lock as every other entry writer, takePlaces stays the capacity guard and the
 * unique indexes stay the duplicate guard. Two processes, or this path and the console's, can
 * run at once without overbooking. A request whose outcome needs more than the common case (an
 * earlier request with its Idempotency-Key, a live entry of the same person, file answers) is
 * handed to `register` after the batch commits, so its answer is the one-by-one answer.
 */

/** Maximum number of requests one batch transaction handles, over all its events. */
export const MAX_BATCH = 250;

/** Maximum number of batch transactions that one process runs at once. */
export const MAX_CONCURRENT_BATCHES = 4;

/** Logger for the drain's unexpected errors, such as the Fastify logger. */
export interface BatchLogger {
  warn(details: object, message: string): void;
}

interface Pending {
  input: RegistrationInput;
  /**
   * Id of the entry the batch inserts for this request. After a batch whose commit outcome was
   * lost, an entry with this id shows that the batch stored the request.
   */
  entryId: string;
  checked: CheckedInput | undefined;
  inputError: unknown;
  phoneHash: string;
  resolve: (result: RegistrationResult) => void;
  reject: (error: unknown) => void;
}

/** The batch queue of one database in this process. */
interface BatchQueue {
  /** Waiting requests per event; events that queued first come first. */
  waiting: Map<string, Pending[]>;
  /** Events with requests in a running batch. */
  running: Set<string>;
  /** Number of running batches. */
  batches: number;
}

type Outcome =
  | { kind: 'stored'; registration: RegistrationRow; queuePosition: number | null }
  | { kind: 'rejected'; error: unknown }
  | { kind: 'one-by-one' };

/** An accepted request of the batch with what its row needs. */
interface Accepted {
  index: number;
  group: EventGroupRow;
  residentId: ResidentId | undefined;
  idHash: string | null;
  columns: ReturnType<typeof answerColumns>;
}

/** One event's part of a batch: the outcome of each request and the entries to insert. */
interface EventBatch {
  eventId: string;
  eventName: string;
  organisationId: string;
  batch: Pending[];
  outcomes: Outcome[];
  /** The accepted requests and their rows, in queue order. */
  stored: {
    index: number;
    row: InsertObject<Database, 'registrations'> & { id: string; event_id: string; status: string };
  }[];
}

const queuesByDatabase = new WeakMap<Db, BatchQueue>();

/**
 * Registers a person through the web channel like `register`, with the same outcomes and
 * errors, but stores the entry in a batch with the other requests that are queued in this
 * process. Returns the result with the event's name for the receipt.
 */
export function registerInBatch(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  input: RegistrationInput,
  log?: BatchLogger,
): Promise<RegistrationResult> {
  if (input.channel !== 'web' || input.afterInsert) {
    return registerAlone(db, cipher, eventId, input);
  }
  let checked: CheckedInput | undefined;
  let inputError: unknown;
  try {
    checked = checkInput(input);
  } catch (error) {
    inputError = error;
  }
  const phoneHash = checked ? cipher.hash(checked.phone) : '';
  return new Promise<RegistrationResult>((resolve, reject) => {
    let queue = queuesByDatabase.get(db);
    if (!queue) {
      queue = { waiting: new Map(), running: new Set(), batches: 0 };
      queuesByDatabase.set(db, queue);
    }
    const waiting = queue.waiting.get(eventId) ?? [];
    waiting.push({
      input,
      entryId: uuidv7(),
      checked,
      inputError,
      phoneHash,
      resolve,
      reject,
    });
    queue.waiting.set(eventId, waiting);
    startBatches(db, cipher, queue, log);
  });
}

/** Starts batches of the waiting requests while fewer than MAX_CONCURRENT_BATCHES run. */
function startBatches(
  db: Db,
  cipher: PersonalDataCipher,
  queue: BatchQueue,
  log: BatchLogger | undefined,
) {
  while (queue.batches < MAX_CONCURRENT_BATCHES) {
    const parts = takeBatch(queue);
    if (parts.size === 0) return;
    queue.batches += 1;
    void settleBatch(db, cipher, parts, log).finally(() => {
      queue.batches -= 1;
      for (const eventId of parts.keys()) queue.running.delete(eventId);
      startBatches(db, cipher, queue, log);
    });
  }
}

/**
 * Takes at most MAX_BATCH waiting requests, in arrival order per event, of the events that no
 * running batch has. Events that queued first are taken first.
 */
function takeBatch(queue: BatchQueue): Map<string, Pending[]> {
  const parts = new Map<string, Pending[]>();
  let room = MAX_BATCH;
  for (const [eventId, waiting] of queue.waiting) {
    if (room === 0) break;
    if (queue.running.has(eventId)) continue;
    const requests = waiting.splice(0, room);
    room -= requests.length;
    parts.set(eventId, requests);
    queue.running.add(eventId);
    if (waiting.length === 0) queue.waiting.delete(eventId);
  }
  return parts;
}

/**
 * Stores a batch and settles each caller's promise. When the batch's transaction fails, every
 * request is retried alone in queue order, so one bad request cannot fail the others. An error
 * from COMMIT, such as a dropped connection, leaves the outcome unknown, so a request whose
 * entry the batch did store gets that entry instead of its retry's REG_ALREADY_REGISTERED.
 */
async function settleBatch(
  db: Db,
  cipher: PersonalDataCipher,
  parts: Map<string, Pending[]>,
  log: BatchLogger | undefined,
) {
  let decided: EventBatch[];
  try {
    decided = await db.transaction().execute((trx) => storeBatch(trx, cipher, parts));
  } catch (error) {
    const requests = [...parts.values()].reduce((sum, batch) => sum + batch.length, 0);
    log?.warn(
      { err: loggableError(error), eventIds: [...parts.keys()], requests },
      'Registration batch failed; retrying its requests one by one',
    );
    for (const [eventId, batch] of parts) await retryAlone(db, cipher, eventId, batch, log);
    return;
  }
  for (const { eventId, eventName, batch, outcomes } of decided) {
    const alone: Pending[] = [];
    batch.forEach((item, index) => {
      const outcome = outcomes[index]!;
      if (outcome.kind === 'stored') {
        item.resolve({
          registration: outcome.registration,
          queuePosition: outcome.queuePosition,
          replayed: false,
          eventName,
        });
      } else if (outcome.kind === 'rejected') {
        item.reject(outcome.error);
      } else {
        alone.push(item);
      }
    });
    // These run after the batch's commit and do not hold up the next batch. Each takes the
    // event's lock itself.
    for (const item of alone) {
      registerAlone(db, cipher, eventId, item.input).then(item.resolve, item.reject);
    }
  }
}

/**
 * Retries the requests of one event of a failed batch one by one, in queue order. A request
 * whose entry the batch stored after all gets that entry.
 */
async function retryAlone(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  batch: Pending[],
  log: BatchLogger | undefined,
) {
  let committed = new Map<string, RegistrationResult>();
  try {
    committed = await storedEntries(db, eventId, batch);
  } catch (lookupError) {
    // Each retry still decides its request, so a failed lookup only loses the recognition.
    log?.warn(
      { err: loggableError(lookupError), eventId, requests: batch.length },
      'Lookup of the failed batch entries failed; retrying without it',
    );
  }
  for (const item of batch) {
    const own = committed.get(item.entryId);
    if (own) {
      item.resolve(own);
      continue;
    }
    await registerAlone(db, cipher, eventId, item.input).then(item.resolve, item.reject);
  }
}

/**
 * Finds the entries that a failed batch stored after all, by the ids it gave them, with the
 * results their requests get. Empty unless the batch committed before its error.
 */
async function storedEntries(
  db: Db,
  eventId: string,
  batch: Pending[],
): Promise<Map<string, RegistrationResult>> {
  const rows = await db
    .selectFrom('registrations')
    .selectAll()
    .where(
      'id',
      'in',
      batch.map((item) => item.entryId),
    )
    .execute();
  const results = new Map<string, RegistrationResult>();
  if (rows.length === 0) return results;
  const event = await db
    .selectFrom('events')
    .select('name')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  for (const registration of rows) {
    results.set(registration.id, {
      registration,
      queuePosition: await places.queuePosition(db, registration.id),
      replayed: false,
      eventName: event.name,
    });
  }
  return results;
}

/** Registers through the one-by-one path and adds the event's name. */
async function registerAlone(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  input: RegistrationInput,
): Promise<RegistrationResult> {
  const result = await register(db, cipher, eventId, input);
  const event = await db
    .selectFrom('events')
    .select('name')
    .where('id', '=', eventId)
    .executeTakeFirstOrThrow();
  return { ...result, eventName: event.name };
}

/**
 * Decides and stores the outcome of every request of the batch in one transaction. Events are
 * locked in ascending id order, and the entries of all of them are inserted together.
 */
async function storeBatch(
  trx: Trx,
  cipher: PersonalDataCipher,
  parts: Map<string, Pending[]>,
): Promise<EventBatch[]> {
  const decided: EventBatch[] = [];
  for (const eventId of [...parts.keys()].sort()) {
    decided.push(await decideEvent(trx, cipher, eventId, parts.get(eventId)!));
  }
  await insertEntries(trx, decided);
  return decided;
}

/**
 * Decides the outcome of every request for one event under the event's lock, in the order
 * `register` checks: event published, input, form answers, Idempotency-Key, window, group and
 * its rules, same person, places. Takes the places and returns the rows to insert.
 */
async function decideEvent(
  trx: Trx,
  cipher: PersonalDataCipher,
  eventId: string,
  batch: Pending[],
): Promise<EventBatch> {
  const outcomes: Outcome[] = batch.map(() => ({ kind: 'one-by-one' }));
  const reject = (index: number, error: unknown) => {
    outcomes[index] = { kind: 'rejected', error };
  };
  const event = await places.lockEventForEntries(trx, eventId);
  if (!event || event.state !== 'published' || event.starts_at === null) {
    batch.forEach((_, index) => reject(index, new EventNotFound(eventId)));
    return { eventId, eventName: '', organisationId: '', batch, outcomes, stored: [] };
  }
  const decision = (stored: EventBatch['stored']): EventBatch => ({
    eventId,
    eventName: event.name,
    organisationId: event.organisation_id,
    batch,
    outcomes,
    stored,
  });
  const startsAt = new Date(event.starts_at);
  // Read under the event's lock, which the form's save also takes, so the answers are checked
  // against the current form and REG_FORM_CHANGED cannot occur on this path.
  const form = await loadRegistrationForm(trx, eventId);

  const candidates: { index: number; columns: Omit<Accepted, 'index' | 'group'> }[] = [];
  batch.forEach((item, index) => {
    if (!item.checked) return reject(index, item.inputError);
    const { name, phone, id } = item.checked;
    try {
      const validated = validateRegistrationAnswers(form, { ...item.input, name, phone }, startsAt);
      // File answers must be claimed, which only the one-by-one path does.
      if (validated.files.length > 0) return;
      const residentId = validated.entrant.idNumber === undefined ? undefined : id;
      candidates.push({
        index,
        columns: {
          residentId,
          idHash: residentId ? cipher.hash(residentId.id) : null,
          columns: answerColumns(cipher, validated, residentId !== undefined),
        },
      });
    } catch (error) {
      reject(index, error);
    }
  });

  // A request whose Idempotency-Key an earlier request used, or that repeats the key of an
  // earlier request in this batch, gets the one-by-one answer: the earlier registration, or
  // REG_IDEMPOTENCY_MISMATCH.
  const keys = candidates
    .map((candidate) => batch[candidate.index]!.input.idempotencyKey)
    .filter((key): key is string => key !== undefined);
  const usedKeys = new Set(
    keys.length === 0
      ? []
      : (
          await trx
            .selectFrom('registrations')
            .select('idempotency_key')
            .where('event_id', '=', eventId)
            .where('idempotency_key', 'in', keys)
            .execute()
        ).map((row) => row.idempotency_key),
  );
  const keyed = candidates.filter((candidate) => {
    const key = batch[candidate.index]!.input.idempotencyKey;
    if (key === undefined) return true;
    if (usedKeys.has(key)) return false;
    usedKeys.add(key);
    return true;
  });

  if (event.not_open) {
    keyed.forEach(({ index }) => reject(index, new WindowNotOpen(eventId)));
    return decision([]);
  }
  if (event.closed) {
    keyed.forEach(({ index }) => reject(index, new WindowClosed(eventId)));
    return decision([]);
  }

  const groups = await ensureDefaultGroup(trx, event);
  const eligible: Accepted[] = [];
  for (const candidate of keyed) {
    const item = batch[candidate.index]!;
    try {
      const group = chooseGroup(eventId, groups, item.input.groupId);
      if (group.entry_type === 'team') throw new TeamEntryRequired(group.id);
      checkGroupRule(group, candidate.columns.residentId, startsAt);
      eligible.push({ index: candidate.index, group, ...candidate.columns });
    } catch (error) {
      reject(candidate.index, error);
    }
  }

  const accepted = await withoutSamePerson(trx, eventId, batch, eligible);
  const statuses = await takeGroupPlaces(trx, eventId, accepted, reject);
  const stored = accepted.filter((entry) => statuses.has(entry.index));
  if (stored.length === 0) return decision([]);

  const waitingCount = stored.filter((entry) => statuses.get(entry.index) === 'waiting').length;
  const waitingSeqs = await nextWaitingSeqs(trx, waitingCount);
  return decision(
    stored.map((entry) => {
      const item = batch[entry.index]!;
      const { name, phone } = item.checked!;
      const active = statuses.get(entry.index) === 'active';
      const row = {
        id: item.entryId,
        event_id: eventId,
        group_id: entry.group.id,
        code: randomCode(),
        name,
        phone_ciphertext: cipher.encrypt(phone),
        phone_hash: item.phoneHash,
        phone_masked: maskMobile(phone),
        id_ciphertext: entry.residentId ? cipher.encrypt(entry.residentId.id) : null,
        id_hash: entry.idHash,
        id_masked: entry.residentId ? maskResidentId(entry.residentId.id) : null,
        status: active ? ('active' as const) : ('waiting' as const),
        waiting_seq: active ? null : waitingSeqs.shift()!,
        idempotency_key: item.input.idempotencyKey ?? null,
        channel: item.input.channel,
        partner_id: null,
        submitted_by_citizen_id: item.input.submittedByCitizenId ?? null,
        ...entry.columns,
      };
      return { index: entry.index, row };
    }),
  );
}

/**
 * Inserts the entries that the events of a batch accepted with one statement, queues their
 * confirmation SMS, emits their webhook events and records each request's outcome.
 */
async function insertEntries(trx: Trx, decided: EventBatch[]) {
  const rows = decided.flatMap((part) => part.stored.map((entry) => entry.row));
  if (rows.length === 0) return;
  const inserted = new Map(
    (await trx.insertInto('registrations').values(rows).returningAll().execute()).map((row) => [
      row.id,
      row,
    ]),
  );
  const confirmed = rows.filter((row) => row.status === 'active');
  if (confirmed.length > 0) {
    await trx
      .insertInto('notification_outbox')
      .values(
        confirmed.map((row) => ({
          id: uuidv7(),
          kind: 'registration.confirmed',
          event_id: row.event_id,
          registration_id: row.id,
          payload: JSON.stringify({ registrationId: row.id, eventId: row.event_id }),
        })),
      )
      .execute();
  }
  for (const part of decided) {
    if (part.stored.length === 0) continue;
    await emitCreatedEntryWebhookEvents(
      trx,
      part.eventId,
      part.organisationId,
      part.stored.map((entry) => entry.row.id),
    );
  }
  const positions = await queuePositions(
    trx,
    rows.filter((row) => row.status === 'waiting').map((row) => row.id),
  );
  for (const part of decided) {
    for (const { index, row } of part.stored) {
      part.outcomes[index] = {
        kind: 'stored',
        registration: inserted.get(row.id)!,
        queuePosition: positions.get(row.id) ?? null,
      };
    }
  }
}

/**
 * Drops the requests of a person who already has a live entry in the event, or who comes
 * earlier in the batch, as the unique indexes and the same-phone rule of `register` would
 * reject them. Those requests keep the one-by-one outcome. A person is an ID number when one
 * was given. Without one the mobile number is the person, and it may share no live entry at
 * all. Under the event's lock the lookup finds every entry committed before.
 */
async function withoutSamePerson(
  trx: Trx,
  eventId: string,
  batch: Pending[],
  eligible: Accepted[],
): Promise<Accepted[]> {
  const idHashes = eligible.flatMap((entry) => (entry.idHash === null ? [] : [entry.idHash]));
  const phoneHashes = eligible.map((entry) => batch[entry.index]!.phoneHash);
  const live = await repository.findLiveByPeople(trx, eventId, { idHashes, phoneHashes });
  const takenIds = new Set(live.flatMap((row) => (row.id_hash === null ? [] : [row.id_hash])));
  const takenPhones = new Set(live.map((row) => row.phone_hash));
  const phonesWithoutId = new Set(
    live.flatMap((row) => (row.id_hash === null ? [row.phone_hash] : [])),
  );
  return eligible.filter((entry) => {
    const phoneHash = batch[entry.index]!.phoneHash;
    if (entry.idHash !== null) {
      // A mobile number that identifies a person without an ID number is not shared either.
      if (takenIds.has(entry.idHash) || phonesWithoutId.has(phoneHash)) return false;
      takenIds.add(entry.idHash);
    } else if (takenPhones.has(phoneHash)) {
      return false;
    } else {
      phonesWithoutId.add(phoneHash);
    }
    takenPhones.add(phoneHash);
    return true;
  });
}

/**
 * Takes the free places of each group for its requests in queue order, with one conditional
 * update per group. Later requests go on the waiting list when the group has one, else they get
 * REG_EVENT_FULL. Returns the status of every request that gets an entry.
 */
async function takeGroupPlaces(
  trx: Trx,
  eventId: string,
  accepted: Accepted[],
  reject: (index: number, error: unknown) => void,
): Promise<Map<number, 'active' | 'waiting'>> {
  const byGroup = new Map<string, Accepted[]>();
  for (const entry of accepted) {
    const list = byGroup.get(entry.group.id) ?? [];
    list.push(entry);
    byGroup.set(entry.group.id, list);
  }
  const statuses = new Map<number, 'active' | 'waiting'>();
  for (const entries of byGroup.values()) {
    const group = entries[0]!.group;
    // The group's row was read under the event's lock, which every counter change takes, so
    // `taken` is current. takePlaces still checks the capacity itself.
    const free = Math.max(0, group.capacity - group.taken);
    const placed = Math.min(free, entries.length);
    if (placed > 0 && !(await places.takePlaces(trx, group.id, placed))) {
      throw new Error(`Group ${group.id} had fewer than ${placed} free places under the lock`);
    }
    entries.forEach((entry, position) => {
      if (position < placed) statuses.set(entry.index, 'active');
      else if (group.waiting_list !== 'off') statuses.set(entry.index, 'waiting');
      else reject(entry.index, new EventFull(eventId));
    });
  }
  return statuses;
}

/** Draws `count` numbers of the waiting-list sequence, in ascending order. */
async function nextWaitingSeqs(trx: Trx, count: number): Promise<string[]> {
  if (count === 0) return [];
  const result = await sql<{ seq: string }>`
    select nextval('registrations_waiting_seq')::text as seq
    from generate_series(1, ${count}::int)`.execute(trx);
  const seqs = result.rows.map((row) => BigInt(row.seq));
  seqs.sort((a, b) => Number(a - b));
  return seqs.map(String);
}

/** Returns the 1-based queue place of each waiting entry, counted as places.queuePosition does. */
async function queuePositions(trx: Trx, registrationIds: string[]): Promise<Map<string, number>> {
  if (registrationIds.length === 0) return new Map();
  const result = await sql<{ id: string; position: number }>`
    select mine.id, count(distinct coalesce(ahead.team_id, ahead.id))::int as position
    from registrations mine
    join registrations ahead on ahead.group_id = mine.group_id
      and ahead.status = 'waiting' and ahead.waiting_seq <= mine.waiting_seq
    where mine.id = any(${registrationIds}::uuid[]) and mine.status = 'waiting'
    group by mine.id`.execute(trx);
  return new Map(result.rows.map((row) => [row.id, row.position]));
}
