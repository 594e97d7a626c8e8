import PDFDocument from 'pdfkit';

import { posterFontFiles } from '../posters/poster.service.js';
import {
  barChartSvg,
  CHART_HEIGHT,
  CHART_WIDTH,
  lineChartSvg,
  renderChartPng,
  type ChartDatum,
} from './report-charts.js';
import type { LabelledRow, ReportContent } from './report-content.js';
import { isPeriodInProgress, PERIOD_IN_PROGRESS_NOTE, shanghaiDateTime } from './report-time.js';
import { CHECK_IN_RATE_LABEL, SUMMARY_FIGURES } from './report-workbook.js';

// A4 in PostScript points, with 48-point margins.
const MARGIN = 48;
const PAGE_WIDTH = 595.28;
const CONTENT_WIDTH = PAGE_WIDTH - MARGIN * 2;
// Maximum rows of a breakdown chart and of a long breakdown table, by registrations. The title
// of a chart or table that leaves rows out names how many it shows.
const CHART_TOP_ROWS = 10;
const TABLE_TOP_ROWS = 20;

const REGULAR = 'regular';
const BOLD = 'bold';
const NOTE_COLOUR = '#d46b08';
const FOOTER_COLOUR = '#8c8c8c';
// Width of the page number at the right of the footer. The footer text to its left is cut to fit.
const PAGE_NUMBER_WIDTH = 90;

/** Maximum rows to keep, and the measure word for the count of all rows (项 in 共14项). */
interface TopRows {
  limit: number;
  unit: string;
}

/**
 * Keeps the first `top.limit` rows, which are ordered by registrations, and appends
 * （前10名，共14项） to the title when rows were left out. Without `top` every row is kept.
 */
function topRows(title: string, rows: LabelledRow[], top?: TopRows) {
  if (!top || rows.length <= top.limit) return { title, rows };
  return {
    title: `${title}（前${top.limit}名，共${rows.length}${top.unit}）`,
    rows: rows.slice(0, top.limit),
  };
}

function chartData(rows: LabelledRow[], value: (row: LabelledRow) => number): ChartDatum[] {
  return rows.map((row) => ({ label: row.label, value: value(row) }));
}

/** Draws a simple table: a bold header row, then rows, moving to a new page when full. */
function table(doc: PDFKit.PDFDocument, headers: string[], rows: (string | number)[][]) {
  const first = CONTENT_WIDTH * 0.4;
  const other = (CONTENT_WIDTH - first) / Math.max(1, headers.length - 1);
  const widths = headers.map((_, index) => (index === 0 ? first : other));
  const drawRow = (cells: (string | number)[], font: string) => {
    if (doc.y > doc.page.height - MARGIN - 20) doc.addPage();
    const y = doc.y;
    let x = MARGIN;
    doc.font(font).fontSize(9);
    cells.forEach((cell, index) => {
      const width = widths[index] ?? other;
      doc.text(String(cell), x + 2, y, {
        width: width - 4,
        align: index === 0 ? 'left' : 'right',
        lineBreak: false,
        ellipsis: true,
      });
      x += width;
    });
    doc
      .moveTo(MARGIN, y + 14)
      .lineTo(MARGIN + CONTENT_WIDTH, y + 14)
      .strokeColor('#e8e8e8')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + 18;
  };
  drawRow(headers, BOLD);
  for (const row of rows) drawRow(row, REGULAR);
  doc.moveDown(0.5);
}

function heading(doc: PDFKit.PDFDocument, text: string) {
  if (doc.y > doc.page.height - MARGIN - 120) doc.addPage();
  doc.moveDown(0.5).font(BOLD).fontSize(13).fillColor('#262626').text(text, MARGIN);
  doc.moveDown(0.3);
}

function chart(doc: PDFKit.PDFDocument, png: Buffer) {
  const height = (CONTENT_WIDTH * CHART_HEIGHT) / CHART_WIDTH;
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
  doc.image(png, MARGIN, doc.y, { width: CONTENT_WIDTH });
  doc.y += height + 8;
}

/** Writes a figure for the PDF: the rate with one decimal and a percent sign, '-' for none. */
function pdfCell(label: string, value: number | null): string | number {
  if (label !== CHECK_IN_RATE_LABEL) return value ?? '-';
  return value === null ? '-' : `${value.toFixed(1)}%`;
}

// The breakdown tables' columns, fewer than the workbook's to fit the A4 width.
const PDF_BREAKDOWN_FIGURES = SUMMARY_FIGURES.filter(([label]) =>
  ['填报赛事', '已举办', '报名人次', '参与人数', '签到人次', CHECK_IN_RATE_LABEL].includes(label),
);

/** A table of the PDF with its heading; cells are written as given. */
export interface PdfTable {
  heading: string;
  headers: string[];
  rows: (string | number)[][];
}

function pdfHeader(label: string): string {
  return label === CHECK_IN_RATE_LABEL ? '签到率' : label;
}

function breakdownTable(
  title: string,
  first: string,
  allRows: LabelledRow[],
  top?: TopRows,
): PdfTable {
  const { title: heading, rows } = topRows(title, allRows, top);
  return {
    heading,
    headers: [first, ...PDF_BREAKDOWN_FIGURES.map(([label]) => pdfHeader(label))],
    rows: rows.map((row) => [
      row.label,
      ...PDF_BREAKDOWN_FIGURES.map(([label, value]) => pdfCell(label, value(row))),
    ]),
  };
}

