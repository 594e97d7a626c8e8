import { fitText, normaliseText, type FitOptions, type FittedText } from './text-layout.js';

/** Font family of every poster text; the renderer loads its files from the npm package. */
export const POSTER_FONT_FAMILY = 'Noto Sans SC';

/**
 * Escapes text for an XML text node or attribute value. Characters that XML 1.0 forbids are
 * removed first, because no escape makes them valid.
 */
export function escapeXml(text: string): string {
  return normaliseText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Noto Sans SC draws its ideographs on an em box whose top is 0.88 em above the baseline.
const ASCENT = 0.88;

export interface TextStyle {
  fill: string;
  fontWeight: 400 | 700 | 900;
  /** Line height as a multiple of the font size. */
  lineHeight: number;
  align: 'start' | 'middle';
  /** Left edge for `start`, centre for `middle`, in px. */
  x: number;
  letterSpacing?: number;
  opacity?: number;
}

/** Part of a poster laid out top to bottom: its height and the SVG that draws it at `top`. */
export interface Block {
  height: number;
  draw(top: number): string;
}

/** Text fitted into a box, as a block. */
export interface TextBlock extends Block, FittedText {}

/** Stacks blocks top to bottom with `gap` px between two of them; empty blocks take no gap. */
export function stack(blocks: Block[], gap: number): Block {
  const present = blocks.filter((block) => block.height > 0);
  const height =
    present.reduce((sum, block) => sum + block.height, 0) + gap * Math.max(0, present.length - 1);
  const draw = (top: number) => {
    let y = top;
    return present
      .map((block) => {
        const svg = block.draw(y);
        y += block.height + gap;
        return svg;
      })
      .join('');
  };
  return { height, draw };
}

/** Fits text with `fitText` and prepares its SVG `<text>` elements, one per line. */
export function textBlock(text: string, fit: FitOptions, style: TextStyle): TextBlock {
  const fitted = fitText(text, { ...fit, lineHeight: style.lineHeight });
  const lineBox = fitted.fontSize * style.lineHeight;
  const height = fitted.lines.length * lineBox;
  const draw = (top: number) =>
    fitted.lines
      .map((line, index) => {
        const baseline =
          top +
          index * lineBox +
          ((style.lineHeight - 1) / 2) * fitted.fontSize +
          ASCENT * fitted.fontSize;
        return textElement(line, style.x, baseline, fitted.fontSize, style);
      })
      .join('');
  return { ...fitted, height, draw };
}

/** Draws one line of text with its baseline at `y`. */
export function textElement(
  text: string,
  x: number,
  y: number,
  fontSize: number,
  style: Omit<TextStyle, 'x' | 'lineHeight'>,
): string {
  const attributes = [
    `x="${round(x)}"`,
    `y="${round(y)}"`,
    `font-family="${POSTER_FONT_FAMILY}"`,
    `font-size="${round(fontSize)}"`,
    `font-weight="${style.fontWeight}"`,
    `fill="${style.fill}"`,
    `text-anchor="${style.align}"`,
  ];
  if (style.letterSpacing) attributes.push(`letter-spacing="${round(style.letterSpacing)}"`);
  if (style.opacity !== undefined) attributes.push(`fill-opacity="${style.opacity}"`);
  return `<text ${attributes.join(' ')}>${escapeXml(text)}</text>`;
}

/** Rounds a coordinate to 0.1 px, which keeps the SVG short. */
export function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Wraps the drawing in an SVG root of the poster's size. */
export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}">${body}</svg>`
  );
}
