import {
  createWriteStream,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { join } from 'node:path';

import { checkMobile, checkResidentId } from '@cityleague/domain';

import { demoPerson } from '../demo/demo-people.js';

/*
 * Log hygiene for the test suite. Every app that the harness builds writes its log lines to a
 * file of its own in the capture folder, and records the personal data that its test file
 * sends in request bodies and query strings. When the test file closes its context, its log
 * is searched for that data. When the whole run ends, global-setup.ts searches every log for
 * the personal data of every file, so a value from one file found in another's log fails too.
 */

/** Suffix of the file beside each log that lists the personal data its test file used. */
export const FIXTURES_SUFFIX = '.personal-data.json';

// Body and query keys whose values are personal data wherever they appear.
const PERSONAL_KEY = /phone|mobile|idnumber|id_number|idcard|residentid|email/i;
// Keys of a person's name, collected only in an object that also has a personal data key.
const NAME_KEY = /^(name|real_?name|full_?name|contact_?name|person_?name)$/i;
// Mobile numbers and ID numbers anywhere in a log line, bounded by non-word characters so
// that digits inside timestamps and UUIDs do not match.
const MOBILE_IN_TEXT = /(?<![\w.])1[3-9]\d{9}(?![\w.])/g;
const RESIDENT_ID_IN_TEXT = /(?<!\w)[1-8]\d{16}[\dX](?!\w)/g;

/** Number of demo registrants whose invented names and phones the checks always include. */
const DEMO_PEOPLE = 200;

/** A personal data value found in a log, with the log file and line number. */
export interface Leak {
  file: string;
  line: number;
  value: string;
}

/** Adds a value and its normalised forms to `values`, ignoring one-character strings. */
function addValue(values: Set<string>, raw: string): void {
  const value = raw.trim();
  if (Array.from(value).length < 2) return;
  // A short run of digits or letters, such as the invalid phone number "123" that a test
  // sends, also occurs in ids and URLs, so it would be reported as a leak where there is none.
  if (/^[\x21-\x7e]{1,5}$/.test(value)) return;
  values.add(value);
  const mobile = checkMobile(value);
  if (mobile.ok) values.add(mobile.value);
  const residentId = checkResidentId(value);
  if (residentId.ok) values.add(residentId.value.id);
}

/**
 * Collects the personal data in a request payload or query object: values of phone, mobile,
 * ID number and e-mail keys, names beside them, and any string that is a valid mobile or ID
 * number under whatever key.
 */
export function collectPersonalData(payload: unknown, values: Set<string>): void {
  if (typeof payload === 'string') {
    if (checkMobile(payload).ok || checkResidentId(payload).ok) addValue(values, payload);
    return;
  }
  if (Array.isArray(payload)) {
    for (const item of payload) collectPersonalData(item, values);
    return;
  }
  // Binary bodies, such as multipart uploads, carry no fields to read.
  if (payload === null || typeof payload !== 'object' || Buffer.isBuffer(payload)) return;

  const entries = Object.entries(payload as Record<string, unknown>);
  const isPerson = entries.some(([key]) => PERSONAL_KEY.test(key));
  for (const [key, value] of entries) {
    const personal = PERSONAL_KEY.test(key) || (isPerson && NAME_KEY.test(key));
    if (personal && typeof value === 'string') addValue(values, value);
    else collectPersonalData(value, values);
  }
}

/** Collects personal data from the query string of a URL, by the same rules as bodies. */
export function collectFromUrl(url: string, values: Set<string>): void {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  collectPersonalData(Object.fromEntries(new URLSearchParams(query)), values);
}

/** Returns the invented names and phones of the demo league's registrants. */
export function demoPersonalData(): string[] {
  const values = new Set<string>();
  for (let n = 0; n < DEMO_PEOPLE; n++) {
    const person = demoPerson(n);
    values.add(person.name);
    values.add(person.phone);
  }
  return [...values];
}

/**
 * Finds personal data in log text: each of `values`, and any valid mobile or ID number. The
 * text is searched as written, with JSON's \uXXXX escapes decoded, so escaped names match.
 */
export function findPersonalData(text: string, values: Iterable<string>, file = ''): Leak[] {
  const leaks: Leak[] = [];
  const list = [...new Set(values)];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\\u([0-9a-fA-F]{4})/g, (_match, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    const found = new Set<string>();
    for (const value of list) if (containsValue(line, value)) found.add(value);
    for (const match of line.matchAll(MOBILE_IN_TEXT)) {
      if (checkMobile(match[0]).ok) found.add(match[0]);
    }
    for (const match of line.matchAll(RESIDENT_ID_IN_TEXT)) {
      if (checkResidentId(match[0]).ok) found.add(match[0]);
    }
    for (const value of found) leaks.push({ file, line: index + 1, value });
  });
  return leaks;
}

/**
 * Tells whether a log line contains a value. A value of ASCII letters and digits must stand
 * alone, so that a phone such as 13900000165 is not found inside 6.9201390000016545.
 */
function containsValue(line: string, value: string): boolean {
  if (!/^[\w+ -]+$/.test(value)) return line.includes(value);
  let from = line.indexOf(value);
  while (from >= 0) {
    const before = line[from - 1] ?? '';
    const after = line[from + value.length] ?? '';
    if (!/[\w.]/.test(before) && !/\w/.test(after)) return true;
    from = line.indexOf(value, from + 1);
  }
  return false;
}

/** Formats leaks for an error message, at most 20 of them. */
export function describeLeaks(leaks: Leak[]): string {
  const lines = leaks.slice(0, 20).map((leak) => `  ${leak.file}:${leak.line} ${leak.value}`);
  const more = leaks.length > 20 ? `\n  … and ${leaks.length - 20} more` : '';
  return (
    'Logs contain personal data: log ids and codes, never names, phone or ID numbers.\n' +
    `${lines.join('\n')}${more}`
  );
}

/** A log file that an app writes to, with the personal data its test file used. */
export class LogCapture {
  readonly values = new Set<string>();
  private readonly stream: WriteStream;

  constructor(
    readonly file: string,
    private readonly echo: boolean,
  ) {
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  /** The destination to give Fastify's logger. */
  readonly destination = {
    write: (line: string) => {
      this.stream.write(line);
      if (this.echo) process.stdout.write(line);
    },
  };

  /** Waits until every line written so far has reached the file. */
  async flush(): Promise<void> {
    while (this.stream.writableLength > 0 || this.stream.pending) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * Closes the log, writes the recorded personal data beside it for the final check, and
   * returns the personal data found in this log.
   */
  async finish(): Promise<Leak[]> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    writeFileSync(this.file + FIXTURES_SUFFIX, JSON.stringify([...this.values]));
    const text = readFileSync(this.file, 'utf8');
    return findPersonalData(text, [...this.values, ...demoPersonalData()], this.file);
  }
}

/**
 * Searches every log in the capture folder for the personal data recorded by every test
 * file, and the demo league's. Returns what it found.
 */
export function checkCaptureFolder(folder: string): Leak[] {
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder);
  const values = new Set(demoPersonalData());
  for (const name of files.filter((file) => file.endsWith(FIXTURES_SUFFIX))) {
    const recorded = JSON.parse(readFileSync(join(folder, name), 'utf8')) as string[];
    for (const value of recorded) values.add(value);
  }
  return files
    .filter((file) => file.endsWith('.ndjson'))
    .flatMap((file) =>
      findPersonalData(readFileSync(join(folder, file), 'utf8'), values, join(folder, file)),
    );
}
