import { KIND_FORMATS, type FileKind } from './file-kind.js';

/** Maximum length of a stored file name, in characters, extension included. */
export const MAX_FILE_NAME_LENGTH = 100;

// C0 and C1 controls, and the Unicode marks that reorder or hide text (bidirectional
// overrides and isolates, zero-width characters), which can disguise an extension. Matching
// control characters is the point here, so the lint rule against them does not apply.
/* eslint-disable no-control-regex */
const UNSAFE_CHARACTERS =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/* eslint-enable no-control-regex */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Characters that Windows does not allow in file names, replaced so a download saves as named.
const RESERVED_CHARACTERS = /[<>:"/\\|?*]/g;

/** Tells whether a text contains a control character or a mark that reorders or hides text. */
export function hasUnsafeCharacters(text: string): boolean {
  return text.search(UNSAFE_CHARACTERS) >= 0;
}

/** Cuts a string to at most `length` characters without splitting a surrogate pair. */
function cut(text: string, length: number): string {
  return Array.from(text).slice(0, length).join('');
}

/**
 * Cleans an uploaded file's name for display and for the download's Content-Disposition. It
 * drops any folder part and the control and direction characters, and replaces the characters
 * that file systems reserve. It cuts the name to 100 characters and makes the extension one of
 * the sniffed kind's, so "setup.exe" containing a PDF downloads as "setup.exe.pdf". The name is
 * stored as text only and is never part of a path on the server.
 */
export function cleanFileName(raw: string | undefined, kind: FileKind, fallback = '文件'): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  name = name
    .replace(LONE_SURROGATE, '')
    .replace(UNSAFE_CHARACTERS, '')
    .replace(RESERVED_CHARACTERS, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();

  const { extensions } = KIND_FORMATS[kind];
  const lower = name.toLowerCase();
  const matched = extensions.find((candidate) => lower.endsWith(candidate));
  const ending = matched ? name.slice(name.length - matched.length) : extensions[0]!;
  const stem = (matched ? name.slice(0, name.length - matched.length) : name).replace(/[ .]+$/, '');
  return cut(stem || fallback, MAX_FILE_NAME_LENGTH - ending.length) + ending;
}

/**
 * Builds a Content-Disposition header that makes the browser save the file under its name:
 * an ASCII `filename` for old clients and the UTF-8 `filename*` of RFC 5987 (RFC 6266). The
 * ASCII name is `asciiName` when given, else the name with every other character replaced.
 */
export function attachmentDisposition(fileName: string, asciiName = fileName): string {
  const ascii = asciiName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
