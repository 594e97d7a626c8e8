/** States of an event's life cycle that the platform stores. */
export const EVENT_STATES = [
  'draft',
  'submitted',
  'returned',
  'approved',
  'published',
  'cancelled',
] as const;
export type EventState = (typeof EVENT_STATES)[number];

export const EVENT_STATE_LABELS: Record<EventState, string> = {
  draft: '草稿',
  submitted: '待审核',
  returned: '已退回',
  approved: '已通过',
  published: '已发布',
  cancelled: '已取消',
};

export const EVENT_ACTIONS = ['submit', 'approve', 'return', 'publish', 'cancel'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/**
 * The event state machine. An organiser may cancel at any point before the event is cancelled,
 * including a filing in review, which withdraws it. Changes after approval do not move the
 * event: they are change requests, with their own machine below.
 */
const TRANSITIONS: Record<EventState, Partial<Record<EventAction, EventState>>> = {
  draft: { submit: 'submitted', cancel: 'cancelled' },
  submitted: { approve: 'approved', return: 'returned', cancel: 'cancelled' },
  returned: { submit: 'submitted', cancel: 'cancelled' },
  approved: { publish: 'published', cancel: 'cancelled' },
  published: { cancel: 'cancelled' },
  cancelled: {},
};

/** Returns the state an action leads to, or undefined when the action is not allowed. */
export function nextState(state: EventState, action: EventAction): EventState | undefined {
  return TRANSITIONS[state][action];
}

/** Tells whether an organiser may still change the event's details. */
export function isEditable(state: EventState): boolean {
  return state === 'draft' || state === 'returned';
}

/** Tells whether an organiser may ask to change the event's details through a change request. */
export function acceptsChangeRequests(state: EventState): boolean {
  return state === 'approved' || state === 'published';
}

/** States of a change request to an approved event. */
export const CHANGE_STATES = ['pending', 'approved', 'returned', 'withdrawn'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export const CHANGE_STATE_LABELS: Record<ChangeState, string> = {
  pending: '变更待审核',
  approved: '变更已通过',
  returned: '变更已退回',
  withdrawn: '变更已撤回',
};

export const CHANGE_ACTIONS = ['approve', 'return', 'withdraw'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

const CHANGE_TRANSITIONS: Record<ChangeState, Partial<Record<ChangeAction, ChangeState>>> = {
  pending: { approve: 'approved', return: 'returned', withdraw: 'withdrawn' },
  approved: {},
  returned: {},
  withdrawn: {},
};

/** Returns the state a change request moves to, or undefined when the action is not allowed. */
export function nextChangeState(state: ChangeState, action: ChangeAction): ChangeState | undefined {
  return CHANGE_TRANSITIONS[state][action];
}

/**
 * Steps a reviewer records before approving a filing: the pre-review of the sport's national
 * federation where the operator requires one, and the assessment of an X-sport event's safety
 * risk plan and competition rules.
 */
export const REVIEW_STEPS = ['pre_review', 'assessment'] as const;
export type ReviewStep = (typeof REVIEW_STEPS)[number];

export const REVIEW_STEP_LABELS: Record<ReviewStep, string> = {
  pre_review: '协会预审',
  assessment: 'X项目评估',
};

/** Lists the steps a filing needs before approval, in the order they are recorded. */
export function requiredReviewSteps(
  filing: { section: string; sport: string | null },
  preReviewSports: ReadonlySet<string>,
): ReviewStep[] {
  const steps: ReviewStep[] = [];
  if (filing.sport !== null && preReviewSports.has(filing.sport)) steps.push('pre_review');
  if (filing.section === 'x_sport') steps.push('assessment');
  return steps;
}

export type RegistrationStatus = 'not_open' | 'open' | 'closed' | 'full';

export const REGISTRATION_STATUS_LABELS: Record<RegistrationStatus, string> = {
  not_open: '未开始',
  open: '报名中',
  closed: '已截止',
  full: '已满员',
};

/**
 * Derives the registration status of a published event at a moment. The window is
 * half-open: it opens at `opensAt` inclusive and closes at `closesAt` exclusive.
 */
export function registrationStatus(
  event: { opensAt: Date; closesAt: Date; capacity: number; registeredCount: number },
  now: Date,
): RegistrationStatus {
  if (now.getTime() < event.opensAt.getTime()) return 'not_open';
  if (now.getTime() >= event.closesAt.getTime()) return 'closed';
  if (event.registeredCount >= event.capacity) return 'full';
  return 'open';
}
