import { renderAsync } from '@resvg/resvg-js';
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';

import { posterFontFiles } from '../posters/poster.service.js';
import { escapeXml, POSTER_FONT_FAMILY, round, svgDocument, textBlock } from '../posters/svg.js';

/** Size of a certificate in px: A4 landscape (297 × 210 mm) at about 137 dpi. */
export const CERTIFICATE_WIDTH = 1600;
export const CERTIFICATE_HEIGHT = 1131;

/** A4 landscape in PDF points (1/72 inch). */
const PDF_PAGE = { width: 841.89, height: 595.28 };

export const CERTIFICATE_LAYOUTS = ['classic', 'modern', 'simple'] as const;
export type CertificateLayout = (typeof CERTIFICATE_LAYOUTS)[number];

export const CERTIFICATE_COLOURS = ['red', 'blue', 'green', 'gold'] as const;
export type CertificateColour = (typeof CERTIFICATE_COLOURS)[number];

/** Main and light shade of each colour scheme. */
const PALETTE: Record<CertificateColour, { main: string; light: string }> = {
  red: { main: '#B71C1C', light: '#FDECEA' },
  blue: { main: '#0D47A1', light: '#E8F0FB' },
  green: { main: '#1B5E20', light: '#EAF5EA' },
  gold: { main: '#8D6E00', light: '#FBF5E1' },
};

/** The event's choice of design; an uploaded background replaces the layout's ornaments. */
export interface CertificateDesign {
  layout: CertificateLayout;
  colour: CertificateColour;
  background: { bytes: Buffer; type: 'image/png' | 'image/jpeg' } | null;
}

export const DEFAULT_DESIGN: CertificateDesign = {
  layout: 'classic',
  colour: 'red',
  background: null,
};

/** Text and link drawn on a certificate. */
export interface CertificateContent {
  name: string;
  eventName: string;
  groupName: string;
  /** The result in Chinese, such as 第3名 · 01:02:03.456. */
  result: string;
  /** The event's date in Chinese, such as 2027年5月1日. */
  date: string;
  /** The issuing body shown above the date; the event's host. */
  issuer: string | null;
  code: string;
  /** Full URL of the verification page, drawn as the QR code. */
  verificationUrl: string;
}

/** Draws a QR code of `text` as one SVG path of `size` px square at (x, y) on white. */
function qrPath(text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const margin = 2;
  const cell = size / (count + margin * 2);
  const parts: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      if (!qr.modules.get(row, column)) continue;
      const left = x + (column + margin) * cell;
      const top = y + (row + margin) * cell;
      parts.push(`M${round(left)} ${round(top)}h${round(cell)}v${round(cell)}h-${round(cell)}z`);
    }
  }
  return (
    `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#FFFFFF"/>` +
    `<path d="${parts.join('')}" fill="#000000" shape-rendering="crispEdges"/>`
  );
}

function ornaments(design: CertificateDesign): string {
  const { main, light } = PALETTE[design.colour];
  const w = CERTIFICATE_WIDTH;
  const h = CERTIFICATE_HEIGHT;
  if (design.background) {
    const data = `data:${design.background.type};base64,${design.background.bytes.toString('base64')}`;
    return `<image href="${data}" x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="xMidYMid slice"/>`;
  }
  switch (design.layout) {
    case 'classic':
      return (
        `<rect width="${w}" height="${h}" fill="${light}"/>` +
        `<rect x="40" y="40" width="${w - 80}" height="${h - 80}" fill="#FFFFFF" stroke="${main}" stroke-width="12"/>` +
        `<rect x="70" y="70" width="${w - 140}" height="${h - 140}" fill="none" stroke="${main}" stroke-width="3"/>`
      );
    case 'modern':
      return (
        `<rect width="${w}" height="${h}" fill="#FFFFFF"/>` +
        `<rect width="${w}" height="220" fill="${main}"/>` +
        `<rect y="${h - 60}" width="${w}" height="60" fill="${main}"/>`
      );
    case 'simple':
      return (
        `<rect width="${w}" height="${h}" fill="#FFFFFF"/>` +
        `<rect x="0" y="0" width="24" height="${h}" fill="${main}"/>`
      );
  }
}

