import { ReloadOutlined } from '@ant-design/icons';
import { ALERT_STATUS_LABELS, type AlertStatus } from '@cityleague/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Grid,
  Input,
  List,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import {
  acknowledgeAlert,
  alertDetailText,
  evaluateAlertsNow,
  fetchAlerts,
  markAlertsRead,
  UNREAD_ALERTS_KEY,
  resolveAlert,
  type AlertItem,
} from '../alerts';
import { PageTitle } from '../components/PageTitle';
import { useMe } from '../queries';
import { formatTime } from '../time';

const STATUS_COLOURS: Record<AlertStatus, string> = {
  new: 'red',
  acknowledged: 'gold',
  resolved: 'green',
};

type StatusFilter = AlertStatus | 'all';

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: '全部' },
  { value: 'new', label: ALERT_STATUS_LABELS.new },
  { value: 'acknowledged', label: ALERT_STATUS_LABELS.acknowledged },
  { value: 'resolved', label: ALERT_STATUS_LABELS.resolved },
];

function useAlertActions(operator: boolean) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['alerts'] });
  const acknowledge = useMutation({
    mutationFn: (alert: AlertItem) => acknowledgeAlert(operator, alert.id),
    onSuccess: async () => {
      message.success('已确认预警');
      await refresh();
    },
    onError: async (error) => {
      message.error(consoleErrorMessage(error));
      await refresh();
    },
  });
  const resolve = useMutation({
    mutationFn: (input: { alert: AlertItem; note: string }) =>
      resolveAlert(operator, input.alert.id, input.note),
    onSuccess: async () => {
      message.success('预警已处理');
      await refresh();
    },
    onError: async (error) => {
      message.error(consoleErrorMessage(error));
      await refresh();
    },
  });
  return { acknowledge, resolve };
}

