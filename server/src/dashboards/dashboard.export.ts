import { DASHBOARD_STAGE_LABELS, unassignedDivisionLabel } from '@cityleague/domain';
import ExcelJS from 'exceljs';

import type { DivisionRow } from '../db/schema.js';
import { RANKING_SIZE, type DashboardFigures, type Figures } from './dashboard.service.js';

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

// Titles of the dashboard page's charts and tables. The page has no summary or levels table, so
// those two names are the export's own.
const FIGURE_SET_NAMES: Record<Exclude<FigureSet, 'children' | 'ranking'>, string> = {
  summary: '总览',
  months: '月度趋势',
  sections: '按板块',
  sports: '按项目',
  levels: '按级别',
  organisers: '办赛主体排名',
};

const CHILDREN_NAMES: Record<DivisionRow['level'], string> = {
  city: '各区数据',
  district: '各街镇数据',
  street: '各居委会数据',
  community: '下级区域',
};

/**
 * Names a figure set as the dashboard page titles its chart or table, for the sheet, the title
 * line and the file name. The child divisions and the ranking depend on the scope's level.
 */
export function figureSetName(set: FigureSet, level: DivisionRow['level']): string {
  if (set === 'children') return CHILDREN_NAMES[level];
  if (set === 'ranking') return level === 'street' ? '居委会排名' : '街镇排名';
  return FIGURE_SET_NAMES[set];
}

const FIGURE_HEADERS = [
  DASHBOARD_STAGE_LABELS.filed,
  DASHBOARD_STAGE_LABELS.submitted,
  DASHBOARD_STAGE_LABELS.returned,
  DASHBOARD_STAGE_LABELS.approved,
  DASHBOARD_STAGE_LABELS.published,
  DASHBOARD_STAGE_LABELS.held,
  DASHBOARD_STAGE_LABELS.cancelled,
  '报名人次',
  '参与人数',
  '签到人次',
  '签到率',
  '取消报名',
  '线上报名',
  '现场报名',
  '合作平台报名',
];

const TOTAL_LABEL = '合计';
const OTHER_ORGANISERS_LABEL = '其他办赛主体';

/** Figures of a row whose unique participants are not known: a remainder of other rows. */
type RowFigures = Omit<Figures, 'participants'> & { participants: number | null };

/**
 * Returns the check-in rate over the events that have ended, as a fraction rounded to 4 places,
 * or null when no ended event has an active entry.
 */
function rate(figures: RowFigures): number | null {
  if (figures.endedRegistrations === 0) return null;
  return Math.round((figures.endedCheckIns / figures.endedRegistrations) * 10_000) / 10_000;
}

