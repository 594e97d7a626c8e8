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

const TRANSITIONS: Record<EventState, Partial<Record<EventAction, EventState>>> = {
  draft: { submit: 'submitted', cancel: 'cancelled' },
  submitted: { approve: 'approved', return: 'returned' },
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
