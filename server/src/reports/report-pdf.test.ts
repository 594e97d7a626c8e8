import { spawnSync } from 'node:child_process';

import { parseReportPeriod, type ReportKind } from '@cityleague/domain';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';

import { axisTicks } from './report-charts.js';
import type { LabelledRow, ReportContent } from './report-content.js';
import { chartSvgs, pdfIntroLines, pdfTables, writeReportPdf } from './report-pdf.js';
import { isPeriodInProgress, shanghaiDateTime } from './report-time.js';
import { emptyReportFigures } from './report.figures.js';
import { writeReportWorkbook } from './report-workbook.js';

// 2026-12-05 11:30 in Asia/Shanghai: in the fourth quarter of 2026.
const DECEMBER_FIFTH = new Date('2026-12-05T03:30:00Z');

function row(label: string, registrations: number): LabelledRow {
  const figures = emptyReportFigures();
  figures.events.filed = 1;
  figures.events.total = 1;
  figures.registrations = registrations;
  return { label, ...figures };
}

function rows(count: number, prefix: string): LabelledRow[] {
  return Array.from({ length: count }, (_, index) => row(`${prefix}${index + 1}`, 100 - index));
}

/** Builds report content without a database: 7 sections, 14 sports, 25 organisers, 36 streets. */
function contentOf(kind: ReportKind, periodKey: string, generatedAt = DECEMBER_FIFTH) {
  const period = parseReportPeriod(kind, periodKey)!;
  const months: LabelledRow[] = [];
  if (kind !== 'monthly') {
    for (let month = period.startMonth; month <= period.endMonth; month++) {
      months.push(row(`${month}月`, month));
    }
  }
  const content: ReportContent = {
    title: `浦东新区${period.label}报告`,
    period,
    scopeName: '浦东新区',
    basisLabel: '辖区内全部赛事',
    generatedAt,
    total: row('', 500),
    bySection: rows(7, '板块'),
    bySport: rows(14, '项目'),
    byOrganisation: rows(25, '办赛单位'),
    byChild: rows(36, '街镇'),
    byMonth: months,
    events: [],
  };
  return content;
}

