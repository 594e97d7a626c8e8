import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';

import { posterFontFiles } from './poster.service.js';
import { escapeXml, POSTER_FONT_FAMILY } from './svg.js';
import {
  breakBalancedLines,
  breakLines,
  charWidth,
  fitText,
  normaliseText,
  textWidth,
  withEllipsis,
} from './text-layout.js';

const LONG_TITLE = '2027年上海市民体育大联赛徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华';
const CLOSING = Array.from('，。、；：？！）」』】》”');
const OPENING = Array.from('（「『【《“');

/** Measures the drawn width of one line in em with resvg, at 100 px. */
function measuredWidth(text: string, weight: number): number {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="200">' +
    `<text x="0" y="150" font-family="${POSTER_FONT_FAMILY}" font-weight="${weight}" ` +
    `font-size="100">${escapeXml(text)}</text></svg>`;
  const resvg = new Resvg(svg, { font: { fontFiles: posterFontFiles(), loadSystemFonts: false } });
  const box = resvg.getBBox();
  if (!box) throw new Error(`resvg drew nothing for ${text}`);
  return (box.x + box.width) / 100;
}

describe('width estimate', () => {
  it('counts CJK as full width and Latin narrower', () => {
    expect(charWidth('国')).toBe(1);
    expect(charWidth('，')).toBe(1);
    expect(charWidth('A')).toBeLessThan(1);
    expect(charWidth('a')).toBeLessThan(charWidth('A'));
    expect(charWidth('1')).toBeLessThan(1);
    expect(charWidth(' ')).toBeLessThan(0.5);
  });

  const samples = [
    LONG_TITLE,
    'SHANGHAI CITY AMATEUR LEAGUE 2027',
    'Xuhui Riverside Sports Park',
    'WWW MMM mmm www 0123456789',
    '3x3 Basketball Open（U-18组）——徐汇站',
    '“乐享运动·健康生活”，全民参与！',
    '2027年5月1日 09:00—17:30',
  ];

  it.each(samples)('is never narrower than resvg draws %s', (text) => {
    for (const weight of [400, 700, 900]) {
      const drawn = measuredWidth(text, weight);
      expect(textWidth(text), `weight ${weight}`).toBeGreaterThanOrEqual(drawn);
      // Generous, but not so generous that lines come out visibly short.
      expect(textWidth(text), `weight ${weight}`).toBeLessThan(drawn * 1.25 + 0.5);
    }
  });

  it('adds letter spacing per character', () => {
    expect(textWidth('城市联赛', 0.2)).toBeCloseTo(4.8);
  });
});

describe('normaliseText', () => {
  it('collapses whitespace and trims', () => {
    expect(normaliseText('  三人\t篮球 \n 挑战赛  ')).toBe('三人 篮球 挑战赛');
  });

  it('removes characters that XML forbids', () => {
    expect(normaliseText('篮\u0000球\u0007赛\uFFFE')).toBe('篮球赛');
    expect(normaliseText('篮\uD800球')).toBe('篮球');
    expect(normaliseText('三人 \u0001 篮球')).toBe('三人 篮球');
  });
});

