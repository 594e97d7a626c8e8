/** Maximum number of characters that a title keeps in a download's file name. */
export const FILE_NAME_TITLE_MAX_LENGTH = 40;

const OPENING_BRACKETS = '（(【[［《〈「『〔{｛';
const CLOSING_BRACKETS = '）)】]］》〉」』〕}｝';

// Characters that Windows, macOS or Linux reject in file names, and whitespace.
const REJECTED_CHARACTERS = /[\\/:*?"<>|\s]+/g;
const TRAILING_SEPARATORS = /[_\-·、，,。.—–\s]+$/u;

/**
 * Shortens a title for a download's file name. The title is cut to `maxLength` characters, but
 * never inside a bracket, so a cut that would leave a bracket open ends before that bracket.
 * When that would drop more than half of the text, only the dangling opening bracket is removed.
 */
export function fileNameTitle(title: string, maxLength = FILE_NAME_TITLE_MAX_LENGTH): string {
  // Array.from splits by code point, so a cut never separates a surrogate pair.
  const characters = Array.from(title.trim().replace(REJECTED_CHARACTERS, '_'));
  if (characters.length <= maxLength) return characters.join('');

  let shortened = characters.slice(0, maxLength);
  const openIndexes: number[] = [];
  shortened.forEach((character, index) => {
    if (OPENING_BRACKETS.includes(character)) openIndexes.push(index);
    else if (CLOSING_BRACKETS.includes(character)) openIndexes.pop();
  });

  const firstOpen = openIndexes[0];
  if (firstOpen !== undefined) {
    if (firstOpen >= maxLength / 2) {
      shortened = shortened.slice(0, firstOpen);
    } else {
      shortened = shortened.filter((_, index) => !openIndexes.includes(index));
    }
  }
  return shortened.join('').replace(TRAILING_SEPARATORS, '');
}