function ResolveModal(props: {
  alert: AlertItem;
  pending: boolean;
  onResolve: (note: string) => void;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  return (
    <Modal
      open
      title={`处理预警：${props.alert.ruleLabel}`}
      okText="标记为已处理"
      cancelText="取消"
      okButtonProps={{ loading: props.pending }}
      onOk={() => props.onResolve(note.trim())}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{alertDetailText(props.alert)}</Typography.Paragraph>
      <Input.TextArea
        aria-label="处理说明"
        placeholder="处理说明（选填），如：已联系主办方核实"
        maxLength={500}
        showCount
        rows={3}
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
    </Modal>
  );
}

function SubjectCell(props: { alert: AlertItem; linkEvents: boolean }) {
  const { alert } = props;
  if (alert.eventId && props.linkEvents && alert.subject.type === 'event') {
    return <Link to={`/events/${alert.eventId}`}>{alert.subject.label}</Link>;
  }
  return <span>{alert.subject.label}</span>;
}

function HandledCell(props: { alert: AlertItem }) {
  const { acknowledged, resolved } = props.alert;
  return (
    <Space direction="vertical" size={0}>
      {acknowledged ? (
        <Typography.Text type="secondary">
          {acknowledged.by} 确认于 {formatTime(acknowledged.at)}
        </Typography.Text>
      ) : null}
      {resolved ? (
        <Typography.Text type="secondary">
          {resolved.by} 处理于 {formatTime(resolved.at)}
          {resolved.note ? `：${resolved.note}` : ''}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/**
 * 异常预警: the alerts the user reads, newest first, filtered by status. New alerts can be
 * acknowledged or resolved, acknowledged ones resolved. The operator also runs the rules on
 * demand. Opening the page marks the user's alert notices read.
 */
export function AlertsPage() {
  const me = useMe();
  const operator = me.user.accountType === 'operator';
  const compact = Grid.useBreakpoint().md === false;
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [resolving, setResolving] = useState<AlertItem | null>(null);
  const status = filter === 'all' ? undefined : filter;
  const alerts = useQuery({
    queryKey: ['alerts', operator, filter],
    queryFn: () => fetchAlerts(operator, status),
  });
  const { acknowledge, resolve } = useAlertActions(operator);
  const evaluate = useMutation({
    mutationFn: evaluateAlertsNow,
    onSuccess: async (result) => {
      // A settled subject still fires, but its alert was resolved and nothing has changed since.
      const settled =
        result.settled > 0 ? `；${result.settled} 项已处理且情况未变，不再重复预警` : '';
      message.success(`检测完成：新增 ${result.opened} 条预警${settled}`);
      await queryClient.invalidateQueries({ queryKey: ['alerts'] });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  const unread = alerts.data?.unread ?? 0;

  useEffect(() => {
    if (unread === 0) return;
    markAlertsRead(operator)
      .then(() => queryClient.invalidateQueries({ queryKey: UNREAD_ALERTS_KEY }))
      .catch(() => undefined);
  }, [operator, unread, queryClient]);

  const actions = (alert: AlertItem) => (
    <Space size="small" wrap>
      {alert.status === 'new' ? (
        <Button
          size="small"
          loading={acknowledge.isPending && acknowledge.variables?.id === alert.id}
          onClick={() => acknowledge.mutate(alert)}
        >
          确认
        </Button>
      ) : null}
      {alert.status !== 'resolved' ? (
        <Button size="small" type="primary" onClick={() => setResolving(alert)}>
          处理
        </Button>
      ) : null}
    </Space>
  );

  const statusTag = (alert: AlertItem) => (
    <Space size={4}>
      <Tag color={STATUS_COLOURS[alert.status]}>{ALERT_STATUS_LABELS[alert.status]}</Tag>
      {alert.unread ? <Badge status="processing" text="未读" /> : null}
    </Space>
  );

  const columns: TableColumnsType<AlertItem> = [
    {
      title: '预警',
      key: 'rule',
      width: 180,
      render: (_, alert) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{alert.ruleLabel}</Typography.Text>
          <SubjectCell alert={alert} linkEvents={!operator} />
        </Space>
      ),
    },
    { title: '详情', key: 'detail', render: (_, alert) => alertDetailText(alert) },
    {
      title: '区域与发现时间',
      key: 'seen',
      width: 150,
      render: (_, alert) => (
        <Space direction="vertical" size={0}>
          <span>{alert.district?.name ?? '全市'}</span>
          <Typography.Text type="secondary">{formatTime(alert.firstSeenAt)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '状态与处理记录',
      key: 'status',
      width: 240,
      render: (_, alert) => (
        <Space direction="vertical" size={4}>
          {statusTag(alert)}
          <HandledCell alert={alert} />
        </Space>
      ),
    },
    { title: '操作', key: 'actions', width: 130, render: (_, alert) => actions(alert) },
  ];

  const items = alerts.data?.items ?? [];
  return (
    <>
      <PageTitle
        title="异常预警"
        extra={
          operator ? (
            <Button
              icon={<ReloadOutlined />}
              loading={evaluate.isPending}
              onClick={() => evaluate.mutate()}
            >
              立即检测
            </Button>
          ) : null
        }
      />
      <Card>
        <Segmented
          options={FILTERS}
          value={filter}
          onChange={(value) => setFilter(value as StatusFilter)}
          className="console-alert-filter"
        />
        {alerts.isError ? (
          <Alert type="error" showIcon message={consoleErrorMessage(alerts.error)} />
        ) : compact ? (
          <List
            loading={alerts.isLoading}
            dataSource={items}
            locale={{ emptyText: '暂无预警' }}
            renderItem={(alert) => (
              <List.Item key={alert.id} data-alert-id={alert.id}>
                <div className="console-alert-item">
                  <Space wrap>
                    <Typography.Text strong>{alert.ruleLabel}</Typography.Text>
                    {statusTag(alert)}
                  </Space>
                  <SubjectCell alert={alert} linkEvents={!operator} />
                  <Typography.Text type="secondary">
                    {alert.district?.name ?? '全市'} · {formatTime(alert.firstSeenAt)}
                  </Typography.Text>
                  <Typography.Text>{alertDetailText(alert)}</Typography.Text>
                  <HandledCell alert={alert} />
                  {actions(alert)}
                </div>
              </List.Item>
            )}
          />
        ) : (
          <Table
            rowKey="id"
            loading={alerts.isLoading}
            columns={columns}
            dataSource={items}
            pagination={false}
            locale={{ emptyText: '暂无预警' }}
            onRow={(alert) => ({ 'data-alert-id': alert.id }) as object}
          />
        )}
      </Card>
      {resolving ? (
        <ResolveModal
          alert={resolving}
          pending={resolve.isPending}
          onClose={() => setResolving(null)}
          onResolve={(note) =>
            resolve.mutate({ alert: resolving, note }, { onSettled: () => setResolving(null) })
          }
        />
      ) : null}
    </>
  );
}
