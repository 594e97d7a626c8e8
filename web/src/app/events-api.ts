import { api, apiWithSource } from '../lib/api';
import type { Section } from '@cityleague/domain';

import type { Division, PublicEvent, Sport } from '../lib/types';

export type { Division, PublicEvent, Sport } from '../lib/types';

/** The public event with the filing details that the detail page shows. */
export interface PublicEventDetail extends PublicEvent {
  address: string | null;
  host: string | null;
  organiser: string | null;
  coOrganisers: string[];
  /** Entry fee in fen; null or 0 for a free event. */
  feeCents: number | null;
  rules: string | null;
  description: string | null;
}

/** One page of the public event list; `nextCursor` is null on the last page. */
export interface EventPage {
  items: PublicEvent[];
  nextCursor: string | null;
}

/** Filters of the public event list; an empty string or false means no filter. */
export interface EventFilter {
  section: Section | '';
  district: string;
  /** Search text; every word must match. */
  q?: string;
  street?: string;
  /** Sport codes; an event of any of them passes. */
  sports?: string[];
  /** Shanghai calendar days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  fee?: 'free' | 'paid' | '';
  open?: boolean;
  sort?: 'published' | 'starts';
}

/** Events per Shanghai day of a month, as GET /api/events/calendar returns them. */
export interface EventCalendar {
  month: string;
  days: { date: string; count: number }[];
}

/** A group of a published event with its places left. */
export interface EventGroup {
  id: string;
  name: string;
  capacity: number;
  placesLeft: number;
  feeCents: number;
  gender: string;
  minAge: number | null;
  maxAge: number | null;
  entryType: string;
  teamMin: number | null;
  teamMax: number | null;
  /** 'auto' and 'offer' put entries of a full group on its waiting list. */
  waitingList: 'off' | 'auto' | 'offer';
  /** Hours an offered place is held for a waiting entry, in 'offer' mode. */
  offerHours: number | null;
  /** Places taken in the waiting list; a waiting team counts once. */
  waitingCount: number;
  isDefault: boolean;
}

/** The body of a successful POST /api/events/:id/registrations. */
/** An entry's status: holding a place, on the waiting list, offered a freed place, or cancelled. */
export type EntryStatus = 'active' | 'waiting' | 'offered' | 'cancelled';

export interface Registration {
  code: string;
  qrUrl: string;
  eventId: string;
  eventName: string;
  name: string;
  phoneMasked: string;
  createdAt: string;
  /** 'waiting' when the group was full and the entry joined its waiting list. */
  status?: EntryStatus;
  /** 1-based place in the waiting list while the entry waits, else null. */
  queuePosition?: number | null;
}

/** A registration as GET /api/tickets/:code returns it to anyone who has the code. */
export interface Ticket {
  code: string;
  status: EntryStatus;
  nameMasked: string;
  phoneMasked: string;
  createdAt: string;
  checkedInAt: string | null;
  /** 1-based place in the waiting list while the entry waits, else null. */
  queuePosition: number | null;
  /**
   * Hours to accept an offered place in 我的报名 while the entry waits in a group that offers
   * freed places. Null when places move up by themselves.
   */
  offerHours: number | null;
  event: PublicEvent;
  eventCancelled: boolean;
  /** The organiser's reason once the event is cancelled, else null. */
  eventCancelReason: string | null;
}

export const EVENT_PAGE_SIZE = 20;

export function fetchDistricts(): Promise<Division[]> {
  return api<Division[]>('/api/divisions?level=district');
}

export function fetchStreets(districtCode: string): Promise<Division[]> {
  const params = new URLSearchParams({ parent: districtCode });
  return api<Division[]>(`/api/divisions?${params.toString()}`);
}

export function fetchSports(): Promise<Sport[]> {
  return api<Sport[]>('/api/sports');
}

/** Writes the filter as query parameters, leaving out what is not set. */
export function filterParams(filter: EventFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q?.trim()) params.set('q', filter.q.trim());
  if (filter.section) params.set('section', filter.section);
  if (filter.district) params.set('district', filter.district);
  if (filter.street) params.set('street', filter.street);
  if (filter.sports && filter.sports.length > 0) params.set('sports', filter.sports.join(','));
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  if (filter.fee) params.set('fee', filter.fee);
  if (filter.open) params.set('open', 'true');
  if (filter.sort && filter.sort !== 'published') params.set('sort', filter.sort);
  return params;
}

export function fetchEventPage(filter: EventFilter, cursor: string | null): Promise<EventPage> {
  const params = filterParams(filter);
  params.set('limit', String(EVENT_PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return api<EventPage>(`/api/events?${params.toString()}`);
}

export function fetchCalendar(month: string, filter: EventFilter): Promise<EventCalendar> {
  const params = filterParams({ ...filter, from: undefined, to: undefined, sort: undefined });
  params.set('month', month);
  return api<EventCalendar>(`/api/events/calendar?${params.toString()}`);
}

export function fetchEvent(id: string): Promise<PublicEventDetail> {
  return api<PublicEventDetail>(`/api/events/${encodeURIComponent(id)}`);
}

export async function fetchGroups(id: string): Promise<EventGroup[]> {
  const body = await api<{ items: EventGroup[] }>(`/api/events/${encodeURIComponent(id)}/groups`);
  return body.items;
}

/** A ticket as loaded, marked when it is the copy the service worker saved for offline use. */
export type LoadedTicket = Ticket & { offlineCopy: boolean };

export async function fetchTicket(code: string): Promise<LoadedTicket> {
  const { body, offlineCopy } = await apiWithSource<Ticket>(
    `/api/tickets/${encodeURIComponent(code)}`,
  );
  return { ...body, offlineCopy };
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
