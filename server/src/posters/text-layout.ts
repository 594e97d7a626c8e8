/*
 * Line breaking for poster text, without a text shaper. Widths are estimated in em from the
 * character class, measured on Noto Sans SC Black (the widest weight the posters use) and
 * rounded up, so a line that fits by the estimate also fits when resvg draws it. The test
 * `text-layout.test.ts` checks the estimate against resvg's own measurement.
 */

/** Characters that must not start a line: closing brackets and quotes, and trailing marks. */
const NO_LINE_START = new Set(Array.from('，。、；：？！）」』】》〉〕］｝”’,.;:?!)]}%‰·・…—～'));

/** Characters that must not end a line: opening brackets and quotes. */
const NO_LINE_END = new Set(Array.from('（「『【《〈〔［｛“‘([{'));

const ELLIPSIS = '…';

// Letters and digits that stay together, joined by an inner dot, hyphen or apostrophe: 2027,
// 3x3, U-15, 5.0, Let's.
const WORD = /^[A-Za-z0-9\u00C0-\u024F]+(?:[.'’\-–][A-Za-z0-9\u00C0-\u024F]+)*/u;
// A run of one repeated dash or ellipsis character (——, ……), which Chinese keeps on one line.
const DASH_RUN = /^(?:—+|…+)/u;

/** Estimates the advance of one character in em. */
export function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (char === ' ') return 0.25;
  if (char === ELLIPSIS) return 1.15;
  if (code < 0x80) return asciiWidth(char);
  // Latin-1 and Latin Extended letters, Greek and Cyrillic: as wide as ASCII capitals.
  if (code < 0x0500) return 0.72;
  // Everything else is drawn full width: CJK ideographs, kana, hangul, full-width forms and
  // CJK punctuation. Symbols outside the Basic Multilingual Plane get a margin.
  return code > 0xffff ? 1.2 : 1;
}

function asciiWidth(char: string): number {
  if ('MWmw@%'.includes(char)) return 1;
  if ('.,:;!|\'"`iljI'.includes(char)) return 0.38;
  if ('()[]{}-/\\ft'.includes(char)) return 0.45;
  if (char >= '0' && char <= '9') return 0.63;
  if (char >= 'A' && char <= 'Z') return 0.74;
  return 0.62;
}

/** Estimates the advance of a string in em, with `letterSpacing` em added after each character. */
export function textWidth(text: string, letterSpacing = 0): number {
  let width = 0;
  for (const char of text) width += charWidth(char) + letterSpacing;
  return width;
}

/** A unit the line breaker never splits: one character, a word, a number or a dash run. */
interface Token {
  text: string;
  width: number;
  space: boolean;
  noLineStart: boolean;
  noLineEnd: boolean;
}

function token(text: string): Token {
  const first = Array.from(text)[0] ?? '';
  const last = Array.from(text).at(-1) ?? '';
  return {
    text,
    width: textWidth(text),
    space: text === ' ',
    noLineStart: NO_LINE_START.has(first),
    noLineEnd: NO_LINE_END.has(last),
  };
}

/**
 * Normalises text for drawing: removes characters that XML 1.0 forbids (control characters,
 * unpaired surrogates, U+FFFE and U+FFFF), turns every run of whitespace into one space and
 * trims the ends.
 */
export function normaliseText(text: string): string {
  return text
    .replace(/[\p{Cc}\uFFFE\uFFFF]/gu, (char) => (/\s/.test(char) ? ' ' : ''))
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Splits normalised text into tokens. A word wider than `maxWidth` em is split into characters. */
function tokenize(text: string, maxWidth: number): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  while (rest.length > 0) {
    const run = WORD.exec(rest)?.[0] ?? DASH_RUN.exec(rest)?.[0];
    const piece = run ?? Array.from(rest)[0]!;
    if (run && textWidth(run) > maxWidth) tokens.push(...Array.from(run).map(token));
    else tokens.push(token(piece));
    rest = rest.slice(piece.length);
  }
  return tokens;
}

/** Tells whether a line may end after `before` and the next one start with `after`. */
function mayBreakBetween(before: Token, after: Token): boolean {
  if (before.space || after.space) return true;
  return !before.noLineEnd && !after.noLineStart;
}

function lineText(tokens: Token[]): string {
  return tokens
    .map((item) => item.text)
    .join('')
    .trim();
}

function lineWidth(tokens: Token[]): number {
  return textWidth(lineText(tokens));
}

/** A line as the tokens from `start` up to, not including, `end`. */
type LineRange = [start: number, end: number];

/** Breaks tokens into lines no wider than `maxWidth` em; see `breakLines`. */
function lineRanges(tokens: Token[], maxWidth: number): LineRange[] {
  const ranges: LineRange[] = [];
  let start = 0;
  while (start < tokens.length) {
    while (tokens[start]?.space) start += 1;
    if (start >= tokens.length) break;

    // Take tokens while the line fits; `end` is one past the last token that fits.
    let end = start + 1;
    while (end < tokens.length && lineWidth(tokens.slice(start, end + 1)) <= maxWidth) end += 1;

    // Step back to the last allowed break, unless the rest of the text fits.
    let cut = end;
    if (end < tokens.length) {
      while (cut > start + 1 && !mayBreakBetween(tokens[cut - 1]!, tokens[cut]!)) cut -= 1;
      if (cut === start + 1 && !mayBreakBetween(tokens[cut - 1]!, tokens[cut]!)) cut = end;
    }
    ranges.push([start, cut]);
    start = cut;
  }
  return ranges;
}

function rangeTexts(tokens: Token[], ranges: LineRange[]): string[] {
  return ranges.map(([start, end]) => lineText(tokens.slice(start, end)));
}

/**
 * Breaks text into lines no wider than `maxWidth` em. Chinese breaks between any two
 * characters, Latin words and digit runs stay whole, and no line starts with closing
 * punctuation or ends with opening punctuation: the character before such a break moves down
 * with it. Only a sequence with no allowed break that is longer than a line breaks anywhere.
 */
export function breakLines(text: string, maxWidth: number): string[] {
  const tokens = tokenize(normaliseText(text), maxWidth);
  return rangeTexts(tokens, lineRanges(tokens, maxWidth));
}

/**
 * Breaks text into the same number of lines as `breakLines` at `maxWidth`, but of even
 * length: the box is narrowed as far as the line count allows, down to 60 %. A last line
 * shorter than a third of the box then takes text from the line above it, as long as it
 * stays no longer than that line.
 */
export function breakBalancedLines(text: string, maxWidth: number): string[] {
  // Tokens are split for the full width only, so narrowing never splits a word.
  const tokens = tokenize(normaliseText(text), maxWidth);
  const count = lineRanges(tokens, maxWidth).length;
  let width = maxWidth;
  while (width - 0.25 >= maxWidth * 0.6 && lineRanges(tokens, width - 0.25).length === count) {
    width -= 0.25;
  }
  const ranges = lineRanges(tokens, width);
  return rangeTexts(tokens, count < 2 ? ranges : evenLastLines(tokens, ranges, width));
}

/**
 * Rebreaks the last two lines at the narrowest width that keeps them two lines with the
 * second no longer than the first.
 */
function evenLastLines(tokens: Token[], ranges: LineRange[], width: number): LineRange[] {
  const last = ranges.at(-1)!;
  if (lineWidth(tokens.slice(last[0], last[1])) >= width / 3) return ranges;
  const tailStart = ranges.at(-2)![0];
  const tail = tokens.slice(tailStart);
  let best: LineRange[] | undefined;
  for (let narrower = width; narrower >= width * 0.4; narrower -= 0.25) {
    const pair = lineRanges(tail, narrower);
    if (pair.length !== 2) break;
    const [first, second] = pair.map(([start, end]) => lineWidth(tail.slice(start, end)));
    if (second! <= first!) best = pair;
  }
  if (!best) return ranges;
  const shifted = best.map(([start, end]): LineRange => [tailStart + start, tailStart + end]);
  return [...ranges.slice(0, -2), ...shifted];
}

/** Cuts a line so that it ends in an ellipsis and stays within `maxWidth` em. */
export function withEllipsis(line: string, maxWidth: number): string {
  const chars = Array.from(line.trimEnd());
  const ellipsisWidth = charWidth(ELLIPSIS);
  while (chars.length > 0) {
    const last = chars.at(-1)!;
    const fits = textWidth(chars.join('')) + ellipsisWidth <= maxWidth;
    if (fits && last !== ' ' && !NO_LINE_END.has(last) && !NO_LINE_START.has(last)) break;
    chars.pop();
  }
  return `${chars.join('')}${ELLIPSIS}`;
}

export interface FitOptions {
  /** Width of the text box in px. */
  maxWidth: number;
  maxLines: number;
  /** Font size in px to try first. */
  maxFontSize: number;
  /** Smallest font size in px; text that still does not fit is cut with an ellipsis. */
  minFontSize: number;
  /** Decrease in px between two tried font sizes. */
  step?: number;
  /** Height of the text box in px; with `lineHeight` it lowers the line limit for large sizes. */
  maxHeight?: number;
  /** Line height as a multiple of the font size, used with `maxHeight`. */
  lineHeight?: number;
  /**
   * Narrows the box as far as the line count allows, so the lines come out of even length
   * instead of a full line followed by a short one.
   */
  balance?: boolean;
}

export interface FittedText {
  lines: string[];
  fontSize: number;
  /** True when text was cut and the last line ends in an ellipsis. */
  truncated: boolean;
}

/** Returns how many lines fit at a font size: `maxLines`, or fewer when `maxHeight` is set. */
function lineLimit(options: FitOptions, size: number): number {
  if (options.maxHeight === undefined) return options.maxLines;
  const lineBox = size * (options.lineHeight ?? 1);
  return Math.max(1, Math.min(options.maxLines, Math.floor(options.maxHeight / lineBox)));
}

/**
 * Fits text into a box at the largest font size, from `maxFontSize` down to `minFontSize`, at
 * which it takes no more than the line limit. Text that does not fit at the smallest size is
 * cut, and its last line ends in an ellipsis.
 */
export function fitText(text: string, options: FitOptions): FittedText {
  const step = options.step ?? 4;
  const normalised = normaliseText(text);
  if (normalised === '') return { lines: [], fontSize: options.maxFontSize, truncated: false };

  for (let size = options.maxFontSize; ; size = Math.max(options.minFontSize, size - step)) {
    const maxWidth = options.maxWidth / size;
    const lines = breakLines(normalised, maxWidth);
    if (lines.length <= lineLimit(options, size)) {
      const balanced = options.balance ? breakBalancedLines(normalised, maxWidth) : lines;
      return { lines: balanced, fontSize: size, truncated: false };
    }
    if (size <= options.minFontSize) break;
  }

  const size = options.minFontSize;
  const maxWidth = options.maxWidth / size;
  const lines = breakLines(normalised, maxWidth).slice(0, lineLimit(options, size));
  const last = lines.length - 1;
  lines[last] = withEllipsis(lines[last]!, maxWidth);
  return { lines, fontSize: size, truncated: true };
}
