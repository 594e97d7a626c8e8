import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildFigureWorkbook, figureSetName } from './dashboard.export.js';
import { RANKING_SIZE, type DashboardFigures, type Figures } from './dashboard.service.js';

/** Returns figures of `filed` published events with `registrations` entries in all. */
function figuresOf(filed: number, registrations: number): Figures {
  return {
    events: {
      draft: 0,
      submitted: 0,
      returned: 0,
      approved: 0,
      published: filed,
      held: 0,
      cancelled: 0,
      filed,
      total: filed,
    },
    registrations,
    cancellations: 0,
    checkIns: 0,
    endedRegistrations: 0,
    endedCheckIns: 0,
    participants: registrations,
    channels: { online: registrations, onSite: 0, partner: 0 },
  };
}

/** Returns a district's figures: 25 organisers of one event and 10 entries each, and two streets. */
function districtFigures(): DashboardFigures {
  const total = figuresOf(25, 250);
  const organisers = Array.from({ length: RANKING_SIZE }, (_, index) => ({
    key: `organisation-${index}`,
    name: `测试办赛单位${index + 1}`,
    ...figuresOf(1, 10),
  }));
  return {
    ...total,
    period: { year: 2026, quarter: null, month: null },
    lastYear: figuresOf(0, 0),
    months: [],
    sections: [],
    sports: [],
    levels: [],
    organisers,
    ranking: [],
    children: [
      {
        key: '310104003',
        code: '310104003',
        name: '测试街道甲',
        level: 'street',
        ...figuresOf(15, 150),
      },
      {
        key: '310104014',
        code: '310104014',
        name: '测试街道乙',
        level: 'street',
        ...figuresOf(6, 60),
      },
    ],
    unassigned: figuresOf(4, 40),
  };
}

async function sheetRows(buffer: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('dashboard figure export', () => {
  it('names sets as the page does', () => {
    expect(figureSetName('children', 'city')).toBe('各区数据');
    expect(figureSetName('children', 'district')).toBe('各街镇数据');
    expect(figureSetName('children', 'street')).toBe('各居委会数据');
    expect(figureSetName('ranking', 'district')).toBe('街镇排名');
    expect(figureSetName('ranking', 'street')).toBe('居委会排名');
    expect(figureSetName('months', 'street')).toBe('月度趋势');
  });

  it('adds the unassigned and total rows', async () => {
    const figures = districtFigures();
    const rows = await sheetRows(await buildFigureWorkbook(figures, 'children', 'district', 't'));
    expect(rows[1]!.slice(0, 3)).toEqual(['区域', '行政区划代码', '填报赛事']);
    const names = rows.slice(2).map((row) => row[0]);
    expect(names.slice(0, 4)).toEqual([
      '全区层面（未指定街镇）',
      '测试街道甲',
      '测试街道乙',
      '合计',
    ]);
    // 4 + 15 + 6 events and 40 + 150 + 60 entries: the rows add up to 合计.
    expect(rows[5]!.slice(0, 3)).toEqual(['合计', undefined, 25]);
    expect(rows[2]![1]).toBeUndefined();
    expect(rows[3]![1]).toBe('310104003');
  });

  it('leaves out an empty unassigned row', async () => {
    const figures = districtFigures();
    figures.unassigned = figuresOf(0, 0);
    const rows = await sheetRows(await buildFigureWorkbook(figures, 'children', 'street', 't'));
    const names = rows.slice(2).map((row) => row[0]);
    expect(names).not.toContain('街镇层面（未指定居委会）');
    expect(names.slice(0, 3)).toEqual(['测试街道甲', '测试街道乙', '合计']);
  });

  it('sums organisers beyond the top twenty', async () => {
    const figures = districtFigures();
    const rows = await sheetRows(await buildFigureWorkbook(figures, 'organisers', 'district', 't'));
    const headers = rows[1]!;
    expect(headers.slice(0, 3)).toEqual(['排名', '办赛主体', '填报赛事']);
    const other = rows.find((row) => row[1] === '其他办赛主体')!;
    const column = (header: string) => headers.indexOf(header);
    // 25 events less the 20 listed, and 250 entries less 200.
    expect(other[0]).toBeUndefined();
    expect(other[column('填报赛事')]).toBe(5);
    expect(other[column('报名人次')]).toBe(50);
    expect(other[column('线上报名')]).toBe(50);
    // The people of the other organisers are not known apart from those listed.
    expect(other[column('参与人数')]).toBeUndefined();
    const total = rows.find((row) => row[1] === '合计')!;
    expect(total[column('填报赛事')]).toBe(25);
    expect(total[column('参与人数')]).toBe(250);
    const notes = rows.map((row) => String(row[0])).filter((text) => text.startsWith('注：'));
    expect(notes.join('')).toContain('其他办赛主体的参与人数无法单独统计');
    expect(notes.join('')).toContain(`只列出报名人次前${RANKING_SIZE}名`);
  });

  it('has no other row when every organiser is listed', async () => {
    const figures = districtFigures();
    figures.organisers = figures.organisers.slice(0, 5);
    Object.assign(figures, figuresOf(5, 50));
    const rows = await sheetRows(await buildFigureWorkbook(figures, 'organisers', 'district', 't'));
    const names = rows.slice(2).map((row) => row[1]);
    expect(names).not.toContain('其他办赛主体');
    expect(names).toContain('合计');
  });
});
