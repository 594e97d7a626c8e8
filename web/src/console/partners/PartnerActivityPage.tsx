import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Grid,
  List,
  Popconfirm,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { EVENT_STATE_LABELS, type EventState } from '@cityleague/domain';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { BUSINESS_TIME_ZONE, formatTime } from '../time';
import {
  CHANNEL_LABELS,
  fetchDeliveries,
  fetchDuplicates,
  fetchEndpoints,
  fetchHostedEvents,
  fetchPartner,
  fetchReconciliation,
  redeliver,
  searchHostableEvents,
  setHostedEvent,
  WEBHOOK_ACTION_LABELS,
  type DeliveryAttempt,
  type DuplicateAttempt,
  type HostableEvent,
  type HostedEvent,
  type WebhookDelivery,
} from './api';

const ENTRY_STATUS_LABELS: Record<string, string> = {
  active: '有效',
  waiting: '候补',
  offered: '候补待确认',
  cancelled: '已取消',
};

const DELIVERY_STATUS: Record<WebhookDelivery['status'], { text: string; colour: string }> = {
  pending: { text: '待重试', colour: 'orange' },
  delivered: { text: '已送达', colour: 'green' },
  abandoned: { text: '已放弃', colour: 'red' },
};

/** Chinese text of the delivery errors that the server records without an HTTP status. */
function attemptErrorText(error: string | null): string {
  if (error === null || error === 'connection failed') return '连接失败';
  const timeout = /^timed out after (\d+) ms$/.exec(error);
  if (timeout) return `超时（${Number(timeout[1]) / 1000} 秒）`;
  return error;
}

function attemptOutcome(attempt: DeliveryAttempt) {
  if (attempt.statusCode === null) {
    return <Tag color="red">{attemptErrorText(attempt.error)}</Tag>;
  }
  const ok = attempt.statusCode >= 200 && attempt.statusCode < 300;
  return <Tag color={ok ? 'green' : 'red'}>HTTP {attempt.statusCode}</Tag>;
}

/** Lists every attempt of one delivery: time, outcome, duration and the response excerpt. */
function AttemptLog({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.log.length === 0)
    return <Typography.Text type="secondary">尚未投递</Typography.Text>;
  return (
    <Table<DeliveryAttempt>
      size="small"
      rowKey="at"
      pagination={false}
      dataSource={delivery.log}
      scroll={{ x: 640 }}
      columns={[
        { title: '时间', dataIndex: 'at', width: 150, render: formatTime },
        { title: '结果', key: 'outcome', width: 150, render: (_: unknown, a) => attemptOutcome(a) },
        {
          title: '耗时',
          dataIndex: 'durationMs',
          width: 90,
          align: 'right',
          render: (ms: number) => `${ms} 毫秒`,
        },
        {
          title: '响应摘录',
          dataIndex: 'responseExcerpt',
          render: (excerpt: string | null) => (
            <Typography.Text code ellipsis={{ tooltip: excerpt }} style={{ maxWidth: 320 }}>
              {excerpt || '（空）'}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}

/** Lists the attempts of one delivery as lines, for narrow screens. */
function AttemptLines({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.log.length === 0)
    return <Typography.Text type="secondary">尚未投递</Typography.Text>;
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }}>
      {delivery.log.map((attempt) => (
        <div key={attempt.at}>
          <Space size={4} wrap>
            {attemptOutcome(attempt)}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(attempt.at)} · {attempt.durationMs} 毫秒
            </Typography.Text>
          </Space>
          <Typography.Paragraph
            code
            type="secondary"
            ellipsis={{ rows: 2 }}
            style={{ margin: '4px 0 0', fontSize: 12, wordBreak: 'break-all' }}
          >
            {attempt.responseExcerpt || '（空）'}
          </Typography.Paragraph>
        </div>
      ))}
    </Space>
  );
}

/** Shows one delivery as a card with its redeliver button in view, for narrow screens. */
function DeliveryCard({ delivery, action }: { delivery: WebhookDelivery; action: ReactNode }) {
  const [open, setOpen] = useState(false);
  const status = DELIVERY_STATUS[delivery.status];
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="delivery-card">
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Space size={4} wrap>
            <Typography.Text strong>
              {WEBHOOK_ACTION_LABELS[delivery.webhook.action] ?? delivery.webhook.action}
            </Typography.Text>
            <Tag color={status.colour}>{status.text}</Tag>
          </Space>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              序号 {delivery.webhook.sequence} · 产生于 {formatTime(delivery.createdAt)}
            </Typography.Text>
          </div>
        </div>
        {action}
      </div>
      <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
        <Descriptions.Item label="尝试次数">{delivery.attempts}</Descriptions.Item>
        <Descriptions.Item label="下次尝试">{formatTime(delivery.nextAttemptAt)}</Descriptions.Item>
        <Descriptions.Item label="回调地址">
          <Typography.Text style={{ wordBreak: 'break-all' }}>
            {delivery.endpoint.url}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpen(!open)}>
        {open ? '收起投递记录' : `查看投递记录（${delivery.log.length}）`}
      </Button>
      {open && (
        <div style={{ marginTop: 8 }}>
          <AttemptLines delivery={delivery} />
        </div>
      )}
    </Card>
  );
}

