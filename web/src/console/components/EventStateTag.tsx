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

export function EventStateTag({ state }: { state: EventState }) {
  return (
    <Tag color={STATE_COLOURS[state]} data-state={state}>
      {EVENT_STATE_LABELS[state]}
    </Tag>
  );
}
