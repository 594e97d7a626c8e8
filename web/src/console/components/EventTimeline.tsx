import { auditActionLabel, REVIEW_STEP_LABELS, type ReviewStep } from '@cityleague/domain';
import { Card, Timeline } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { fieldLabel, formatFilingValue, formOrder } from '../review-text';
import { formatTime } from '../time';
import type { TimelineEntry } from '../types';
import { DivisionName } from './FilingValue';

// Labels worded for an event's own history; other actions use the audit catalogue's labels.
const TIMELINE_ACTION_LABELS: Record<string, string> = {
  'event.created': '创建草稿',
  'event.copied': '复制为新草稿',
  'event.updated': '修改赛事',
  'event.submitted': '提交审核',
  'event.approved': '审核通过',
  'event.returned': '退回修改',
  'event.published': '发布赛事',
  'event.review_step_recorded': '记录审核环节',
  'event.change_requested': '申请变更',
  'event.change_withdrawn': '撤回变更申请',
  'event.change_returned': '退回变更',
  'event.changed': '变更生效',
  'event.cancelled': '取消赛事',
};

const TIMELINE_COLOURS: Record<string, string> = {
  'event.approved': 'green',
  'event.published': 'green',
  'event.changed': 'green',
  'event.returned': 'red',
  'event.change_returned': 'red',
  'event.cancelled': 'gray',
  'event.change_requested': 'orange',
};

// Reasons are labelled by what they explain.
const REASON_LABELS: Record<string, string> = {
  'event.returned': '退回原因',
  'event.change_returned': '退回原因',
  'event.change_requested': '变更原因',
  'event.cancelled': '取消原因',
};

// Long values are cut in the narrow timeline; the pending change panel shows them in full.
const MAX_VALUE_LENGTH = 40;

function shortValue(field: string, value: unknown): ReactNode {
  if (field === 'divisionCode' && typeof value === 'string') return <DivisionName code={value} />;
  const text = formatFilingValue(field, value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/** Lists the field changes an entry records, as 场地：旧值 → 新值. */
function FieldChanges({ changes }: { changes: Record<string, unknown> }) {
  const rows = Object.entries(changes)
    .filter(
      (entry): entry is [string, [unknown, unknown]] =>
        Array.isArray(entry[1]) && entry[1].length === 2,
    )
    .sort(([a], [b]) => formOrder(a) - formOrder(b));
  if (rows.length === 0) return null;
  return (
    <ul className="console-timeline-changes" data-testid="timeline-changes">
      {rows.map(([field, [before, after]]) => (
        <li key={field}>
          <span className="console-timeline-field">{fieldLabel(field)}：</span>
          <span className="console-diff-before">{shortValue(field, before)}</span>
          {' → '}
          <span className="console-diff-after">{shortValue(field, after)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Returns the notes an entry's detail carries: reasons, steps, copies, documents, changes. */
function entryNotes(entry: TimelineEntry): ReactNode[] {
  const detail = entry.detail ?? {};
  const notes: ReactNode[] = [];
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : null);

  const reason = text('reason');
  if (reason) notes.push(`${REASON_LABELS[entry.action] ?? '原因'}：${reason}`);
  if (detail.onSubmit === true) notes.push('无需审核，提交即通过');
  if (entry.action === 'event.submitted' && Array.isArray(detail.steps) && detail.steps.length) {
    const steps = (detail.steps as ReviewStep[]).map((step) => REVIEW_STEP_LABELS[step] ?? step);
    notes.push(`审核前需完成：${steps.join('、')}`);
  }
  if (entry.action === 'event.review_step_recorded') {
    notes.push(`${text('label') ?? ''}：${text('note') ?? ''}`);
  }
  const from = text('from');
  if (entry.action === 'event.copied' && from) {
    notes.push(
      <>
        复制自<Link to={`/events/${from}`}>原赛事</Link>
      </>,
    );
  }
  if (entry.action === 'event.cancelled' && typeof detail.released === 'number') {
    notes.push(`释放报名名额 ${detail.released} 个，已通知报名者`);
  }
  const fileName = text('fileName');
  if (fileName) notes.push(fileName);
  if (entry.action.startsWith('chat_group.') && text('label'))
    notes.push(`群名称：${text('label')}`);
  if (detail.changes && typeof detail.changes === 'object') {
    notes.push(<FieldChanges changes={detail.changes as Record<string, unknown>} />);
  }
  return notes;
}

/** Shows the event's history from the audit log: who did what when, with reasons and changes. */
export function EventTimeline({ entries }: { entries: TimelineEntry[] }) {
  const items = [...entries]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((entry, index) => ({
      key: `${entry.at}-${index}`,
      color: TIMELINE_COLOURS[entry.action] ?? 'blue',
      content: (
        <div data-action={entry.action}>
          <div className="console-timeline-time">{formatTime(entry.at)}</div>
          <div>
            <strong>
              {TIMELINE_ACTION_LABELS[entry.action] ?? auditActionLabel(entry.action)}
            </strong>
            {entry.actorName ? ` · ${entry.actorName}` : ''}
          </div>
          {entryNotes(entry).map((note, noteIndex) => (
            <div key={noteIndex} className="console-timeline-note">
              {note}
            </div>
          ))}
        </div>
      ),
    }));

  return (
    <Card title="办理记录" data-testid="event-timeline">
      {items.length > 0 ? (
        <Timeline items={items} />
      ) : (
        <span style={{ color: 'rgba(0, 0, 0, 0.45)' }}>暂无记录</span>
      )}
    </Card>
  );
}