/** Shows a partner's endpoints and every delivery with its attempts and a redeliver button. */
function DeliveryLog({ partnerId }: { partnerId: string }) {
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [endpointId, setEndpointId] = useState<string>();
  const endpoints = useQuery({
    queryKey: ['partner-endpoints', partnerId],
    queryFn: () => fetchEndpoints(partnerId),
  });
  const deliveries = useQuery({
    queryKey: ['partner-deliveries', partnerId, endpointId],
    queryFn: () => fetchDeliveries(partnerId, endpointId),
  });
  const resend = useMutation({
    mutationFn: (deliveryId: string) => redeliver(partnerId, deliveryId),
    onSuccess: () => {
      message.success('已重新排队推送');
      return queryClient.invalidateQueries({ queryKey: ['partner-deliveries', partnerId] });
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  const resendButton = (delivery: WebhookDelivery) => (
    <Popconfirm
      title="重新推送这条回调？"
      description="将立即重新投递，并重新开始重试计划。"
      okText="推送"
      cancelText="取消"
      onConfirm={() => resend.mutateAsync(delivery.id).catch(() => undefined)}
    >
      <Button size="small" loading={resend.isPending && resend.variables === delivery.id}>
        重新推送
      </Button>
    </Popconfirm>
  );

  const columns: TableColumnsType<WebhookDelivery> = [
    {
      title: '产生时间',
      dataIndex: 'createdAt',
      width: 150,
      responsive: ['sm'],
      render: formatTime,
    },
    {
      title: '事件',
      key: 'action',
      width: 150,
      render: (_: unknown, d) => (
        <Space direction="vertical" size={0}>
          <span>{WEBHOOK_ACTION_LABELS[d.webhook.action] ?? d.webhook.action}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            序号 {d.webhook.sequence}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: '状态',
      key: 'status',
      width: 100,
      responsive: ['sm'],
      render: (_: unknown, d) => (
        <Tag color={DELIVERY_STATUS[d.status].colour}>{DELIVERY_STATUS[d.status].text}</Tag>
      ),
    },
    { title: '尝试次数', dataIndex: 'attempts', width: 90, align: 'right', responsive: ['md'] },
    {
      title: '下次尝试',
      dataIndex: 'nextAttemptAt',
      width: 150,
      responsive: ['md'],
      render: (at: string | null) => formatTime(at),
    },
    {
      title: '回调地址',
      key: 'url',
      width: 240,
      responsive: ['lg'],
      render: (_: unknown, d) => (
        <Typography.Text ellipsis={{ tooltip: d.endpoint.url }} style={{ maxWidth: 220 }}>
          {d.endpoint.url}
        </Typography.Text>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_: unknown, d) => resendButton(d),
    },
  ];

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <span>回调地址</span>
        <Select
          style={{ minWidth: 280, maxWidth: '100%' }}
          allowClear
          placeholder="全部回调地址"
          value={endpointId}
          onChange={setEndpointId}
          options={(endpoints.data?.items ?? []).map((endpoint) => ({
            value: endpoint.id,
            label: `${endpoint.url}${endpoint.status === 'disabled' ? '（已停用）' : ''}`,
          }))}
        />
      </Space>
      {(endpoints.data?.items ?? [])
        .filter((endpoint) => endpoint.status === 'disabled')
        .map((endpoint) => (
          <Alert
            key={endpoint.id}
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={`${endpoint.url} 已停用${
              endpoint.disabledReason === 'gone' ? '：对方返回 410，不再接收回调' : ''
            }`}
          />
        ))}
      {deliveries.isError && (
        <Alert type="error" showIcon title={consoleErrorMessage(deliveries.error)} />
      )}
      {screens.md ? (
        <Table<WebhookDelivery>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={deliveries.data?.items ?? []}
          loading={deliveries.isPending}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          expandable={{ expandedRowRender: (delivery) => <AttemptLog delivery={delivery} /> }}
          locale={{ emptyText: '还没有推送记录' }}
        />
      ) : (
        <List<WebhookDelivery>
          dataSource={deliveries.data?.items ?? []}
          loading={deliveries.isPending}
          pagination={{ pageSize: 20, hideOnSinglePage: true, size: 'small' }}
          locale={{ emptyText: '还没有推送记录' }}
          renderItem={(delivery) => (
            <DeliveryCard key={delivery.id} delivery={delivery} action={resendButton(delivery)} />
          )}
        />
      )}
    </>
  );
}

function channelText(channel: string, partnerName: string | null) {
  return partnerName
    ? `${CHANNEL_LABELS[channel] ?? channel}：${partnerName}`
    : (CHANNEL_LABELS[channel] ?? channel);
}

/** Lists the cross-channel duplicate entries that concern the partner. */
function Duplicates({ partnerId }: { partnerId: string }) {
  const duplicates = useQuery({
    queryKey: ['partner-duplicates', partnerId],
    queryFn: () => fetchDuplicates(partnerId),
  });
  return (
    <>
      <Typography.Paragraph type="secondary">
        同一身份证号在同一赛事已有有效报名时，另一渠道的报名会被拒绝并记录在此。“人员标识”相同表示同一人。
      </Typography.Paragraph>
      {duplicates.isError && (
        <Alert type="error" showIcon title={consoleErrorMessage(duplicates.error)} />
      )}
      <Table<DuplicateAttempt>
        rowKey="id"
        dataSource={duplicates.data?.items ?? []}
        loading={duplicates.isPending}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 820 }}
        locale={{ emptyText: '没有跨渠道重复报名' }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: formatTime },
          { title: '赛事', dataIndex: 'eventName', width: 200 },
          {
            title: '人员标识',
            dataIndex: 'personRef',
            width: 140,
            render: (ref: string) => <Typography.Text code>{ref}</Typography.Text>,
          },
          {
            title: '被拒绝的报名渠道',
            key: 'attempted',
            width: 180,
            render: (_: unknown, d) => channelText(d.attempted.channel, d.attempted.partnerName),
          },
          {
            title: '已有报名渠道',
            key: 'existing',
            width: 180,
            render: (_: unknown, d) => channelText(d.existing.channel, d.existing.partnerName),
          },
        ]}
      />
    </>
  );
}

