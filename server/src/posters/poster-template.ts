import { stack, textBlock, type Block, type TextStyle } from './svg.js';

/** Size of every poster in px: portrait 9:16, the size of a phone screen. */
export const POSTER_WIDTH = 1080;
export const POSTER_HEIGHT = 1920;

/** Poster text as the organiser enters it: the event name, organiser lines, date and venue. */
export interface PosterContent {
  title: string;
  /** Lines such as "主办单位：上海市徐汇区体育局", drawn in the order given. */
  organisers: string[];
  dateLine?: string;
  venueLine?: string;
}

export interface PosterTemplate {
  id: string;
  /** Chinese name shown in the template picker. */
  name: string;
  /** Chinese description shown in the template picker. */
  description: string;
  /** Builds the poster's SVG, POSTER_WIDTH by POSTER_HEIGHT. */
  render(content: PosterContent): string;
}

export interface OrganiserStyle {
  maxWidth: number;
  /** Height the whole block may take, in px. */
  maxHeight: number;
  fontSize: number;
  minFontSize: number;
  style: TextStyle;
  /** Space in px between two organiser lines. */
  gap: number;
}

/**
 * Lays out the organiser lines as one block, all at one font size: the largest from
 * `fontSize` down to `minFontSize` at which every line takes at most two lines and the block
 * fits `maxHeight`. At the smallest size a line that is still too long ends in an ellipsis,
 * and when the block is still too high, each line is cut to one line.
 */
export function organiserBlock(organisers: string[], options: OrganiserStyle): Block {
  const layout = (size: number, maxLines: number) =>
    organisers.map((line) =>
      textBlock(
        line,
        { maxWidth: options.maxWidth, maxLines, maxFontSize: size, minFontSize: size },
        options.style,
      ),
    );
  for (let size = options.fontSize; size > options.minFontSize; size -= 2) {
    const blocks = layout(size, 2);
    const block = stack(blocks, options.gap);
    if (block.height <= options.maxHeight && blocks.every((item) => !item.truncated)) {
      return block;
    }
  }
  const smallest = stack(layout(options.minFontSize, 2), options.gap);
  if (smallest.height <= options.maxHeight) return smallest;
  return stack(layout(options.minFontSize, 1), options.gap);
}

/** Places a block centred in the band from `top` to `bottom`, but never above `top`. */
export function centreIn(block: Block, top: number, bottom: number): string {
  return block.draw(Math.max(top, top + (bottom - top - block.height) / 2));
}
