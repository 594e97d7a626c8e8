import { EVENT_STATE_LABELS, EVENT_STATES, type EventState } from '@cityleague/domain';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Card,
  Col,
  Row,
  Skeleton,
  Statistic,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { fetchDashboard, fetchDivision } from '../endpoints';
import { formatRate } from '../format';
import { queryKeys, useMe } from '../queries';
import type { Dashboard, DashboardNode, Division } from '../types';

const STATE_CARDS: EventState[] = [
  'submitted',
  'returned',
  'approved',
  'published',
  'draft',
  'cancelled',
];

const CHILDREN_PAGE_SIZE = 20;

// The division tree has four levels, so a trail never needs more look-ups than this.
const MAX_TRAIL_LENGTH = 4;

/** Levels whose divisions have their own dashboard one level further down. */
const DRILLABLE_LEVELS: readonly Division['level'][] = ['city', 'district', 'street'];

/**
 * Loads the divisions between the account's own scope (exclusive) and `code` (inclusive),
 * top-down, for the breadcrumb.
 */
async function fetchTrail(code: string, rootCode: string): Promise<Division[]> {
  const trail: Division[] = [];
  let next: string | null = code;
  while (next && next !== rootCode && trail.length < MAX_TRAIL_LENGTH) {
    const division = await fetchDivision(next);
    trail.unshift(division);
    next = division.parentCode;
  }
  return trail;
}

const UNASSIGNED_NAMES: Partial<Record<DashboardNode['level'], string>> = {
  city: '全市层面（未指定区）',
  district: '全区层面（未指定街镇）',
  street: '街镇层面（未指定居委会）',
};

/**
 * Returns the child rows plus, when any event is held in the scope as a whole, one row for
 * those events, so that the rows add up to the totals above them.
 */
function withUnassignedRow(data: Dashboard | undefined): DashboardNode[] {
  if (!data) return [];
  const { unassigned, scope } = data;
  if (!unassigned || (unassigned.events.total === 0 && unassigned.registrations === 0)) {
    return data.children;
  }
  const row: DashboardNode = {
    ...unassigned,
    code: `${scope.code}-unassigned`,
    name: UNASSIGNED_NAMES[scope.level] ?? '未指定下级区域',
    level: scope.level,
    unassigned: true,
  };
  return [row, ...data.children];
}

function childrenTitle(children: DashboardNode[]): string {
  const level = children[0]?.level;
  if (level === 'district') return '各区数据';
  if (level === 'street') return '各街镇数据';
  if (level === 'community') return '各居委会数据';
  return '下级区域数据';
}

/** Renders a count, greyed out when it is zero so that the other counts stand out. */
function renderCount(count: number) {
  return count === 0 ? <span className="console-zero">0</span> : count;
}

// One column per state, so that every row's states add up to its total.
const stateColumns: TableColumnsType<DashboardNode> = EVENT_STATES.map((state) => ({
  title: EVENT_STATE_LABELS[state],
  key: state,
  align: 'right',
  width: 76,
  sorter: (a: DashboardNode, b: DashboardNode) => a.events[state] - b.events[state],
  render: (_: unknown, node: DashboardNode) => renderCount(node.events[state]),
}));

const childColumns: TableColumnsType<DashboardNode> = [
  { title: '区域', dataIndex: 'name', key: 'name', width: 130, fixed: 'start' },
  {
    title: '赛事总数',
    key: 'total',
    align: 'right',
    width: 96,
    sorter: (a, b) => a.events.total - b.events.total,
    render: (_: unknown, node) => renderCount(node.events.total),
  },
  ...stateColumns,
  {
    title: '报名人次',
    dataIndex: 'registrations',
    key: 'registrations',
    align: 'right',
    width: 96,
    sorter: (a, b) => a.registrations - b.registrations,
    render: renderCount,
  },
  {
    title: '签到人次',
    dataIndex: 'checkIns',
    key: 'checkIns',
    align: 'right',
    width: 96,
    sorter: (a, b) => a.checkIns - b.checkIns,
    render: renderCount,
  },
  {
    title: '签到率',
    key: 'rate',
    align: 'right',
    width: 80,
    render: (_: unknown, node) => formatRate(node.checkIns, node.registrations),
  },
];

/**
 * Returns the page title, which names whose figures they are: the division's, or only the
 * signed-in organisation's events in it.
 */
