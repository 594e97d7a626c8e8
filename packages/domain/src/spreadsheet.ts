const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a spreadsheet cell so that opening an export never runs a formula: text that
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quotes one CSV field (RFC 4180) after neutralising it. */
export function csvField(value: string): string {
  const safe = neutraliseCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Builds a CSV document with a UTF-8 byte order mark, so spreadsheet programs read Chinese. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