/** Lists the PDF's tables: the summary figures, then each breakdown. */
export function pdfTables(content: ReportContent): PdfTable[] {
  const tables: PdfTable[] = [
    {
      heading: '总体情况',
      headers: ['指标', '数值'],
      rows: SUMMARY_FIGURES.map(([label, value]) => [
        pdfHeader(label),
        pdfCell(label, value(content.total)),
      ]),
    },
    breakdownTable('按板块', '板块', content.bySection),
    breakdownTable('按项目', '项目', content.bySport, { limit: TABLE_TOP_ROWS, unit: '项' }),
    breakdownTable('按办赛主体', '办赛主体', content.byOrganisation, {
      limit: TABLE_TOP_ROWS,
      unit: '家',
    }),
    breakdownTable('按区域', '区域', content.byChild),
  ];
  if (content.byMonth.length > 0) tables.push(breakdownTable('按月', '月份', content.byMonth));
  return tables;
}

/**
 * Lists the report's charts as SVG: every month of the period, every section, and the sports
 * with the most registrations.
 */
export function chartSvgs(content: ReportContent): string[] {
  const registrations = (row: LabelledRow) => row.registrations;
  const bar = (title: string, rows: LabelledRow[], top?: TopRows) => {
    const kept = topRows(title, rows, top);
    return barChartSvg(kept.title, chartData(kept.rows, registrations));
  };
  const svgs = [
    bar('各板块报名人次', content.bySection),
    bar('各项目报名人次', content.bySport, { limit: CHART_TOP_ROWS, unit: '项' }),
  ];
  if (content.byMonth.length > 0) {
    svgs.unshift(lineChartSvg('各月报名人次', chartData(content.byMonth, registrations)));
  }
  return svgs;
}

/** Renders the report's charts to PNG, in parallel on libuv's thread pool. */
function renderCharts(content: ReportContent): Promise<Buffer[]> {
  return Promise.all(chartSvgs(content).map(renderChartPng));
}

/** A line under the PDF's title; `note` marks the cut-off of a period still in progress. */
export interface PdfIntroLine {
  text: string;
  note: boolean;
}

/**
 * Lists the lines under the PDF's title: scope, basis, period and generation time, and for a
 * period that has not ended the time the figures were read.
 */
export function pdfIntroLines(content: ReportContent): PdfIntroLine[] {
  const generated = shanghaiDateTime(content.generatedAt);
  const lines = [
    `范围：${content.scopeName}`,
    `统计口径：${content.basisLabel}`,
    `统计期间：${content.period.label}（按赛事开始时间）`,
    `生成时间：${generated}（北京时间）`,
  ].map((text) => ({ text, note: false }));
  if (isPeriodInProgress(content.period, content.generatedAt)) {
    lines.push({ text: `数据截至${generated}，${PERIOD_IN_PROGRESS_NOTE}`, note: true });
  }
  return lines;
}

/** Returns the footer of every page: the title with the generation or cut-off time. */
export function pdfFooterText(content: ReportContent): string {
  const generated = shanghaiDateTime(content.generatedAt);
  if (isPeriodInProgress(content.period, content.generatedAt)) {
    return `${content.title} · 数据截至${generated}（统计期间尚未结束）`;
  }
  return `${content.title} · 生成时间：${generated}`;
}

export function pageNumberText(page: number, pageCount: number): string {
  return `第 ${page} 页 / 共 ${pageCount} 页`;
}

/** Writes the footer and the page number on every buffered page. */
function writePageFooters(doc: PDFKit.PDFDocument, footer: string) {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    // pdfkit starts a new page for text below the bottom margin, where the footer goes.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 18;
    doc.font(REGULAR).fontSize(8).fillColor(FOOTER_COLOUR);
    doc.text(footer, MARGIN, y, {
      width: CONTENT_WIDTH - PAGE_NUMBER_WIDTH,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(pageNumberText(index - start + 1, count), MARGIN, y, {
      width: CONTENT_WIDTH,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottomMargin;
  }
}

/**
 * Builds the report's PDF: the summary figures, charts rendered from SVG with resvg, and the
 * breakdown tables, in Noto Sans SC (pdfkit embeds only the glyphs used). Every page has a
 * footer with the generation time and the page number.
 */
export async function writeReportPdf(content: ReportContent): Promise<Buffer> {
  const [regularFont, boldFont] = posterFontFiles();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // The pages stay in memory until the end, so the footers can give the page count.
    bufferPages: true,
    info: { Title: content.title, Creator: 'cityleague', CreationDate: content.generatedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(REGULAR, regularFont!);
  doc.registerFont(BOLD, boldFont!);

  doc.font(BOLD).fontSize(18).fillColor('#262626').text(content.title, { align: 'center' });
  doc.moveDown(0.5).fontSize(10);
  for (const line of pdfIntroLines(content)) {
    doc
      .font(line.note ? BOLD : REGULAR)
      .fillColor(line.note ? NOTE_COLOUR : '#595959')
      .text(line.text, { align: 'center' });
  }
  doc.fillColor('#262626');

  const [summary, ...breakdowns] = pdfTables(content);
  heading(doc, summary!.heading);
  table(doc, summary!.headers, summary!.rows);

  for (const png of await renderCharts(content)) chart(doc, png);

  for (const breakdown of breakdowns) {
    heading(doc, breakdown.heading);
    table(doc, breakdown.headers, breakdown.rows);
  }

  writePageFooters(doc, pdfFooterText(content));
  doc.end();
  return finished;
}
