/** Changes that partners may subscribe to. */
export const WEBHOOK_ACTIONS = [
  'event.approved',
  'event.changed',
  'event.cancelled',
  'registration.created',
  'registration.changed',
  'registration.cancelled',
  'check_in.recorded',
  'results.published',
] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/**
 * Tells whether an action concerns entries. Only the partner that owns the event and the
 * partner that pushed the entry receive those, and only with the `registrations:read` scope.
 * Other actions go to every partner that may read events.
 */
export function isEntryAction(action: WebhookAction): boolean {
  return action.startsWith('registration.') || action === 'check_in.recorded';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Waits after each failed attempt: 1, 5 and 15 minutes, 1, 3 and 6 hours, then every 12
 * hours. Twelve attempts span 70 hours, about 3 days, after which the delivery is abandoned.
 */
export const RETRY_DELAYS_MS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
  12 * HOUR,
];

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
