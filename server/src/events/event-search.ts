import { SEARCH_TEXT_MAX_LENGTH, SPORT_SEARCH_ALIASES, SPORTS } from '@cityleague/domain';

import { shanghaiDivisions } from '../divisions/division.service.js';
import { pinyinSuffixes, typedPinyin } from './pinyin-search.js';
import { pinyinInitials } from './venue-initials.js';

export { SEARCH_TEXT_MAX_LENGTH };

/** One typed word of a search, with the sports and places it also matches. */
export interface SearchTerm {
  /** Lower-case word matched with `like '%word%'` against the search document. */
  text: string;
  /** The word's one- or two-character pieces, which the events_search index looks up. */
  grams: string[];
  /**
   * Full pinyin of a word with Latin letters (篮qiu gives lanqiu), matched at a syllable start
   * of the name's and venue's pinyin. It is null for a word of Chinese characters only.
   */
  pinyin: string | null;
  /** The pieces of `pinyin` that the events_pinyin_search index looks up; empty without it. */
  pinyinGrams: string[];
  /** Sports whose name, pinyin initials or full pinyin match the word. */
  sports: string[];
  /** Districts whose name, pinyin initials or full pinyin match the word. */
  districts: string[];
  /** Streets and towns whose name, pinyin initials or full pinyin match the word. */
  streets: string[];
}

interface NamedPlace {
  code: string;
  level: 'district' | 'street';
  name: string;
  initials: string;
  /** Full pinyin from each syllable to the end: xuhuiqu, huiqu, qu for 徐汇区. */
  pinyinSuffixes: string[];
}

interface SportAlias {
  text: string;
  initials: string;
  /** Full pinyin of the whole alias; a typed word matches only at its start. */
  pinyin: string;
}

interface NamedSport {
  code: string;
  name: string;
  initials: string;
  pinyinSuffixes: string[];
  aliases: SportAlias[];
}

let sports: NamedSport[] | undefined;

/** Sports of the catalogue with their full pinyin, computed once per process. */
function namedSports(): NamedSport[] {
  sports ??= SPORTS.map((sport) => ({
    code: sport.code,
    name: sport.name,
    initials: sport.initials,
    pinyinSuffixes: pinyinSuffixes(sport.name),
    aliases: (SPORT_SEARCH_ALIASES[sport.code] ?? []).map((alias) => ({
      text: alias,
      initials: pinyinInitials(alias),
      pinyin: pinyinSuffixes(alias)[0] ?? '',
    })),
  }));
  return sports;
}

let places: NamedPlace[] | undefined;

/** Districts and streets of the city with their pinyin, computed once per process. */
function namedPlaces(): NamedPlace[] {
  places ??= shanghaiDivisions()
    .filter((division) => division.level === 'district' || division.level === 'street')
    .map((division) => ({
      code: division.code,
      level: division.level as 'district' | 'street',
      name: division.name,
      initials: pinyinInitials(division.name),
      pinyinSuffixes: pinyinSuffixes(division.name),
    }));
  return places;
}

/**
 * Computes the pinyin of the sport, district and street names now, because the first search
 * of a process spent 1.3 s on it (measured on the 2-core development machine).
 */
export function prepareSearchNames(): void {
  namedSports();
  namedPlaces();
}

/**
 * Returns the pieces that the events_search index stores for a word: the word itself when
 * it is one character, otherwise each run of two characters. Every document that contains
 * the word contains all of them, so they narrow the search without losing a match.
 */
export function searchGrams(word: string): string[] {
  const characters = Array.from(word);
  if (characters.length === 1) return characters;
  const grams = new Set<string>();
  for (let index = 0; index + 1 < characters.length; index += 1) {
    grams.add(characters[index]! + characters[index + 1]!);
  }
  return [...grams];
}

/**
 * Tells whether a typed word matches one of a sport's search aliases: the alias contains the
 * word (跑步), the word equals the alias's pinyin initials (pb), or the word's full pinyin
 * starts the alias's full pinyin (paobu, paob).
 */
function matchesAlias(sport: NamedSport, word: string, pinyin: string | null): boolean {
  return sport.aliases.some(
    (alias) =>
      alias.text.includes(word) ||
      alias.initials === word ||
      (pinyin !== null && alias.pinyin.startsWith(pinyin)),
  );
}

/**
 * Splits a search text into words, each matched on its own: 徐汇 篮球 finds basketball events
 * in Xuhui, and so does xuhui lan qiu. A word matches an event when its name, venue or
 * address contains the word, or its name or venue initials do (lqs for 篮球赛). It also
 * matches when the word's full pinyin starts at a syllable of the name or venue (lanq and
 * 篮qiu for 篮球赛), or when the event's sport, district or street matches in one of these ways.
 * A sport also matches through its search aliases, so 跑步 and paobu find running events.
 */
export function parseSearchText(text: string): SearchTerm[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[\s,，、]+/u)
    .filter((word) => word !== '');
  return [...new Set(words)].map(searchTermOf);
}

/** Words whose terms are kept; the oldest kept word is dropped for a new one. */
const MAX_KEPT_TERMS = 2_000;
const keptTerms = new Map<string, SearchTerm>();

/**
 * Returns the term of one normalised word. Its sports and places come from fixed names, so a
 * term is computed once and kept. Matching a word against every street's pinyin took 5 % of
 * the server's CPU profile under the rotating search benchmark. Callers share the term and
 * must not change it.
 */
function searchTermOf(word: string): SearchTerm {
  const known = keptTerms.get(word);
  if (known) return known;
  const pinyin = typedPinyin(word);
  const matches = (named: NamedSport | NamedPlace) =>
    named.name.toLowerCase().includes(word) ||
    named.initials.includes(word) ||
    (pinyin !== null && named.pinyinSuffixes.some((suffix) => suffix.startsWith(pinyin)));
  const matchedPlaces = namedPlaces().filter(matches);
  const term: SearchTerm = {
    text: word,
    grams: searchGrams(word),
    pinyin,
    pinyinGrams: pinyin === null ? [] : searchGrams(pinyin),
    sports: namedSports()
      .filter((sport) => matches(sport) || matchesAlias(sport, word, pinyin))
      .map((sport) => sport.code),
    districts: matchedPlaces.filter((p) => p.level === 'district').map((p) => p.code),
    streets: matchedPlaces.filter((p) => p.level === 'street').map((p) => p.code),
  };
  if (keptTerms.size >= MAX_KEPT_TERMS) keptTerms.delete(keptTerms.keys().next().value!);
  keptTerms.set(word, term);
  return term;
}
