import { DASHBOARD_STAGE_LABELS, neutraliseCell } from '@cityleague/domain';
import ExcelJS from 'exceljs';

import type { LabelledRow, ReportContent } from './report-content.js';
import { isPeriodInProgress, PERIOD_IN_PROGRESS_NOTE, shanghaiDateTime } from './report-time.js';
import type { ReportFigures } from './report.figures.js';

/** Sheet names of a report workbook, in order; 按月 only in quarterly and annual reports. */
export const REPORT_SHEETS = {
  summary: '概览',
  section: '按板块',
  sport: '按项目',
  organisation: '按办赛主体',
  child: '按区域',
  month: '按月',
  events: '赛事明细',
} as const;

/** A figure of a report row: a count, or the check-in rate, which may be null. */
export type FigureValue = (figures: ReportFigures) => number | null;

const eventCount = (stage: keyof ReportFigures['events']): [string, FigureValue] => [
  DASHBOARD_STAGE_LABELS[stage],
  (figures) => figures.events[stage],
];

export const CHECK_IN_RATE_LABEL = '签到率（%）';

/** Labels of the summary figures, in the order of the 概览 sheet. */
export const SUMMARY_FIGURES: [string, FigureValue][] = [
  eventCount('filed'),
  eventCount('submitted'),
  eventCount('returned'),
  eventCount('approved'),
  eventCount('published'),
  eventCount('held'),
  eventCount('cancelled'),
  eventCount('draft'),
  ['报名人次', (f) => f.registrations],
  ['参与人数', (f) => f.participants],
  ['签到人次', (f) => f.checkIns],
  [CHECK_IN_RATE_LABEL, (f) => f.checkInRate],
];

/** Columns of the breakdown sheets after the row's label. */
const BREAKDOWN_FIGURES: [string, FigureValue][] = [
  eventCount('filed'),
  eventCount('submitted'),
  eventCount('returned'),
  eventCount('approved'),
  eventCount('published'),
  eventCount('held'),
  eventCount('cancelled'),
  ['报名人次', (f) => f.registrations],
  ['参与人数', (f) => f.participants],
  ['签到人次', (f) => f.checkIns],
  [CHECK_IN_RATE_LABEL, (f) => f.checkInRate],
];

// One decimal for the rate; a null rate is left as an empty cell, never 0.
const RATE_FORMAT = '0.0';

function breakdownValues(figures: ReportFigures): (number | null)[] {
  return BREAKDOWN_FIGURES.map(([, value]) => value(figures));
}

function addBreakdownSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  firstHeader: string,
  rows: LabelledRow[],
  total: ReportFigures,
) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: firstHeader, width: 32 },
    ...BREAKDOWN_FIGURES.map(([header]) => ({
      header,
      width: 12,
      ...(header === CHECK_IN_RATE_LABEL ? { style: { numFmt: RATE_FORMAT } } : {}),
    })),
  ];
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow([neutraliseCell(row.label), ...breakdownValues(row)]);
  // Participants are distinct people over the whole report, so the total is not the column sum.
  const totalRow = sheet.addRow(['合计', ...breakdownValues(total)]);
  totalRow.font = { bold: true };
}

/** Builds the report's .xlsx workbook. */
export async function writeReportWorkbook(content: ReportContent): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'cityleague';
  workbook.created = content.generatedAt;

  const summary = workbook.addWorksheet(REPORT_SHEETS.summary);
  summary.columns = [{ width: 20 }, { width: 40 }];
  summary.addRow([content.title]).font = { bold: true, size: 14 };
  summary.addRow(['范围', neutraliseCell(content.scopeName)]);
  summary.addRow(['统计口径', neutraliseCell(content.basisLabel)]);
  summary.addRow(['统计期间', content.period.label]);
  summary.addRow(['生成时间', shanghaiWallClock(content.generatedAt)]);
  summary.getCell('B5').numFmt = 'yyyy-mm-dd hh:mm';
  if (isPeriodInProgress(content.period, content.generatedAt)) {
    const cutOff = `${shanghaiDateTime(content.generatedAt)}（${PERIOD_IN_PROGRESS_NOTE}）`;
    summary.addRow(['数据截至', cutOff]).getCell(2).font = {
      bold: true,
      color: { argb: 'FFD46B08' },
    };
  }
  summary.addRow([]);
  summary.addRow(['指标', '数值']).font = { bold: true };
  for (const [label, value] of SUMMARY_FIGURES) {
    const row = summary.addRow([label, value(content.total)]);
    if (label === CHECK_IN_RATE_LABEL) row.getCell(2).numFmt = RATE_FORMAT;
  }

  const { total } = content;
  addBreakdownSheet(workbook, REPORT_SHEETS.section, '板块', content.bySection, total);
  addBreakdownSheet(workbook, REPORT_SHEETS.sport, '项目', content.bySport, total);
  addBreakdownSheet(
    workbook,
    REPORT_SHEETS.organisation,
    '办赛主体',
    content.byOrganisation,
    total,
  );
  addBreakdownSheet(workbook, REPORT_SHEETS.child, '区域', content.byChild, total);
  if (content.period.kind !== 'monthly') {
    addBreakdownSheet(workbook, REPORT_SHEETS.month, '月份', content.byMonth, total);
  }

  const events = workbook.addWorksheet(REPORT_SHEETS.events, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  events.columns = [
    { header: '赛事名称', width: 40 },
    { header: '板块', width: 14 },
    { header: '项目', width: 12 },
    { header: '级别', width: 8 },
    { header: '状态', width: 12 },
    { header: '办赛主体', width: 28 },
    { header: '区域', width: 14 },
    { header: '开始时间', width: 18, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
    { header: '报名人次', width: 10 },
    { header: '签到人次', width: 10 },
  ];
  events.getRow(1).font = { bold: true };
  for (const event of content.events) {
    events.addRow([
      neutraliseCell(event.name),
      event.sectionLabel,
      event.sportLabel,
      event.levelLabel,
      DASHBOARD_STAGE_LABELS[event.stage],
      neutraliseCell(event.organisation),
      event.division,
      event.startsAt ? shanghaiWallClock(event.startsAt) : null,
      event.registrations,
      event.checkIns,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Returns a Date whose UTC fields show the instant's Asia/Shanghai wall-clock time, because
 * Excel cells carry no time zone and exceljs writes a Date's UTC fields.
 */
function shanghaiWallClock(instant: Date): Date {
  return new Date(instant.getTime() + 8 * 60 * 60 * 1000);
}