function figureCells(figures: RowFigures): (number | null)[] {
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

/**
 * Subtracts the rows from the total, for the events in none of the rows. Every figure but the
 * unique participants adds up over rows, so the remainder has no participant figure.
 */
function remainderOf(total: Figures, rows: Figures[]): RowFigures {
  const sum = (pick: (figures: Figures) => number) =>
    pick(total) - rows.reduce((subtotal, row) => subtotal + pick(row), 0);
  const events = { ...total.events };
  for (const stage of Object.keys(events) as (keyof Figures['events'])[]) {
    events[stage] = sum((figures) => figures.events[stage]);
  }
  return {
    events,
    registrations: sum((figures) => figures.registrations),
    cancellations: sum((figures) => figures.cancellations),
    checkIns: sum((figures) => figures.checkIns),
    endedRegistrations: sum((figures) => figures.endedRegistrations),
    endedCheckIns: sum((figures) => figures.endedCheckIns),
    participants: null,
    channels: {
      online: sum((figures) => figures.channels.online),
      onSite: sum((figures) => figures.channels.onSite),
      partner: sum((figures) => figures.channels.partner),
    },
  };
}

/** Tells whether a row has any event or entry, as the page shows its unassigned row. */
function hasActivity(figures: RowFigures): boolean {
  return figures.events.total > 0 || figures.registrations > 0;
}

/** Tells whether a row has any figure that the export shows, which leaves out drafts. */
function hasExportedFigures(figures: RowFigures): boolean {
  return figures.events.filed > 0 || figures.registrations > 0 || figures.cancellations > 0;
}

const PARTICIPANTS_NOTE =
  '参与人数按人去重：一人参加多项赛事只计一次，所以合计的参与人数不是各行之和。';

interface Table {
  headers: string[];
  rows: (string | number | null)[][];
  /** Lines under the table that explain its figures. */
  notes: string[];
}

/**
 * Builds a breakdown whose rows add up to the total: the named rows, then the `remainder` row
 * of the events in none of them when there are any, then 合计.
 */
function breakdownTable(
  figures: DashboardFigures,
  first: string,
  rows: { name: string; figures: RowFigures }[],
  remainder?: { label: string; figures: RowFigures },
): Table {
  const body = rows.map((row) => [row.name, ...figureCells(row.figures)]);
  const notes = [PARTICIPANTS_NOTE];
  if (remainder && hasExportedFigures(remainder.figures)) {
    body.push([remainder.label, ...figureCells(remainder.figures)]);
    if (remainder.figures.participants === null) {
      notes.push(`${remainder.label}的参与人数无法单独统计，所以留空。`);
    }
  }
  body.push([TOTAL_LABEL, ...figureCells(figures)]);
  return { headers: [first, ...FIGURE_HEADERS], rows: body, notes };
}

function childrenTable(figures: DashboardFigures, level: DivisionRow['level']): Table {
  const unassigned = figures.unassigned;
  const rows: Table['rows'] = [];
  if (hasActivity(unassigned)) {
    rows.push([unassignedDivisionLabel(level), null, ...figureCells(unassigned)]);
  }
  for (const child of figures.children) rows.push([child.name, child.code, ...figureCells(child)]);
  rows.push([TOTAL_LABEL, null, ...figureCells(figures)]);
  return { headers: ['区域', '行政区划代码', ...FIGURE_HEADERS], rows, notes: [PARTICIPANTS_NOTE] };
}

function monthsTable(figures: DashboardFigures): Table {
  const rows: Table['rows'] = figures.months.map((m) => [
    m.month,
    ...figureCells(m.thisYear),
    m.lastYear.registrations,
    m.lastYear.checkIns,
  ]);
  rows.push([
    TOTAL_LABEL,
    ...figureCells(figures),
    figures.lastYear.registrations,
    figures.lastYear.checkIns,
  ]);
  return {
    headers: ['月份', ...FIGURE_HEADERS, '去年同月报名人次', '去年同月签到人次'],
    rows,
    notes: [PARTICIPANTS_NOTE],
  };
}

function organisersTable(figures: DashboardFigures): Table {
  const table = breakdownTable(
    figures,
    '办赛主体',
    figures.organisers.map((row) => ({ name: row.name, figures: row })),
    { label: OTHER_ORGANISERS_LABEL, figures: remainderOf(figures, figures.organisers) },
  );
  // The page ranks the organisers; the remainder and total rows have no rank.
  table.headers.unshift('排名');
  table.rows.forEach((row, index) => {
    row.unshift(index < figures.organisers.length ? index + 1 : null);
  });
  if (figures.organisers.length === RANKING_SIZE) {
    table.notes.push(
      `只列出报名人次前${RANKING_SIZE}名，其余合为“${OTHER_ORGANISERS_LABEL}”一行。`,
    );
  }
  return table;
}

function rankingTable(figures: DashboardFigures, level: DivisionRow['level']): Table {
  const table: Table = {
    headers: ['排名', '名称', '上级区域', ...FIGURE_HEADERS],
    rows: figures.ranking.map((r, i) => [i + 1, r.name, r.parentName, ...figureCells(r)]),
    notes: [],
  };
  if (figures.ranking.length === RANKING_SIZE) {
    const unit = level === 'street' ? '居委会' : '街镇';
    table.notes.push(`只列出报名人次前${RANKING_SIZE}名的${unit}，所以各行之和不是合计。`);
  }
  return table;
}

function tableOf(figures: DashboardFigures, set: FigureSet, level: DivisionRow['level']): Table {
  const named = (rows: DashboardFigures['sections']) =>
    rows.map((row) => ({ name: row.name, figures: row }));
  switch (set) {
    case 'summary':
      return {
        headers: ['', ...FIGURE_HEADERS],
        rows: [
          ['本期', ...figureCells(figures)],
          ['去年同期', ...figureCells(figures.lastYear)],
        ],
        notes: [],
      };
    case 'months':
      return monthsTable(figures);
    case 'sections':
      return breakdownTable(figures, '板块', named(figures.sections));
    case 'sports':
      // Every filed event has a sport, so only drafts, which are not exported, miss a row.
      return breakdownTable(figures, '项目', named(figures.sports));
    case 'levels':
      return breakdownTable(figures, '级别', named(figures.levels));
    case 'organisers':
      return organisersTable(figures);
    case 'children':
      return childrenTable(figures, level);
    case 'ranking':
      return rankingTable(figures, level);
  }
}

/**
 * Builds an .xlsx workbook with one sheet of a figure set of a dashboard at the scope's level,
 * under a title line naming the scope, with notes on the figures under the table.
 */
export async function buildFigureWorkbook(
  figures: DashboardFigures,
  set: FigureSet,
  level: DivisionRow['level'],
  title: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(figureSetName(set, level));
  const table = tableOf(figures, set, level);
  sheet.addRow([title]).font = { bold: true, size: 13 };
  const header = sheet.addRow(table.headers);
  header.font = { bold: true };
  for (const row of table.rows) {
    const added = sheet.addRow(row);
    // The total's label is in the first column, or in the second after a rank.
    if (row.slice(0, 2).includes(TOTAL_LABEL)) added.font = { bold: true };
  }
  if (table.notes.length > 0) sheet.addRow([]);
  for (const note of table.notes) sheet.addRow([`注：${note}`]);
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  sheet.columns.forEach((column, index) => {
    column.width = index < 3 ? 18 : 12;
  });
  const rateColumn = table.headers.indexOf('签到率') + 1;
  if (rateColumn > 0) sheet.getColumn(rateColumn).numFmt = '0.0%';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
