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
  'This mobile number already holds a place in event %s',
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
