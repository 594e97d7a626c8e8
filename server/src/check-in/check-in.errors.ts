import { defineError } from '../http/problem.js';

export const CodeNotFound = defineError(
  'CHK_CODE_NOT_FOUND',
  'No active registration with this code in event %s',
  404,
);
export const EventNotRunning = defineError(
  'CHK_EVENT_NOT_PUBLISHED',
  'Event %s is not published, so nobody can check in',
  409,
);
export const TicketInvalid = defineError(
  'CHK_TICKET_INVALID',
  'Scanned text is neither a registration code nor a ticket signed by this platform',
  400,
);
export const TicketOfOtherEvent = defineError(
  'CHK_TICKET_OTHER_EVENT',
  'Ticket %s belongs to another event, not to event %s',
  409,
);
export const EntryCancelled = defineError(
  'CHK_ENTRY_CANCELLED',
  'Registration with code %s was cancelled, so it cannot check in',
  409,
);
export const EntryNotActive = defineError(
  'CHK_ENTRY_NOT_ACTIVE',
  'Registration with code %s is %s: only active entries check in',
  409,
);
export const ScanTimeInvalid = defineError(
  'CHK_SCAN_TIME_INVALID',
  'Scan time %s lies more than 5 minutes after the server clock: correct the device clock',
  400,
);
export const OnSiteLinkInvalid = defineError(
  'CHK_ONSITE_LINK_INVALID',
  'On-site registration link of event %s is invalid: scan the code shown at the venue again',
  403,
);
export const OnSiteClosed = defineError(
  'CHK_ONSITE_CLOSED',
  'On-site registration for event %s is open from 00:00 of its first day until it ends',
  409,
);
export const OutsideCheckInWindow = defineError(
  'CHK_OUTSIDE_WINDOW',
  'Check-in for event %s is open from %s until %s, and the scan time is outside that window',
  409,
);
