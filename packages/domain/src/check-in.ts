import { toHalfWidth } from './identifiers.js';

/** One scan of a ticket, as a check-in device recorded it, possibly while offline. */
export interface Scan {
  /** Ticket code that was scanned. */
  code: string;
  /** Device or gate that scanned it. */
  device: string;
  /** Time of the scan on the device, ISO 8601. */
  scannedAt: string;
  /** Random value chosen by the device, so that a resent scan is recognised. */
  nonce: string;
}

/** A ticket scanned more than once: the scan that counts and the ones that came later. */
export interface ScanConflict {
  code: string;
  first: Scan;
  later: Scan[];
}

export interface MergedScans {
  /** The first scan of each ticket, ordered by time. */
  checkIns: Scan[];
  /** Tickets scanned more than once by different scans, for the organiser to review. */
  conflicts: ScanConflict[];
}

function compareScans(a: Scan, b: Scan): number {
  const byTime = Date.parse(a.scannedAt) - Date.parse(b.scannedAt);
  if (byTime !== 0) return byTime;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  if (a.nonce === b.nonce) return 0;
  return a.nonce < b.nonce ? -1 : 1;
}

/**
 * Merges scans from several devices: each ticket is checked in by its earliest scan, and the
 * other scans of the same ticket are reported as conflicts. A scan sent twice (same nonce) is
 * counted once. Ties in time are broken by device and nonce, so every device merging the same
 * scans gets the same result.
 */
export function mergeScans(scans: readonly Scan[]): MergedScans {
  const unique = new Map<string, Scan>();
  for (const scan of scans) {
    const key = `${scan.code}\u0000${scan.nonce}`;
    const seen = unique.get(key);
    if (seen === undefined || compareScans(scan, seen) < 0) unique.set(key, scan);
  }
  const byCode = new Map<string, Scan[]>();
  for (const scan of unique.values()) {
    const list = byCode.get(scan.code) ?? [];
    list.push(scan);
    byCode.set(scan.code, list);
  }
  const checkIns: Scan[] = [];
  const conflicts: ScanConflict[] = [];
  for (const [code, list] of byCode) {
    list.sort(compareScans);
    const [first, ...later] = list as [Scan, ...Scan[]];
    checkIns.push(first);
    if (later.length > 0) conflicts.push({ code, first, later });
  }
  checkIns.sort(compareScans);
  conflicts.sort((a, b) => compareScans(a.first, b.first));
  return { checkIns, conflicts };
}

/** Version tag at the start of the text in a ticket's QR code: `CL1:<code>:<signature>`. */
export const TICKET_PREFIX = 'CL1';

/** Registration codes: 10 characters of an alphabet without 0, 1, I, L, O and U. */
const REGISTRATION_CODE = /^[2-9A-HJ-NP-TV-Z]{10}$/;
const SIGNED_TICKET = /^CL1:([2-9A-HJ-NP-TV-Z]{10}):([0-9A-F]{20})$/;

/**
 * Maximum length of the text a check-in device sends. A signed ticket is 35 characters
 * (`CL1:` + 10 + `:` + 20); the rest leaves room for spaces typed between characters.
 */
export const TICKET_TEXT_MAX_LENGTH = 40;

/** What a check-in device read: a registration code, with the ticket's signature when scanned. */
export type TicketInput =
  | { kind: 'signed'; code: string; signature: string }
  | { kind: 'code'; code: string }
  | { kind: 'invalid' };

/**
 * Parses the text of a scanned QR code or a typed registration code. Spaces, case and
 * full-width characters are normalised. Text that starts with the ticket prefix but is not a
 * well-formed signed ticket, and text that is neither, is `invalid`.
 */
export function parseTicketInput(text: string): TicketInput {
  const normalised = toHalfWidth(text).replace(/\s+/g, '').toUpperCase();
  const signed = SIGNED_TICKET.exec(normalised);
  if (signed) return { kind: 'signed', code: signed[1] ?? '', signature: signed[2] ?? '' };
  if (REGISTRATION_CODE.test(normalised)) return { kind: 'code', code: normalised };
  return { kind: 'invalid' };
}

/**
 * Returns the text whose SHA-256 identifies a ticket in an event's offline list. The event id
 * is part of it, so one list's hashes say nothing about another event's tickets.
 */
export function ticketHashInput(eventId: string, code: string): string {
  return `cityleague-ticket:${eventId}:${code}`;
}

/**
 * Hours before an event's start from which its check-in is open, so that a desk can hand out
 * start numbers the day before. Check-in closes at the event's end. The event model has no
 * per-event setting for this, so the window is the same for every event.
 */
export const CHECK_IN_OPENS_HOURS_BEFORE_START = 24;

/** Time range in which scans of an event check people in, both ends included. */
export interface CheckInWindow {
  opensAt: Date;
  closesAt: Date;
}

/** Returns the check-in window of an event with a start and end. */
export function checkInWindow(startsAt: Date | string, endsAt: Date | string): CheckInWindow {
  const start = new Date(startsAt).getTime();
  return {
    opensAt: new Date(start - CHECK_IN_OPENS_HOURS_BEFORE_START * 3600_000),
    closesAt: new Date(endsAt),
  };
}

/** Tells whether a time falls in a check-in window, both ends included. */
export function isInCheckInWindow(window: CheckInWindow, at: Date): boolean {
  return at >= window.opensAt && at <= window.closesAt;
}
