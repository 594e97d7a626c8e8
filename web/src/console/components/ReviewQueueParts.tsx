import { Tag } from 'antd';
import { fieldLabel, pendingSteps, stepTag } from '../review-text';
import type { ConsoleEvent } from '../types';

// Items that wait this many whole days or more are highlighted, the longer wait in red.
export const WAITING_WARN_DAYS = 3;
const WAITING_ALERT_DAYS = 7;

/** Tells whether a queue item is a new filing or a change to an approved event. */
export function queueKind(event: ConsoleEvent): 'filing' | 'change' {
  return event.state === 'submitted' ? 'filing' : 'change';
}

/** Whole days waited, highlighted orange from 3 days and red from 7. */
export function WaitingDays({ days }: { days: number | null }) {
  if (days === null) return <>-</>;
  if (days === 0) return <Tag>不足 1 天</Tag>;
  let colour = 'default';
  if (days >= WAITING_ALERT_DAYS) colour = 'red';
  else if (days >= WAITING_WARN_DAYS) colour = 'orange';
  return (
    <Tag color={colour} data-testid="waiting-days">
      {days} 天
    </Tag>
  );
}

/** Lists the changed fields of an item's pending change: 场地、开始时间. */
export function changedFields(event: ConsoleEvent): string {
  return (event.pendingChange?.fields ?? []).map(fieldLabel).join('、');
}

/** Tags an item: 新填报 or 变更, and each review step the reviewer still has to record. */
export function QueueTags({ event }: { event: ConsoleEvent }) {
  const kind = queueKind(event);
  return (
    <span className="console-queue-tags">
      {kind === 'filing' ? <Tag color="blue">新填报</Tag> : <Tag color="purple">变更</Tag>}
      {kind === 'filing' &&
        pendingSteps(event).map((step) => (
          <Tag key={step.step} color="gold" title={step.federation}>
            {stepTag(step)}
          </Tag>
        ))}
    </span>
  );
}
