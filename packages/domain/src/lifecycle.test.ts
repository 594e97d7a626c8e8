import { describe, expect, it } from 'vitest';
import {
  CHANGE_ACTIONS,
  CHANGE_STATES,
  EVENT_ACTIONS,
  EVENT_STATES,
  EVENT_STATE_LABELS,
  REGISTRATION_STATUS_LABELS,
  acceptsChangeRequests,
  isEditable,
  nextChangeState,
  nextState,
  requiredReviewSteps,
  type ChangeAction,
  type ChangeState,
  registrationStatus,
  type EventAction,
  type EventState,
} from './lifecycle.js';

// The full transition table. An undefined entry marks an action that the state rejects.
const EXPECTED_TRANSITIONS: Record<EventState, Record<EventAction, EventState | undefined>> = {
  draft: {
    submit: 'submitted',
    approve: undefined,
    return: undefined,
    publish: undefined,
    cancel: 'cancelled',
  },
  submitted: {
    submit: undefined,
    approve: 'approved',
    return: 'returned',
    publish: undefined,
    cancel: 'cancelled',
  },
  returned: {
    submit: 'submitted',
    approve: undefined,
    return: undefined,
    publish: undefined,
    cancel: 'cancelled',
  },
  approved: {
    submit: undefined,
    approve: undefined,
    return: undefined,
    publish: 'published',
    cancel: 'cancelled',
  },
  published: {
    submit: undefined,
    approve: undefined,
    return: undefined,
    publish: undefined,
    cancel: 'cancelled',
  },
  cancelled: {
    submit: undefined,
    approve: undefined,
    return: undefined,
    publish: undefined,
    cancel: undefined,
  },
};

describe('event states and actions', () => {
  it('lists the states in order', () => {
    expect(EVENT_STATES).toEqual([
      'draft',
      'submitted',
      'returned',
      'approved',
      'published',
      'cancelled',
    ]);
  });

  it('lists the actions in order', () => {
    expect(EVENT_ACTIONS).toEqual(['submit', 'approve', 'return', 'publish', 'cancel']);
  });

  it('labels every state in Chinese', () => {
    expect(EVENT_STATE_LABELS).toEqual({
      draft: '草稿',
      submitted: '待审核',
      returned: '已退回',
      approved: '已通过',
      published: '已发布',
      cancelled: '已取消',
    });
  });
});

describe('nextState', () => {
  const pairs = EVENT_STATES.flatMap((state) =>
    EVENT_ACTIONS.map((action) => ({
      state,
      action,
      expected: EXPECTED_TRANSITIONS[state][action],
    })),
  );

  it('covers every state and action pair', () => {
    expect(pairs).toHaveLength(30);
  });

  it.each(pairs)('$state + $action -> $expected', ({ state, action, expected }) => {
    expect(nextState(state, action)).toBe(expected);
  });

  it('walks the usual path through a return', () => {
    const steps: EventAction[] = ['submit', 'return', 'submit', 'approve', 'publish', 'cancel'];
    const visited: (EventState | undefined)[] = [];
    let state: EventState | undefined = 'draft';
    for (const action of steps) {
      state = state === undefined ? undefined : nextState(state, action);
      visited.push(state);
    }
    expect(visited).toEqual([
      'submitted',
      'returned',
      'submitted',
      'approved',
      'published',
      'cancelled',
    ]);
  });

  it('leaves cancelled as a final state', () => {
    for (const action of EVENT_ACTIONS) {
      expect(nextState('cancelled', action), action).toBeUndefined();
    }
  });
});

describe('isEditable', () => {
  it.each([
    ['draft', true],
    ['submitted', false],
    ['returned', true],
    ['approved', false],
    ['published', false],
    ['cancelled', false],
  ] as const)('%s -> %s', (state, expected) => {
    expect(isEditable(state)).toBe(expected);
  });
});

