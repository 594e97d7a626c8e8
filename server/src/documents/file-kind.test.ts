import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  compoundFileHeader,
  minimalDocx,
  minimalPdf,
  minimalPng,
  TINY_JPEG,
  TINY_WEBP,
  windowsExecutable,
  zipOf,
} from './document-test-support.js';
import { sniffFileKind } from './file-kind.js';
import { attachmentDisposition, cleanFileName } from './file-name.js';

const folder = mkdtempSync(join(tmpdir(), 'cityleague-file-kind-'));
let counter = 0;

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

async function sniff(content: Buffer) {
  const path = join(folder, `file-${(counter += 1)}`);
  writeFileSync(path, content);
  const file = await open(path, 'r');
  try {
    return await sniffFileKind(file, content.length);
  } finally {
    await file.close();
  }
}

/** Appends a ZIP comment, which moves the end-of-central-directory record off the end. */
function withComment(zip: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const copy = Buffer.concat([zip, text]);
  copy.writeUInt16LE(text.length, zip.length - 2);
  return copy;
}

describe('sniffFileKind', () => {
  it.each([
    ['pdf', minimalPdf()],
    ['docx', minimalDocx()],
    ['doc', compoundFileHeader()],
    ['jpeg', TINY_JPEG],
    ['png', minimalPng()],
    ['webp', TINY_WEBP],
    ['docx', withComment(minimalDocx(), 'written by a test')],
  ])('recognises %s', async (kind, content) => {
    expect(await sniff(content)).toBe(kind);
  });

  it.each([
    ['a Windows program', windowsExecutable()],
    ['HTML', Buffer.from('<html><body>%PDF-1.4</body></html>')],
    ['a PDF signature after a byte', Buffer.concat([Buffer.from(' '), minimalPdf()])],
    ['a ZIP archive of other files', zipOf({ 'a.txt': 'x' })],
    ['a ZIP archive with a similar entry', zipOf({ 'word/document.xml.bak': 'x' })],
    ['an OpenDocument text', zipOf({ mimetype: 'application/vnd.oasis.opendocument.text' })],
    ['a RIFF file that is not WebP', Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')],
    ['a truncated PNG signature', minimalPng().subarray(0, 4)],
    ['a ZIP local header alone', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])],
  ])('rejects %s', async (_, content) => {
    expect(await sniff(content)).toBeUndefined();
  });

  it('rejects a ZIP archive whose directory points past its end', async () => {
    const zip = minimalDocx();
    zip.writeUInt32LE(zip.length, zip.length - 6);
    expect(await sniff(zip)).toBeUndefined();
  });

  it('rejects a ZIP archive that claims more entries than its directory holds', async () => {
    const zip = zipOf({ 'a.txt': 'x' });
    zip.writeUInt16LE(50, zip.length - 12);
    expect(await sniff(zip)).toBeUndefined();
  });
});

describe('cleanFileName', () => {
  it.each([
    ['安全预案.pdf', 'pdf', '安全预案.pdf'],
    ['scan.JPEG', 'jpeg', 'scan.JPEG'],
    ['scan.jpg', 'jpeg', 'scan.jpg'],
    ['photo.png', 'jpeg', 'photo.png.jpg'],
    ['rules.doc', 'docx', 'rules.doc.docx'],
    ['C:\\Users\\me\\plan.pdf', 'pdf', 'plan.pdf'],
    ['/var/tmp/../plan.pdf', 'pdf', 'plan.pdf'],
    ['...', 'pdf', '文件.pdf'],
    ['', 'png', '文件.png'],
    [undefined, 'pdf', '文件.pdf'],
    ['a\u0000b\u0007c.pdf', 'pdf', 'abc.pdf'],
    ['tab\tand\nnewline.pdf', 'pdf', 'tabandnewline.pdf'],
    ['two  spaces .pdf', 'pdf', 'two spaces.pdf'],
    ['invoice\u202egpj.exe', 'pdf', 'invoicegpj.exe.pdf'],
    ['quote"and<angle>.pdf', 'pdf', 'quote_and_angle_.pdf'],
    ['lone\ud800half.pdf', 'pdf', 'lonehalf.pdf'],
  ] as const)('cleans %j for a %s file as %j', (raw, kind, expected) => {
    expect(cleanFileName(raw, kind)).toBe(expected);
  });

  it('cuts the stem, not the extension, at 100 characters', () => {
    const name = cleanFileName(`${'😀'.repeat(150)}.docx`, 'docx');
    expect(Array.from(name)).toHaveLength(100);
    expect(name.endsWith('😀.docx')).toBe(true);
  });
});

describe('attachmentDisposition', () => {
  it('sends an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('安全预案 (1).pdf')).toBe(
      'attachment; filename="____ (1).pdf"; filename*=UTF-8\'\'%E5%AE%89%E5%85%A8%E9%A2%84%E6%A1%88%20%281%29.pdf',
    );
  });

  it('keeps quotes, backslashes and percent signs out of the fallback', () => {
    const header = attachmentDisposition('50% "off"\\.pdf');
    expect(header).toBe(
      'attachment; filename="50_ _off__.pdf"; filename*=UTF-8\'\'50%25%20%22off%22%5C.pdf',
    );
  });
});
