import { DownloadOutlined, PictureOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Row, Space, Tooltip } from 'antd';
import { useMemo, useRef, type ReactNode, type RefObject } from 'react';
import { consoleErrorMessage } from '../../lib/messages';
import { dashboardExportPath } from '../endpoints';
import type { Dashboard, DashboardDrill, DashboardPeriod } from '../types';
import { downloadFile, saveUrl } from './download';
import { EChart, SHANGHAI_MAP, type EChartHandle, type EChartsOption } from './EChart';
import shanghaiDistricts from './shanghai-districts.json';

export interface DashboardChartsProps {
  data: Dashboard;
  division: string | undefined;
  period: DashboardPeriod;
  dark: boolean;
  onDrill: (title: string, drill: DashboardDrill) => void;
  onOpenDivision: (code: string) => void;
}

const SPORT_BARS = 10;

// District names and label points by code from the map file; 崇明区 has no id there.
const DISTRICT_NAMES = new Map<string, string>(
  shanghaiDistricts.features.map((f) => [f.id ?? '310151', f.properties.name]),
);

// Label points of the districts by name, where the location map centres on a district.
const DISTRICT_CENTRES = new Map<string, number[] | undefined>(
  shanghaiDistricts.features.map((f) => [f.properties.name, f.properties.cp]),
);

// Zoom of the location map: the district and its neighbours fill the card.
const LOCATION_ZOOM = 2.2;

// Central districts, whose names overlap on the city map at every card width.
const CENTRAL_DISTRICTS = new Set([
  '黄浦区',
  '徐汇区',
  '长宁区',
  '静安区',
  '普陀区',
  '虹口区',
  '杨浦区',
]);

/** Returns a period in Chinese words, such as 2026年第4季度, for file names and image titles. */
export function periodName(period: Dashboard['period']): string {
  if (period.month) return `${period.year}年${period.month}月`;
  if (period.quarter) return `${period.year}年第${period.quarter}季度`;
  return `${period.year}年`;
}

/** Returns whether a months row has no figure that the trend chart draws. */
function emptyMonth(row: Dashboard['months'][number]): boolean {
  return (
    row.thisYear.registrations === 0 &&
    row.thisYear.checkIns === 0 &&
    row.lastYear.registrations === 0
  );
}

/** Returns whether a breakdown's bars would all be zero or missing. */
function emptyBars(rows: { registrations: number; checkIns: number }[]): boolean {
  return rows.every((row) => row.registrations === 0 && row.checkIns === 0);
}

/** Stands in for a chart with nothing to draw, at the chart's height, in place of bare axes. */
function NoData({ height, testId }: { height: number; testId: string }) {
  return (
    <div className="dashboard-chart-empty" style={{ height }} data-testid={`${testId}-empty`}>
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无数据" />
    </div>
  );
}

interface ChartCardProps {
  title: string;
  figureSet: string;
  /** The chart's name in its exported files, after the area and the period. */
  fileName: string;
  /** The area and the period the chart shows, such as 徐汇区 · 2026年. */
  subject: { area: string; period: string };
  division: string | undefined;
  period: DashboardPeriod;
  dark: boolean;
  /** No data to draw: the card shows 暂无数据 and offers no image to save. */
  empty?: boolean;
  children: (ref: RefObject<EChartHandle>) => ReactNode;
}

/** Renders one chart in a card, with buttons to save it as an image and its data as .xlsx. */
function ChartCard({
  title,
  figureSet,
  fileName,
  subject,
  division,
  period,
  dark,
  empty = false,
  children,
}: ChartCardProps) {
  const { message } = App.useApp();
  const chart = useRef<EChartHandle>(null);
  const saveImage = () => {
    const url = chart.current?.toDataUrl(`${subject.area} · ${subject.period} · ${title}`);
    if (url) saveUrl(url, `${subject.area}-${subject.period}-${fileName}.png`);
  };
  const saveData = () => {
    downloadFile(dashboardExportPath(division, period, figureSet), `${fileName}.xlsx`).catch(
      (error: unknown) => message.error(consoleErrorMessage(error)),
    );
  };
  return (
    <Card
      title={title}
      size="small"
      className={dark ? 'dashboard-card-dark' : undefined}
      data-testid={`chart-${figureSet}`}
      extra={
        <Space size={4}>
          <Tooltip title="导出图片">
            <Button
              size="small"
              type="text"
              icon={<PictureOutlined />}
              aria-label={`${title} 导出图片`}
              disabled={empty}
              onClick={saveImage}
            />
          </Tooltip>
          <Tooltip title="导出数据（Excel）">
            <Button
              size="small"
              type="text"
              icon={<DownloadOutlined />}
              aria-label={`${title} 导出数据`}
              onClick={saveData}
            />
          </Tooltip>
        </Space>
      }
    >
      {children(chart)}
    </Card>
  );
}

