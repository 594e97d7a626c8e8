import { NOTIFIED_CHANGE_FIELDS, type FilingField } from '@cityleague/domain';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { withdrawChange } from '../event-changes';
import { approveChange, returnChange } from '../reviews';
import { formatTime } from '../time';
import type { ChangeRequest, ConsoleEvent } from '../types';
import { ChangeDiffTable } from './ChangeDiffTable';
import { ReasonModal } from './ReasonModal';
import { useInvalidateEvent, useReviewErrorHandler } from './ReviewActions';

/** Tells whether approving the change sends every entrant an SMS. */
function notifiesEntrants(change: ChangeRequest): boolean {
  return change.fields.some((field) => NOTIFIED_CHANGE_FIELDS.includes(field as FilingField));
}

/**
 * Approve (with a confirmation) and return (with a required reason) buttons for a pending
 * change. The review queue shows them too.
 */
export function ChangeDecisionActions(props: {
  event: ConsoleEvent;
  change: ChangeRequest;
  size?: 'small' | 'middle';
}) {
  const { event, change } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const onReviewError = useReviewErrorHandler();
  const [returnOpen, setReturnOpen] = useState(false);

  const approve = useMutation({
    mutationFn: () => approveChange(event.id, change.id),
    onSuccess: async () => {
      message.success(`已通过「${event.name}」的变更`);
      await invalidateEvent(event.id);
    },
    onError: (error) => onReviewError(event.id, error),
  });
  const sendBack = useMutation({
    mutationFn: (reason: string) => returnChange(event.id, change.id, reason),
    onSuccess: async () => {
      message.success(`已退回「${event.name}」的变更`);
      setReturnOpen(false);
      await invalidateEvent(event.id);
    },
    onError: (error) => onReviewError(event.id, error, () => setReturnOpen(false)),
  });

  const effect = notifiesEntrants(change)
    ? '通过后变更立即生效，已报名的市民将收到短信通知。'
    : '通过后变更立即生效。';
  return (
    <Space size="small" wrap onClick={(e) => e.stopPropagation()}>
      <Popconfirm
        title="确认通过该变更？"
        description={effect}
        okText="确认通过"
        cancelText="取消"
        onConfirm={() => approve.mutateAsync().catch(() => undefined)}
      >
        <Button type="primary" size={props.size} loading={approve.isPending}>
          通过变更
        </Button>
      </Popconfirm>
      <Button danger size={props.size} onClick={() => setReturnOpen(true)}>
        退回变更
      </Button>
      {returnOpen && (
        <ReasonModal
          title={`退回变更：${event.name}`}
          label="退回原因"
          okText="确认退回"
          danger
          extra="办赛主体将看到这段说明；退回后赛事保持变更前的信息。"
          pending={sendBack.isPending}
          onSubmit={(reason) => sendBack.mutate(reason)}
          onClose={() => setReturnOpen(false)}
        />
      )}
    </Space>
  );
}

function WithdrawChangeButton(props: { event: ConsoleEvent; change: ChangeRequest }) {
  const { event, change } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const withdraw = useMutation({
    mutationFn: () => withdrawChange(event.id, change.id),
    onSuccess: async () => {
      message.success('已撤回变更申请');
      await invalidateEvent(event.id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  return (
    <Popconfirm
      title="确认撤回变更申请？"
      description="撤回后赛事保持当前信息，可以重新申请变更。"
      okText="确认撤回"
      cancelText="取消"
      onConfirm={() => withdraw.mutateAsync().catch(() => undefined)}
    >
      <Button loading={withdraw.isPending}>撤回变更</Button>
    </Popconfirm>
  );
}

/**
 * Shows the change waiting for review: the organiser's reason and each changed field before
 * and after. The reviewer approves or returns it there; the organiser may withdraw it.
 */
export function PendingChangePanel({ event }: { event: ConsoleEvent }) {
  const change = event.pendingChange;
  if (!change) return null;
  const may = (action: ConsoleEvent['actions'][number]) => event.actions.includes(action);

  return (
    <Card title="变更申请（待审核）" data-testid="pending-change">
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'reason', label: '变更原因', children: change.reason },
          { key: 'submittedAt', label: '提交时间', children: formatTime(change.submittedAt) },
          ...(event.daysWaiting !== null
            ? [{ key: 'waiting', label: '已等待', children: `${event.daysWaiting} 天` }]
            : []),
        ]}
      />
      <ChangeDiffTable fields={change.fields} before={change.before} after={change.after} />
      {notifiesEntrants(change) && (
        <p className="console-hint">变更涉及名称、时间或地点，通过后将短信通知已报名的市民。</p>
      )}
      {(may('review_change') || may('withdraw_change')) && (
        <div className="console-form-actions" style={{ marginTop: 12 }}>
          {may('review_change') && <ChangeDecisionActions event={event} change={change} />}
          {may('withdraw_change') && <WithdrawChangeButton event={event} change={change} />}
        </div>
      )}
    </Card>
  );
}
