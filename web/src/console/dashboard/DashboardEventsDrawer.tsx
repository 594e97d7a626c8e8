import { SECTION_LABELS, sportName, type Section } from '@cityleague/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Grid, Table, Tag, type TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { fetchDashboardEvents } from '../endpoints';
import { formatRate } from '../format';
import { formatTime } from '../time';
import type { DashboardDrill, DashboardEvent, DashboardPeriod } from '../types';

const STAGE_LABELS: Record<string, string> = {
  draft: '草稿',
  submitted: '审核中',
  returned: '已退回',
  approved: '已通过',
  published: '已发布',
  held: '已举办',
  cancelled: '已取消',
};

const columns: TableColumnsType<DashboardEvent> = [
  {
    title: '赛事',
    key: 'name',
    width: 220,
    render: (_: unknown, event) => <Link to={`/events/${event.id}`}>{event.name}</Link>,
  },
  {
    title: '阶段',
    key: 'stage',
    width: 80,
    render: (_: unknown, event) => <Tag>{STAGE_LABELS[event.stage] ?? event.stage}</Tag>,
  },
  {
    title: '板块 / 项目',
    key: 'section',
    width: 150,
    render: (_: unknown, event) =>
      `${SECTION_LABELS[event.section as Section] ?? event.section} / ${
        event.sport ? (sportName(event.sport) ?? event.sport) : '-'
      }`,
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
    render: (_: unknown, event) => formatRate(event.checkIns, event.registrations),
  },
];

export interface DashboardEventsDrawerProps {
  open: boolean;
  title: string;
  division: string | undefined;
  period: DashboardPeriod;
  drill: DashboardDrill;
  onClose: () => void;
}

/** Lists the events behind a dashboard figure, 50 at a time, each linking to its page. */
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
      size={screens.md ? 960 : '100%'}
      destroyOnHidden
    >
      {events.isError && <Alert type="error" showIcon title={consoleErrorMessage(events.error)} />}
      <Table<DashboardEvent>
        rowKey="id"
        size="small"
        loading={events.isPending}
        columns={columns}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1080 }}
        data-testid="dashboard-events"
      />
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