function IdList({ ids, empty }: { ids: string[]; empty: string }) {
  if (ids.length === 0) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return (
    <Space direction="vertical" size={0}>
      {ids.map((id) => (
        <Typography.Text key={id} code copyable>
          {id}
        </Typography.Text>
      ))}
    </Space>
  );
}

/** Shows the reconciliation report of the partner and one day. */
function Reconciliation({ partnerId }: { partnerId: string }) {
  const screens = Grid.useBreakpoint();
  const [day, setDay] = useState<Dayjs>(() =>
    dayjs(dayjs().tz(BUSINESS_TIME_ZONE).format('YYYY-MM-DD')),
  );
  const dayText = day.format('YYYY-MM-DD');
  const report = useQuery({
    queryKey: ['partner-reconciliation', partnerId, dayText],
    queryFn: () => fetchReconciliation(partnerId, dayText),
  });
  const data = report.data;
  const differences = data?.differences;
  const differenceCount = differences
    ? differences.eventsMissingAtPartner.length +
      differences.eventsMissingHere.length +
      differences.registrationsMissingAtPartner.length +
      differences.registrationsMissingHere.length +
      differences.statusMismatches.length
    : 0;
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <span>对账日期</span>
        <DatePicker value={day} allowClear={false} onChange={(value) => value && setDay(value)} />
      </Space>
      {report.isError && <Alert type="error" showIcon title={consoleErrorMessage(report.error)} />}
      {data && (
        <>
          {data.partner === null ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title="合作平台尚未报送当日对账数据，下方只列出联赛一侧的记录。"
            />
          ) : (
            <Alert
              type={differenceCount === 0 ? 'success' : 'warning'}
              showIcon
              style={{ marginBottom: 16 }}
              title={
                differenceCount === 0
                  ? `双方一致（合作平台报送于 ${formatTime(data.partner.receivedAt)}）`
                  : `发现 ${differenceCount} 处差异（合作平台报送于 ${formatTime(data.partner.receivedAt)}）`
              }
            />
          )}
          <Descriptions
            bordered
            size="small"
            column={{ xs: 1, md: 2 }}
            style={{ marginBottom: 16 }}
          >
            <Descriptions.Item label="联赛赛事数">{data.league.events.length}</Descriptions.Item>
            <Descriptions.Item label="平台赛事数">
              {data.partner?.eventIds.length ?? '-'}
            </Descriptions.Item>
            <Descriptions.Item label="联赛报名数">
              {data.league.registrations.length}
            </Descriptions.Item>
            <Descriptions.Item label="平台报名数">
              {data.partner?.registrations.length ?? '-'}
            </Descriptions.Item>
          </Descriptions>
          {differences && data.partner && (
            <Descriptions
              bordered
              size="small"
              column={1}
              layout={screens.md ? 'horizontal' : 'vertical'}
            >
              <Descriptions.Item label="平台缺少的赛事">
                <IdList ids={differences.eventsMissingAtPartner} empty="无" />
              </Descriptions.Item>
              <Descriptions.Item label="联赛缺少的赛事">
                <IdList ids={differences.eventsMissingHere} empty="无" />
              </Descriptions.Item>
              <Descriptions.Item label="平台缺少的报名">
                <IdList ids={differences.registrationsMissingAtPartner} empty="无" />
              </Descriptions.Item>
              <Descriptions.Item label="联赛缺少的报名">
                <IdList ids={differences.registrationsMissingHere} empty="无" />
              </Descriptions.Item>
              <Descriptions.Item label="状态不一致">
                {differences.statusMismatches.length === 0 ? (
                  <Typography.Text type="secondary">无</Typography.Text>
                ) : (
                  <Space direction="vertical" size={0}>
                    {differences.statusMismatches.map((m) => (
                      <span key={m.id}>
                        <Typography.Text code>{m.id}</Typography.Text>
                        {` 联赛${ENTRY_STATUS_LABELS[m.league] ?? m.league}，平台${
                          ENTRY_STATUS_LABELS[m.partner] ?? m.partner
                        }`}
                      </span>
                    ))}
                  </Space>
                )}
              </Descriptions.Item>
            </Descriptions>
          )}
        </>
      )}
    </>
  );
}

