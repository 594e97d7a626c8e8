import { maskMobile, maskResidentId, type ResidentId } from '@cityleague/domain';
import { sql } from 'kysely';

import type { Db, Trx } from '../db/database.js';
import type { EventGroupRow, RegistrationRow } from '../db/schema.js';
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
 * Registration batching for a flash crowd. Every web registration for one event waits in that
 * event's queue in this process. One drain per event stores what has queued up, at most
 * MAX_BATCH requests, in one transaction. That transaction takes one event lock, reads the form
 * and groups once, looks up duplicates once, updates each group's counter once and inserts with
 * multi-row statements. Nothing waits for a timer, so a lone request starts its own batch.
 *
 * The database decides every outcome, as on the one-by-one path of `register`: the batch holds
 * the same event lock as every other entry writer, takePlaces stays the capacity guard and the
 * unique indexes stay the duplicate guard. Two processes, or this path and the console's, can
 * run at once without overbooking. A request whose outcome needs more than the common case (an
 * earlier request with its Idempotency-Key, a live entry of the same person, file answers) is
 * handed to `register` after the batch commits, so its answer is the one-by-one answer.
 */

/** Maximum number of requests one batch transaction handles. */
export const MAX_BATCH = 250;

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

interface EventQueue {
  pending: Pending[];
  draining: boolean;
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

const queuesByDatabase = new WeakMap<Db, Map<string, EventQueue>>();

/**
 * Registers a person through the web channel like `register`, with the same outcomes and
 * errors, but stores the entry in a batch with the other requests for the event that are
 * queued in this process. Returns the result with the event's name for the receipt.
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
    let queues = queuesByDatabase.get(db);
    if (!queues) {
      queues = new Map();
      queuesByDatabase.set(db, queues);
    }
    let queue = queues.get(eventId);
    if (!queue) {
      queue = { pending: [], draining: false };
      queues.set(eventId, queue);
    }
    queue.pending.push({
      input,
      entryId: uuidv7(),
      checked,
      inputError,
      phoneHash,
      resolve,
      reject,
    });
    if (!queue.draining) void drain(db, cipher, eventId, queues, queue, log);
  });
}

async function drain(
  db: Db,
  cipher: PersonalDataCipher,
  eventId: string,
  queues: Map<string, EventQueue>,
  queue: EventQueue,
  log: BatchLogger | undefined,
) {
  queue.draining = true;
  try {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, MAX_BATCH);
      await settleBatch(db, cipher, eventId, batch, log);
    }
  } finally {
    queue.draining = false;
    if (queue.pending.length === 0) queues.delete(eventId);
  }
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
  eventId: string,
  batch: Pending[],
  log: BatchLogger | undefined,
) {
  let stored: { outcomes: Outcome[]; eventName: string };
  try {
    stored = await db.transaction().execute((trx) => storeBatch(trx, cipher, eventId, batch));
  } catch (error) {
    log?.warn(
      { err: loggableError(error), eventId, requests: batch.length },
      'Registration batch failed; retrying its requests one by one',
    );
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
    return;
  }
  const { outcomes, eventName } = stored;
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
 * Decides and stores the outcome of every request of the batch in one transaction, in the
 * order `register` checks: event published, input, form answers, Idempotency-Key, window, group
 * and its rules, same person, places. Returns one outcome per request, in batch order.
 */
async function storeBatch(
  trx: Trx,
  cipher: PersonalDataCipher,
  eventId: string,
  batch: Pending[],
): Promise<{ outcomes: Outcome[]; eventName: string }> {
  const outcomes: Outcome[] = batch.map(() => ({ kind: 'one-by-one' }));
  const reject = (index: number, error: unknown) => {
    outcomes[index] = { kind: 'rejected', error };
  };
  const event = await places.lockEventForEntries(trx, eventId);
  if (!event || event.state !== 'published' || event.starts_at === null) {
    batch.forEach((_, index) => reject(index, new EventNotFound(eventId)));
    return { outcomes, eventName: '' };
  }
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
    return { outcomes, eventName: event.name };
  }
  if (event.closed) {
    keyed.forEach(({ index }) => reject(index, new WindowClosed(eventId)));
    return { outcomes, eventName: event.name };
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
  if (stored.length === 0) return { outcomes, eventName: event.name };

  const waitingCount = stored.filter((entry) => statuses.get(entry.index) === 'waiting').length;
  const waitingSeqs = await nextWaitingSeqs(trx, waitingCount);
  const rows = stored.map((entry) => {
    const item = batch[entry.index]!;
    const { name, phone } = item.checked!;
    const active = statuses.get(entry.index) === 'active';
    return {
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
  });
  const inserted = new Map(
    (await trx.insertInto('registrations').values(rows).returningAll().execute()).map((row) => [
      row.id,
      row,
    ]),
  );
  const confirmed = rows.filter((row) => row.status === 'active').map((row) => row.id);
  if (confirmed.length > 0) {
    await trx
      .insertInto('notification_outbox')
      .values(
        confirmed.map((id) => ({
          id: uuidv7(),
          kind: 'registration.confirmed',
          event_id: eventId,
          registration_id: id,
          payload: JSON.stringify({ registrationId: id, eventId }),
        })),
      )
      .execute();
  }
  await emitCreatedEntryWebhookEvents(
    trx,
    eventId,
    event.organisation_id,
    rows.map((row) => row.id),
  );
  const positions = await queuePositions(
    trx,
    rows.filter((row) => row.status === 'waiting').map((row) => row.id),
  );
  stored.forEach((entry, position) => {
    const id = rows[position]!.id;
    outcomes[entry.index] = {
      kind: 'stored',
      registration: inserted.get(id)!,
      queuePosition: positions.get(id) ?? null,
    };
  });
  return { outcomes, eventName: event.name };
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
