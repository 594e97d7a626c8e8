import {
  centreIn,
  organiserBlock,
  POSTER_HEIGHT,
  POSTER_WIDTH,
  type PosterContent,
  type PosterTemplate,
} from '../poster-template.js';
import { round, stack, svgDocument, textBlock, textElement, type Block } from '../svg.js';

const NAVY = '#0b1d4d';
const ORANGE = '#ff6a13';
const YELLOW = '#ffc629';
const CYAN = '#35d0ff';
const MARGIN = 96;
const CONTENT_WIDTH = POSTER_WIDTH - 2 * MARGIN;

/** Draws a stripe that slants from the top edge down to the left and ends square at `foot`. */
function stripe(x: number, width: number, foot: number, colour: string): string {
  const shift = 0.55 * foot;
  return (
    `<polygon fill="${colour}" points="${x},0 ${x + width},0 ` +
    `${x + width - shift},${foot} ${x - shift},${foot}"/>`
  );
}

function background(): string {
  return (
    '<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">' +
    `<stop offset="0" stop-color="#12307a"/><stop offset="0.55" stop-color="${NAVY}"/>` +
    '<stop offset="1" stop-color="#06112e"/></linearGradient></defs>' +
    `<rect width="${POSTER_WIDTH}" height="${POSTER_HEIGHT}" fill="url(#sky)"/>` +
    // The centre circle and arc of a court, faint behind the stripes.
    '<g fill="none" stroke="#ffffff" stroke-opacity="0.08">' +
    '<circle cx="860" cy="300" r="330" stroke-width="8"/>' +
    '<circle cx="860" cy="300" r="110" stroke-width="8"/>' +
    '<path d="M-40 1180 A 520 520 0 0 1 480 1700" stroke-width="6"/></g>' +
    stripe(700, 150, 470, ORANGE) +
    stripe(890, 64, 560, YELLOW) +
    stripe(1000, 24, 400, CYAN) +
    // Speed lines beside the title.
    '<g fill="#ffffff" fill-opacity="0.12">' +
    '<polygon points="920,700 1080,700 1080,706 917,706"/>' +
    '<polygon points="880,730 1080,730 1080,736 877,736"/>' +
    '<polygon points="950,760 1080,760 1080,766 947,766"/></g>'
  );
}

function kicker(): string {
  return (
    `<rect x="${MARGIN}" y="150" width="18" height="88" fill="${ORANGE}"/>` +
    textElement('城市业余联赛', MARGIN + 40, 196, 44, {
      fill: '#ffffff',
      fontWeight: 900,
      align: 'start',
      letterSpacing: 8,
    }) +
    textElement('CITY AMATEUR LEAGUE', MARGIN + 42, 234, 22, {
      fill: '#ffffff',
      fontWeight: 700,
      align: 'start',
      letterSpacing: 6,
      opacity: 0.6,
    })
  );
}

/** Draws the organiser lines on an orange band with a slanted top edge, at the foot. */
function organiserBand(organisers: string[]): { svg: string; top: number } {
  const block = organiserBlock(organisers, {
    maxWidth: CONTENT_WIDTH,
    maxHeight: 340,
    fontSize: 36,
    minFontSize: 28,
    gap: 10,
    style: { fill: NAVY, fontWeight: 700, lineHeight: 1.35, align: 'start', x: MARGIN },
  });
  const textTop = POSTER_HEIGHT - 110 - block.height;
  const bandTop = textTop - 90;
  const band =
    `<polygon fill="${ORANGE}" points="0,${round(bandTop + 70)} ${POSTER_WIDTH},${round(bandTop)} ` +
    `${POSTER_WIDTH},${POSTER_HEIGHT} 0,${POSTER_HEIGHT}"/>` +
    `<polygon fill="${YELLOW}" points="0,${round(bandTop + 52)} ${POSTER_WIDTH},${round(bandTop - 18)} ` +
    `${POSTER_WIDTH},${round(bandTop - 4)} 0,${round(bandTop + 66)}"/>`;
  return { svg: band + block.draw(textTop), top: bandTop };
}

/** Draws the title, date and venue centred in the band from `top` to `bottom`. */
function titleGroup(content: PosterContent, top: number, bottom: number): string {
  const accent: Block = {
    height: 14,
    draw: (y) => `<rect x="${MARGIN}" y="${round(y)}" width="140" height="14" fill="${ORANGE}"/>`,
  };
  const date = textBlock(
    content.dateLine ?? '',
    { maxWidth: CONTENT_WIDTH, maxLines: 2, maxFontSize: 52, minFontSize: 36 },
    { fill: YELLOW, fontWeight: 900, lineHeight: 1.3, align: 'start', x: MARGIN },
  );
  const venue = textBlock(
    content.venueLine ?? '',
    { maxWidth: CONTENT_WIDTH, maxLines: 2, maxFontSize: 40, minFontSize: 30 },
    {
      fill: '#ffffff',
      fontWeight: 400,
      lineHeight: 1.35,
      align: 'start',
      x: MARGIN,
      opacity: 0.88,
    },
  );
  const details = stack([date, venue], 8);
  const gap = 44;
  const reserved = accent.height + gap + (details.height > 0 ? details.height + gap : 0);
  const title = textBlock(
    content.title,
    {
      maxWidth: CONTENT_WIDTH,
      maxHeight: bottom - top - reserved,
      maxLines: 5,
      maxFontSize: 128,
      minFontSize: 64,
      balance: true,
    },
    { fill: '#ffffff', fontWeight: 900, lineHeight: 1.16, align: 'start', x: MARGIN },
  );
  return centreIn(stack([accent, title, details], gap), top, bottom);
}

/** Deep blue with orange and yellow stripes, a heavy white title aligned left. */
export const sportsTemplate: PosterTemplate = {
  id: 'sports',
  name: '活力运动',
  description: '深蓝底色配橙黄斜纹，标题醒目，适合竞技类赛事',
  render(content) {
    const band = organiserBand(content.organisers);
    const body = background() + kicker() + titleGroup(content, 620, band.top - 80);
    return svgDocument(POSTER_WIDTH, POSTER_HEIGHT, body + band.svg);
  },
};
