import { maskMobile, maskResidentId, type ResidentId } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Db, Trx } from '../db/database.js';
import type { EventGroupRow, RegistrationRow } from '../db/schema.js';
import { EventNotFound } from '../events/event.errors.js';
import { loggableError } from '../http/problem.js';
import { registrationFormsOf, type EventRegistrationForm } from '../forms/form.service.js';
import { randomCode, uuidv7 } from '../shared/ids.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { ensureDefaultGroups } from './group.service.js';
import * as places from './places.repository.js';
import {
  EventFull,
  TeamEntryRequired,
  WindowClosed,
  WindowNotOpen,
} from './registration.errors.js';
import {
  insertBatchEntries,
  readUnderEventLocks,
  type BatchReads,
  type EntryRecord,
} from './registration-batch.repository.js';
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
 * it in one transaction. That transaction locks its events, reads their forms and groups,
 * looks up duplicates, updates the group counters and inserts the entries, each step with one
 * statement for all its events. So the round trips, the statement-level triggers and the
 * commit are paid once per batch, however many events share it. A flash crowd fills batches
 * with one event, and
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
  /** The person's columns, encrypted and masked on arrival. Undefined when the input is invalid. */
  sealed: SealedPerson | undefined;
  resolve: (result: RegistrationResult) => void;
  reject: (error: unknown) => void;
}

/**
 * A person's identifying columns of an entry row. The batch computes them when a request
 * arrives rather than while it holds its events' locks, so a flash crowd's next batch does not
 * wait for this work.
 */
interface SealedPerson {
  code: string;
  phoneHash: string;
  phoneCiphertext: string;
  phoneMasked: string;
  /** Set when the request gave an ID number. The row stores it only if the form has the field. */
  id: { hash: string; ciphertext: string; masked: string } | null;
}

function sealPerson(cipher: PersonalDataCipher, checked: CheckedInput): SealedPerson {
  return {
    code: randomCode(),
    phoneHash: cipher.hash(checked.phone),
    phoneCiphertext: cipher.encrypt(checked.phone),
    phoneMasked: maskMobile(checked.phone),
    id: checked.id
      ? {
          hash: cipher.hash(checked.id.id),
          ciphertext: cipher.encrypt(checked.id.id),
          masked: maskResidentId(checked.id.id),
        }
      : null,
  };
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
  stored: { index: number; row: EntryRecord }[];
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
  const sealed = checked ? sealPerson(cipher, checked) : undefined;
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
      sealed,
      resolve,
      reject,
    });
    queue.waiting.set(eventId, waiting);
    startBatches(db, cipher, queue, log);
  });
}

/** Returns whether this process has web registrations for `db` waiting or in a batch. */
export function registrationsInProgress(db: Db): boolean {
  const queue = queuesByDatabase.get(db);
  return queue !== undefined && (queue.batches > 0 || queue.waiting.size > 0);
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
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      queue.batches -= 1;
      for (const eventId of parts.keys()) queue.running.delete(eventId);
      startBatches(db, cipher, queue, log);
    };
    void settleBatch(db, cipher, parts, log, end).finally(end);
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
 * Calls `committed` after a successful commit, before it settles the promises. A failed batch
 * ends when its retries have ended.
 */
