import {
  DASHBOARD_STAGE_LABELS,
  organisationBasisText,
  unassignedDivisionLabel,
} from '@cityleague/domain';
import { DownloadOutlined, FullscreenExitOutlined, FullscreenOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Typography,
  type TableColumnsType,
} from 'antd';
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { consoleErrorMessage } from '../../lib/messages';
import { PageTitle } from '../components/PageTitle';
import { DashboardEventsDrawer } from '../dashboard/DashboardEventsDrawer';
import { downloadFile } from '../dashboard/download';
import { useScrollToTopOnDrill } from '../dashboard/scroll-on-drill';
import { dashboardExportPath, fetchDashboard, fetchDivision } from '../endpoints';
import { formatRate } from '../format';
import { normaliseNumberText, readNumberText } from '../number-rules';
import { queryKeys, useMe } from '../queries';
import { shanghaiYear } from '../time';
import type {
  Dashboard,
  DashboardDrill,
  DashboardFigures,
  DashboardNode,
  DashboardPeriod,
  DashboardRow,
  Division,
} from '../types';

// ECharts and the map data load only when the charts render, after the figures.
const DashboardCharts = lazy(() => import('../dashboard/DashboardCharts'));

const CHILDREN_PAGE_SIZE = 20;

// The division tree has four levels, so a trail never needs more look-ups than this.
const MAX_TRAIL_LENGTH = 4;

/** Levels whose divisions have their own dashboard one level further down. */
const DRILLABLE_LEVELS: readonly Division['level'][] = ['city', 'district', 'street'];

type Stage = keyof DashboardFigures['events'];

/** The stage cards, each with the title of the event list that its count opens. */
const STAGE_CARDS: { stage: Stage; title: string; listTitle: string }[] = (
  ['filed', 'submitted', 'returned', 'approved', 'published', 'held', 'cancelled'] as const
).map((stage) => ({
  stage,
  title: DASHBOARD_STAGE_LABELS[stage],
  listTitle: stage === 'filed' ? '全部填报赛事' : `${DASHBOARD_STAGE_LABELS[stage]}的赛事`,
}));

/**
 * Returns the check-in rate of a figure set: check-ins over active entries of the events that
 * have ended, or '-' when no ended event has an entry.
 */
function checkInRate(figures: DashboardFigures): string {
  return formatRate(figures.endedCheckIns, figures.endedRegistrations);
}

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

/**
 * Returns the child rows plus, when any event is held in the scope as a whole, one row for
 * those events, so that the rows add up to the totals above them.
 */
function withUnassignedRow(data: Dashboard | undefined): DashboardNode[] {
  if (!data) return [];
  const { unassigned, scope } = data;
  if (unassigned.events.total === 0 && unassigned.registrations === 0) return data.children;
  const row: DashboardNode = {
    ...unassigned,
    key: `${scope.code}-unassigned`,
    code: `${scope.code}-unassigned`,
    name: unassignedDivisionLabel(scope.level),
    level: scope.level,
    unassigned: true,
  };
  return [row, ...data.children];
}

function childrenTitle(level: Division['level']): string {
  if (level === 'city') return '各区数据';
  if (level === 'district') return '各街镇数据';
  return '各居委会数据';
}

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

/** Renders a count that opens the events behind it; zero is greyed out and opens nothing. */
function DrillCount({ value, onClick }: { value: number; onClick: () => void }) {
  if (value === 0) return <span className="console-zero">0</span>;
  return (
    <Button
      type="link"
      className="dashboard-count"
      onClick={(event) => {
        event.stopPropagation();
        onClick();
      }}
    >
      {value.toLocaleString('zh-CN')}
    </Button>
  );
}

/** Says how a figure compares with the same period last year. */
function YearOnYear({ now, before }: { now: number; before: number }) {
  if (before === 0) return <span className="dashboard-yoy">去年同期 0</span>;
  const change = ((now - before) / before) * 100;
  const sign = change > 0 ? '+' : '';
  let tone = '';
  if (change > 0) tone = 'dashboard-yoy-up';
  if (change < 0) tone = 'dashboard-yoy-down';
  return (
    <span className={`dashboard-yoy ${tone}`}>
      同比 {sign}
      {change.toFixed(1)}%
    </span>
  );
}

