import { SPORTS } from '@cityleague/domain';

import { shanghaiDivisions } from '../divisions/division.service.js';
import { pinyinInitials } from './venue-initials.js';

/** Maximum length of a search text; longer input is a typing accident, not a query. */
export const SEARCH_TEXT_MAX_LENGTH = 50;

/** One typed word of a search, with the sports and places it also matches. */
export interface SearchTerm {
  /** Lower-case word matched with `like '%word%'` against the search document. */
  text: string;
  /** The word's one- or two-character pieces, which the events_search index looks up. */
  grams: string[];
  /** Sports whose name or pinyin initials contain the word. */
  sports: string[];
  /** Districts whose name or pinyin initials contain the word. */
  districts: string[];
  /** Streets and towns whose name or pinyin initials contain the word. */
  streets: string[];
}

interface NamedPlace {
  code: string;
  level: 'district' | 'street';
  name: string;
  initials: string;
}

let places: NamedPlace[] | undefined;

/** Districts and streets of the city with their pinyin initials, computed once per process. */
function namedPlaces(): NamedPlace[] {
  places ??= shanghaiDivisions()
    .filter((division) => division.level === 'district' || division.level === 'street')
    .map((division) => ({
      code: division.code,
      level: division.level as 'district' | 'street',
      name: division.name,
      initials: pinyinInitials(division.name),
    }));
  return places;
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
 * Splits a search text into words, each matched on its own: 徐汇 篮球 finds basketball events
 * in Xuhui. A word matches an event whose name, venue or address contains it, whose name or
 * venue initials contain it (lqs for 篮球赛), or whose sport, district or street name or
 * initials contain it.
 */
export function parseSearchText(text: string): SearchTerm[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[\s,，、]+/u)
    .filter((word) => word !== '');
  return [...new Set(words)].map((word) => {
    const matches = (name: string, initials: string) =>
      name.toLowerCase().includes(word) || initials.includes(word);
    const matchedPlaces = namedPlaces().filter((place) => matches(place.name, place.initials));
    return {
      text: word,
      grams: searchGrams(word),
      sports: SPORTS.filter((sport) => matches(sport.name, sport.initials)).map(
        (sport) => sport.code,
      ),
      districts: matchedPlaces.filter((p) => p.level === 'district').map((p) => p.code),
      streets: matchedPlaces.filter((p) => p.level === 'street').map((p) => p.code),
    };
  });
}
