import { renderAsync } from '@resvg/resvg-js';

import { posterFontFiles } from '../posters/poster.service.js';
import { POSTER_FONT_FAMILY } from '../posters/svg.js';

/** One bar or point of a chart. */
export interface ChartDatum {
  label: string;
  value: number;
}

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 400;

const MARGIN = { top: 68, right: 24, bottom: 88, left: 72 };
const BAR_COLOUR = '#1677ff';
const LINE_COLOUR = '#13a8a8';
const AXIS_COLOUR = '#8c8c8c';
const GRID_COLOUR = '#f0f0f0';

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// Maximum number of intervals on the value axis.
const MAX_AXIS_INTERVALS = 5;

/**
 * Returns the value axis ticks from 0: a whole-number step of 1, 2 or 5 times a power of ten,
 * the smallest that needs at most MAX_AXIS_INTERVALS intervals, and a maximum tick at or above
 * the largest value. Every tick is an integer, because the figures are counts.
 */
export function axisTicks(values: number[]): number[] {
  const largest = Math.max(1, ...values);
  let power = 1;
  for (;;) {
    for (const factor of [1, 2, 5]) {
      const step = factor * power;
      const intervals = Math.ceil(largest / step);
      if (intervals <= MAX_AXIS_INTERVALS) {
        return Array.from({ length: intervals + 1 }, (_, index) => index * step);
      }
    }
    power *= 10;
  }
}

/** Cuts a label to `max` characters, ending it with an ellipsis when cut. */
function shortLabel(label: string, max = 8): string {
  const characters = Array.from(label);
  return characters.length <= max ? label : `${characters.slice(0, max - 1).join('')}…`;
}

function frame(title: string, body: string, ticks: number[]): string {
  const plotHeight = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const plotRight = CHART_WIDTH - MARGIN.right;
  const maximum = ticks.at(-1)!;
  const grid = ticks
    .map((value) => {
      const y = MARGIN.top + plotHeight * (1 - value / maximum);
      return (
        `<line x1="${MARGIN.left}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="${GRID_COLOUR}"/>` +
        `<text x="${MARGIN.left - 8}" y="${y + 5}" font-size="14" text-anchor="end" fill="${AXIS_COLOUR}">${value}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<text x="${MARGIN.left}" y="30" font-size="20" font-weight="bold" fill="#262626">${escapeXml(title)}</text>` +
    grid +
    body +
    `<line x1="${MARGIN.left}" y1="${CHART_HEIGHT - MARGIN.bottom}" x2="${plotRight}" y2="${CHART_HEIGHT - MARGIN.bottom}" stroke="${AXIS_COLOUR}"/>` +
    `</svg>`
  );
}

/** Draws a bar chart as SVG text, labels under the bars and each value above its bar. */
export function barChartSvg(title: string, data: ChartDatum[]): string {
  const ticks = axisTicks(data.map((datum) => datum.value));
  const maximum = ticks.at(-1)!;
  const plotWidth = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, data.length);
  const barWidth = Math.min(64, slot * 0.6);
  const bars = data
    .map((datum, index) => {
      const height = (datum.value / maximum) * plotHeight;
      const x = MARGIN.left + slot * index + (slot - barWidth) / 2;
      const y = MARGIN.top + plotHeight - height;
      const centre = x + barWidth / 2;
      const labelY = CHART_HEIGHT - MARGIN.bottom + 22;
      return (
        `<rect x="${x}" y="${y}" width="${barWidth}" height="${height}" fill="${BAR_COLOUR}"/>` +
        `<text x="${centre}" y="${y - 6}" font-size="14" text-anchor="middle" fill="#262626">${datum.value}</text>` +
        `<text x="${centre}" y="${labelY}" font-size="14" text-anchor="middle" fill="#595959">${escapeXml(shortLabel(datum.label))}</text>`
      );
    })
    .join('');
  const empty =
    data.length === 0
      ? `<text x="${CHART_WIDTH / 2}" y="${CHART_HEIGHT / 2}" font-size="18" text-anchor="middle" fill="${AXIS_COLOUR}">暂无数据</text>`
      : '';
  return frame(title, bars + empty, ticks);
}

/** Draws a line chart of values by period (months) as SVG text. */
export function lineChartSvg(title: string, data: ChartDatum[]): string {
  const ticks = axisTicks(data.map((datum) => datum.value));
  const maximum = ticks.at(-1)!;
  const plotWidth = CHART_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, data.length);
  const points = data.map((datum, index) => ({
    x: MARGIN.left + slot * index + slot / 2,
    y: MARGIN.top + plotHeight - (datum.value / maximum) * plotHeight,
    datum,
  }));
  const path = points.map((point) => `${point.x},${point.y}`).join(' ');
  const marks = points
    .map(
      (point) =>
        `<circle cx="${point.x}" cy="${point.y}" r="5" fill="${LINE_COLOUR}"/>` +
        `<text x="${point.x}" y="${point.y - 10}" font-size="14" text-anchor="middle" fill="#262626">${point.datum.value}</text>` +
        `<text x="${point.x}" y="${CHART_HEIGHT - MARGIN.bottom + 22}" font-size="14" text-anchor="middle" fill="#595959">${escapeXml(point.datum.label)}</text>`,
    )
    .join('');
  const line = `<polyline points="${path}" fill="none" stroke="${LINE_COLOUR}" stroke-width="3"/>`;
  return frame(title, line + marks, ticks);
}

/**
 * Renders a chart's SVG to PNG at 1.5 times its size with Noto Sans SC. Only the Regular and
 * Bold files are loaded, because reading each 10 MB font file is most of a rendering's time.
 */
export async function renderChartPng(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, {
    fitTo: { mode: 'width', value: CHART_WIDTH * 1.5 },
    font: {
      fontFiles: posterFontFiles().slice(0, 2),
      loadSystemFonts: false,
      defaultFontFamily: POSTER_FONT_FAMILY,
    },
    logLevel: 'off',
  });
  return image.asPng();
}
