import { pinyin } from 'pinyin-pro';

/**
 * Returns the lower-case pinyin initials of a text, for searching by typed initials:
 * 徐汇区体育馆 gives xhqtyg. Latin letters and digits are kept, lower-cased; spaces and
 * punctuation are dropped. Polyphonic characters take the reading pinyin-pro picks from the
 * surrounding words (长宁 gives c, 银行 gives h).
 */
export function pinyinInitials(text: string): string {
  const initials = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array' });
  return initials
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Returns the pinyin initials of a venue name, which venue suggestions search. */
export function venueInitials(venue: string): string {
  return pinyinInitials(venue);
}
