// Documents and chat-group QR codes on the console's event page, in a real browser. A street
// files a draft, uploads a safety plan and a chat-group QR code, downloads the plan, deletes
// it, and the page is photographed at desktop and phone widths.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync, crc32 } from 'node:zlib';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Builds a one-page PDF. The server checks only that the content starts as a PDF does. */
function pdfFile() {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
      '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
    'latin1',
  );
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, checksum]);
}

/** Builds a 21×21 black and white checkerboard PNG, in place of a QR code. */
function pngFile() {
  const size = 21;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    rows.push(0);
    for (let x = 0; x < size; x += 1) rows.push((x + y) % 2 === 0 ? 0 : 255);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function fileDraft(page) {
  const now = Date.now();
  const response = await page.request.post(`${platform.baseUrl}/api/console/events`, {
    data: {
      name: '徐家汇街道 端到端材料测试赛',
      sport: 'basketball_3x3',
      level: 'district',
      section: 'brand_event',
      divisionCode: '310104014',
      venue: '徐家汇体育公园',
      startsAt: new Date(now + 72 * HOUR).toISOString(),
      endsAt: new Date(now + 76 * HOUR).toISOString(),
      capacity: 50,
      registrationOpensAt: new Date(now + HOUR).toISOString(),
      registrationClosesAt: new Date(now + 48 * HOUR).toISOString(),
    },
  });
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()).id;
}

test('street uploads, downloads and deletes documents and chat-group codes', async () => {
  const context = await platform.browser.newContext({
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'street.xujiahui', PASSWORD);
  const eventId = await fileDraft(page);
  await page.goto(`${platform.baseUrl}/console/events/${eventId}`);

  const documents = page.getByTestId('event-documents');
  await documents.getByText('暂无材料').waitFor();
  const pdfPath = join(artifacts, '安全预案.pdf');
  writeFileSync(pdfPath, pdfFile());
  await documents.locator('input[type=file]').setInputFiles(pdfPath);
  const link = documents.getByRole('link', { name: '安全预案.pdf', exact: true });
  await link.waitFor();
  await documents.getByText(/^安全预案 · /).waitFor();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    documents.getByRole('link', { name: '下载 安全预案.pdf' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '安全预案.pdf');
  assert.deepEqual(readFileSync(await download.path()), pdfFile());

  const codes = page.getByTestId('chat-group-codes');
  await codes.getByLabel('群名称').fill('1群');
  const pngPath = join(artifacts, 'chat-group.png');
  writeFileSync(pngPath, pngFile());
  await codes.locator('input[type=file]').setInputFiles(pngPath);
  await codes.getByRole('img', { name: '1群 二维码' }).waitFor();
  await page.getByText('上传赛事材料').first().waitFor();

  await page.screenshot({ path: join(artifacts, 'event-documents-1366.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifacts, 'event-documents-390.png'), fullPage: true });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'the page scrolls sideways at 390 px');
  await page.setViewportSize({ width: 1366, height: 900 });

  await documents.getByRole('button', { name: '删除 安全预案.pdf' }).click();
  await page
    .getByRole('button', { name: /删\s*除/ })
    .last()
    .click();
  await documents.getByText('暂无材料').waitFor();
  await context.close();
});
