import {
  centreIn,
  organiserBlock,
  POSTER_HEIGHT,
  POSTER_WIDTH,
  type PosterContent,
  type PosterTemplate,
} from '../poster-template.js';
import { round, stack, svgDocument, textBlock, textElement, type Block } from '../svg.js';

const GOLD = '#f2c46d';
const CREAM = '#ffe7a8';
const CENTRE = POSTER_WIDTH / 2;
const CONTENT_WIDTH = POSTER_WIDTH - 2 * 120;

/** Draws a stylised auspicious cloud (祥云) of about 150 by 60 px from its top left corner. */
function cloud(x: number, y: number, mirror = false): string {
  const flip = mirror ? ` translate(150 0) scale(-1 1)` : '';
  return (
    `<g transform="translate(${x} ${y})${flip}" fill="${GOLD}" fill-opacity="0.22" ` +
    `stroke="${GOLD}" stroke-opacity="0.55" stroke-width="3">` +
    '<path d="M10 56 C -6 56 -4 30 16 30 C 18 8 48 4 58 22 C 66 0 104 0 108 26 ' +
    'C 130 20 148 38 138 56 Z"/>' +
    '<path fill="none" d="M58 22 C 64 34 80 36 88 28 M108 26 C 104 38 112 46 122 44"/></g>'
  );
}

/** Draws a row of small gold diamonds across the frame. */
function diamondRow(y: number): string {
  const diamonds: string[] = [];
  for (let x = 120; x <= POSTER_WIDTH - 120; x += 42) {
    diamonds.push(`<polygon points="${x},${y - 8} ${x + 8},${y} ${x},${y + 8} ${x - 8},${y}"/>`);
  }
  return `<g fill="${GOLD}" fill-opacity="0.5">${diamonds.join('')}</g>`;
}

/** Draws an L-shaped gold ornament in a corner. `sx` and `sy` are 1 or -1 and point inwards. */
function corner(x: number, y: number, sx: number, sy: number): string {
  const point = (dx: number, dy: number) => `${x + sx * dx},${y + sy * dy}`;
  return (
    `<polyline fill="none" stroke="${GOLD}" stroke-width="5" points="` +
    `${point(0, 90)} ${point(0, 0)} ${point(90, 0)}"/>` +
    `<polygon fill="${GOLD}" points="${point(24, 14)} ${point(34, 24)} ${point(24, 34)} ` +
    `${point(14, 24)}"/>`
  );
}

function background(): string {
  const inset = 40;
  return (
    '<defs><radialGradient id="glow" cx="0.5" cy="0.4" r="0.75">' +
    '<stop offset="0" stop-color="#e3312f"/><stop offset="1" stop-color="#a10e17"/>' +
    '</radialGradient></defs>' +
    `<rect width="${POSTER_WIDTH}" height="${POSTER_HEIGHT}" fill="url(#glow)"/>` +
    `<rect x="${inset}" y="${inset}" width="${POSTER_WIDTH - 2 * inset}" ` +
    `height="${POSTER_HEIGHT - 2 * inset}" fill="none" stroke="${GOLD}" stroke-width="4"/>` +
    `<rect x="${inset + 16}" y="${inset + 16}" width="${POSTER_WIDTH - 2 * inset - 32}" ` +
    `height="${POSTER_HEIGHT - 2 * inset - 32}" fill="none" stroke="${GOLD}" ` +
    'stroke-width="1.5" stroke-opacity="0.7"/>' +
    corner(76, 76, 1, 1) +
    corner(POSTER_WIDTH - 76, 76, -1, 1) +
    corner(76, POSTER_HEIGHT - 76, 1, -1) +
    corner(POSTER_WIDTH - 76, POSTER_HEIGHT - 76, -1, -1) +
    diamondRow(150) +
    diamondRow(POSTER_HEIGHT - 150) +
    cloud(140, 290) +
    cloud(POSTER_WIDTH - 290, 290, true) +
    cloud(90, 1672, true) +
    cloud(POSTER_WIDTH - 240, 1672)
  );
}

