import { defineError } from '../http/problem.js';

export const NotificationNotFound = defineError(
  'NTF_NOT_FOUND',
  'Outbox notification %s not found',
  404,
);
export const NotificationNotAbandoned = defineError(
  'NTF_NOT_ABANDONED',
  'Outbox notification %s is not abandoned: it was sent, or it is still retried automatically',
  409,
);
export const NotificationNotRetryable = defineError(
  'NTF_NOT_RETRYABLE',
  'Outbox notification %s was dropped because it no longer fits its registration or event; it cannot be sent again',
  409,
);
