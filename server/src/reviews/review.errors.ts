import { defineError } from '../http/problem.js';

export const NotReviewer = defineError(
  'REV_NOT_REVIEWER',
  'This account does not review event %s',
  403,
);
export const ReasonRequired = defineError(
  'REV_REASON_REQUIRED',
  'A reason is required to return a filing',
  400,
);
export const NotInReview = defineError(
  'EVT_NOT_IN_REVIEW',
  'Event %s is in state %s, not waiting for review',
  409,
);