/** Draws a gold medallion with rays around the league's name. */
function medallion(): string {
  const cy = 330;
  const rays: string[] = [];
  for (let index = 0; index < 24; index += 1) {
    const angle = (index * Math.PI) / 12;
    const inner = 136;
    const outer = index % 2 === 0 ? 172 : 156;
    rays.push(
      `<line x1="${round(CENTRE + inner * Math.cos(angle))}" y1="${round(cy + inner * Math.sin(angle))}" ` +
        `x2="${round(CENTRE + outer * Math.cos(angle))}" y2="${round(cy + outer * Math.sin(angle))}"/>`,
    );
  }
  return (
    `<g stroke="${GOLD}" stroke-width="4" stroke-linecap="round" stroke-opacity="0.7">` +
    rays.join('') +
    '</g>' +
    `<circle cx="${CENTRE}" cy="${cy}" r="120" fill="${GOLD}" fill-opacity="0.14" ` +
    `stroke="${GOLD}" stroke-width="4"/>` +
    `<circle cx="${CENTRE}" cy="${cy}" r="106" fill="none" stroke="${GOLD}" stroke-width="1.5"/>` +
    textElement('城市业余联赛', CENTRE + 2, cy + 11, 30, {
      fill: CREAM,
      fontWeight: 900,
      align: 'middle',
      letterSpacing: 4,
    })
  );
}

/** Draws the title, date and venue centred in the band from `top` to `bottom`. */
function titleGroup(content: PosterContent, top: number, bottom: number): string {
  const divider: Block = {
    height: 20,
    draw: (y) => {
      const middle = y + 10;
      return (
        `<g fill="${GOLD}">` +
        `<rect x="${CENTRE - 190}" y="${round(middle - 1.5)}" width="160" height="3"/>` +
        `<rect x="${CENTRE + 30}" y="${round(middle - 1.5)}" width="160" height="3"/>` +
        `<polygon points="${CENTRE},${round(middle - 10)} ${CENTRE + 10},${round(middle)} ` +
        `${CENTRE},${round(middle + 10)} ${CENTRE - 10},${round(middle)}"/></g>`
      );
    },
  };
  const date = textBlock(
    content.dateLine ?? '',
    { maxWidth: CONTENT_WIDTH, maxLines: 2, maxFontSize: 46, minFontSize: 34 },
    { fill: '#ffffff', fontWeight: 700, lineHeight: 1.35, align: 'middle', x: CENTRE },
  );
  const venue = textBlock(
    content.venueLine ?? '',
    { maxWidth: CONTENT_WIDTH, maxLines: 2, maxFontSize: 38, minFontSize: 30 },
    { fill: CREAM, fontWeight: 400, lineHeight: 1.4, align: 'middle', x: CENTRE, opacity: 0.92 },
  );
  const below = stack([divider, stack([date, venue], 12)], 48);
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
    { fill: CREAM, fontWeight: 900, lineHeight: 1.24, align: 'middle', x: CENTRE },
  );
  return centreIn(stack([title, below], gap), top, bottom);
}

/** Red with a double gold frame, clouds and a medallion, a gold title centred. */
export const festiveTemplate: PosterTemplate = {
  id: 'festive',
  name: '喜庆红',
  description: '中国红底配金色边框与祥云，隆重喜庆，适合开幕式和节庆主题活动',
  render(content) {
    const organisers = organiserBlock(content.organisers, {
      maxWidth: CONTENT_WIDTH,
      maxHeight: 340,
      fontSize: 34,
      minFontSize: 28,
      gap: 10,
      style: { fill: CREAM, fontWeight: 700, lineHeight: 1.35, align: 'middle', x: CENTRE },
    });
    const organisersTop = 1640 - organisers.height;
    const body =
      background() +
      medallion() +
      titleGroup(content, 540, organisersTop - 90) +
      organisers.draw(organisersTop);
    return svgDocument(POSTER_WIDTH, POSTER_HEIGHT, body);
  },
};
