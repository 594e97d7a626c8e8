import { EVENT_STATE_LABELS, neutraliseCell, type EventState } from '@cityleague/domain';
import ExcelJS from 'exceljs';

import type { LabelledRow, ReportContent } from './report-content.js';
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

/** Labels of the summary figures, in the order of the 概览 sheet. */
export const SUMMARY_FIGURES: [string, (figures: ReportFigures) => number][] = [
  ['填报赛事', (f) => f.filed],
  ['待审核', (f) => f.inReview],
  ['已通过', (f) => f.events.approved],
  ['已发布', (f) => f.events.published],
  ['已举办', (f) => f.held],
  ['已取消', (f) => f.events.cancelled],
  ['已退回', (f) => f.events.returned],
  ['草稿', (f) => f.events.draft],
  ['报名人次', (f) => f.registrations],
  ['参与人数', (f) => f.participants],
  ['签到人次', (f) => f.checkIns],
  ['签到率（%）', (f) => f.checkInRate],
];

const BREAKDOWN_HEADERS = [
  '填报赛事',
  '待审核',
  '已通过',
  '已发布',
  '已举办',
  '已取消',
  '报名人次',
  '参与人数',
  '签到人次',
  '签到率（%）',
];

function breakdownValues(figures: ReportFigures): number[] {
  return [
    figures.filed,
    figures.inReview,
    figures.events.approved,
    figures.events.published,
    figures.held,
    figures.events.cancelled,
    figures.registrations,
    figures.participants,
    figures.checkIns,
    figures.checkInRate,
  ];
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
    ...BREAKDOWN_HEADERS.map((header) => ({ header, width: 12 })),
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
  summary.addRow([]);
  summary.addRow(['指标', '数值']).font = { bold: true };
  for (const [label, value] of SUMMARY_FIGURES) summary.addRow([label, value(content.total)]);

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
    { header: '状态', width: 8 },
    { header: '办赛主体', width: 28 },
    { header: '区域', width: 14 },
    { header: '开始时间', width: 18, style: { numFmt: 'yyyy-mm-dd hh:mm' } },
    { header: '报名人次', width: 10 },
    { header: '签到人次', width: 10 },
  ];
  events.getRow(1).font = { bold: true };
  for (const event of content.events) {
    const state = event.held ? '已举办' : EVENT_STATE_LABELS[event.state as EventState];
    events.addRow([
      neutraliseCell(event.name),
      event.sectionLabel,
      event.sportLabel,
      event.levelLabel,
      state ?? event.state,
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
