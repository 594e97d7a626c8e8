import type { PermittedEventAction } from '@cityleague/domain';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { publishEvent, submitEvent } from '../endpoints';
import { copyEvent } from '../event-changes';
import { useMe } from '../queries';
import type { ConsoleEvent } from '../types';
import { CancelEventModal } from './CancelEventModal';
import { ChangeRequestModal } from './ChangeRequestModal';
import { ReviewActions, useInvalidateEvent } from './ReviewActions';

/** Hint on the publish button: the fields of the default registration form. */
const DEFAULT_FORM_HINT = '默认报名表只请报名者填写姓名和手机号码';

/**
 * Renders the buttons of an event's page. The server lists what this account may do with the event
 * (`actions`), and each permitted action gets one button.
 */
export function EventActions({ event }: { event: ConsoleEvent }) {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const invalidateEvent = useInvalidateEvent();
  const [dialog, setDialog] = useState<'change' | 'cancel' | null>(null);
  const id = event.id;
  const may = (action: PermittedEventAction) => event.actions.includes(action);

  const submit = useMutation({
    mutationFn: () => submitEvent(id),
    onSuccess: async (updated) => {
      message.success(updated.state === 'approved' ? '已提交，审核已自动通过' : '已提交审核');
      await invalidateEvent(id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const publish = useMutation({
    mutationFn: () => publishEvent(id),
    onSuccess: async () => {
      message.success('赛事已发布');
      await invalidateEvent(id);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const copy = useMutation({
    mutationFn: () => copyEvent(id),
    onSuccess: async (draft) => {
      message.success('已复制为新草稿，请补充比赛时间和报名时间');
      await invalidateEvent(draft.id);
      navigate(`/events/${draft.id}/edit`);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  return (
    <Space wrap>
      {may('edit') && <Button onClick={() => navigate(`/events/${id}/edit`)}>编辑</Button>}
      {may('submit') && (
        <Popconfirm
          title="确认提交审核？"
          description="提交后在审核完成前不能修改。"
          okText="确认提交"
          cancelText="取消"
          onConfirm={() => submit.mutateAsync().catch(() => undefined)}
        >
          <Button type="primary" loading={submit.isPending}>
            提交审核
          </Button>
        </Popconfirm>
      )}
      {may('publish') && (
        <Popconfirm
          title="确认发布赛事？"
          description={`发布后市民即可看到赛事，并在报名时间内报名。${DEFAULT_FORM_HINT}。`}
          okText="确认发布"
          cancelText="取消"
          onConfirm={() => publish.mutateAsync().catch(() => undefined)}
        >
          {/* The tooltip wraps the button, so that it shows on hover before the confirmation. */}
          <Tooltip title={DEFAULT_FORM_HINT}>
            <Button type="primary" loading={publish.isPending}>
              使用默认报名表发布
            </Button>
          </Tooltip>
        </Popconfirm>
      )}
      {may('approve') && <ReviewActions event={event} />}
      {may('change') && <Button onClick={() => setDialog('change')}>申请变更</Button>}
      {may('registrations') && (
        <Button onClick={() => navigate(`/events/${id}/registrations`)}>报名名单</Button>
      )}
      {may('registrations') && (
        <Button onClick={() => navigate(`/events/${id}/results`)}>成绩与证书</Button>
      )}
      {event.organisationId === me.user.organisation.id && (
        <Button onClick={() => navigate(`/events/${id}/poster`)}>主KV海报</Button>
      )}
      {may('check_in') && me.menus.includes('check_in') && (
        <Button onClick={() => navigate(`/check-in?event=${encodeURIComponent(id)}`)}>
          现场签到
        </Button>
      )}
      {may('copy') && (
        <Popconfirm
          title="复制为新草稿？"
          description="新草稿保留本赛事的全部信息，比赛时间和报名时间需要重新填写。"
          okText="复制"
          cancelText="取消"
          onConfirm={() => copy.mutateAsync().catch(() => undefined)}
        >
          <Button loading={copy.isPending}>复制为新草稿</Button>
        </Popconfirm>
      )}
      {may('cancel') && (
        <Button danger onClick={() => setDialog('cancel')}>
          取消赛事
        </Button>
      )}
      {dialog === 'change' && <ChangeRequestModal event={event} onClose={() => setDialog(null)} />}
      {dialog === 'cancel' && <CancelEventModal event={event} onClose={() => setDialog(null)} />}
    </Space>
  );
}
