import { defineError } from '../http/problem.js';

export const EventNotFound = defineError('EVT_NOT_FOUND', 'Event %s not found', 404);
export const FilingNotAllowed = defineError(
  'EVT_FILING_NOT_ALLOWED',
  'Account type %s may not file %s events in section %s',
  403,
);
export const EventOutOfScope = defineError(
  'EVT_OUT_OF_SCOPE',
  'Division %s is outside the area this account may file for',
  403,
);
export const EventNotEditable = defineError(
  'EVT_NOT_EDITABLE',
  'Event in state %s can no longer be changed',
  409,
);
export const InvalidTransition = defineError(
  'EVT_INVALID_TRANSITION',
  'Event in state %s does not allow %s',
  409,
);
export const InvalidSchedule = defineError(
  'EVT_INVALID_SCHEDULE',
  'Event times are inconsistent',
  400,
);
export const UnknownSport = defineError(
  'EVT_UNKNOWN_SPORT',
  'Sport %s is not in the catalogue',
  400,
);
export const EventNotOwned = defineError(
  'EVT_NOT_OWNED',
  'Event %s belongs to another organisation',
  403,
);
export const ContractRequired = defineError(
  'EVT_CONTRACT_REQUIRED',
  'A contractor files only under one of its contracts: pass contractId',
  400,
);
export const ContractNotOwned = defineError(
  'EVT_CONTRACT_NOT_OWNED',
  "Contract %s is not a contract of the filer's organisation",
  403,
);
export const ContractMismatch = defineError(
  'EVT_CONTRACT_MISMATCH',
  'The filing does not match contract %s: level, section, sport, district and year come from the contract',
  400,
);