/**
 * Draws the months of the period: lines without smoothing, which would invent values between
 * the months, or bars for a single month, where a line would be a lone dot.
 */
function trendOption(data: Dashboard): EChartsOption {
  const thisYear = data.period.year;
  const type = data.months.length === 1 ? 'bar' : 'line';
  return {
    // The shadow marks the whole month column, which a click anywhere in opens.
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: data.months.map((m) => `${Number(m.month.slice(5))}月`) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: `${thisYear}年报名人次`,
        type,
        barMaxWidth: 48,
        data: data.months.map((m) => m.thisYear.registrations),
      },
      {
        name: `${thisYear}年签到人次`,
        type,
        barMaxWidth: 48,
        data: data.months.map((m) => m.thisYear.checkIns),
      },
      {
        name: `${thisYear - 1}年报名人次`,
        type,
        ...(type === 'line' ? { lineStyle: { type: 'dashed' } } : { barMaxWidth: 48 }),
        data: data.months.map((m) => m.lastYear.registrations),
      },
    ],
  };
}

function barOption(
  rows: { name: string; registrations: number; checkIns: number }[],
): EChartsOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name) },
    series: [
      { name: '报名人次', type: 'bar', data: rows.map((r) => r.registrations) },
      { name: '签到人次', type: 'bar', data: rows.map((r) => r.checkIns) },
    ],
  };
}

/** Map values at city level: the unique participants of each district. */
function cityMapData(data: Dashboard) {
  return data.children.map((c) => ({ name: c.name, value: c.participants, code: c.code }));
}

// Dark labels keep a white outline, so they stay readable on the darkest blue of the scale.
const MAP_LABEL = {
  fontSize: 10,
  color: '#262626',
  textBorderColor: '#ffffff',
  textBorderWidth: 2,
};

/**
 * Colours the city's districts by unique participants. The central districts are too small for
 * their names on the whole city, so those show on hover and in the tooltip. labelLayout's
 * hideOverlap did not hide overlapping map labels in echarts 5.6, so the names are left out
 * here instead.
 */
function cityMapOption(data: Dashboard, dark: boolean): EChartsOption {
  const values = cityMapData(data);
  const max = Math.max(1, ...values.map((v) => v.value));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number }) =>
        Number.isFinite(p.value) ? `${p.name}<br/>参与人数：${p.value}` : p.name,
    },
    visualMap: {
      min: 0,
      max,
      left: 4,
      bottom: 4,
      itemHeight: 90,
      itemWidth: 12,
      // The top end names what the colours stand for; the handles show the values.
      text: ['参与人数（人）', ''],
      calculable: true,
      inRange: { color: ['#e6f4ff', '#69b1ff', '#0958d9'] },
      textStyle: { color: dark ? '#d6e4ff' : '#595959' },
    },
    series: [
      {
        name: '参与人数',
        type: 'map',
        map: SHANGHAI_MAP,
        roam: false,
        // Chongming's island makes the map tall; this keeps the urban districts large enough.
        layoutCenter: ['56%', '50%'],
        layoutSize: '94%',
        label: {
          show: true,
          ...MAP_LABEL,
          formatter: (p: { name: string }) => (CENTRAL_DISTRICTS.has(p.name) ? '' : p.name),
        },
        itemStyle: { areaColor: dark ? '#1d2b45' : '#f5f5f5', borderColor: '#8c8c8c' },
        emphasis: {
          label: { show: true, formatter: '{b}' },
          itemStyle: { areaColor: '#ffd666' },
        },
        data: values,
      },
    ],
  };
}

/**
 * Marks the district that contains a district or street scope among its grey neighbours, with
 * no value on any district. The map has no street shapes, so painting the district with a
 * street's figure would claim the whole district had it.
 */
function locationMapOption(data: Dashboard, dark: boolean): EChartsOption {
  const code = data.scope.code.slice(0, 6);
  const district = DISTRICT_NAMES.get(code) ?? data.scope.name;
  return {
    tooltip: { trigger: 'item', formatter: (p: { name: string }) => p.name },
    series: [
      {
        name: '所在区位置',
        type: 'map',
        map: SHANGHAI_MAP,
        roam: false,
        layoutCenter: ['50%', '50%'],
        layoutSize: '94%',
        center: DISTRICT_CENTRES.get(district),
        zoom: LOCATION_ZOOM,
        selectedMode: false,
        label: { show: false },
        itemStyle: { areaColor: dark ? '#1d2b45' : '#f0f0f0', borderColor: '#bfbfbf' },
        emphasis: {
          label: { show: false },
          itemStyle: { areaColor: dark ? '#2b3d5c' : '#e6e6e6' },
        },
        data: [
          {
            name: district,
            itemStyle: { areaColor: '#1677ff', borderColor: '#0958d9' },
            label: {
              show: true,
              fontSize: 12,
              fontWeight: 600,
              color: '#ffffff',
              textBorderColor: '#0958d9',
              textBorderWidth: 3,
            },
            emphasis: { itemStyle: { areaColor: '#4096ff' } },
          },
        ],
      },
    ],
  };
}