/** Returns the text nodes of an SVG in order. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

describe('report charts', () => {
  it('annual month chart shows twelve months', () => {
    const [months] = chartSvgs(contentOf('annual', '2026'));
    const labels = svgTexts(months!).filter((text) => /^\d+月$/.test(text));
    expect(labels).toEqual(Array.from({ length: 12 }, (_, index) => `${index + 1}月`));
  });

  it('quarterly month chart shows three months', () => {
    const [months] = chartSvgs(contentOf('quarterly', '2026-Q4'));
    const labels = svgTexts(months!).filter((text) => /^\d+月$/.test(text));
    expect(labels).toEqual(['10月', '11月', '12月']);
  });

  it('monthly report has no month chart', () => {
    const svgs = chartSvgs(contentOf('monthly', '2026-12'));
    expect(svgs).toHaveLength(2);
    expect(svgTexts(svgs[0]!)[0]).toBe('各板块报名人次');
  });

  it('names the top ten in a cut breakdown chart', () => {
    const [, sections, sports] = chartSvgs(contentOf('annual', '2026'));
    expect(svgTexts(sections!)[0]).toBe('各板块报名人次');
    for (let index = 1; index <= 7; index++) expect(svgTexts(sections!)).toContain(`板块${index}`);
    expect(svgTexts(sports!)[0]).toBe('各项目报名人次（前10名，共14项）');
    expect(sports!.match(/<rect x=/g)).toHaveLength(10);
    expect(svgTexts(sports!)).toContain('项目10');
    expect(svgTexts(sports!)).not.toContain('项目11');
  });

  it.each([
    [[10], [0, 2, 4, 6, 8, 10]],
    [
      [50, 3],
      [0, 10, 20, 30, 40, 50],
    ],
    [[28], [0, 10, 20, 30]],
    [[7], [0, 2, 4, 6, 8]],
    [[3], [0, 1, 2, 3]],
    [[1234], [0, 500, 1000, 1500]],
    [[], [0, 1]],
    [
      [0, 0],
      [0, 1],
    ],
  ])('axis ticks for %j are %j', (values, ticks) => {
    expect(axisTicks(values)).toEqual(ticks);
  });

  it('labels the axis with the ticks', () => {
    const content = contentOf('annual', '2026');
    content.byMonth = content.byMonth.map((month, index) => ({ ...month, registrations: index }));
    const [months] = chartSvgs(content);
    const axis = svgTexts(months!).filter((text) => /^\d+$/.test(text));
    // The axis labels come first, then each point's value.
    expect(axis.slice(0, 4)).toEqual(['0', '5', '10', '15']);
  });
});

describe('report PDF tables', () => {
  it('keeps every area and names the cut ones', () => {
    const tables = pdfTables(contentOf('annual', '2026'));
    const byHeading = new Map(tables.map((table) => [table.heading, table]));
    expect(byHeading.get('按区域')?.rows).toHaveLength(36);
    expect(byHeading.get('按板块')?.rows).toHaveLength(7);
    expect(byHeading.get('按月')?.rows).toHaveLength(12);
    expect(byHeading.get('按项目')?.rows).toHaveLength(14);
    expect(byHeading.get('按办赛主体（前20名，共25家）')?.rows).toHaveLength(20);
  });
});

describe('report generation time', () => {
  it('formats Shanghai time in Chinese', () => {
    expect(shanghaiDateTime(DECEMBER_FIFTH)).toBe('2026年12月5日 11:30');
    expect(shanghaiDateTime(new Date('2026-12-31T16:05:00Z'))).toBe('2027年1月1日 00:05');
  });

  it('period is in progress until its end in Shanghai', () => {
    const quarter = parseReportPeriod('quarterly', '2026-Q4')!;
    expect(isPeriodInProgress(quarter, new Date('2026-12-31T15:59:59Z'))).toBe(true);
    expect(isPeriodInProgress(quarter, new Date('2026-12-31T16:00:00Z'))).toBe(false);
    const month = parseReportPeriod('monthly', '2026-11')!;
    expect(isPeriodInProgress(month, DECEMBER_FIFTH)).toBe(false);
  });

  it('PDF intro states the cut-off of a running period', () => {
    const lines = pdfIntroLines(contentOf('quarterly', '2026-Q4'));
    expect(lines.map((line) => line.text)).toContain('生成时间：2026年12月5日 11:30（北京时间）');
    const notes = lines.filter((line) => line.note);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toMatch(/^数据截至2026年12月5日 11:30，统计期间尚未结束/);
  });

  it('PDF intro of an ended period has no cut-off', () => {
    const lines = pdfIntroLines(contentOf('quarterly', '2026-Q3'));
    expect(lines.map((line) => line.text)).toContain('生成时间：2026年12月5日 11:30（北京时间）');
    expect(lines.filter((line) => line.note)).toEqual([]);
    expect(lines.map((line) => line.text).join('')).not.toContain('截至');
  });

  it('workbook states the cut-off of a running period', async () => {
    const cutOff = async (periodKey: string) => {
      const workbook = new ExcelJS.Workbook();
      const buffer = await writeReportWorkbook(contentOf('quarterly', periodKey));
      await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
      const figures = new Map<string, unknown>();
      workbook.getWorksheet('概览')!.eachRow((sheetRow) => {
        figures.set(String(sheetRow.getCell(1).value), sheetRow.getCell(2).value);
      });
      return figures;
    };
    const running = await cutOff('2026-Q4');
    expect(running.get('数据截至')).toMatch(/^2026年12月5日 11:30（统计期间尚未结束/);
    expect(running.get('生成时间')).toBeInstanceOf(Date);
    const ended = await cutOff('2026-Q3');
    expect(ended.has('数据截至')).toBe(false);
    expect(ended.get('生成时间')).toBeInstanceOf(Date);
  });
});

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;

describe('report PDF pages', () => {
  it.runIf(hasPdftotext)('numbers every page', async () => {
    const pdf = await writeReportPdf(contentOf('annual', '2026'));
    const pageCount = (await PDFDocument.load(pdf)).getPageCount();
    expect(pageCount).toBeGreaterThanOrEqual(3);
    // pdftotext (poppler-utils) ends each page with a form feed and may drop the spaces
    // between Chinese characters.
    const output = spawnSync('pdftotext', ['-', '-'], { input: pdf }).stdout.toString('utf8');
    const pages = output.split('\f').slice(0, pageCount);
    pages.forEach((text, index) => {
      const number = new RegExp(`第\\s*${index + 1}\\s*页\\s*/\\s*共\\s*${pageCount}\\s*页`);
      expect(text, `page ${index + 1}`).toMatch(number);
      expect(text, `page ${index + 1}`).toMatch(/数据截至2026年12月5日\s*11:30/);
      // A footer written below the margin would start a page with nothing else on it.
      const body = text.split('\n').filter((line) => !/数据截至|共\s*\d+\s*页/.test(line));
      expect(body.join('').trim(), `page ${index + 1}`).not.toBe('');
    });
  });
});
