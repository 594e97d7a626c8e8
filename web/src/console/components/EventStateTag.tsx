import { EVENT_STATE_LABELS, type EventState } from '@cityleague/domain';
import { Tag } from 'antd';

const STATE_COLOURS: Record<EventState, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'error',
  approved: 'cyan',
  published: 'success',
  cancelled: 'default',
};

/**
 * Shows an event's state. Given its end, a published event that is over reads 已结束, as the
 * dashboards count it among the held events, although its state stays published.
 */
export function EventStateTag({ state, endsAt }: { state: EventState; endsAt?: string }) {
  const ended = state === 'published' && endsAt !== undefined && Date.parse(endsAt) < Date.now();
  return (
    <Tag color={ended ? 'default' : STATE_COLOURS[state]} data-state={state}>
      {ended ? '已结束' : EVENT_STATE_LABELS[state]}
    </Tag>
  );
}