function Figure(props: {
  title: string;
  value: number;
  before: number;
  onClick: () => void;
  testId?: string;
}) {
  return (
    <div className="dashboard-figure" data-testid={props.testId}>
      <div className="dashboard-figure-title">{props.title}</div>
      <div className="dashboard-figure-value">
        <DrillCount value={props.value} onClick={props.onClick} />
      </div>
      <YearOnYear now={props.value} before={props.before} />
    </div>
  );
}

function SummaryCards(props: {
  data: Dashboard;
  onDrill: (title: string, drill: DashboardDrill) => void;
}) {
  const { data, onDrill } = props;
  const last = data.lastYear;
  const all = () => onDrill('全部赛事', { stage: 'filed' });
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={13}>
        <Card title="赛事" size="small" style={{ height: '100%' }}>
          <div className="dashboard-figures">
            {STAGE_CARDS.map(({ stage, title, listTitle }) => (
              <Figure
                key={stage}
                title={title}
                value={data.events[stage]}
                before={last.events[stage]}
                testId={`figure-${stage}`}
                onClick={() => onDrill(listTitle, { stage: stage as DashboardDrill['stage'] })}
              />
            ))}
          </div>
        </Card>
      </Col>
      <Col xs={24} xl={11}>
        <Card title="报名与签到" size="small" style={{ height: '100%' }}>
          <div className="dashboard-figures">
            <Figure
              title="报名人次"
              value={data.registrations}
              before={last.registrations}
              testId="figure-registrations"
              onClick={all}
            />
            <Figure
              title="参与人数"
              value={data.participants}
              before={last.participants}
              testId="figure-participants"
              onClick={all}
            />
            <Figure title="签到人次" value={data.checkIns} before={last.checkIns} onClick={all} />
            <div className="dashboard-figure" data-testid="figure-rate">
              <div className="dashboard-figure-title" title="已结束赛事的签到人次 ÷ 报名人次">
                签到率（已结束赛事）
              </div>
              <div className="dashboard-figure-value">{checkInRate(data)}</div>
              <span className="dashboard-yoy">去年 {checkInRate(last)}</span>
            </div>
            <Figure
              title="线上报名"
              value={data.channels.online}
              before={last.channels.online}
              onClick={all}
            />
            <Figure
              title="现场报名"
              value={data.channels.onSite}
              before={last.channels.onSite}
              onClick={all}
            />
            <Figure
              title="合作平台报名"
              value={data.channels.partner}
              before={last.channels.partner}
              onClick={all}
            />
            <Figure
              title="取消报名"
              value={data.cancellations}
              before={last.cancellations}
              onClick={all}
            />
          </div>
        </Card>
      </Col>
    </Row>
  );
}

/**
 * Builds the count columns of a figure table. `compact` is for the ranking cards, which share a
 * row at desktop width. It leaves out the stage columns and the sorters, because a ranking has
 * its own order. It also narrows the columns and hides 填报赛事 and 参与人数 on a phone, so the
 * check-in columns stay in view.
 */
