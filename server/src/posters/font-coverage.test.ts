import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { fontCodePoints, missingCharacters } from './font-coverage.js';
import { posterFontCoverage, posterFontFiles } from './poster.service.js';

/** Builds a font file that holds nothing but a cmap table with one subtable. */
function fontWithCmap(platform: number, encoding: number, subtable: Buffer): Buffer {
  const header = Buffer.alloc(12 + 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(1, 4);
  header.write('cmap', 12, 'latin1');
  header.writeUInt32BE(header.length, 20);
  const cmap = Buffer.alloc(12);
  cmap.writeUInt16BE(1, 2);
  cmap.writeUInt16BE(platform, 4);
  cmap.writeUInt16BE(encoding, 6);
  cmap.writeUInt32BE(cmap.length, 8);
  return Buffer.concat([header, cmap, subtable]);
}

function uint16s(values: number[]): Buffer {
  const buffer = Buffer.alloc(2 * values.length);
  values.forEach((value, index) => buffer.writeUInt16BE(value & 0xffff, 2 * index));
  return buffer;
}

describe('fontCodePoints on built tables', () => {
  it('reads a format 4 subtable and skips glyph 0', () => {
    // Segments A–C (glyphs 1–3), P (mapped to glyph 0) and the closing 0xFFFF segment.
    const subtable = Buffer.concat([
      uint16s([4, 0, 0, 6, 0, 0, 0]),
      uint16s([0x43, 0x50, 0xffff, 0]),
      uint16s([0x41, 0x50, 0xffff]),
      uint16s([1 - 0x41, -0x50, 1]),
      uint16s([0, 0, 0]),
    ]);
    const codePoints = fontCodePoints(fontWithCmap(3, 1, subtable));
    expect([...codePoints].sort((a, b) => a - b)).toEqual([0x41, 0x42, 0x43]);
  });

  it('reads a format 4 subtable through its glyph index array', () => {
    // One segment X–Y whose glyphs come from the array after idRangeOffset: 7, then 0.
    const subtable = Buffer.concat([
      uint16s([4, 0, 0, 4, 0, 0, 0]),
      uint16s([0x59, 0xffff, 0]),
      uint16s([0x58, 0xffff]),
      uint16s([0, 1]),
      uint16s([4, 0]),
      uint16s([7, 0]),
    ]);
    expect([...fontCodePoints(fontWithCmap(0, 3, subtable))]).toEqual([0x58]);
  });

  it('reads a format 12 subtable and skips glyph 0', () => {
    const groups = [
      [0x4e00, 0x4e01, 5],
      [0x1f3c0, 0x1f3c0, 0],
    ];
    const subtable = Buffer.alloc(16 + 12 * groups.length);
    subtable.writeUInt16BE(12, 0);
    subtable.writeUInt32BE(subtable.length, 4);
    subtable.writeUInt32BE(groups.length, 12);
    groups.forEach((group, index) => {
      group.forEach((value, field) => subtable.writeUInt32BE(value, 16 + 12 * index + 4 * field));
    });
    const codePoints = fontCodePoints(fontWithCmap(3, 10, subtable));
    expect([...codePoints].sort((a, b) => a - b)).toEqual([0x4e00, 0x4e01]);
  });

  it('rejects a font without a Unicode subtable', () => {
    const macintosh = fontWithCmap(1, 0, uint16s([0, 262, 0]));
    expect(() => fontCodePoints(macintosh)).toThrow(/format 4 or 12/);
  });
});

describe('fontCodePoints', () => {
  const codePoints = fontCodePoints(readFileSync(posterFontFiles()[0]!));

  it('reads the CJK, Latin and punctuation coverage', () => {
    for (const char of ['国', '徐', '㐀', 'A', 'z', '0', '，', '（', '…', '—', '·', '\u3000']) {
      expect(codePoints.has(char.codePointAt(0)!), char).toBe(true);
    }
    // The unified ideographs from U+4E00 to U+9FA5 are all there.
    let missing = 0;
    for (let code = 0x4e00; code <= 0x9fa5; code += 1) if (!codePoints.has(code)) missing += 1;
    expect(missing).toBe(0);
  });

  it('leaves out emoji and most Extension B ideographs', () => {
    expect(codePoints.has(0x1f3c0)).toBe(false);
    expect(codePoints.has(0x2000b)).toBe(false);
  });

  it('rejects a file that is not a font', () => {
    expect(() => fontCodePoints(Buffer.alloc(64))).toThrow(/cmap/);
  });
});

describe('missingCharacters', () => {
  it('lists each missing character once and ignores spaces', async () => {
    const coverage = await posterFontCoverage();
    expect(missingCharacters('篮球🏀赛 🏀𠀋\u3000事', coverage)).toEqual(['🏀', '𠀋']);
    expect(missingCharacters('2027年 Shanghai 3x3（U-18）', coverage)).toEqual([]);
  });
});
