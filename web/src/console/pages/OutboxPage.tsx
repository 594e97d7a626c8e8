import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { fetchOutbox, retryOutboxMessage } from '../endpoints';
import { formatTime } from '../time';
import type {
  OutboxAbandonReason,
  OutboxItem,
  OutboxPage as OutboxPageData,
  OutboxState,
} from '../types';

/** Chinese names of the outbox kinds that the dispatcher sends. */
const KIND_LABELS: Record<string, string> = {
  'citizen.sms_code': '登录验证码',
  'registration.confirmed': '报名成功',
  'event.changed': '赛事变更',
  'event.cancelled': '赛事取消',
  'registration.waiting': '进入候补',
  'registration.promoted': '候补转正',
  'registration.offered': '候补递补',
  'registration.offer_expired': '递补过期',
  'registration.cancelled': '主办方取消报名',
  'event.reminder': '赛前提醒',
};

/** Chinese reasons for an abandoned message; the gateway's own error follows a failed send. */
const ABANDON_REASON_LABELS: Record<OutboxAbandonReason, string> = {
  registration_cancelled: '报名已取消，无需发送',
  registration_not_found: '报名记录已不存在，无需发送',
  registration_status_changed: '报名状态已变化，无需发送',
  event_changed: '赛事已取消或改期，无需发送',
  code_expired: '验证码已过期或已使用，无需发送',
  send_failed: '多次发送失败',
};

/** Describes why a message has not gone out, in Chinese where the cause is known. */
function reasonText(item: OutboxItem): string {
  if (item.sentAt) return '-';
  if (item.abandonReason && item.abandonReason !== 'send_failed') {
    return ABANDON_REASON_LABELS[item.abandonReason];
  }
  if (!item.lastError) return '-';
  const prefix =
    item.abandonReason === 'send_failed' ? `${ABANDON_REASON_LABELS.send_failed}：` : '发送失败：';
  return `${prefix}${item.lastError}`;
}

const STATE_LABELS: Record<OutboxState, string> = {
  waiting: '待发送',
  retrying: '失败重试中',
  abandoned: '已放弃',
  sent: '已发送',
};

/** Returns the tab's label with the count of its messages. The sent tab has no count. */
function tabLabel(state: OutboxState, counts: OutboxPageData['counts'] | undefined): string {
  if (state === 'sent' || !counts) return STATE_LABELS[state];
  return `${STATE_LABELS[state]}（${counts[state]}）`;
}

/** Returns the title and value of the column that shows when a message last changed state. */
function timeColumn(state: OutboxState): { title: string; time: (item: OutboxItem) => string } {
  if (state === 'sent') return { title: '发送时间', time: (item) => item.sentAt ?? item.createdAt };
  if (state === 'abandoned') {
    return { title: '放弃时间', time: (item) => item.abandonedAt ?? item.nextAttemptAt };
  }
  return { title: '下次尝试', time: (item) => item.nextAttemptAt };
}

/**
 * Shows the operator the SMS by state: waiting, failing and retried with backoff, abandoned,
 * or sent. An abandoned message can be sent again once the cause is fixed.
 */
export function OutboxPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [state, setState] = useState<OutboxState>('retrying');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;

  const page = useQuery({
    queryKey: ['outbox', state, cursor],
    queryFn: () => fetchOutbox(state, cursor),
    refetchInterval: 30_000,
  });
  const retry = useMutation({
    mutationFn: retryOutboxMessage,
    onSuccess: () => {
      message.success('已重新加入发送队列');
      void queryClient.invalidateQueries({ queryKey: ['outbox'] });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const counts = page.data?.counts;
  const timeShown = timeColumn(state);

  return (
    <>
      <PageTitle title="短信发送" />
      <Card>
        <Typography.Paragraph type="secondary">
          发送失败的短信按 30 秒起、逐次加倍（最长 1 小时）的间隔自动重试，8
          次仍失败后放弃。已发送的短信按时间倒序列出，可核对某条短信是否已由短信网关接收。修复短信网关等原因后，可将发送失败的短信重新发送；因报名取消、赛事改期等原因不再需要的短信不会发送，也不能重新发送。
        </Typography.Paragraph>
        <Tabs
          activeKey={state}
          onChange={(key) => {
            setState(key as OutboxState);
            setCursors([null]);
          }}
          items={(Object.keys(STATE_LABELS) as OutboxState[]).map((key) => ({
            key,
            label: tabLabel(key, counts),
          }))}
        />
        {page.isError && <Alert type="error" showIcon title={consoleErrorMessage(page.error)} />}
        <Table<OutboxItem>
          rowKey="id"
          loading={page.isPending}
          dataSource={page.data?.items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: '没有此状态的短信' }}
          columns={[
            {
              title: '类型',
              dataIndex: 'kind',
              render: (kind: string) => KIND_LABELS[kind] ?? kind,
            },
            { title: '赛事', dataIndex: 'eventName', render: (name: string | null) => name ?? '-' },
            { title: '创建时间', dataIndex: 'createdAt', render: formatTime },
            { title: '尝试次数', dataIndex: 'attempts', width: 90 },
            {
              title: timeShown.title,
              key: 'time',
              render: (_, item) => formatTime(timeShown.time(item)),
            },
            {
              title: state === 'abandoned' ? '未发送原因' : '最近错误',
              key: 'reason',
              render: (_, item) => reasonText(item),
            },
            {
              title: '操作',
              width: 110,
              render: (_, item) =>
                item.abandonedAt && item.retryable ? (
                  <Button
                    size="small"
                    loading={retry.isPending && retry.variables === item.id}
                    onClick={() => retry.mutate(item.id)}
                  >
                    重新发送
                  </Button>
                ) : null,
            },
          ]}
        />
        <div style={{ marginTop: 12, display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
          <Button
            disabled={cursors.length <= 1}
            onClick={() => setCursors((list) => list.slice(0, -1))}
          >
            上一页
          </Button>
          <Button
            disabled={!page.data?.nextCursor}
            onClick={() => setCursors((list) => [...list, page.data?.nextCursor ?? null])}
          >
            下一页
          </Button>
        </div>
      </Card>
    </>
  );
}
