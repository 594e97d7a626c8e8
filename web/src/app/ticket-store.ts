import { addressLine } from './event-text';
import type { Registration, Ticket } from './events-api';

/**
 * A ticket remembered on this device. It contains no personal data beyond the masked phone,
 * because the device may be shared.
 */
export interface StoredTicket {
  code: string;
  eventId: string;
  eventName: string;
  phoneMasked: string;
  createdAt: string;
  /** Details copied once the ticket loaded online, so that it shows in full offline. */
  startsAt?: string;
  endsAt?: string;
  place?: string;
  nameMasked?: string;
  status?: Ticket['status'];
  checkedInAt?: string | null;
}

const STORAGE_KEY = 'cityleague.tickets';
const MAX_TICKETS = 20;

function isStoredTicket(value: unknown): value is StoredTicket {
  if (typeof value !== 'object' || value === null) return false;
  const ticket = value as Record<string, unknown>;
  return (
    typeof ticket.code === 'string' &&
    typeof ticket.eventId === 'string' &&
    typeof ticket.eventName === 'string' &&
    typeof ticket.phoneMasked === 'string' &&
    typeof ticket.createdAt === 'string'
  );
}

/** Returns the remembered tickets, newest first. Unreadable storage yields an empty list. */
export function loadTickets(): StoredTicket[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isStoredTicket) : [];
  } catch {
    return [];
  }
}

export function findTicket(code: string): StoredTicket | undefined {
  return loadTickets().find((ticket) => ticket.code === code);
}

/** Puts a new registration at the top of the list and keeps the latest MAX_TICKETS. */
export function rememberTicket(registration: Registration): void {
  const ticket: StoredTicket = {
    code: registration.code,
    eventId: registration.eventId,
    eventName: registration.eventName,
    phoneMasked: registration.phoneMasked,
    createdAt: registration.createdAt,
  };
  const others = loadTickets().filter((stored) => stored.code !== ticket.code);
  writeTickets([ticket, ...others].slice(0, MAX_TICKETS));
}

/**
 * Stores what a loaded ticket shows, so that it opens without a network later. A ticket not
 * remembered yet is added, because the citizen may have registered on another device.
 */
export function rememberTicketDetails(ticket: Ticket): void {
  const stored: StoredTicket = {
    code: ticket.code,
    eventId: ticket.event.id,
    eventName: ticket.event.name,
    phoneMasked: ticket.phoneMasked,
    createdAt: ticket.createdAt,
    startsAt: ticket.event.startsAt,
    endsAt: ticket.event.endsAt,
    place: addressLine(ticket.event),
    nameMasked: ticket.nameMasked,
    status: ticket.status,
    checkedInAt: ticket.checkedInAt,
  };
  const tickets = loadTickets();
  const index = tickets.findIndex((known) => known.code === ticket.code);
  if (index >= 0) tickets[index] = stored;
  else tickets.unshift(stored);
  writeTickets(tickets.slice(0, MAX_TICKETS));
}

export function forgetTickets(): void {
  writeTickets([]);
}

function writeTickets(tickets: StoredTicket[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(tickets));
  } catch {
    // NOTE: private browsing or a full quota rejects the write. The ticket page still
    // shows the code, so the list is only a convenience and the failure is ignored.
  }
}
