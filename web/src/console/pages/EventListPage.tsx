import { PlusOutlined } from '@ant-design/icons';
import {
  EVENT_LEVEL_LABELS,
  EVENT_STATE_LABELS,
  EVENT_STATES,
  SECTION_LABELS,
  type EventState,
} from '@cityleague/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Grid, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { EventStateTag } from '../components/EventStateTag';
import { PageTitle } from '../components/PageTitle';
import { fetchConsoleEvents } from '../endpoints';
import { eventPlace } from '../format';
import { menuLabel } from '../menus';
import { queryKeys, useMe } from '../queries';
import { formatTime } from '../time';
import type { ConsoleEvent } from '../types';

const ALL = 'all';

/**
 * Returns the states an account can filter by. Accounts that cannot file have no drafts of
 * their own and never see other organisations' drafts, so they get no 草稿 tab.
 */
function stateTabs(canFile: boolean): readonly EventState[] {
  return canFile ? EVENT_STATES : EVENT_STATES.filter((state) => state !== 'draft');
}

function parseState(value: string | null, states: readonly EventState[]): EventState | undefined {
  return states.find((state) => state === value);
}

const columns: TableColumnsType<ConsoleEvent> = [
  { title: '赛事名称', dataIndex: 'name', key: 'name', ellipsis: { showTitle: true } },
  {
    title: '级别',
    dataIndex: 'level',
    key: 'level',
    width: 80,
    render: (level: ConsoleEvent['level']) => EVENT_LEVEL_LABELS[level],
  },
  {
    title: '板块',
    dataIndex: 'section',
    key: 'section',
    width: 130,
    render: (section: ConsoleEvent['section']) => SECTION_LABELS[section],
  },
  { title: '项目', dataIndex: 'sportName', key: 'sport', width: 90 },
  {
    title: '区 / 街镇',
    key: 'place',
    width: 170,
    render: (_: unknown, event) => eventPlace(event),
  },
  {
    title: '开始时间',
    dataIndex: 'startsAt',
    key: 'startsAt',
    width: 150,
    render: (startsAt: string) => formatTime(startsAt),
  },
  {
    title: '状态',
    dataIndex: 'state',
    key: 'state',
    width: 90,
    render: (state: EventState, event) => <EventStateTag state={state} endsAt={event.endsAt} />,
  },
  {
    title: '名额',
    key: 'places',
    width: 100,
    align: 'right',
    render: (_: unknown, event) => `${event.registeredCount} / ${event.capacity}`,
  },
];

// Below the md breakpoint the table has two columns: the name with the time and place under
// it, and the state. A phone then shows the state without scrolling sideways.
const compactColumns: TableColumnsType<ConsoleEvent> = [
  {
    title: '赛事',
    key: 'name',
    render: (_: unknown, event) => (
      <>
        <div className="console-compact-name">{event.name}</div>
        <Typography.Text type="secondary" className="console-compact-meta">
          {formatTime(event.startsAt)} · {eventPlace(event)}
        </Typography.Text>
      </>
    ),
  },
  {
    title: '状态',
    dataIndex: 'state',
    key: 'state',
    width: 84,
    render: (state: EventState, event) => <EventStateTag state={state} endsAt={event.endsAt} />,
  },
];

/** Lists the events in the account's scope, filtered by state, 20 at a time. */
export function EventListPage() {
  const me = useMe();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const compact = screens.md === false;
  const [searchParams, setSearchParams] = useSearchParams();
  const states = stateTabs(me.menus.includes('filing'));
  const state = parseState(searchParams.get('state'), states);

  const events = useInfiniteQuery({
    queryKey: [...queryKeys.consoleEvents, state ?? ALL],
    queryFn: ({ pageParam }) => fetchConsoleEvents(state, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  const tabs = [
    { key: ALL, label: '全部' },
    ...states.map((key) => ({ key, label: EVENT_STATE_LABELS[key] })),
  ];

  return (
    <>
      <PageTitle
        title={menuLabel('events', me)}
        extra={
          me.menus.includes('filing') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/events/new')}>
              填报赛事
            </Button>
          )
        }
      />
      <Card>
        <Tabs
          activeKey={state ?? ALL}
          items={tabs}
          onChange={(key) => setSearchParams(key === ALL ? {} : { state: key }, { replace: true })}
        />
        {events.isError && (
          <Alert
            type="error"
            showIcon
            title={consoleErrorMessage(events.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Table<ConsoleEvent>
          rowKey="id"
          columns={compact ? compactColumns : columns}
          dataSource={rows}
          loading={events.isPending}
          pagination={false}
          scroll={compact ? undefined : { x: 1000 }}
          rowClassName="console-clickable-row"
          onRow={(event) => ({ onClick: () => navigate(`/events/${event.id}`) })}
          locale={{ emptyText: '暂无赛事' }}
        />
        {events.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              加载更多
            </Button>
          </div>
        )}
      </Card>
    </>
  );
}
