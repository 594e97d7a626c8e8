import { pinyin } from 'pinyin-pro';

/**
 * Returns the lower-case pinyin initials of a venue name, for searching by typed initials:
 * 徐汇区体育馆 gives xhqtyg. Latin letters and digits are kept, lower-cased; spaces and
 * punctuation are dropped. Polyphonic characters take the reading pinyin-pro picks from the
 * surrounding words (长宁 gives c, 银行 gives h).
 */
export function venueInitials(venue: string): string {
  const initials = pinyin(venue, { pattern: 'first', toneType: 'none', type: 'array' });
  return initials
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}