describe('breakLines', () => {
  it('wraps a long Chinese title within the width and loses nothing', () => {
    const lines = breakLines(LONG_TITLE, 9);
    expect(lines.length).toBe(5);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(9);
    expect(lines.join('')).toBe(LONG_TITLE);
  });

  it('keeps Latin words whole and breaks at spaces', () => {
    const text = 'Shanghai City Amateur League Basketball';
    const lines = breakLines(text, 9);
    expect(lines).toEqual(['Shanghai City', 'Amateur League', 'Basketball']);
  });

  it('keeps a digit run together', () => {
    // Greedy filling would end the first line after "20".
    const lines = breakLines('第一届第二届2027年联赛', 8);
    expect(lines).toEqual(['第一届第二届', '2027年联赛']);
  });

  it('keeps words joined by a hyphen or dot together', () => {
    const lines = breakLines('青少年组U-18和3x3篮球5.0版', 4.5);
    expect(lines.some((line) => line.includes('U-18'))).toBe(true);
    expect(lines.some((line) => line.includes('3x3'))).toBe(true);
    expect(lines.some((line) => line.includes('5.0'))).toBe(true);
  });

  it('never starts a line with closing punctuation', () => {
    for (const mark of CLOSING) {
      const lines = breakLines(`一二三四五${mark}六七八`, 5);
      expect(lines, mark).toEqual(['一二三四', `五${mark}六七八`]);
    }
  });

  it('never ends a line with opening punctuation', () => {
    for (const mark of OPENING) {
      const lines = breakLines(`一二三四${mark}五六七`, 5);
      expect(lines, mark).toEqual(['一二三四', `${mark}五六七`]);
    }
  });

  it('obeys both rules across a long title with punctuation', () => {
    const text = '徐汇区“乐享运动”，全民健身（社区组）系列活动、青少年（U-12）趣味赛。欢迎参加！';
    // From 5 em on, since the widest group with no allowed break, （U-12）, takes 4.5 em.
    for (let width = 5; width <= 14; width += 0.5) {
      const lines = breakLines(text, width);
      for (const [index, line] of lines.entries()) {
        const first = Array.from(line)[0]!;
        const last = Array.from(line).at(-1)!;
        if (index > 0) expect(CLOSING, `${width}: ${line}`).not.toContain(first);
        if (index < lines.length - 1) expect(OPENING, `${width}: ${line}`).not.toContain(last);
        expect(textWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
      }
      expect(lines.join('')).toBe(text);
    }
  });

  it('keeps a dash or ellipsis pair on one line', () => {
    const lines = breakLines('一二三四——五六', 5);
    expect(lines).toEqual(['一二三', '四——五六']);
    expect(breakLines('一二三四……五六', 5)).toEqual(['一二三', '四……五', '六']);
  });

  it('splits a word longer than a line into characters', () => {
    const lines = breakLines('Supercalifragilistic', 4);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(4);
    expect(lines.join('')).toBe('Supercalifragilistic');
  });

  it('returns no lines for blank text', () => {
    expect(breakLines('   ', 5)).toEqual([]);
  });
});

describe('breakBalancedLines', () => {
  it('evens out a short last line', () => {
    expect(breakLines('徐家汇街道趣味运动会', 7)).toEqual(['徐家汇街道趣味', '运动会']);
    expect(breakBalancedLines('徐家汇街道趣味运动会', 7)).toEqual(['徐家汇街道', '趣味运动会']);
  });

  it('keeps the line count and the text', () => {
    const greedy = breakLines(LONG_TITLE, 8);
    const balanced = breakBalancedLines(LONG_TITLE, 8);
    expect(balanced.length).toBe(greedy.length);
    expect(balanced.join('')).toBe(LONG_TITLE);
    for (const line of balanced) expect(textWidth(line)).toBeLessThanOrEqual(8);
  });

  it('never splits a word while narrowing', () => {
    const lines = breakBalancedLines('2027 Shanghai City League 3x3 Basketball Open', 12);
    for (const word of ['Shanghai', 'Basketball', '3x3', '2027']) {
      expect(
        lines.some((line) => line.includes(word)),
        word,
      ).toBe(true);
    }
  });
});

describe('fitText', () => {
  const box = { maxWidth: 888, maxLines: 5, maxFontSize: 128, minFontSize: 64 };

  it('keeps a short title at the largest size', () => {
    const fitted = fitText('社区运动会', box);
    expect(fitted).toEqual({ lines: ['社区运动会'], fontSize: 128, truncated: false });
  });

  it('shrinks a long title until it fits the line limit', () => {
    const fitted = fitText(`${LONG_TITLE}${LONG_TITLE.slice(0, 20)}`, box);
    expect(fitted.truncated).toBe(false);
    expect(fitted.fontSize).toBeLessThan(128);
    expect(fitted.fontSize).toBeGreaterThanOrEqual(64);
    expect(fitted.lines.length).toBeLessThanOrEqual(5);
    for (const line of fitted.lines) {
      expect(textWidth(line) * fitted.fontSize).toBeLessThanOrEqual(888);
    }
    // One size larger would need more lines.
    expect(
      breakLines(LONG_TITLE + LONG_TITLE.slice(0, 20), 888 / (fitted.fontSize + 4)).length,
    ).toBeGreaterThan(5);
  });

  it('cuts a title too long for the smallest size with an ellipsis', () => {
    const fitted = fitText(LONG_TITLE.repeat(3), box);
    expect(fitted.truncated).toBe(true);
    expect(fitted.fontSize).toBe(64);
    expect(fitted.lines.length).toBe(5);
    expect(fitted.lines.at(-1)!.endsWith('…')).toBe(true);
    for (const line of fitted.lines) {
      expect(textWidth(line) * 64).toBeLessThanOrEqual(888);
    }
  });

  it('takes fewer lines when the box is low', () => {
    const fitted = fitText(LONG_TITLE, { ...box, maxHeight: 300, lineHeight: 1.2 });
    expect(fitted.lines.length * fitted.fontSize * 1.2).toBeLessThanOrEqual(300);
  });

  it('tries the smallest size even when the step skips it', () => {
    const fitted = fitText('一二三四五六七八九十', {
      maxWidth: 500,
      maxLines: 1,
      maxFontSize: 70,
      minFontSize: 50,
      step: 8,
    });
    expect(fitted).toEqual({ lines: ['一二三四五六七八九十'], fontSize: 50, truncated: false });
  });
});

describe('withEllipsis', () => {
  it('drops characters until the ellipsis fits', () => {
    expect(withEllipsis('一二三四五', 5)).toBe('一二三…');
  });

  it('does not leave punctuation or a space before the ellipsis', () => {
    expect(withEllipsis('一二，三', 4)).toBe('一二…');
    expect(withEllipsis('一二（三', 4)).toBe('一二…');
    expect(withEllipsis('ab cd', 2.5)).toBe('ab…');
  });
});