function figureColumns<T extends DashboardRow>(
  drillOf: (row: T) => DashboardDrill | null,
  open: (title: string, drill: DashboardDrill) => void,
  compact = false,
): TableColumnsType<T> {
  const count = (
    title: string,
    pick: (row: T) => number,
    stage?: Stage,
    phone = true,
  ): TableColumnsType<T>[number] => ({
    title,
    key: title,
    align: 'right' as const,
    width: compact ? 72 : 88,
    ...(compact ? {} : { sorter: (a: T, b: T) => pick(a) - pick(b) }),
    ...(phone ? {} : { responsive: ['sm' as const] }),
    render: (_: unknown, row: T) => {
      const drill = drillOf(row);
      if (!drill) return pick(row);
      return (
        <DrillCount
          value={pick(row)}
          onClick={() =>
            open(`${row.name} · ${title}`, {
              ...drill,
              stage: (stage ?? 'filed') as DashboardDrill['stage'],
            })
          }
        />
      );
    },
  });
  const stages = compact
    ? []
    : [
        count(DASHBOARD_STAGE_LABELS.submitted, (r) => r.events.submitted, 'submitted'),
        count(DASHBOARD_STAGE_LABELS.published, (r) => r.events.published, 'published'),
        count(DASHBOARD_STAGE_LABELS.held, (r) => r.events.held, 'held'),
        count(DASHBOARD_STAGE_LABELS.cancelled, (r) => r.events.cancelled, 'cancelled'),
      ];
  return [
    count(DASHBOARD_STAGE_LABELS.filed, (r) => r.events.filed, 'filed', !compact),
    ...stages,
    count('报名人次', (r) => r.registrations),
    count('参与人数', (r) => r.participants, undefined, !compact),
    count('签到人次', (r) => r.checkIns),
    {
      title: '签到率',
      key: 'rate',
      align: 'right',
      // 72 px leaves room for 100.0% in fonts with wide figures, and the class keeps it on one line.
      width: compact ? 72 : 80,
      className: 'dashboard-rate',
      render: (_: unknown, row: T) => checkInRate(row),
    },
  ];
}

function ExportButton(props: {
  division: string | undefined;
  period: DashboardPeriod;
  figureSet: string;
  label: string;
}) {
  const { message } = App.useApp();
  return (
    <Button
      size="small"
      icon={<DownloadOutlined />}
      aria-label={`${props.label} 导出数据`}
      onClick={() =>
        downloadFile(
          dashboardExportPath(props.division, props.period, props.figureSet),
          `${props.label}.xlsx`,
        ).catch((error: unknown) => message.error(consoleErrorMessage(error)))
      }
    >
      导出
    </Button>
  );
}