describe('registrationStatus', () => {
  const opensAt = new Date('2025-07-01T09:00:00+08:00');
  const closesAt = new Date('2025-07-10T18:00:00+08:00');

  function statusAt(now: Date, registeredCount = 10, capacity = 100): string {
    return registrationStatus({ opensAt, closesAt, capacity, registeredCount }, now);
  }

  function shift(date: Date, milliseconds: number): Date {
    return new Date(date.getTime() + milliseconds);
  }

  it.each([
    ['a day before opening', 'not_open', shift(opensAt, -86_400_000)],
    ['1 ms before opening', 'not_open', shift(opensAt, -1)],
    ['the opening second', 'open', opensAt],
    ['the opening second as UTC text', 'open', new Date('2025-07-01T01:00:00Z')],
    ['1 ms after opening', 'open', shift(opensAt, 1)],
    ['1 ms before closing', 'open', shift(closesAt, -1)],
    ['the closing second', 'closed', closesAt],
    ['1 ms after closing', 'closed', shift(closesAt, 1)],
    ['a day after closing', 'closed', shift(closesAt, 86_400_000)],
  ])('%s is %s', (_name, expected, now) => {
    expect(statusAt(now)).toBe(expected);
  });

  it.each([
    [99, 100, 'open'],
    [100, 100, 'full'],
    [101, 100, 'full'],
    [0, 0, 'full'],
    [0, 1, 'open'],
  ])('with %i of %i registered inside the window is %s', (registered, capacity, expected) => {
    expect(statusAt(opensAt, registered, capacity)).toBe(expected);
    expect(statusAt(shift(closesAt, -1), registered, capacity)).toBe(expected);
  });

  it('reports not_open before full', () => {
    expect(statusAt(shift(opensAt, -1), 100, 100)).toBe('not_open');
  });

  it('reports closed before full', () => {
    expect(statusAt(closesAt, 100, 100)).toBe('closed');
  });

  it('labels every status in Chinese', () => {
    expect(REGISTRATION_STATUS_LABELS).toEqual({
      not_open: '未开始',
      open: '报名中',
      closed: '已截止',
      full: '已满员',
    });
  });
});

describe('change requests', () => {
  const EXPECTED: Record<ChangeState, Record<ChangeAction, ChangeState | undefined>> = {
    pending: { approve: 'approved', return: 'returned', withdraw: 'withdrawn' },
    approved: { approve: undefined, return: undefined, withdraw: undefined },
    returned: { approve: undefined, return: undefined, withdraw: undefined },
    withdrawn: { approve: undefined, return: undefined, withdraw: undefined },
  };
  const pairs = CHANGE_STATES.flatMap((state) =>
    CHANGE_ACTIONS.map((action) => ({ state, action, expected: EXPECTED[state][action] })),
  );

  it('covers every state and action pair', () => {
    expect(pairs).toHaveLength(12);
  });

  it.each(pairs)('$state + $action -> $expected', ({ state, action, expected }) => {
    expect(nextChangeState(state, action)).toBe(expected);
  });

  it.each([
    ['draft', false],
    ['submitted', false],
    ['returned', false],
    ['approved', true],
    ['published', true],
    ['cancelled', false],
  ] as const)('an event that is %s accepts change requests: %s', (state, expected) => {
    expect(acceptsChangeRequests(state)).toBe(expected);
  });
});

describe('requiredReviewSteps', () => {
  const federation = new Set(['football', 'marathon']);
  it.each([
    [{ section: 'league_event', sport: 'basketball' }, []],
    [{ section: 'league_event', sport: 'football' }, ['pre_review']],
    [{ section: 'x_sport', sport: 'skateboarding' }, ['assessment']],
    [{ section: 'x_sport', sport: 'marathon' }, ['pre_review', 'assessment']],
    [{ section: 'community_games', sport: null }, []],
  ] as const)('%o needs %o', (filing, expected) => {
    expect(requiredReviewSteps(filing, federation)).toEqual(expected);
  });

  it('asks nothing extra when no sport needs a pre-review', () => {
    expect(requiredReviewSteps({ section: 'league_event', sport: 'football' }, new Set())).toEqual(
      [],
    );
  });
});
