import { acceptsChangeRequests, isEditable, type EventState } from '@cityleague/domain';

import type { Db, Executor } from '../db/database.js';
import { cancelEvent, requestChange } from '../events/event.changes.js';
import { toConsoleEvent } from '../events/event.dto.js';
import { EventNotEditable, EventNotFound } from '../events/event.errors.js';
import { findEventView } from '../events/event.repository.js';
import type { EventInput, EventPatch } from '../events/event.schemas.js';
import { canSeeEvent } from '../events/event.scope.js';
import {
  insertDraft,
  pendingChangeOf,
  submitFiling,
  updateFiling,
  type Actor,
} from '../events/event.service.js';

/**
 * Returns one of the partner's own events in the console's shape, which the write routes
 * serialise without the console's buttons. Another organisation's event is EVT_NOT_FOUND.
 */
export async function getPartnerFiling(db: Executor, actor: Actor, id: string) {
  const view = await findEventView(db, id);
  if (!view || !canSeeEvent(actor.user, view)) throw new EventNotFound(id);
  return toConsoleEvent(view, actor.user, await pendingChangeOf(db, view));
}

/**
 * Files an event for the partner's organisation and, unless `submit` is false, submits it in
 * the same transaction, so an incomplete filing leaves no draft behind. The filing passes the
 * same checks and review routing as an organiser's.
 */
export async function filePartnerEvent(
  db: Db,
  actor: Actor,
  input: EventInput,
  options: { submit: boolean },
) {
  const id = await db.transaction().execute(async (trx) => {
    const created = await insertDraft(trx, actor, input);
    if (options.submit) await submitFiling(trx, actor, created);
    return created;
  });
  return getPartnerFiling(db, actor, id);
}

/**
 * Changes one of the partner's events. A draft or returned filing is edited (and submitted
 * with `submit`) in one transaction. An approved or published event goes through the change
 * request rules with `reason`. Any other state is EVT_NOT_EDITABLE.
 */
export async function changePartnerEvent(
  db: Db,
  actor: Actor,
  id: string,
  input: { patch: EventPatch; reason?: string; submit?: boolean },
) {
  const current = await getPartnerFiling(db, actor, id);
  const state = current.state as EventState;
  if (isEditable(state)) {
    await db.transaction().execute(async (trx) => {
      await updateFiling(trx, actor, id, input.patch);
      if (input.submit === true) await submitFiling(trx, actor, id);
    });
  } else if (acceptsChangeRequests(state) && input.submit !== true) {
    await requestChange(db, actor, id, { patch: input.patch, reason: input.reason ?? '' });
  } else {
    throw new EventNotEditable(state);
  }
  return getPartnerFiling(db, actor, id);
}

/** Cancels one of the partner's events with a reason, as an organiser's cancellation does. */
export async function cancelPartnerEvent(db: Db, actor: Actor, id: string, reason: string) {
  await getPartnerFiling(db, actor, id);
  await cancelEvent(db, actor, id, { reason });
  return getPartnerFiling(db, actor, id);
}