/** Builds the certificate's SVG, CERTIFICATE_WIDTH by CERTIFICATE_HEIGHT. */
export function certificateSvg(design: CertificateDesign, content: CertificateContent): string {
  const { main } = PALETTE[design.colour];
  const titleColour = design.layout === 'modern' && !design.background ? '#FFFFFF' : main;
  const titleY = design.layout === 'modern' && !design.background ? 150 : 230;
  const centre = CERTIFICATE_WIDTH / 2;
  const text = (value: string, y: number, size: number, weight: 400 | 700 | 900, fill: string) =>
    `<text x="${centre}" y="${y}" font-family="${POSTER_FONT_FAMILY}" font-size="${size}" ` +
    `font-weight="${weight}" fill="${fill}" text-anchor="middle">${escapeXml(value)}</text>`;

  const eventBlock = textBlock(
    `参加「${content.eventName}」${content.groupName}`,
    { maxWidth: 1200, maxLines: 2, maxFontSize: 44, minFontSize: 30 },
    { fill: '#333333', fontWeight: 400, lineHeight: 1.4, align: 'middle', x: centre },
  );
  const nameBlock = textBlock(
    content.name,
    { maxWidth: 1100, maxLines: 1, maxFontSize: 96, minFontSize: 48 },
    { fill: '#111111', fontWeight: 700, lineHeight: 1.2, align: 'middle', x: centre },
  );
  const qrSize = 190;
  const qrX = CERTIFICATE_WIDTH - 140 - qrSize;
  const qrY = CERTIFICATE_HEIGHT - 140 - qrSize;
  const body = [
    ornaments(design),
    text('完赛证书', titleY, 88, 900, titleColour),
    nameBlock.draw(330),
    eventBlock.draw(500),
    text(`成绩：${content.result}`, 500 + eventBlock.height + 90, 52, 700, main),
    text('特发此证，以资鼓励。', 500 + eventBlock.height + 170, 36, 400, '#333333'),
    content.issuer
      ? `<text x="160" y="${CERTIFICATE_HEIGHT - 230}" font-family="${POSTER_FONT_FAMILY}" font-size="32" font-weight="700" fill="#333333">${escapeXml(content.issuer)}</text>`
      : '',
    `<text x="160" y="${CERTIFICATE_HEIGHT - 180}" font-family="${POSTER_FONT_FAMILY}" font-size="32" fill="#333333">${escapeXml(content.date)}</text>`,
    qrPath(content.verificationUrl, qrX, qrY, qrSize),
    `<text x="${qrX + qrSize}" y="${qrY + qrSize + 40}" font-family="${POSTER_FONT_FAMILY}" font-size="26" fill="#444444" text-anchor="end" letter-spacing="1">扫码或凭验证码 ${escapeXml(content.code)} 验证</text>`,
  ];
  return svgDocument(CERTIFICATE_WIDTH, CERTIFICATE_HEIGHT, body.join(''));
}

/**
 * Renders a certificate to PNG with resvg and the Noto Sans SC fonts of the posters, at
 * `width` px (the full 1600 unless a smaller preview is wanted).
 */
export async function renderCertificatePng(
  design: CertificateDesign,
  content: CertificateContent,
  width = CERTIFICATE_WIDTH,
): Promise<Buffer> {
  const image = await renderAsync(certificateSvg(design, content), {
    fitTo: { mode: 'width', value: width },
    font: {
      fontFiles: posterFontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: POSTER_FONT_FAMILY,
    },
    logLevel: 'off',
  });
  return image.asPng();
}

/** Wraps a certificate PNG in a one-page A4 landscape PDF that the image fills. */
export async function certificatePdf(png: Buffer, title: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator('cityleague');
  const image = await pdf.embedPng(png);
  const page = pdf.addPage([PDF_PAGE.width, PDF_PAGE.height]);
  page.drawImage(image, { x: 0, y: 0, width: PDF_PAGE.width, height: PDF_PAGE.height });
  // Without object streams the page tree stays plain text, which simple PDF readers need.
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
