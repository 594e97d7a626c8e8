import { parseTicketInput, ticketHashInput } from '@cityleague/domain';
import type { OfflineScan, OfflineTicket, OfflineTicketList } from '../types';

/*
 * What a check-in device keeps in localStorage so that it works without a network for a whole
 * event: the device's id and gate, each event's ticket list (code hashes and masked names,
 * never codes or phone numbers) and the scans still to sync. A list of 5,000 tickets takes
 * about 700 KB, within the 5 MB that browsers give an origin.
 */

const DEVICE_KEY = 'cityleague.check-in.device';
const listKey = (eventId: string) => `cityleague.check-in.list.${eventId}`;
const pendingKey = (eventId: string) => `cityleague.check-in.pending.${eventId}`;

export interface DeviceSettings {
  deviceId: string;
  gate: string;
}

function read<T>(key: string): T | undefined {
  try {
    const text = localStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): boolean {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    // NOTE: a full quota or private browsing rejects the write; the caller reports it.
    return false;
  }
}

/** Returns a random id for a device or a scan nonce. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Returns this device's id and gate, creating the id at first use. */
export function loadDevice(): DeviceSettings {
  const stored = read<Partial<DeviceSettings>>(DEVICE_KEY);
  const device = {
    deviceId: stored?.deviceId ?? `device-${randomId().slice(0, 12)}`,
    gate: stored?.gate ?? '',
  };
  if (!stored?.deviceId) write(DEVICE_KEY, device);
  return device;
}

export function saveGate(gate: string): DeviceSettings {
  const device = { ...loadDevice(), gate };
  write(DEVICE_KEY, device);
  return device;
}

export function loadTicketList(eventId: string): OfflineTicketList | undefined {
  return read<OfflineTicketList>(listKey(eventId));
}

/**
 * Stores a downloaded list, keeping the check-ins this device made offline that the server
 * has not confirmed yet.
 */
export function saveTicketList(list: OfflineTicketList): boolean {
  const local = new Map(
    (loadTicketList(list.eventId)?.tickets ?? [])
      .filter((ticket) => ticket.checkedInAt !== null)
      .map((ticket) => [ticket.hash, ticket]),
  );
  const tickets = list.tickets.map((ticket) =>
    ticket.checkedInAt === null && local.has(ticket.hash) ? local.get(ticket.hash)! : ticket,
  );
  return write(listKey(list.eventId), { ...list, tickets });
}

export function loadPending(eventId: string): OfflineScan[] {
  return read<OfflineScan[]>(pendingKey(eventId)) ?? [];
}

/** Removes synced scans from the queue by nonce. */
export function removePending(eventId: string, nonces: readonly string[]): void {
  const synced = new Set(nonces);
  write(
    pendingKey(eventId),
    loadPending(eventId).filter((scan) => !synced.has(scan.nonce)),
  );
}

async function sha256Base64Url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let binary = '';
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Outcome of an offline scan on this device, before the server has seen it. */
export type OfflineOutcome =
  | { kind: 'checked_in'; ticket: OfflineTicket }
  | { kind: 'repeat'; ticket: OfflineTicket }
  | { kind: 'rejected'; code: string; ticket?: OfflineTicket }
  | { kind: 'no_list' };

/**
 * Checks a ticket in against the downloaded list and queues the scan for the next sync. The
 * device can tell an unknown, cancelled, waiting or already checked-in ticket from a valid
 * one, but it cannot check a QR code's signature: the server does that when the scan syncs.
 */
export async function scanOffline(
  eventId: string,
  text: string,
  scan: { nonce: string; gate: string; scannedAt: string },
): Promise<OfflineOutcome> {
  const list = loadTicketList(eventId);
  if (!list) return { kind: 'no_list' };
  const parsed = parseTicketInput(text);
  if (parsed.kind === 'invalid') return { kind: 'rejected', code: 'CHK_TICKET_INVALID' };
  const hash = await sha256Base64Url(ticketHashInput(eventId, parsed.code));
  const ticket = list.tickets.find((candidate) => candidate.hash === hash);
  if (!ticket) return { kind: 'rejected', code: 'CHK_CODE_NOT_FOUND' };
  if (ticket.status === 'cancelled')
    return { kind: 'rejected', code: 'CHK_ENTRY_CANCELLED', ticket };
  if (ticket.status !== 'active') return { kind: 'rejected', code: 'CHK_ENTRY_NOT_ACTIVE', ticket };

  // A repeat is queued too: another device may have scanned it later, and the server
  // reports such conflicts only for scans it receives.
  const queued = [...loadPending(eventId), { code: text.trim(), ...scan }];
  if (!write(pendingKey(eventId), queued)) throw new Error('本机存储空间不足，无法保存离线签到');
  if (ticket.checkedInAt !== null) return { kind: 'repeat', ticket };
  const checkedIn = { ...ticket, checkedInAt: scan.scannedAt, gate: scan.gate };
  const tickets = list.tickets.map((candidate) => (candidate === ticket ? checkedIn : candidate));
  write(listKey(eventId), { ...list, tickets });
  return { kind: 'checked_in', ticket: checkedIn };
}
