/*
 * Reads which characters a TrueType or OpenType font can draw, from its character map (the
 * `cmap` table). resvg draws a character that no loaded font has as an empty box, so the
 * posters check their text against this first.
 */

const TABLE_RECORD_SIZE = 16;
const ENCODING_RECORD_SIZE = 8;

function cmapOffset(font: Buffer): number {
  const tableCount = font.readUInt16BE(4);
  for (let index = 0; index < tableCount; index += 1) {
    const record = 12 + index * TABLE_RECORD_SIZE;
    if (font.toString('latin1', record, record + 4) === 'cmap')
      return font.readUInt32BE(record + 8);
  }
  throw new Error('Font has no cmap table');
}

/** Adds the characters of a format 12 subtable (segmented coverage, all of Unicode). */
function readFormat12(font: Buffer, offset: number, codePoints: Set<number>): void {
  const groupCount = font.readUInt32BE(offset + 12);
  for (let index = 0; index < groupCount; index += 1) {
    const group = offset + 16 + index * 12;
    const start = font.readUInt32BE(group);
    const end = font.readUInt32BE(group + 4);
    const startGlyph = font.readUInt32BE(group + 8);
    for (let code = start; code <= end; code += 1) {
      // Glyph 0 is the missing-glyph box.
      if (startGlyph + (code - start) !== 0) codePoints.add(code);
    }
  }
}

/** Adds the characters of a format 4 subtable (segment mapping, Basic Multilingual Plane). */
function readFormat4(font: Buffer, offset: number, codePoints: Set<number>): void {
  const segmentCount = font.readUInt16BE(offset + 6) / 2;
  const endCodes = offset + 14;
  const startCodes = endCodes + 2 * segmentCount + 2;
  const deltas = startCodes + 2 * segmentCount;
  const rangeOffsets = deltas + 2 * segmentCount;
  for (let segment = 0; segment < segmentCount; segment += 1) {
    const start = font.readUInt16BE(startCodes + 2 * segment);
    const end = font.readUInt16BE(endCodes + 2 * segment);
    const delta = font.readUInt16BE(deltas + 2 * segment);
    const rangeOffsetAt = rangeOffsets + 2 * segment;
    const rangeOffset = font.readUInt16BE(rangeOffsetAt);
    for (let code = start; code <= end && code !== 0xffff; code += 1) {
      let glyph = code;
      if (rangeOffset !== 0) {
        glyph = font.readUInt16BE(rangeOffsetAt + rangeOffset + 2 * (code - start));
        if (glyph === 0) continue;
      }
      if ((glyph + delta) & 0xffff) codePoints.add(code);
    }
  }
}

/**
 * Returns the code points that a font maps to a glyph. It reads the font's Unicode subtable of
 * format 12 when there is one, and otherwise its format 4 subtable.
 */
export function fontCodePoints(font: Buffer): Set<number> {
  const cmap = cmapOffset(font);
  const subtableCount = font.readUInt16BE(cmap + 2);
  const subtables: { format: number; offset: number }[] = [];
  for (let index = 0; index < subtableCount; index += 1) {
    const record = cmap + 4 + index * ENCODING_RECORD_SIZE;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    // Unicode subtables: platform 0, or Windows (3) with encoding 1 (BMP) or 10 (full).
    if (platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10))) {
      subtables.push({ format: font.readUInt16BE(offset), offset });
    }
  }

  const codePoints = new Set<number>();
  const full = subtables.find((subtable) => subtable.format === 12);
  const basic = subtables.find((subtable) => subtable.format === 4);
  if (full) readFormat12(font, full.offset, codePoints);
  else if (basic) readFormat4(font, basic.offset, codePoints);
  else throw new Error('Font has no Unicode character map of format 4 or 12');
  return codePoints;
}

/** Returns the distinct characters of `text` that are not in `codePoints`, spaces excepted. */
export function missingCharacters(text: string, codePoints: ReadonlySet<number>): string[] {
  const missing = new Set<string>();
  for (const char of text) {
    if (/\s/u.test(char)) continue;
    if (!codePoints.has(char.codePointAt(0)!)) missing.add(char);
  }
  return [...missing];
}
