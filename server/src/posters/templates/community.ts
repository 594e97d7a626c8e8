import {
  centreIn,
  organiserBlock,
  POSTER_HEIGHT,
  POSTER_WIDTH,
  type PosterContent,
  type PosterTemplate,
} from '../poster-template.js';
import { round, stack, svgDocument, textBlock, textElement, type Block } from '../svg.js';
import { fitText, textWidth } from '../text-layout.js';

const GREEN = '#2f8f5b';
const DEEP_GREEN = '#17402f';
const CENTRE = POSTER_WIDTH / 2;
const CONTENT_WIDTH = POSTER_WIDTH - 2 * 100;

function background(): string {
  return (
    `<rect width="${POSTER_WIDTH}" height="${POSTER_HEIGHT}" fill="#f5f8f1"/>` +
    // Sun and soft dots in the sky.
    '<circle cx="960" cy="130" r="150" fill="#ffd27a" fill-opacity="0.85"/>' +
    '<circle cx="960" cy="130" r="215" fill="#ffd27a" fill-opacity="0.18"/>' +
    '<g fill="#8cc99a" fill-opacity="0.5">' +
    '<circle cx="120" cy="150" r="14"/><circle cx="200" cy="210" r="8"/>' +
    '<circle cx="96" cy="250" r="6"/></g>' +
    // Rolling hills at the foot, back to front.
    '<path fill="#d7ebd2" d="M0 1560 C 240 1470 470 1500 700 1580 S 980 1560 1080 1500 V1920 H0 Z"/>' +
    '<path fill="#8cc99a" d="M0 1700 C 220 1620 420 1640 620 1720 S 940 1700 1080 1650 V1920 H0 Z"/>' +
    `<path fill="${GREEN}" d="M0 1820 C 300 1750 620 1790 1080 1730 V1920 H0 Z"/>` +
    // A running track that curves across the front hill.
    '<path fill="none" stroke="#ffffff" stroke-opacity="0.5" stroke-width="4" ' +
    'd="M0 1870 C 320 1800 640 1840 1080 1790"/>'
  );
}

function kicker(): string {
  const text = '城市业余联赛 · 社区运动';
  const width = textWidth(text, 6 / 34) * 34;
  const lineLength = 70;
  const left = CENTRE - width / 2 - 24;
  const right = CENTRE + width / 2 + 24;
  return (
    `<g stroke="${GREEN}" stroke-width="3">` +
    `<line x1="${round(left - lineLength)}" y1="318" x2="${round(left)}" y2="318"/>` +
    `<line x1="${round(right)}" y1="318" x2="${round(right + lineLength)}" y2="318"/></g>` +
    textElement(text, CENTRE, 330, 34, {
      fill: GREEN,
      fontWeight: 700,
      align: 'middle',
      letterSpacing: 6,
    })
  );
}

/** Lays out the date in a green rounded label, shrunk or cut to one line. */
function dateLabel(dateLine: string | undefined): Block {
  if (!dateLine) return { height: 0, draw: () => '' };
  const padding = 40;
  const fitted = fitText(dateLine, {
    maxWidth: CONTENT_WIDTH - 2 * padding,
    maxLines: 1,
    maxFontSize: 42,
    minFontSize: 30,
    step: 2,
  });
  const line = fitted.lines[0] ?? '';
  const size = fitted.fontSize;
  const width = textWidth(line) * size + 2 * padding;
  const height = size * 1.9;
  return {
    height,
    draw: (top) =>
      `<rect x="${round(CENTRE - width / 2)}" y="${round(top)}" width="${round(width)}" ` +
      `height="${round(height)}" rx="${round(height / 2)}" fill="${GREEN}"/>` +
      textElement(line, CENTRE, top + height / 2 + 0.36 * size, size, {
        fill: '#ffffff',
        fontWeight: 700,
        align: 'middle',
      }),
  };
}

/** Draws the title, date and venue centred in the band from `top` to `bottom`. */
function titleGroup(content: PosterContent, top: number, bottom: number): string {
  const divider: Block = {
    height: 8,
    draw: (y) =>
      `<rect x="${CENTRE - 48}" y="${round(y)}" width="96" height="8" rx="4" fill="${GREEN}"/>`,
  };
  const venue = textBlock(
    content.venueLine ?? '',
    { maxWidth: CONTENT_WIDTH, maxLines: 2, maxFontSize: 38, minFontSize: 30 },
    { fill: '#4a6357', fontWeight: 400, lineHeight: 1.4, align: 'middle', x: CENTRE },
  );
  const below = stack([divider, stack([dateLabel(content.dateLine), venue], 28)], 48);
  const gap = 48;
  const title = textBlock(
    content.title,
    {
      maxWidth: CONTENT_WIDTH,
      maxHeight: bottom - top - below.height - gap,
      maxLines: 5,
      maxFontSize: 112,
      minFontSize: 60,
      balance: true,
    },
    { fill: DEEP_GREEN, fontWeight: 900, lineHeight: 1.24, align: 'middle', x: CENTRE },
  );
  return centreIn(stack([title, below], gap), top, bottom);
}

/** Off-white with a sun and green hills, a dark green title centred. */
export const communityTemplate: PosterTemplate = {
  id: 'community',
  name: '清新社区',
  description: '浅色底配绿色山丘，清爽亲切，适合社区运动会和全民健身活动',
  render(content) {
    const organisers = organiserBlock(content.organisers, {
      maxWidth: CONTENT_WIDTH,
      maxHeight: 340,
      fontSize: 34,
      minFontSize: 28,
      gap: 10,
      style: { fill: '#35584a', fontWeight: 700, lineHeight: 1.35, align: 'middle', x: CENTRE },
    });
    const organisersTop = 1470 - organisers.height;
    const body =
      background() +
      kicker() +
      titleGroup(content, 440, organisersTop - 90) +
      organisers.draw(organisersTop);
    return svgDocument(POSTER_WIDTH, POSTER_HEIGHT, body);
  },
};
