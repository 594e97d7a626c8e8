import { api } from '../lib/api';
import type { Section } from '@cityleague/domain';

import type { Division, PublicEvent } from '../lib/types';

export type { Division, PublicEvent } from '../lib/types';

/** One page of the public event list; `nextCursor` is null on the last page. */
export interface EventPage {
  items: PublicEvent[];
  nextCursor: string | null;
}

/** Filters of the public event list; an empty string means no filter. */
export interface EventFilter {
  section: Section | '';
  district: string;
}

/** The body of a successful POST /api/events/:id/registrations. */
export interface Registration {
  code: string;
  qrUrl: string;
  eventId: string;
  eventName: string;
  name: string;
  phoneMasked: string;
  createdAt: string;
}

/** A registration as GET /api/tickets/:code returns it to anyone who has the code. */
export interface Ticket {
  code: string;
  status: 'active' | 'cancelled';
  nameMasked: string;
  phoneMasked: string;
  createdAt: string;
  checkedInAt: string | null;
  event: PublicEvent;
}

export const EVENT_PAGE_SIZE = 20;

export function fetchDistricts(): Promise<Division[]> {
  return api<Division[]>('/api/divisions?level=district');
}

export function fetchEventPage(filter: EventFilter, cursor: string | null): Promise<EventPage> {
  const params = new URLSearchParams({ limit: String(EVENT_PAGE_SIZE) });
  if (filter.section) params.set('section', filter.section);
  if (filter.district) params.set('district', filter.district);
  if (cursor) params.set('cursor', cursor);
  return api<EventPage>(`/api/events?${params.toString()}`);
}

export function fetchEvent(id: string): Promise<PublicEvent> {
  return api<PublicEvent>(`/api/events/${encodeURIComponent(id)}`);
}

export function fetchTicket(code: string): Promise<Ticket> {
  return api<Ticket>(`/api/tickets/${encodeURIComponent(code)}`);
}

/**
 * Registers a person for an event. The server treats repeated requests with the same
 * idempotency key as one registration.
 */
export function createRegistration(
  eventId: string,
  input: { name: string; phone: string },
  idempotencyKey: string,
): Promise<Registration> {
  return api<Registration>(`/api/events/${encodeURIComponent(eventId)}/registrations`, {
    method: 'POST',
    body: input,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/** Returns the URL of a ticket's QR image when the server response lacks one. */
export function ticketQrUrl(code: string): string {
  return `/api/tickets/${encodeURIComponent(code)}/qr.svg`;
}