/** Maximum length of a search text, as the server accepts it. */
const SEARCH_TEXT_MAX_LENGTH = 50;
const SEARCH_DELAY_MS = 300;

/** Returns `value` once it has stayed unchanged for `delayMs`. */
function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

function hostableLabel(event: HostableEvent) {
  const day = event.startsAt ? formatTime(event.startsAt).slice(0, 10) : '日期待定';
  return (
    <Space direction="vertical" size={0} style={{ width: '100%', whiteSpace: 'normal' }}>
      <span>
        {event.name}
        {event.hosted && (
          <Tag color="green" style={{ marginLeft: 8 }}>
            已代收
          </Tag>
        )}
      </span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {`${event.organisationName} · ${event.divisionName} · ${day} · ${
          EVENT_STATE_LABELS[event.state as EventState] ?? event.state
        }`}
      </Typography.Text>
    </Space>
  );
}

/** Searches the events of other organisations by name and picks one to host. */
function HostableEventPicker({
  partnerId,
  value,
  onChange,
}: {
  partnerId: string;
  value: string | undefined;
  onChange: (eventId: string | undefined) => void;
}) {
  const [text, setText] = useState('');
  const searchText = useDebounced(text.trim(), SEARCH_DELAY_MS);
  const found = useQuery({
    queryKey: ['partner-hostable', partnerId, searchText],
    queryFn: () => searchHostableEvents(partnerId, searchText),
  });
  const options = (found.data?.items ?? []).map((event) => ({
    value: event.eventId,
    label: event.name,
    disabled: event.hosted,
    event,
  }));
  let notFound: ReactNode = searchText ? '没有符合搜索的已通过或已发布赛事' : '暂无可选赛事';
  if (found.isPending || text.trim() !== searchText) notFound = <Spin size="small" />;
  if (found.isError) {
    notFound = <Typography.Text type="danger">{consoleErrorMessage(found.error)}</Typography.Text>;
  }
  return (
    <Select
      showSearch
      allowClear
      aria-label="选择赛事"
      placeholder="搜索名称、场馆或拼音"
      style={{ flex: 1, minWidth: 0 }}
      value={value}
      onChange={(eventId?: string) => onChange(eventId)}
      searchValue={text}
      onSearch={(input) => setText(input.slice(0, SEARCH_TEXT_MAX_LENGTH))}
      filterOption={false}
      notFoundContent={notFound}
      options={options}
      optionRender={(option) => hostableLabel(option.data.event)}
      popupMatchSelectWidth
    />
  );
}

