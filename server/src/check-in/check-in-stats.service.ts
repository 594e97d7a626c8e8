import { maskName } from '@cityleague/domain';

import type { Principal } from '../accounts/account.repository.js';
import type { Db } from '../db/database.js';
import { EventNotOwned } from '../events/event.errors.js';
import { getVisibleEvent } from '../events/event.service.js';
import * as repository from './check-in.repository.js';
import { ticketHash } from './ticket-token.js';

async function ownEvent(db: Db, user: Principal, eventId: string) {
  const event = await getVisibleEvent(db, user, eventId);
  if (event.organisation_id !== user.organisationId) throw new EventNotOwned(eventId);
  return event;
}

function rate(checkedIn: number, total: number): number {
  return total === 0 ? 0 : Math.round((checkedIn / total) * 1000) / 1000;
}

/**
 * Returns an event's live check-in figures for its organiser: active entries and check-ins in
 * all and per group, check-ins per gate, on-site registrations, rejected scans and tickets
 * scanned by two devices with an offline scan among them.
 */
export async function checkInStats(db: Db, user: Principal, eventId: string) {
  await ownEvent(db, user, eventId);
  const [groups, gates, scans] = await Promise.all([
    repository.countByGroup(db, eventId),
    repository.countByGate(db, eventId),
    repository.scanTotals(db, eventId),
  ]);
  const total = groups.reduce((sum, group) => sum + group.total, 0);
  const checkedIn = groups.reduce((sum, group) => sum + group.checked_in, 0);
  return {
    total,
    checkedIn,
    rate: rate(checkedIn, total),
    onSite: groups.reduce((sum, group) => sum + group.on_site, 0),
    rejectedScans: scans.rejected,
    conflicts: scans.conflicts,
    lastScanAt: scans.last_scan_at ? new Date(scans.last_scan_at).toISOString() : null,
    byGroup: groups.map((group) => ({
      groupId: group.id,
      name: group.name,
      total: group.total,
      checkedIn: group.checked_in,
      rate: rate(group.checked_in, group.total),
    })),
    byGate: gates.map((gate) => ({ gate: gate.gate ?? '', checkedIn: gate.checked_in })),
  };
}

/**
 * Returns the list an offline check-in device downloads: per entry the SHA-256 of the event id
 * and code (never the code), the masked name, the group, the status and any check-in. No phone
 * number or ID number leaves the server.
 */
export async function offlineTicketList(db: Db, user: Principal, eventId: string) {
  const event = await ownEvent(db, user, eventId);
  const [entries, groups] = await Promise.all([
    repository.offlineEntries(db, eventId),
    repository.countByGroup(db, eventId),
  ]);
  return {
    eventId,
    eventName: event.name,
    generatedAt: new Date().toISOString(),
    groups: groups.map((group) => ({ id: group.id, name: group.name })),
    tickets: entries.map((entry) => ({
      hash: ticketHash(eventId, entry.code),
      nameMasked: maskName(entry.name),
      groupId: entry.group_id,
      status: entry.status,
      checkedInAt: entry.checked_in_at ? new Date(entry.checked_in_at).toISOString() : null,
      gate: entry.checked_in_gate,
    })),
  };
}
