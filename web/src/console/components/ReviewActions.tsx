import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../lib/api';
import { consoleErrorMessage } from '../../lib/messages';
import { approveEvent, returnEvent } from '../endpoints';
import { ReasonModal } from './ReasonModal';
import { queryKeys } from '../queries';
import { pendingStepsNotice } from '../review-text';
import type { ConsoleEvent } from '../types';

/** Refreshes every view that shows an event after a review or a state change. */
export function useInvalidateEvent() {
  const queryClient = useQueryClient();
  return (eventId: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.consoleEvent(eventId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.consoleEvents }),
      queryClient.invalidateQueries({ queryKey: queryKeys.reviews }),
      queryClient.invalidateQueries({ queryKey: queryKeys.dashboard }),
    ]);
}

/**
 * Returns the error handler of a review decision. It shows the error, and after a conflict
 * (409: another reviewer or tab decided first) it refreshes the queue and the event, so a row
 * that is no longer pending disappears. `onStale` closes a dialog left open on the stale row.
 */
export function useReviewErrorHandler() {
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  return (eventId: string, error: unknown, onStale?: () => void) => {
    message.error(consoleErrorMessage(error));
    if (error instanceof ApiError && error.status === 409) {
      onStale?.();
      void invalidateEvent(eventId);
    }
  };
}

/**
 * Approve (with a confirmation) and return (with a required reason) buttons for one filing.
 * Approve stays disabled, with the reason on hover, until every review step is recorded.
 */
export function ReviewActions(props: { event: ConsoleEvent; size?: 'small' | 'middle' }) {
  const { event } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const onReviewError = useReviewErrorHandler();
  const [returnOpen, setReturnOpen] = useState(false);
  const stepsNotice = pendingStepsNotice(event);

  const approve = useMutation({
    mutationFn: () => approveEvent(event.id),
    onSuccess: async () => {
      message.success(`已通过「${event.name}」`);
      await invalidateEvent(event.id);
    },
    onError: (error) => onReviewError(event.id, error),
  });

  return (
    <Space size="small" onClick={(e) => e.stopPropagation()}>
      {stepsNotice ? (
        <Tooltip title={stepsNotice}>
          {/* A disabled button shows no tooltip of its own, so the span carries it. */}
          <span>
            <Button type="primary" size={props.size} disabled>
              通过
            </Button>
          </span>
        </Tooltip>
      ) : (
        <Popconfirm
          title="确认通过该赛事？"
          description="通过后办赛主体即可发布赛事。"
          okText="确认通过"
          cancelText="取消"
          onConfirm={() => approve.mutateAsync().catch(() => undefined)}
        >
          <Button type="primary" size={props.size} loading={approve.isPending}>
            通过
          </Button>
        </Popconfirm>
      )}
      <Button danger size={props.size} onClick={() => setReturnOpen(true)}>
        退回
      </Button>
      {/* Mounted only while open, so that a table of filings has one reason field, not one per row. */}
      {returnOpen && <ReturnEventModal event={event} onClose={() => setReturnOpen(false)} />}
    </Space>
  );
}

function ReturnEventModal(props: { event: ConsoleEvent; onClose: () => void }) {
  const { event } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const onReviewError = useReviewErrorHandler();

  const sendBack = useMutation({
    mutationFn: (reason: string) => returnEvent(event.id, reason),
    onSuccess: async () => {
      message.success(`已退回「${event.name}」`);
      props.onClose();
      await invalidateEvent(event.id);
    },
    onError: (error) => onReviewError(event.id, error, props.onClose),
  });

  return (
    <ReasonModal
      title={`退回赛事：${event.name}`}
      label="退回原因"
      okText="确认退回"
      danger
      extra="办赛主体将看到这段说明，请写明需要修改的内容。"
      pending={sendBack.isPending}
      onSubmit={(reason) => sendBack.mutate(reason)}
      onClose={props.onClose}
    />
  );
}