function RankingTables(props: {
  data: Dashboard;
  division: string | undefined;
  period: DashboardPeriod;
  onDrill: (title: string, drill: DashboardDrill) => void;
}) {
  const { data, division, period, onDrill } = props;
  const rankingTitle = data.scope.level === 'street' ? '居委会排名' : '街镇排名';
  const rank: TableColumnsType<DashboardRow> = [
    { title: '排名', key: 'rank', width: 48, render: (_: unknown, __, index) => index + 1 },
  ];
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col xs={24} xl={12}>
        <Card
          title="办赛主体排名"
          size="small"
          data-testid="ranking-organisers"
          extra={
            <ExportButton
              division={division}
              period={period}
              figureSet="organisers"
              label="办赛主体排名"
            />
          }
        >
          <Table<DashboardRow>
            rowKey="key"
            size="small"
            pagination={false}
            tableLayout="fixed"
            dataSource={data.organisers}
            columns={[
              ...rank,
              { title: '办赛主体', dataIndex: 'name', key: 'name' },
              ...figureColumns<DashboardRow>((row) => ({ organisationId: row.key }), onDrill, true),
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card
          title={rankingTitle}
          size="small"
          data-testid="ranking-streets"
          extra={
            <ExportButton
              division={division}
              period={period}
              figureSet="ranking"
              label={rankingTitle}
            />
          }
        >
          <Table<Dashboard['ranking'][number]>
            rowKey="key"
            size="small"
            pagination={false}
            tableLayout="fixed"
            dataSource={data.ranking}
            columns={[
              ...(rank as TableColumnsType<Dashboard['ranking'][number]>),
              {
                title: '名称',
                key: 'name',
                render: (_: unknown, row) =>
                  row.parentName ? `${row.parentName} ${row.name}` : row.name,
              },
              ...figureColumns<Dashboard['ranking'][number]>(
                (row) => ({ child: row.key }),
                onDrill,
                true,
              ),
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}

function PeriodPicker(props: {
  period: DashboardPeriod;
  onChange: (period: DashboardPeriod) => void;
}) {
  const current = shanghaiYear();
  // Next year comes first: events are filed and entered ahead of it, so in December many
  // events already start in January. The page still opens on the current year.
  const years = [current + 1, current, current - 1, current - 2];
  if (props.period.year && !years.includes(props.period.year)) years.push(props.period.year);
  const part = props.period.month
    ? `m${props.period.month}`
    : props.period.quarter
      ? `q${props.period.quarter}`
      : 'year';
  return (
    <Space wrap>
      <Select
        aria-label="年份"
        value={props.period.year}
        style={{ width: 150 }}
        options={years.map((y) => ({
          value: y,
          label: y === current + 1 ? `${y}年（明年）` : `${y}年`,
        }))}
        onChange={(year: number) => props.onChange({ ...props.period, year })}
      />
      <Select
        aria-label="期间"
        value={part}
        style={{ width: 110 }}
        options={[
          { value: 'year', label: '全年' },
          ...[1, 2, 3, 4].map((q) => ({ value: `q${q}`, label: `第${q}季度` })),
          ...Array.from({ length: 12 }, (_, i) => ({ value: `m${i + 1}`, label: `${i + 1}月` })),
        ]}
        onChange={(value: string) => {
          const year = props.period.year;
          if (value === 'year') props.onChange({ year });
          else if (value.startsWith('q')) props.onChange({ year, quarter: Number(value.slice(1)) });
          else props.onChange({ year, month: Number(value.slice(1)) });
        }}
      />
    </Space>
  );
}

/** The first year the API accepts in a dashboard period. */
const FIRST_YEAR = 2000;

// A division code as the API accepts it: 4 to 12 digits.
const DIVISION_CODE = /^[0-9]{4,12}$/;

/**
 * Reads the period from the page's URL. Each value must be a whole number in plain decimal
 * digits (full-width digits count) within range: year 2000 to next year in Asia/Shanghai,
 * quarter 1 to 4, month 1 to 12. Another value, or a quarter together with a month, gives the
 * current year and a message that names the wrong part, so the pickers never show a value
 * they do not offer.
 */
function periodFromParams(params: URLSearchParams): {
  period: DashboardPeriod;
  problem: string | null;
} {
  const current = shanghaiYear();
  const read = (name: string, min: number, max: number, label: string) => {
    const raw = params.get(name);
    if (raw === null || raw === '') return { value: undefined, problem: null };
    const value = readNumberText(raw);
    if (!Number.isInteger(value)) return { value: undefined, problem: `${label}无效` };
    if (value < min || value > max) return { value: undefined, problem: `${label}超出范围` };
    return { value, problem: null };
  };
  const year = read('year', FIRST_YEAR, current + 1, '年份');
  const quarter = read('quarter', 1, 4, '季度');
  const month = read('month', 1, 12, '月份');
  const both = quarter.value !== undefined && month.value !== undefined;
  const problem =
    year.problem ?? quarter.problem ?? month.problem ?? (both ? '季度和月份只能选其一' : null);
  if (problem) {
    return {
      period: { year: current },
      problem: `链接中的统计期间有误：${problem}（年份为${FIRST_YEAR}至${current + 1}年，季度为1至4，月份为1至12，季度和月份只能选其一）。已改为显示${current}年全年。`,
    };
  }
  const narrowed = { year: year.value ?? current };
  if (month.value) return { period: { ...narrowed, month: month.value }, problem: null };
  if (quarter.value) return { period: { ...narrowed, quarter: quarter.value }, problem: null };
  return { period: narrowed, problem: null };
}

/**
 * Reads the division from the page's URL. A value that is not a division code gives the
 * account's own division and a message naming 行政区划, in place of the API's field error on
 * `division`.
 */
function divisionFromParams(
  params: URLSearchParams,
  ownName: string,
): { division: string | undefined; problem: string | null } {
  const raw = params.get('division');
  if (raw === null || raw === '') return { division: undefined, problem: null };
  const code = normaliseNumberText(raw);
  if (DIVISION_CODE.test(code)) return { division: code, problem: null };
  return {
    division: undefined,
    problem: `链接中的行政区划有误：行政区划代码应为4至12位数字。已改为显示${ownName}的数据。`,
  };
}

/**
 * Shows the figures of the account's scope, or of a division below it, for a year, quarter or
 * month: event stages, entries, people and check-ins with last year's, the charts (lazily
 * loaded), rankings, and the divisions one level down. Every count opens the events behind it.
 */
export function DashboardPage() {
  const me = useMe();
  const [searchParams, setSearchParams] = useSearchParams();
  const { division, problem: divisionProblem } = divisionFromParams(
    searchParams,
    me.user.divisionName,
  );
  const { period, problem: periodProblem } = periodFromParams(searchParams);
  const rootCode = me.user.divisionCode;
  const [drill, setDrill] = useState<{ title: string; drill: DashboardDrill } | null>(null);
  const [bigScreen, setBigScreen] = useState(false);
  const screen = useRef<HTMLDivElement>(null);
  useScrollToTopOnDrill(division, screen);

  const dashboard = useQuery({
    queryKey: [...queryKeys.dashboard, division ?? 'own', period],
    queryFn: () => fetchDashboard(division, period),
    placeholderData: keepPreviousData,
  });
  const scope = dashboard.data?.scope;
  const trail = useQuery({
    queryKey: ['divisions', 'trail', scope?.code ?? '', rootCode],
    queryFn: () => fetchTrail(scope?.code ?? '', rootCode),
    enabled: Boolean(scope && scope.code !== rootCode),
    staleTime: Infinity,
  });

  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement) setBigScreen(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  const toggleBigScreen = () => {
    if (bigScreen) {
      setBigScreen(false);
      if (document.fullscreenElement) void document.exitFullscreen();
      return;
    }
    setBigScreen(true);
    // Browsers may refuse full screen (an iframe, a test browser); the page still fills the window.
    screen.current?.requestFullscreen?.().catch(() => undefined);
  };

  const bigScreenButton = (
    <Button
      icon={bigScreen ? <FullscreenExitOutlined /> : <FullscreenOutlined />}
      onClick={toggleBigScreen}
    >
      {bigScreen ? '退出大屏' : '大屏'}
    </Button>
  );

  const setParams = (next: { division?: string; period?: DashboardPeriod }) => {
    const params: Record<string, string> = {};
    const nextDivision = next.division ?? division;
    const nextPeriod = next.period ?? period;
    if (nextDivision) params.division = nextDivision;
    if (nextPeriod.year) params.year = String(nextPeriod.year);
    if (nextPeriod.quarter) params.quarter = String(nextPeriod.quarter);
    if (nextPeriod.month) params.month = String(nextPeriod.month);
    setSearchParams(params);
  };
  const periodQuery = (code?: string) => {
    const params = new URLSearchParams();
    if (code) params.set('division', code);
    if (period.year) params.set('year', String(period.year));
    if (period.quarter) params.set('quarter', String(period.quarter));
    if (period.month) params.set('month', String(period.month));
    return `/dashboard?${params}`;
  };

  const isRoot = !division || division === rootCode;
  const trailItems = isRoot ? [] : (trail.data ?? []);
  const breadcrumb = [
    {
      key: rootCode,
      title: isRoot ? me.user.divisionName : <Link to={periodQuery()}>{me.user.divisionName}</Link>,
    },
    ...trailItems.map((item, index) => ({
      key: item.code,
      title:
        index === trailItems.length - 1 ? (
          item.name
        ) : (
          <Link to={periodQuery(item.code)}>{item.name}</Link>
        ),
    })),
  ];

  const data = dashboard.data;
  const children = withUnassignedRow(data);
  const byOrganisation = data?.basis === 'organisation';
  const openDrill = (title: string, next: DashboardDrill) => setDrill({ title, drill: next });
  const openDivision = (code: string) => setParams({ division: code });

  const childColumns: TableColumnsType<DashboardNode> = [
    { title: '区域', dataIndex: 'name', key: 'name', width: 150, fixed: 'start' },
    ...figureColumns<DashboardNode>(
      (node) => (node.unassigned ? { unassigned: true } : { child: node.code }),
      openDrill,
    ),
  ];

  let body: ReactNode = null;
  if (data) {
    body = (
      <>
        <SummaryCards data={data} onDrill={openDrill} />
        <Suspense fallback={<Skeleton active style={{ marginTop: 16 }} />}>
          <DashboardCharts
            data={data}
            division={division}
            period={period}
            dark={bigScreen}
            onDrill={openDrill}
            onOpenDivision={openDivision}
          />
        </Suspense>
        <RankingTables data={data} division={division} period={period} onDrill={openDrill} />
        {children.length > 0 && (
          <Card
            title={childrenTitle(data.scope.level)}
            size="small"
            style={{ marginTop: 16 }}
            data-testid="dashboard-children"
            extra={
              <Space>
                {DRILLABLE_LEVELS.includes(children[children.length - 1]!.level) && (
                  <Typography.Text type="secondary">点击区域名称所在行查看下一级</Typography.Text>
                )}
                <ExportButton
                  division={division}
                  period={period}
                  figureSet="children"
                  label={childrenTitle(data.scope.level)}
                />
              </Space>
            }
          >
            <Table<DashboardNode>
              rowKey="code"
              columns={childColumns}
              dataSource={children}
              pagination={children.length > CHILDREN_PAGE_SIZE && { pageSize: CHILDREN_PAGE_SIZE }}
              size="small"
              scroll={{ x: 960 }}
              rowClassName={(node) =>
                !node.unassigned && DRILLABLE_LEVELS.includes(node.level)
                  ? 'console-clickable-row'
                  : ''
              }
              onRow={(node) => ({
                onClick: () => {
                  if (!node.unassigned && DRILLABLE_LEVELS.includes(node.level)) {
                    openDivision(node.code);
                  }
                },
              })}
            />
          </Card>
        )}
      </>
    );
  }

  return (
    <div ref={screen} className={bigScreen ? 'dashboard-big-screen' : undefined}>
      <div className="dashboard-toolbar">
        {bigScreen ? (
          // 退出大屏 sits at the left, because the console header's 退出登录 takes the top
          // right corner once the big screen closes, and a double click there signed out.
          <Space size={16} align="center" className="dashboard-toolbar-start">
            {bigScreenButton}
            <PageTitle title={dashboardTitle(data)} />
          </Space>
        ) : (
          <PageTitle title={dashboardTitle(data)} />
        )}
        <Space wrap>
          <PeriodPicker period={period} onChange={(next) => setParams({ period: next })} />
          {!bigScreen && bigScreenButton}
        </Space>
      </div>
      {byOrganisation && scope && (
        <Typography.Paragraph type="secondary" data-testid="dashboard-basis">
          只统计{organisationBasisText(me.user.accountType)}，不是{scope.name}的全部赛事。
        </Typography.Paragraph>
      )}
      {!isRoot && <Breadcrumb items={breadcrumb} style={{ marginBottom: 16 }} />}
      {divisionProblem && (
        <Alert
          type="warning"
          showIcon
          title={divisionProblem}
          style={{ marginBottom: 16 }}
          data-testid="dashboard-division-problem"
        />
      )}
      {periodProblem && (
        <Alert
          type="warning"
          showIcon
          title={periodProblem}
          style={{ marginBottom: 16 }}
          data-testid="dashboard-period-problem"
        />
      )}
      {dashboard.isError && (
        <Alert
          type="error"
          showIcon
          title={consoleErrorMessage(dashboard.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      {dashboard.isPending && <Skeleton active />}
      {body}
      <DashboardEventsDrawer
        open={drill !== null}
        title={drill?.title ?? ''}
        division={division}
        period={period}
        drill={drill?.drill ?? {}}
        onClose={() => setDrill(null)}
      />
    </div>
  );
}
