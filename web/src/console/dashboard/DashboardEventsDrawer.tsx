import {
  DASHBOARD_STAGE_LABELS,
  SECTION_LABELS,
  sportName,
  type DashboardCount,
  type Section,
} from '@cityleague/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Drawer,
  Grid,
  List,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { Link } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchDashboardEvents } from '../endpoints';
import { formatRate } from '../format';
import { formatTime } from '../time';
import type { DashboardDrill, DashboardEvent, DashboardPeriod } from '../types';

/**
 * Formats an event's check-in rate, or 未结束 while the event has not ended and has no rate. A
 * cancelled event was never held, so it has no rate and shows '-' beside its 已取消 tag.
 */
function eventRate(event: DashboardEvent): string {
  if (event.stage === 'cancelled') return '-';
  return event.ended ? formatRate(event.checkIns, event.registrations) : '未结束';
}

function sectionAndSport(event: DashboardEvent): string {
  const section = SECTION_LABELS[event.section as Section] ?? event.section;
  const sport = event.sport ? (sportName(event.sport) ?? event.sport) : '-';
  return `${section} / ${sport}`;
}

function StageTag({ event }: { event: DashboardEvent }) {
  return <Tag>{DASHBOARD_STAGE_LABELS[event.stage as DashboardCount] ?? event.stage}</Tag>;
}

const columns: TableColumnsType<DashboardEvent> = [
  {
    title: '赛事',
    key: 'name',
    width: 220,
    fixed: 'start',
    render: (_: unknown, event) => <Link to={`/events/${event.id}`}>{event.name}</Link>,
  },
  {
    title: '阶段',
    key: 'stage',
    width: 88,
    render: (_: unknown, event) => <StageTag event={event} />,
  },
  {
    title: '板块 / 项目',
    key: 'section',
    width: 150,
    render: (_: unknown, event) => sectionAndSport(event),
  },
  { title: '地点', dataIndex: 'divisionName', key: 'division', width: 120 },
  { title: '办赛主体', dataIndex: 'organisationName', key: 'organisation', width: 160 },
  {
    title: '开始时间',
    key: 'startsAt',
    width: 150,
    render: (_: unknown, event) => (event.startsAt ? formatTime(event.startsAt) : '-'),
  },
  { title: '报名', dataIndex: 'registrations', key: 'registrations', align: 'right', width: 64 },
  { title: '签到', dataIndex: 'checkIns', key: 'checkIns', align: 'right', width: 64 },
  {
    title: '签到率',
    key: 'rate',
    align: 'right',
    width: 72,
    render: (_: unknown, event) => eventRate(event),
  },
];

/** The sum of the column widths: the table's scroll width. */
const TABLE_WIDTH = 1088;

/**
 * The drawer's width from the xl breakpoint (1200 px) up: the table plus the drawer's padding,
 * so every column shows without scrolling. Narrower screens get a full-width drawer.
 */
const DRAWER_WIDTH = TABLE_WIDTH + 2 * 24 + 8;

/** Lists events as cards on a phone, where the nine table columns do not fit. */
function EventCards({ items, loading }: { items: DashboardEvent[]; loading: boolean }) {
  return (
    <List<DashboardEvent>
      loading={loading}
      dataSource={items}
      data-testid="dashboard-events"
      renderItem={(event) => (
        <List.Item className="dashboard-event-card">
          <div style={{ width: '100%' }}>
            <Space
              size={8}
              align="start"
              style={{ width: '100%', justifyContent: 'space-between' }}
            >
              <Link to={`/events/${event.id}`}>{event.name}</Link>
              <StageTag event={event} />
            </Space>
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>
              {sectionAndSport(event)} · {event.divisionName ?? '-'} · {event.organisationName}
              <br />
              {event.startsAt ? formatTime(event.startsAt) : '-'}
            </Typography.Paragraph>
            <Space size={16}>
              <span>报名 {event.registrations}</span>
              <span>签到 {event.checkIns}</span>
              <span>签到率 {eventRate(event)}</span>
            </Space>
          </div>
        </List.Item>
      )}
    />
  );
}

export interface DashboardEventsDrawerProps {
  open: boolean;
  title: string;
  division: string | undefined;
  period: DashboardPeriod;
  drill: DashboardDrill;
  onClose: () => void;
}

/**
 * Lists the events behind a dashboard figure, 50 at a time, each linking to its page: a table
 * from the md breakpoint (768 px) up and cards on a phone.
 */
export function DashboardEventsDrawer(props: DashboardEventsDrawerProps) {
  const screens = Grid.useBreakpoint();
  const { open, title, division, period, drill, onClose } = props;
  const events = useInfiniteQuery({
    queryKey: ['dashboard', 'events', division ?? 'own', period, drill],
    queryFn: ({ pageParam }) => fetchDashboardEvents(division, period, drill, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: open,
  });
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Drawer
      open={open}
      title={title}
      onClose={onClose}
      size={screens.xl ? DRAWER_WIDTH : '100%'}
      destroyOnHidden
    >
      {events.isError && <Alert type="error" showIcon title={consoleErrorMessage(events.error)} />}
      {screens.md ? (
        <Table<DashboardEvent>
          rowKey="id"
          size="small"
          loading={events.isPending}
          columns={columns}
          dataSource={items}
          pagination={false}
          scroll={{ x: TABLE_WIDTH }}
          data-testid="dashboard-events"
        />
      ) : (
        <EventCards items={items} loading={events.isPending} />
      )}
      {events.hasNextPage && (
        <Button
          block
          style={{ marginTop: 12 }}
          loading={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          加载更多
        </Button>
      )}
    </Drawer>
  );
}
