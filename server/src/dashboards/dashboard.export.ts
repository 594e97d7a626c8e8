import ExcelJS from 'exceljs';

import type { DashboardFigures, Figures } from './dashboard.service.js';

/** The figure sets a dashboard exports, one per chart or table. */
export const FIGURE_SETS = [
  'summary',
  'months',
  'sections',
  'sports',
  'levels',
  'organisers',
  'children',
  'ranking',
] as const;
export type FigureSet = (typeof FIGURE_SETS)[number];

const SHEET_NAMES: Record<FigureSet, string> = {
  summary: '总览',
  months: '月度趋势',
  sections: '按板块',
  sports: '按项目',
  levels: '按级别',
  organisers: '办赛主体排名',
  children: '下级区域',
  ranking: '街镇排名',
};

const FIGURE_HEADERS = [
  '赛事填报',
  '待审核',
  '已退回',
  '已通过',
  '已发布',
  '已举办',
  '已取消',
  '报名人次',
  '参与人数',
  '签到人次',
  '签到率',
  '取消报名',
  '线上报名',
  '现场报名',
  '合作平台报名',
];

/**
 * Returns the check-in rate over the events that have ended, as a fraction rounded to 4 places,
 * or null when no ended event has an active entry.
 */
function rate(figures: Figures): number | null {
  if (figures.endedRegistrations === 0) return null;
  return Math.round((figures.endedCheckIns / figures.endedRegistrations) * 10_000) / 10_000;
}

function figureCells(figures: Figures): (number | null)[] {
  const e = figures.events;
  return [
    e.filed,
    e.submitted,
    e.returned,
    e.approved,
    e.published,
    e.held,
    e.cancelled,
    figures.registrations,
    figures.participants,
    figures.checkIns,
    rate(figures),
    figures.cancellations,
    figures.channels.online,
    figures.channels.onSite,
    figures.channels.partner,
  ];
}

interface Table {
  headers: string[];
  rows: (string | number | null)[][];
}

function tableOf(figures: DashboardFigures, set: FigureSet): Table {
  switch (set) {
    case 'summary': {
      const rows: Table['rows'] = [
        ['本期', ...figureCells(figures)],
        ['去年同期', ...figureCells(figures.lastYear)],
      ];
      return { headers: ['', ...FIGURE_HEADERS], rows };
    }
    case 'months':
      return {
        headers: ['月份', ...FIGURE_HEADERS, '去年同月报名人次', '去年同月签到人次'],
        rows: figures.months.map((m) => [
          m.month,
          ...figureCells(m.thisYear),
          m.lastYear.registrations,
          m.lastYear.checkIns,
        ]),
      };
    case 'ranking':
      return {
        headers: ['排名', '名称', '上级区域', ...FIGURE_HEADERS],
        rows: figures.ranking.map((r, i) => [i + 1, r.name, r.parentName, ...figureCells(r)]),
      };
    case 'organisers':
      return {
        headers: ['排名', '办赛主体', ...FIGURE_HEADERS],
        rows: figures.organisers.map((r, i) => [i + 1, r.name, ...figureCells(r)]),
      };
    default: {
      const rows = figures[set];
      return {
        headers: ['代码', '名称', ...FIGURE_HEADERS],
        rows: rows.map((r) => [r.key, r.name, ...figureCells(r)]),
      };
    }
  }
}

/** Builds an .xlsx workbook with one sheet of a figure set, under a title line naming the scope. */
export async function buildFigureWorkbook(
  figures: DashboardFigures,
  set: FigureSet,
  title: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAMES[set]);
  const table = tableOf(figures, set);
  sheet.addRow([title]).font = { bold: true, size: 13 };
  const header = sheet.addRow(table.headers);
  header.font = { bold: true };
  for (const row of table.rows) sheet.addRow(row);
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  sheet.columns.forEach((column, index) => {
    column.width = index < 3 ? 18 : 12;
  });
  const rateColumn = table.headers.indexOf('签到率') + 1;
  if (rateColumn > 0) sheet.getColumn(rateColumn).numFmt = '0.0%';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Returns the sheet name of a figure set, for tests and file names. */
export function sheetNameOf(set: FigureSet): string {
  return SHEET_NAMES[set];
}
