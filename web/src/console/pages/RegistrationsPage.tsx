import { ArrowLeftOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Grid,
  List,
  Popconfirm,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  type TableColumnsType,
} from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { EntrySpreadsheets } from '../components/EntrySpreadsheets';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { TeamsCard } from '../components/TeamsCard';
import { fetchConsoleEvent, fetchRegistrations, revealRegistrationPhone } from '../endpoints';
import { formatRate } from '../format';
import { queryKeys } from '../queries';
import { formatTime } from '../time';
import type { Registration } from '../types';

// A revealed number goes back to its masked form after this many milliseconds.
const REVEAL_MS = 60_000;

/**
 * Renders the masked mobile number with a 查看 button. After a confirmation it fetches the full
 * number, which the server audits, and shows it for a minute. Only this cell keeps it.
 */
function PhoneCell(props: { eventId: string; registration: Registration }) {
  const { eventId, registration } = props;
  const { message } = App.useApp();
  const [phone, setPhone] = useState<string | null>(null);
  const reveal = useMutation({
    mutationFn: () => revealRegistrationPhone(eventId, registration.id),
    onSuccess: (result) => setPhone(result.value),
    onError: (error) => message.error(consoleErrorMessage(error)),
  });

  useEffect(() => {
    if (phone === null) return undefined;
    const timer = setTimeout(() => setPhone(null), REVEAL_MS);
    return () => clearTimeout(timer);
  }, [phone]);

  if (phone !== null) {
    return (
      <Space size={4}>
        <span className="console-code">{phone}</span>
        <Button type="link" size="small" onClick={() => setPhone(null)}>
          隐藏
        </Button>
      </Space>
    );
  }
  return (
    <Space size={4}>
      <span>{registration.phoneMasked}</span>
      <Popconfirm
        title="查看完整手机号？"
        description="仅用于联系报名人，查看记录将写入审计日志。"
        okText="查看"
        cancelText="取消"
        onConfirm={() => reveal.mutateAsync().catch(() => undefined)}
      >
        <Button type="link" size="small" loading={reveal.isPending}>
          查看
        </Button>
      </Popconfirm>
    </Space>
  );
}

const STATUS_TAGS: Record<Registration['status'], ReactNode> = {
  active: <Tag color="blue">有效</Tag>,
  waiting: <Tag color="gold">候补中</Tag>,
  offered: <Tag color="orange">候补待确认</Tag>,
  cancelled: <Tag>已取消</Tag>,
};

const registrationColumns = (eventId: string): TableColumnsType<Registration> => [
  {
    title: '报名码',
    dataIndex: 'code',
    key: 'code',
    width: 140,
    render: (code: string) => <span className="console-code">{code}</span>,
  },
  { title: '姓名', dataIndex: 'name', key: 'name', width: 120 },
  {
    title: '手机号',
    key: 'phone',
    width: 200,
    render: (_value, registration) => <PhoneCell eventId={eventId} registration={registration} />,
  },
  {
    title: '报名时间',
    dataIndex: 'createdAt',
    key: 'createdAt',
    width: 150,
    render: (createdAt: string) => formatTime(createdAt),
  },
  {
    title: '报名状态',
    dataIndex: 'status',
    key: 'status',
    width: 100,
    render: (status: Registration['status']) => STATUS_TAGS[status],
  },
  {
    title: '签到时间',
    dataIndex: 'checkedInAt',
    key: 'checkedInAt',
    width: 150,
    render: (checkedInAt: string | null) =>
      checkedInAt ? <Tag color="success">{formatTime(checkedInAt)}</Tag> : <Tag>未签到</Tag>,
  },
];

/**
 * Shows each entry as a card on a phone, where the table's six columns would scroll sideways:
 * name and status first, then the code, the mobile number with its reveal button and the times.
 */
function RegistrationCards(props: { eventId: string; rows: Registration[]; loading: boolean }) {
  return (
    <List<Registration>
      className="registration-cards"
      loading={props.loading}
      dataSource={props.rows}
      locale={{ emptyText: '暂无报名' }}
      renderItem={(registration) => (
        <List.Item key={registration.id}>
          <div style={{ width: '100%' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <strong>{registration.name}</strong>
              {STATUS_TAGS[registration.status]}
            </Space>
            <div className="console-code">{registration.code}</div>
            <PhoneCell eventId={props.eventId} registration={registration} />
            <Space size={8} wrap style={{ color: 'rgba(0, 0, 0, 0.45)' }}>
              <span>报名 {formatTime(registration.createdAt)}</span>
              {registration.checkedInAt ? (
                <Tag color="success">签到 {formatTime(registration.checkedInAt)}</Tag>
              ) : (
                <Tag>未签到</Tag>
              )}
            </Space>
          </div>
        </List.Item>
      )}
    />
  );
}

/**
 * Lists who registered for one event, with check-in progress. When the list cannot load
 * (an unknown event, or another organisation's), the page shows only why.
 */
export function RegistrationsPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const narrow = screens.md === false;
  const event = useQuery({
    queryKey: queryKeys.consoleEvent(id),
    queryFn: () => fetchConsoleEvent(id),
  });
  const registrations = useInfiniteQuery({
    queryKey: queryKeys.registrations(id),
    queryFn: ({ pageParam }) => fetchRegistrations(id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

  const pages = registrations.data?.pages ?? [];
  const rows = pages.flatMap((page) => page.items);
  const latest = pages[pages.length - 1];
  const total = latest?.total ?? 0;
  const checkedIn = latest?.checkedIn ?? 0;

  const title = (
    <PageTitle
      title={
        <>
          报名名单{event.data ? `：${event.data.name} ` : ''}
          {event.data && <EventStateTag state={event.data.state} />}
        </>
      }
      extra={
        event.isSuccess && (
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(`/events/${id}`)}>
            返回赛事详情
          </Button>
        )
      }
    />
  );

  // The list's error decides the page: the event may load (its organisation's reviewer may
  // see it) while its registrations are refused (EVT_NOT_OWNED).
  if (registrations.isError) {
    return (
      <>
        {title}
        <EventLoadError
          error={registrations.error}
          title="无权查看报名名单"
          onRetry={() => void registrations.refetch()}
        />
      </>
    );
  }

  return (
    <>
      {title}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="报名人数" value={total} loading={registrations.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="已签到" value={checkedIn} loading={registrations.isPending} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="签到率"
              value={formatRate(checkedIn, total)}
              loading={registrations.isPending}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="名额"
              value={event.data ? event.data.capacity : '-'}
              loading={event.isPending}
            />
          </Card>
        </Col>
      </Row>
      <EntrySpreadsheets eventId={id} canImport={event.data?.state === 'published'} />
      <Card>
        {narrow ? (
          <RegistrationCards eventId={id} rows={rows} loading={registrations.isPending} />
        ) : (
          <Table<Registration>
            rowKey="id"
            columns={registrationColumns(id)}
            dataSource={rows}
            loading={registrations.isPending}
            pagination={false}
            scroll={{ x: 800 }}
            locale={{ emptyText: '暂无报名' }}
          />
        )}
        {registrations.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button
              loading={registrations.isFetchingNextPage}
              onClick={() => void registrations.fetchNextPage()}
            >
              加载更多
            </Button>
          </div>
        )}
      </Card>
      <TeamsCard eventId={id} />
    </>
  );
}
