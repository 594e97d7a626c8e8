import { pinyin } from 'pinyin-pro';

/**
 * Maximum length of one stored pinyin suffix. A typed word is matched against the start of a
 * suffix, so words longer than this find nothing through full pinyin. It equals the search
 * text's maximum length.
 */
export const PINYIN_SUFFIX_MAX_LENGTH = 50;

/**
 * Returns the lower-case toneless pinyin syllables of a text: 3v3篮球赛 gives 3v3, lan, qiu,
 * sai. A run of Latin letters and digits is one element. Spaces and punctuation are dropped.
 */
export function pinyinSyllables(text: string): string[] {
  return pinyin(text.normalize('NFKC'), { toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .map((syllable) => syllable.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((syllable) => syllable !== '');
}

/**
 * Returns the full pinyin of a text from each syllable to the end, without separators:
 * 篮球赛 gives lanqiusai, qiusai, sai. A typed word that starts one of them starts at a
 * syllable, so lanq finds 篮球 while anq does not.
 */
export function pinyinSuffixes(text: string): string[] {
  const syllables = pinyinSyllables(text);
  return syllables.map((_, index) =>
    syllables.slice(index).join('').slice(0, PINYIN_SUFFIX_MAX_LENGTH),
  );
}

/**
 * Returns the text stored in the name_pinyin and venue_pinyin columns: every pinyin suffix,
 * each preceded by a space, so that `like '% word%'` matches a word only at a syllable start.
 * Returns null for a text without syllables.
 */
export function pinyinSearchText(text: string): string | null {
  const suffixes = pinyinSuffixes(text);
  return suffixes.length === 0 ? null : suffixes.map((suffix) => ` ${suffix}`).join('');
}

const LATIN_LETTER = /[a-z]/;

/**
 * Returns the full-pinyin form of a typed word that contains Latin letters, with any Chinese
 * characters turned into pinyin: lanqiu stays lanqiu, 篮qiu and lan球 give lanqiu. Returns
 * null for a word without Latin letters, which is matched as Chinese text only.
 */
export function typedPinyin(word: string): string | null {
  if (!LATIN_LETTER.test(word)) return null;
  const joined = pinyinSyllables(word).join('');
  return joined === '' ? null : joined.slice(0, PINYIN_SUFFIX_MAX_LENGTH);
}
