import type { AlertRuleCode } from '@cityleague/domain';

import type { AlertCandidate } from './alert-rules.js';

/** The latest resolved alert of a rule and subject that has no open alert. */
export interface ResolvedAlert {
  detail: Record<string, unknown>;
  /** Seconds from the resolution to now, on the database clock. */
  secondsSinceResolved: number;
}

/**
 * Tells whether a subject that fires again after its alert was resolved is in a new situation,
 * which opens a new alert. Otherwise the resolution remains in force and no alert opens.
 */
type Recurrence = (
  candidate: AlertCandidate,
  resolved: ResolvedAlert,
  parameters: Record<string, number>,
) => boolean;

/**
 * Builds the test of a rule that counts the rows of a sliding window: it fires anew once its
 * whole window lies after the resolution, so none of the rows it counts were there before.
 */
function afterWindow(windowSeconds: (parameters: Record<string, number>) => number): Recurrence {
  return (_candidate, resolved, parameters) =>
    resolved.secondsSinceResolved >= windowSeconds(parameters);
}

function eventIdsOf(detail: Record<string, unknown>): Set<unknown> {
  const events = Array.isArray(detail.events) ? (detail.events as { id?: unknown }[]) : [];
  return new Set(events.map((event) => event?.id));
}

/** The recurrence test of each rule. */
export const ALERT_RECURRENCE: Record<AlertRuleCode, Recurrence> = {
  event_registration_spike: afterWindow((p) => p.windowHours! * 3600),
  partner_registration_spike: afterWindow((p) => p.windowHours! * 3600),
  sms_failure_rate: afterWindow((p) => p.windowMinutes! * 60),
  sign_in_failures_by_ip: afterWindow((p) => p.windowMinutes! * 60),
  // Each submission sets submitted_at, so a filing that left review (returned, withdrawn,
  // approved and changed) and was submitted again is a new wait. A filing still in the same
  // review is the same overdue wait however many more days pass.
  review_overdue: (candidate, resolved) =>
    candidate.detail.submittedAt !== resolved.detail.submittedAt,
  // An ended event's entries and check-ins are final, so its rate is the one already resolved.
  // Only an event moved to a new end time and held again is a new case. Alerts resolved before
  // the detail carried endsAt count as the same end time.
  low_check_in_rate: (candidate, resolved) =>
    resolved.detail.endsAt !== undefined && candidate.detail.endsAt !== resolved.detail.endsAt,
  // The same person in the same events, or in fewer of them, is the case already resolved. An
  // event that the resolved alert did not list makes a new set of overlapping events.
  overlapping_registrations: (candidate, resolved) => {
    const known = eventIdsOf(resolved.detail);
    return [...eventIdsOf(candidate.detail)].some((id) => !known.has(id));
  },
};