async function settleBatch(
  db: Db,
  cipher: PersonalDataCipher,
  parts: Map<string, Pending[]>,
  log: BatchLogger | undefined,
  committed: () => void,
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
  // The next batch of these events starts before this one settles its callers' promises, so its
  // first round trips overlap with writing the responses.
  committed();
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

/** The row of a locked event, as places.lockEventsForEntries reads it. */
type LockedEvent = Awaited<ReturnType<typeof places.lockEventsForEntries>>[number];

/** A request that passed the input and form checks, with its columns. */
interface Candidate {
  index: number;
  columns: Omit<Accepted, 'index' | 'group'>;
}

/** One event's part of a batch while storeBatch decides it. */
interface EventWork {
  part: EventBatch;
  event: LockedEvent;
  startsAt: Date;
  candidates: Candidate[];
  eligible: Accepted[];
  /** Status of every request that gets an entry. */
  statuses: Map<number, 'active' | 'waiting'>;
}

/**
 * Decides and stores the outcome of every request of the batch in one transaction, in the
 * order `register` checks: event published, input, form answers, Idempotency-Key, window, group
 * and its rules, same person, places. The events are locked first, in ascending id order. Then
 * one statement reads what every step needs for all the batch's events, and one statement
 * takes the places and inserts the entries of all of them. So a batch of many events costs as
 * many round trips as a batch of one, and a common batch holds its locks for four: the lock,
 * the read, the write and the commit.
 */
async function storeBatch(
  trx: Trx,
  cipher: PersonalDataCipher,
  parts: Map<string, Pending[]>,
): Promise<EventBatch[]> {
  const eventIds = [...parts.keys()].sort();
  const locked = new Map(
    (await places.lockEventsForEntries(trx, eventIds)).map((event) => [event.id, event]),
  );
  const decided: EventBatch[] = [];
  let works: EventWork[] = [];
  for (const eventId of eventIds) {
    const batch = parts.get(eventId)!;
    const event = locked.get(eventId);
    const outcomes: Outcome[] = batch.map(() => ({ kind: 'one-by-one' }));
    if (!event || event.state !== 'published' || event.starts_at === null) {
      batch.forEach((_, index) => (outcomes[index] = rejection(new EventNotFound(eventId))));
      decided.push({ eventId, eventName: '', organisationId: '', batch, outcomes, stored: [] });
      continue;
    }
    const part: EventBatch = {
      eventId,
      eventName: event.name,
      organisationId: event.organisation_id,
      batch,
      outcomes,
      stored: [],
    };
    decided.push(part);
    works.push({
      part,
      event,
      startsAt: new Date(event.starts_at),
      candidates: [],
      eligible: [],
      statuses: new Map(),
    });
  }

  if (works.length === 0) return decided;
  // Read under the events' locks, which the form's save also takes, so the answers are checked
  // against the current form and REG_FORM_CHANGED cannot occur on this path.
  const reads = await readUnderEventLocks(trx, eventIdsOf(works), peopleOf(works));
  const forms = registrationFormsOf(reads.forms);
  for (const work of works) checkAnswers(cipher, work, forms.get(work.part.eventId)!);
  dropUsedKeys(works, reads.usedKeys);

  works = works.filter((work) => {
    const { eventId } = work.part;
    const error = work.event.not_open
      ? new WindowNotOpen(eventId)
      : work.event.closed
        ? new WindowClosed(eventId)
        : undefined;
    if (!error) return true;
    work.candidates.forEach(({ index }) => (work.part.outcomes[index] = rejection(error)));
    return false;
  });

  const groups = await ensureDefaultGroups(
    trx,
    works.map((work) => work.event),
    reads.groups,
  );
  for (const work of works) chooseGroups(work, groups.get(work.part.eventId)!);
  dropSamePeople(works, reads.live);
  const requested = batchPlaces(works);

  const waitingCount = works.reduce(
    (sum, work) => sum + [...work.statuses.values()].filter((s) => s === 'waiting').length,
    0,
  );
  const waitingSeqs = await nextWaitingSeqs(trx, waitingCount);
  for (const work of works) work.part.stored = entryRows(work, waitingSeqs);
  await insertEntries(trx, decided, requested);
  return decided;
}

function eventIdsOf(works: EventWork[]): string[] {
  return works.map((work) => work.part.eventId);
}

/**
 * Returns the ID numbers, mobile numbers and Idempotency-Keys of every request of the batch
 * with valid input. The batch later checks only the requests that pass the form and group checks, a
 * subset of these.
 */
function peopleOf(works: EventWork[]) {
  const idHashes: string[] = [];
  const phoneHashes: string[] = [];
  const keys: string[] = [];
  for (const work of works) {
    for (const item of work.part.batch) {
      if (!item.sealed) continue;
      phoneHashes.push(item.sealed.phoneHash);
      if (item.sealed.id) idHashes.push(item.sealed.id.hash);
      if (item.input.idempotencyKey !== undefined) keys.push(item.input.idempotencyKey);
    }
  }
  return { idHashes, phoneHashes, keys };
}

function rejection(error: unknown): Outcome {
  return { kind: 'rejected', error };
}

/**
 * Checks each request's input and its answers against the event's form. A request with file
 * answers keeps the one-by-one outcome, because only that path claims files.
 */
function checkAnswers(cipher: PersonalDataCipher, work: EventWork, form: EventRegistrationForm) {
  const { batch, outcomes } = work.part;
  batch.forEach((item, index) => {
    if (!item.checked || !item.sealed) return (outcomes[index] = rejection(item.inputError));
    const { name, phone, id } = item.checked;
    const sealedId = item.sealed.id;
    try {
      const validated = validateRegistrationAnswers(
        form,
        { ...item.input, name, phone },
        work.startsAt,
      );
      if (validated.files.length > 0) return;
      const residentId = validated.entrant.idNumber === undefined ? undefined : id;
      work.candidates.push({
        index,
        columns: {
          residentId,
          idHash: residentId && sealedId ? sealedId.hash : null,
          columns: answerColumns(cipher, validated, residentId !== undefined),
        },
      });
    } catch (error) {
      outcomes[index] = rejection(error);
    }
  });
}

/**
 * Leaves out the requests whose Idempotency-Key an earlier request of the event used, or that
 * repeat the key of an earlier request in this batch. They get the one-by-one outcome: the
 * earlier registration, or REG_IDEMPOTENCY_MISMATCH.
 */
function dropUsedKeys(works: EventWork[], usedKeys: BatchReads['usedKeys']) {
  const keyOf = (work: EventWork, candidate: Candidate) =>
    work.part.batch[candidate.index]!.input.idempotencyKey;
  const used = new Set(usedKeys.map((row) => `${row.event_id} ${row.idempotency_key}`));
  for (const work of works) {
    work.candidates = work.candidates.filter((candidate) => {
      const key = keyOf(work, candidate);
      if (key === undefined) return true;
      const eventKey = `${work.part.eventId} ${key}`;
      if (used.has(eventKey)) return false;
      used.add(eventKey);
      return true;
    });
  }
}

/** Puts each candidate in its group and checks the group's rules. */
function chooseGroups(work: EventWork, groups: EventGroupRow[]) {
  const { eventId, batch, outcomes } = work.part;
  for (const candidate of work.candidates) {
    const item = batch[candidate.index]!;
    try {
      const group = chooseGroup(eventId, groups, item.input.groupId);
      if (group.entry_type === 'team') throw new TeamEntryRequired(group.id);
      checkGroupRule(group, candidate.columns.residentId, work.startsAt);
      work.eligible.push({ index: candidate.index, group, ...candidate.columns });
    } catch (error) {
      outcomes[candidate.index] = rejection(error);
    }
  }
}

/**
 * Drops the requests of a person who already has a live entry in the event, or who comes
 * earlier in the batch, as the unique indexes and the same-phone rule of `register` would
 * reject them. Those requests keep the one-by-one outcome. A person is an ID number when one
 * was given. Without one the mobile number is the person, and it may share no live entry at
 * all. `live` was read under the events' locks, so it holds every entry committed before.
 */
function dropSamePeople(works: EventWork[], live: BatchReads['live']) {
  const phoneOf = (work: EventWork, entry: Accepted) =>
    work.part.batch[entry.index]!.sealed!.phoneHash;
  for (const work of works) {
    const own = live.filter((row) => row.event_id === work.part.eventId);
    const takenIds = new Set(own.flatMap((row) => (row.id_hash === null ? [] : [row.id_hash])));
    const takenPhones = new Set(own.map((row) => row.phone_hash));
    const phonesWithoutId = new Set(
      own.flatMap((row) => (row.id_hash === null ? [row.phone_hash] : [])),
    );
    work.eligible = work.eligible.filter((entry) => {
      const phoneHash = phoneOf(work, entry);
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
}

/**
 * Gives the free places of each group to its requests in queue order. Later requests go on the
 * waiting list when the group has one, else they get REG_EVENT_FULL. Records the status of
 * every request that gets an entry, and returns the places to take of each group.
 */
function batchPlaces(works: EventWork[]): { groupId: string; count: number }[] {
  const requested: { groupId: string; count: number }[] = [];
  for (const work of works) {
    const byGroup = new Map<string, Accepted[]>();
    for (const entry of work.eligible) {
      const list = byGroup.get(entry.group.id) ?? [];
      list.push(entry);
      byGroup.set(entry.group.id, list);
    }
    for (const entries of byGroup.values()) {
      const group = entries[0]!.group;
      // The group's row was read under the event's lock, which every counter change takes, so
      // `taken` is current. insertBatchEntries still checks the capacity itself.
      const placed = Math.min(Math.max(0, group.capacity - group.taken), entries.length);
      if (placed > 0) requested.push({ groupId: group.id, count: placed });
      entries.forEach((entry, position) => {
        if (position < placed) work.statuses.set(entry.index, 'active');
        else if (group.waiting_list !== 'off') work.statuses.set(entry.index, 'waiting');
        else work.part.outcomes[entry.index] = rejection(new EventFull(work.part.eventId));
      });
    }
  }
  return requested;
}

/**
 * Builds the rows of the requests that get an entry, in queue order. Waiting entries take the
 * next of `waitingSeqs`, which are ascending.
 */
function entryRows(work: EventWork, waitingSeqs: string[]): EventBatch['stored'] {
  const { eventId, batch } = work.part;
  return work.eligible
    .filter((entry) => work.statuses.has(entry.index))
    .map((entry) => {
      const item = batch[entry.index]!;
      const sealed = item.sealed!;
      const id = entry.residentId ? sealed.id : null;
      const active = work.statuses.get(entry.index) === 'active';
      const { columns } = entry;
      const row: EntryRecord = {
        id: item.entryId,
        event_id: eventId,
        organisation_id: work.part.organisationId,
        group_id: entry.group.id,
        code: sealed.code,
        name: item.checked!.name,
        phone_ciphertext: sealed.phoneCiphertext,
        phone_hash: sealed.phoneHash,
        phone_masked: sealed.phoneMasked,
        id_ciphertext: id?.ciphertext ?? null,
        id_hash: id?.hash ?? null,
        id_masked: id?.masked ?? null,
        status: active ? 'active' : 'waiting',
        waiting_seq: active ? null : waitingSeqs.shift()!,
        idempotency_key: item.input.idempotencyKey ?? null,
        channel: item.input.channel,
        submitted_by_citizen_id: item.input.submittedByCitizenId ?? null,
        answers: columns.answers,
        form_version: columns.form_version,
        safety_notice_version: columns.safety_notice_version,
        safety_accepted: columns.safety_accepted_at !== null,
        id_consented: columns.id_consent_at !== null,
        guardian_name: columns.guardian_name,
        guardian_phone_ciphertext: columns.guardian_phone_ciphertext,
        guardian_phone_masked: columns.guardian_phone_masked,
        guardian_consented: columns.guardian_consent_at !== null,
        outbox_id: uuidv7(),
        webhook_id: uuidv7(),
      };
      return { index: entry.index, row };
    });
}

/**
 * Takes the batch's places, inserts the entries that its events accepted with their SMS and
 * webhook events, and records each request's outcome.
 */
async function insertEntries(
  trx: Trx,
  decided: EventBatch[],
  places: { groupId: string; count: number }[],
) {
  const rows = decided.flatMap((part) => part.stored.map((entry) => entry.row));
  const { registrations, placesTaken } = await insertBatchEntries(trx, rows, places);
  if (!placesTaken) {
    throw new Error(
      'Taking places failed: a group had fewer free places than read under its event lock',
    );
  }
  const inserted = new Map(registrations.map((row) => [row.id, row]));
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