/** Lists the other organisations' events the partner may push entries for, with add and remove. */
function HostedEvents({ partnerId }: { partnerId: string }) {
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [eventId, setEventId] = useState<string>();
  const hosted = useQuery({
    queryKey: ['partner-hosted', partnerId],
    queryFn: () => fetchHostedEvents(partnerId),
  });
  const change = useMutation({
    mutationFn: (input: { eventId: string; hosted: boolean }) =>
      setHostedEvent(partnerId, input.eventId, input.hosted),
    onSuccess: (_, input) => {
      message.success(input.hosted ? '已允许代收报名' : '已取消代收报名');
      if (input.hosted) setEventId(undefined);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['partner-hosted', partnerId] }),
        queryClient.invalidateQueries({ queryKey: ['partner-hostable', partnerId] }),
      ]);
    },
    onError: (error) => message.error(consoleErrorMessage(error)),
  });
  return (
    <>
      <Typography.Paragraph type="secondary">
        合作平台可为本机构的赛事报送报名；其他机构已通过审核或已发布的赛事需在此逐项允许。取消后，已报送的报名仍然有效。
      </Typography.Paragraph>
      <Space.Compact style={{ display: 'flex', width: '100%', maxWidth: 640, marginBottom: 16 }}>
        <HostableEventPicker partnerId={partnerId} value={eventId} onChange={setEventId} />
        <Button
          type="primary"
          disabled={eventId === undefined}
          loading={change.isPending}
          onClick={() => eventId && change.mutate({ eventId, hosted: true })}
        >
          允许代收
        </Button>
      </Space.Compact>
      {hosted.isError && <Alert type="error" showIcon title={consoleErrorMessage(hosted.error)} />}
      <Table<HostedEvent>
        rowKey="eventId"
        dataSource={hosted.data?.items ?? []}
        loading={hosted.isPending}
        pagination={false}
        scroll={screens.sm ? { x: 600 } : undefined}
        locale={{ emptyText: '没有代收报名的其他机构赛事' }}
        columns={[
          { title: '赛事', dataIndex: 'name', width: 240 },
          {
            title: '允许时间',
            dataIndex: 'since',
            width: 150,
            responsive: ['sm'],
            render: formatTime,
          },
          {
            title: '操作',
            key: 'actions',
            width: 100,
            render: (_: unknown, row) => (
              <Popconfirm
                title="取消代收报名？"
                okText="取消代收"
                cancelText="返回"
                onConfirm={() =>
                  change.mutateAsync({ eventId: row.eventId, hosted: false }).catch(() => undefined)
                }
              >
                <Button size="small" danger>
                  取消代收
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </>
  );
}

/** Shows one partner's webhook delivery log, duplicates, reconciliation and hosted events. */
export function PartnerActivityPage() {
  const { id = '' } = useParams();
  const partner = useQuery({ queryKey: ['operator-partner', id], queryFn: () => fetchPartner(id) });
  return (
    <>
      <PageTitle
        title={partner.data ? `合作平台：${partner.data.name}` : '合作平台'}
        extra={<Link to="/partners">返回合作平台列表</Link>}
      />
      <Card>
        {partner.isError ? (
          <Empty description={consoleErrorMessage(partner.error)} />
        ) : (
          <Tabs
            items={[
              {
                key: 'deliveries',
                label: '回调投递日志',
                children: <DeliveryLog partnerId={id} />,
              },
              {
                key: 'reconciliation',
                label: '每日对账',
                children: <Reconciliation partnerId={id} />,
              },
              {
                key: 'duplicates',
                label: '跨渠道重复报名',
                children: <Duplicates partnerId={id} />,
              },
              { key: 'hosted', label: '代收报名赛事', children: <HostedEvents partnerId={id} /> },
            ]}
          />
        )}
      </Card>
    </>
  );
}
