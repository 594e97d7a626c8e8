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
