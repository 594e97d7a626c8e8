import type { Db } from '../db/database.js';
import { EventFull } from '../registrations/registration.errors.js';
import { register, type RegistrationInput } from '../registrations/registration.service.js';
import type { PersonalDataCipher } from '../shared/personal-data.js';
import { OnSiteClosed, OnSiteLinkInvalid } from './check-in.errors.js';
import { onSiteOpen } from './check-in.repository.js';
import { checkInOnSite } from './check-in.service.js';
import type { TicketSigner } from './ticket-token.js';

/** Checks an on-site link's signature and tells whether on-site registration is open now. */
export async function onSiteStatus(
  db: Db,
  signer: TicketSigner,
  eventId: string,
  signature: string,
): Promise<{ open: boolean }> {
  if (!signer.verifyOnSite(eventId, signature)) throw new OnSiteLinkInvalid(eventId);
  return { open: await onSiteOpen(db, eventId) };
}

/**
 * Registers a person who scanned the event's on-site code and checks them in, in one
 * transaction. The entry takes a place through the normal capacity guard with channel
 * 'on_site'. The online window does not apply, but the event's day does: from 00:00 of its
 * first day in Asia/Shanghai until it ends. A full group rejects the entry even when its
 * waiting list is on, because a person at the gate cannot wait for a place.
 */
export async function registerOnSite(
  db: Db,
  cipher: PersonalDataCipher,
  signer: TicketSigner,
  request: { ip: string; eventId: string; signature: string },
  input: Omit<RegistrationInput, 'channel' | 'afterInsert'>,
) {
  const { eventId } = request;
  if (!signer.verifyOnSite(eventId, request.signature)) throw new OnSiteLinkInvalid(eventId);
  if (!(await onSiteOpen(db, eventId))) throw new OnSiteClosed(eventId);
  return register(db, cipher, eventId, {
    ...input,
    channel: 'on_site',
    afterInsert: async (trx, registration) => {
      if (registration.status !== 'active') throw new EventFull(eventId);
      return checkInOnSite(trx, request, registration);
    },
  });
}
