import { EVENT_LEVEL_LABELS, SECTION_LABELS } from '@cityleague/domain';
import { Card, Checkbox, Collapse, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { eventPlace } from '../format';
import { formatTime } from '../time';
import type { ConsoleEvent } from '../types';
import { ChangeDiffTable } from './ChangeDiffTable';
import { ChangeDecisionActions } from './PendingChangePanel';
import { changedFields, QueueTags, queueKind, WaitingDays } from './ReviewQueueParts';
import { ReviewActions } from './ReviewActions';

/** Shows one queue item as a card, for phones, where a table would need sideways scrolling. */
export function ReviewQueueCard(props: {
  event: ConsoleEvent;
  selectable: boolean;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  /** The reason the last batch approval left this item, if it did. */
  failure?: ReactNode;
}) {
  const { event } = props;
  const change = event.pendingChange;
  const kind = queueKind(event);
  return (
    <Card size="small" className="console-queue-card" data-testid="queue-card">
      <div className="console-queue-card-head">
        {props.selectable && (
          <Checkbox
            checked={props.selected}
            onChange={(e) => props.onSelect(e.target.checked)}
            aria-label={`选择 ${event.name}`}
          />
        )}
        <Link
          to={`/events/${event.id}`}
          state={{ fromReviews: true }}
          className="console-compact-name"
        >
          {event.name}
        </Link>
        <WaitingDays days={event.daysWaiting} />
      </div>
      <QueueTags event={event} />
      {props.failure}
      <Typography.Text type="secondary" className="console-compact-meta">
        {EVENT_LEVEL_LABELS[event.level]} · {SECTION_LABELS[event.section]} · {event.sportName}
        <br />
        {eventPlace(event)} · {event.organiserName}
        <br />
        开始时间 {formatTime(event.startsAt)}
      </Typography.Text>
      {kind === 'change' && change && (
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: 'diff',
              label: `变更：${changedFields(event)}`,
              children: (
                <>
                  <p className="console-hint">变更原因：{change.reason}</p>
                  <ChangeDiffTable
                    fields={change.fields}
                    before={change.before}
                    after={change.after}
                  />
                </>
              ),
            },
          ]}
        />
      )}
      <div className="console-queue-card-actions">
        {kind === 'filing' && event.actions.includes('approve') && (
          <ReviewActions event={event} size="small" />
        )}
        {kind === 'change' && change && event.actions.includes('review_change') && (
          <ChangeDecisionActions event={event} change={change} size="small" />
        )}
      </div>
    </Card>
  );
}
