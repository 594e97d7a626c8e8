import { useMutation } from '@tanstack/react-query';
import { Alert, App } from 'antd';
import { consoleErrorMessage } from '../../lib/messages';
import { cancelEvent } from '../event-changes';
import type { ConsoleEvent } from '../types';
import { ReasonModal } from './ReasonModal';
import { useInvalidateEvent } from './ReviewActions';

/** Describes what a cancellation does to this event, for the organiser to read before confirming. */
function consequences(event: ConsoleEvent): string {
  const lines = ['取消后不能恢复，赛事将从市民端下架。'];
  if (event.registeredCount > 0) {
    lines.push(
      `已报名的 ${event.registeredCount} 个名额将全部释放，每位报名者都会收到一条赛事取消短信，短信中包含取消原因。`,
    );
  } else if (event.state === 'published') {
    lines.push('目前无人报名；取消后报名立即关闭。');
  }
  if (event.state === 'submitted') lines.push('赛事正在审核中，取消即撤回本次提交。');
  if (event.pendingChange) lines.push('待审核的变更申请将一并撤回。');
  return lines.join('');
}

/** Requires a reason for 取消赛事 and warns that every entry is released. */
export function CancelEventModal(props: { event: ConsoleEvent; onClose: () => void }) {
  const { event } = props;
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const cancel = useMutation({
    mutationFn: (reason: string) => cancelEvent(event.id, reason),
    onSuccess: async () => {
      message.success('赛事已取消');
      props.onClose();
      await invalidateEvent(event.id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  return (
    <ReasonModal
      title={`取消赛事：${event.name}`}
      label="取消原因"
      okText="确认取消赛事"
      danger
      extra="取消原因会显示在赛事记录中。"
      pending={cancel.isPending}
      onSubmit={(reason) => cancel.mutate(reason)}
      onClose={props.onClose}
      testId="cancel-modal"
    >
      <Alert
        type="error"
        showIcon
        title="请确认是否取消赛事"
        description={consequences(event)}
        style={{ marginBottom: 16 }}
      />
    </ReasonModal>
  );
}
