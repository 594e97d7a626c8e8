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
export const FilingIncomplete = defineError(
  'EVT_INCOMPLETE',
  'The filing lacks required details; every missing field is listed in errors',
  422,
);
export const ReviewStepsPending = defineError(
  'EVT_REVIEW_STEPS_PENDING',
  'Record these review steps before approving: %s',
  409,
);
export const ReviewStepNotRequired = defineError(
  'EVT_STEP_NOT_REQUIRED',
  'This filing does not need the review step %s',
  409,
);
export const ChangePending = defineError(
  'EVT_CHANGE_PENDING',
  'Event %s already has a change waiting for review',
  409,
);
export const ChangeEmpty = defineError('EVT_CHANGE_EMPTY', 'The change alters nothing', 400);
export const FieldFixedAfterApproval = defineError(
  'EVT_FIELD_FIXED',
  'These fields cannot change once the event is approved',
  400,
);
export const CapacityBelowEntries = defineError(
  'EVT_CAPACITY_BELOW_ENTRIES',
  'Capacity %s is below the %s places already taken',
  409,
);
export const ChangeNotFound = defineError('EVT_CHANGE_NOT_FOUND', 'Change %s not found', 404);
export const ChangeNotPending = defineError(
  'EVT_CHANGE_NOT_PENDING',
  'Change %s is %s, no longer waiting for review',
  409,
);
export const ReasonRequired = defineError(
  'EVT_REASON_REQUIRED',
  'A reason is required for this action',
  400,
);
export const InvalidDateRange = defineError(
  'EVT_INVALID_DATE_RANGE',
  'The date range from %s to %s is invalid: send real YYYY-MM-DD dates, from not after to',
  400,
);