/** Renders the dashboard's charts: monthly trend, sections, sports and the district map. */
export default function DashboardCharts(props: DashboardChartsProps) {
  const { data, division, period, dark, onDrill, onOpenDivision } = props;
  const trend = useMemo(() => trendOption(data), [data]);
  const sections = useMemo(() => barOption(data.sections), [data]);
  const sports = useMemo(() => barOption(data.sports.slice(0, SPORT_BARS)), [data]);
  const atCity = data.scope.level === 'city';
  const map = useMemo(
    () => (atCity ? cityMapOption(data, dark) : locationMapOption(data, dark)),
    [data, dark, atCity],
  );
  const trendEmpty = data.months.every(emptyMonth);
  const sectionsEmpty = emptyBars(data.sections);
  const sportsEmpty = emptyBars(data.sports.slice(0, SPORT_BARS));
  const subject = { area: data.scope.name, period: periodName(data.period) };
  const card = { division, period, dark, subject };

  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      {data.months.length > 0 && (
        <Col xs={24} xl={14}>
          <ChartCard
            title="月度趋势（本年与去年）"
            figureSet="months"
            fileName="月度趋势"
            empty={trendEmpty}
            {...card}
          >
            {(ref) =>
              trendEmpty ? (
                <NoData height={300} testId="trend-chart" />
              ) : (
                <EChart
                  ref={ref}
                  option={trend}
                  height={300}
                  dark={dark}
                  testId="trend-chart"
                  onCategoryClick={(index) => {
                    const row = data.months[index];
                    if (!row) return;
                    onDrill(`${row.month} 的赛事`, {
                      year: Number(row.month.slice(0, 4)),
                      month: Number(row.month.slice(5)),
                    });
                  }}
                />
              )
            }
          </ChartCard>
        </Col>
      )}
      <Col xs={24} xl={data.months.length > 0 ? 10 : 24}>
        <ChartCard
          title={
            atCity
              ? '参与分布地图'
              : `所在区位置（${DISTRICT_NAMES.get(data.scope.code.slice(0, 6)) ?? data.scope.name}）`
          }
          figureSet="children"
          fileName={atCity ? '区域分布' : '所在区位置'}
          {...card}
        >
          {(ref) => (
            <EChart
              ref={ref}
              option={map}
              height={300}
              dark={dark}
              testId="district-map"
              onClick={({ name }) => {
                if (!atCity) return;
                const hit = cityMapData(data).find((v) => v.name === name);
                if (hit) onOpenDivision(hit.code);
              }}
            />
          )}
        </ChartCard>
      </Col>
      <Col xs={24} xl={12}>
        <ChartCard
          title="按板块"
          figureSet="sections"
          fileName="按板块"
          empty={sectionsEmpty}
          {...card}
        >
          {(ref) =>
            sectionsEmpty ? (
              <NoData height={180} testId="section-chart" />
            ) : (
              <EChart
                ref={ref}
                option={sections}
                height={Math.max(180, 40 + data.sections.length * 34)}
                dark={dark}
                testId="section-chart"
                onClick={({ dataIndex }) => {
                  const row = data.sections[dataIndex];
                  if (row) onDrill(`${row.name}的赛事`, { section: row.key });
                }}
              />
            )
          }
        </ChartCard>
      </Col>
      <Col xs={24} xl={12}>
        <ChartCard
          title={`按项目（前 ${SPORT_BARS} 项）`}
          figureSet="sports"
          fileName="按项目"
          empty={sportsEmpty}
          {...card}
        >
          {(ref) =>
            sportsEmpty ? (
              <NoData height={180} testId="sport-chart" />
            ) : (
              <EChart
                ref={ref}
                option={sports}
                height={Math.max(180, 40 + Math.min(SPORT_BARS, data.sports.length) * 34)}
                dark={dark}
                testId="sport-chart"
                onClick={({ dataIndex }) => {
                  const row = data.sports[dataIndex];
                  if (row) onDrill(`${row.name}的赛事`, { sport: row.key });
                }}
              />
            )
          }
        </ChartCard>
      </Col>
    </Row>
  );
}
