import { ArrowLeftOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import {
  Button,
  Card,
  Col,
  Grid,
  List,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { AnswerLines, EntryDetailDrawer, RevealableValue } from '../components/EntryAnswers';
import { EntrySpreadsheets } from '../components/EntrySpreadsheets';
import { EventLoadError } from '../components/EventLoadError';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { TeamsCard } from '../components/TeamsCard';
import { fetchConsoleEvent, fetchRegistrations } from '../endpoints';
import { formatRate } from '../format';
import { queryKeys } from '../queries';
import { formatTime } from '../time';
import type { Registration } from '../types';

/** Renders the masked mobile number with its audited reveal. */
function PhoneCell(props: { eventId: string; registration: Registration }) {
  return (
    <RevealableValue
      eventId={props.eventId}
      registrationId={props.registration.id}
      field="phone"
      masked={props.registration.phoneMasked}
      title="查看完整手机号？"
    />
  );
}

const STATUS_TAGS: Record<Registration['status'], ReactNode> = {
  active: <Tag color="blue">有效</Tag>,
  waiting: <Tag color="gold">候补中</Tag>,
  offered: <Tag color="orange">候补待确认</Tag>,
  cancelled: <Tag>已取消</Tag>,
};

const registrationColumns = (
  eventId: string,
  openDetail: (registrationId: string) => void,
): TableColumnsType<Registration> => [
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
  {
    title: '报名表单',
    key: 'answers',
    width: 300,
    render: (_value, registration) => <AnswerLines eventId={eventId} registration={registration} />,
  },
  {
    title: '操作',
    key: 'actions',
    width: 80,
    fixed: 'right',
    render: (_value, registration) => (
      <Button type="link" size="small" onClick={() => openDetail(registration.id)}>
        详情
      </Button>
    ),
  },
];

/**
 * Shows each entry as a card on a phone, where the table's columns would scroll sideways:
 * name and status first, then the code, the mobile number with its reveal button, the times
 * and the form's answers.
 */
function RegistrationCards(props: {
  eventId: string;
  rows: Registration[];
  loading: boolean;
  openDetail: (registrationId: string) => void;
}) {
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
              <Space size={4}>
                {STATUS_TAGS[registration.status]}
                <Button type="link" size="small" onClick={() => props.openDetail(registration.id)}>
                  详情
                </Button>
              </Space>
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
            <AnswerLines eventId={props.eventId} registration={registration} />
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
  const [detailId, setDetailId] = useState<string | null>(null);
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
  const waiting = latest?.waiting ?? 0;
  const offered = latest?.offered ?? 0;

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
            {waiting > 0 && (
              <Typography.Text type="secondary">
                另有候补 {waiting} 人{offered > 0 ? `，其中 ${offered} 人待确认递补` : ''}
              </Typography.Text>
            )}
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
            {/* Offered entries hold places that 报名人数 does not count yet, so the card shows
                every place taken, as the citizens' app counts them. */}
            <Statistic
              title="已占名额 / 名额"
              value={event.data ? `${event.data.registeredCount} / ${event.data.capacity}` : '-'}
              loading={event.isPending}
            />
          </Card>
        </Col>
      </Row>
      <EntrySpreadsheets eventId={id} canImport={event.data?.state === 'published'} />
      <Card>
        {narrow ? (
          <RegistrationCards
            eventId={id}
            rows={rows}
            loading={registrations.isPending}
            openDetail={setDetailId}
          />
        ) : (
          <Table<Registration>
            rowKey="id"
            columns={registrationColumns(id, setDetailId)}
            dataSource={rows}
            loading={registrations.isPending}
            pagination={false}
            scroll={{ x: 1180 }}
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
      <EntryDetailDrawer
        eventId={id}
        registrationId={detailId}
        onClose={() => setDetailId(null)}
        width={narrow ? '100%' : 560}
      />
    </>
  );
}