function dashboardTitle(data: Dashboard | undefined): string {
  if (!data) return '数据看板';
  if (data.basis === 'organisation' && data.organisation) {
    return `数据看板 · ${data.organisation.name}（本单位赛事）`;
  }
  return `数据看板 · ${data.scope.name}`;
}

function SummaryCards({ data }: { data: Dashboard }) {
  const eventFigures = [
    { key: 'total', title: '赛事总数', value: data.events.total },
    ...STATE_CARDS.map((state) => ({
      key: state,
      title: EVENT_STATE_LABELS[state],
      value: data.events[state],
    })),
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={15}>
        <Card title="赛事" style={{ height: '100%' }}>
          <div className="console-figures">
            {eventFigures.map((figure) => (
              <Statistic key={figure.key} title={figure.title} value={figure.value} />
            ))}
          </div>
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Card title="报名与签到" style={{ height: '100%' }}>
          <div className="console-figures">
            <Statistic title="报名人次" value={data.registrations} />
            <Statistic title="签到人次" value={data.checkIns} />
            <Statistic title="签到率" value={formatRate(data.checkIns, data.registrations)} />
          </div>
        </Card>
      </Col>
    </Row>
  );
}

/** Counts for the account's scope, with a table of the divisions one level down. */
export function DashboardPage() {
  const me = useMe();
  const [searchParams, setSearchParams] = useSearchParams();
  const division = searchParams.get('division') ?? undefined;
  const rootCode = me.user.divisionCode;

  const dashboard = useQuery({
    queryKey: [...queryKeys.dashboard, division ?? 'own'],
    queryFn: () => fetchDashboard(division),
  });
  const scope = dashboard.data?.scope;
  const trail = useQuery({
    queryKey: ['divisions', 'trail', scope?.code ?? '', rootCode],
    queryFn: () => fetchTrail(scope?.code ?? '', rootCode),
    enabled: Boolean(scope && scope.code !== rootCode),
    staleTime: Infinity,
  });

  const isRoot = !division || division === rootCode;
  const trailItems = isRoot ? [] : (trail.data ?? []);
  const breadcrumb = [
    {
      key: rootCode,
      title: isRoot ? me.user.divisionName : <Link to="/dashboard">{me.user.divisionName}</Link>,
    },
    ...trailItems.map((item, index) => ({
      key: item.code,
      title:
        index === trailItems.length - 1 ? (
          item.name
        ) : (
          <Link to={`/dashboard?division=${item.code}`}>{item.name}</Link>
        ),
    })),
  ];

  const children = withUnassignedRow(dashboard.data);
  const byOrganisation = dashboard.data?.basis === 'organisation';

  return (
    <>
      <PageTitle title={dashboardTitle(dashboard.data)} />
      {byOrganisation && scope && (
        <Typography.Paragraph type="secondary" data-testid="dashboard-basis">
          {me.user.accountType === 'community_association'
            ? '只统计本单位填报的赛事和本单位审核的社区运动会'
            : '只统计本单位填报的赛事'}
          ，不是{scope.name}的全部赛事。
        </Typography.Paragraph>
      )}
      {!isRoot && <Breadcrumb items={breadcrumb} style={{ marginBottom: 16 }} />}
      {dashboard.isError && (
        <Alert
          type="error"
          showIcon
          title={consoleErrorMessage(dashboard.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      {dashboard.isPending && <Skeleton active />}
      {dashboard.data && (
        <>
          <SummaryCards data={dashboard.data} />
          {children.length > 0 && (
            <Card
              title={childrenTitle(children)}
              style={{ marginTop: 16 }}
              extra={
                children.some((node) => DRILLABLE_LEVELS.includes(node.level))
                  ? '点击行查看下一级'
                  : undefined
              }
            >
              <Table<DashboardNode>
                rowKey="code"
                columns={childColumns}
                dataSource={children}
                pagination={
                  children.length > CHILDREN_PAGE_SIZE && { pageSize: CHILDREN_PAGE_SIZE }
                }
                size="middle"
                scroll={{ x: 960 }}
                rowClassName={(node) =>
                  !node.unassigned && DRILLABLE_LEVELS.includes(node.level)
                    ? 'console-clickable-row'
                    : ''
                }
                onRow={(node) => ({
                  onClick: () => {
                    if (!node.unassigned && DRILLABLE_LEVELS.includes(node.level)) {
                      setSearchParams({ division: node.code });
                    }
                  },
                })}
              />
            </Card>
          )}
        </>
      )}
    </>
  );
}
