/** Cause for which an outbox notification was given up, as the operator's page shows it. */
export type AbandonReason =
  | 'registration_cancelled'
  | 'registration_not_found'
  | 'registration_status_changed'
  | 'event_changed'
  | 'code_expired'
  | 'send_failed';

/**
 * Patterns of the English drop reasons that the SMS composers store in last_error. A drop
 * means the SMS no longer fits the data, so sending it again would be wrong. Anything else is
 * a delivery error that outlasted the retries, which an operator may send again.
 */
const DROPPED: [RegExp, AbandonReason][] = [
  [
    /^registration was cancelled before sending$|^registration is cancelled,/,
    'registration_cancelled',
  ],
  [/^(registration|result) not found$/, 'registration_not_found'],
  [/^registration is \w+, not \w+$/, 'registration_status_changed'],
  [/^event is \w+$|^event moved to another date$/, 'event_changed'],
  [/^code expired or used before sending$|^payload lacks the code$/, 'code_expired'],
];

/**
 * Classifies an abandoned notification by its stored last_error and returns whether an operator
 * may send it again.
 */
// NOTE: the drop reasons are matched as text, so a new wording in sms-messages.ts or
// sms-code.service.ts must be added here, or it is shown as a delivery failure.
export function abandonReasonOf(lastError: string | null): {
  reason: AbandonReason;
  retryable: boolean;
} {
  const text = lastError ?? '';
  const dropped = DROPPED.find(([pattern]) => pattern.test(text));
  return dropped
    ? { reason: dropped[1], retryable: false }
    : { reason: 'send_failed', retryable: true };
}
