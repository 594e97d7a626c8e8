import { defineError } from '../http/problem.js';

export const InvalidPhone = defineError('REG_INVALID_PHONE', 'Mobile number is invalid', 400);
export const InvalidName = defineError('REG_INVALID_NAME', 'Name is invalid', 400);
export const EventFull = defineError('REG_EVENT_FULL', 'Event %s has no places left', 409);
export const WindowNotOpen = defineError(
  'REG_WINDOW_NOT_OPEN',
  'Registration for event %s has not opened yet',
  409,
);
export const WindowClosed = defineError(
  'REG_WINDOW_CLOSED',
  'Registration for event %s has closed',
  409,
);
export const AlreadyRegistered = defineError(
  'REG_ALREADY_REGISTERED',
  'This mobile number already has an entry (registered or waiting) in event %s',
  409,
);
export const IdempotencyMismatch = defineError(
  'REG_IDEMPOTENCY_MISMATCH',
  'Idempotency-Key was already used with a different request body',
  422,
);
export const TicketNotFound = defineError('REG_TICKET_NOT_FOUND', 'Ticket %s not found', 404);
export const RegistrationNotFound = defineError(
  'REG_REGISTRATION_NOT_FOUND',
  'Registration %s not found in event %s',
  404,
);
export const GroupRequired = defineError(
  'REG_GROUP_REQUIRED',
  'Event %s has several groups: send the groupId to enter',
  400,
);
export const GroupNotFound = defineError(
  'REG_GROUP_NOT_FOUND',
  'Group %s not found in event %s',
  404,
);
export const InvalidIdNumber = defineError(
  'REG_INVALID_ID_NUMBER',
  'Resident ID number is invalid',
  400,
);
export const NotEligible = defineError(
  'REG_NOT_ELIGIBLE',
  'The entrant does not meet the gender or age rule of group %s',
  409,
);
export const TeamEntryRequired = defineError(
  'REG_TEAM_ENTRY_REQUIRED',
  'Group %s takes team entries only',
  409,
);
export const CancelDeadlinePassed = defineError(
  'REG_CANCEL_DEADLINE_PASSED',
  'The cancellation deadline of event %s has passed',
  409,
);
export const OfferNotOpen = defineError(
  'REG_OFFER_NOT_OPEN',
  'Registration %s has no open offer: it expired, was accepted or was never made',
  409,
);
export const CancelReasonRequired = defineError(
  'REG_CANCEL_REASON_REQUIRED',
  'A reason is required to cancel an entry',
  400,
);
export const IdAlreadyRegistered = defineError(
  'REG_ID_ALREADY_REGISTERED',
  'This ID number already has an entry (registered or waiting) in event %s',
  409,
);
export const AlreadyCancelled = defineError(
  'REG_ALREADY_CANCELLED',
  'Registration %s is already cancelled',
  409,
);
export const InvalidCancelDeadline = defineError(
  'REG_INVALID_CANCEL_DEADLINE',
  'The cancellation deadline must lie before the event starts at %s',
  400,
);
export const EntryExportTooLarge = defineError(
  'REG_EXPORT_TOO_LARGE',
  'The event has more than %s entries, more than one export holds',
  422,
);
export const EntryImportUnreadable = defineError(
  'REG_IMPORT_UNREADABLE',
  'The file is not a readable .xlsx workbook: save it as Excel Workbook (.xlsx) and upload again',
  400,
);
export const EntryImportTooLarge = defineError(
  'REG_IMPORT_TOO_LARGE',
  'The workbook is %s bytes, more than the limit of %s bytes',
  413,
);
export const EntryImportTooManyRows = defineError(
  'REG_IMPORT_TOO_MANY_ROWS',
  'The workbook has %s data rows, more than the limit of %s: split it into several files',
  400,
);
export const EntryImportHasErrors = defineError(
  'REG_IMPORT_HAS_ERRORS',
  'The workbook has %s row errors: nothing was imported',
  422,
);
export const EntryImportOverCapacity = defineError(
  'REG_IMPORT_OVER_CAPACITY',
  'Group %s needs %s places and has %s free: nothing was imported',
  409,
);
export const EntryImportConflict = defineError(
  'REG_IMPORT_CONFLICT',
  'A person in the workbook registered while it was imported: nothing was imported, check the file again',
  409,
);
export const RegisteredThroughOtherChannel = defineError(
  'REG_REGISTERED_ELSEWHERE',
  'This ID number already has a live entry for event %s through %s; the attempt was recorded as a cross-channel duplicate',
  409,
);
export const IdConsentRequired = defineError(
  'REG_ID_CONSENT_REQUIRED',
  'An ID number is stored only with consent: send idConsent: true with it',
  400,
);
export const SafetyNoticeRequired = defineError(
  'REG_SAFETY_NOTICE_REQUIRED',
  'Accept the safety notice: send safetyNoticeVersion %s',
  400,
);
export const SafetyNoticeOutdated = defineError(
  'REG_SAFETY_NOTICE_OUTDATED',
  'Safety notice version %s was accepted, but the current version is %s: read and accept it again',
  409,
);
export const GuardianConsentRequired = defineError(
  'REG_GUARDIAN_CONSENT_REQUIRED',
  "The entrant is under 14 on the event's start date: send the guardian's name, mobile number and consent",
  400,
);
export const FormChanged = defineError(
  'REG_FORM_CHANGED',
  'The registration form of event %s changed while the entry was checked: load it and try again',
  409,
);
export const OneClickUnavailable = defineError(
  'REG_ONE_CLICK_UNAVAILABLE',
  'The profile does not fill the registration form of event %s: register with the form',
  409,
);
export const AnswerNotFound = defineError(
  'REG_ANSWER_NOT_FOUND',
  'Registration %s has no answer to the field %s',
  404,
);
export const EntryFileNotFound = defineError(
  'REG_FILE_NOT_FOUND',
  'File %s is not a file answer of registration %s',
  404,
);
