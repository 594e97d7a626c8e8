// A street generates the key-visual poster (主KV) of its own event: it opens the poster page
// from the event, gets three template thumbnails and a preview drawn by the server, edits the
// title and downloads the full-size PNG. The page is checked at desktop and phone widths.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const EVENT_NAME = '2027年徐家汇街道第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Files a community games draft as the signed-in street through the API; returns its id. */
async function fileCommunityGames(page) {
  const me = await (await page.request.get(`${platform.baseUrl}/api/me`)).json();
  const now = Date.now();
  const response = await page.request.post(`${platform.baseUrl}/api/console/events`, {
    headers: { origin: platform.baseUrl },
    data: {
      name: EVENT_NAME,
      sport: 'basketball_3x3',
      level: 'street',
      section: 'community_games',
      divisionCode: me.user.divisionCode,
      venue: '徐家汇体育公园',
      startsAt: new Date(now + 72 * HOUR).toISOString(),
      endsAt: new Date(now + 76 * HOUR).toISOString(),
      capacity: 50,
      registrationOpensAt: new Date(now - HOUR).toISOString(),
      registrationClosesAt: new Date(now + 48 * HOUR).toISOString(),
      host: '徐家汇街道办事处',
      rules: '每队 3 人，单败淘汰。',
    },
  });
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()).id;
}

/** Reads width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Waits until every thumbnail and the preview show a decoded image. */
async function waitForImages(page) {
  for (const id of ['sports', 'community', 'festive']) {
    await page.getByTestId(`poster-template-${id}`).locator('img').waitFor();
  }
  await page.getByTestId('poster-preview').waitFor();
  await page.waitForFunction(() =>
    [
      ...document.querySelectorAll('.console-poster-options img, [data-testid=poster-preview]'),
    ].every((image) => image.complete && image.naturalWidth > 0),
  );
}

test('street generates and downloads the poster of its event', async () => {
  const context = await platform.browser.newContext({
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'street.xujiahui', PASSWORD);
  const eventId = await fileCommunityGames(page);

  await page.goto(`${platform.baseUrl}/console/events/${eventId}`);
  await page.getByRole('button', { name: '主KV海报' }).click();
  await page.waitForURL(`**/console/events/${eventId}/poster`);
  await waitForImages(page);
  assert.equal(await page.getByLabel('赛事名称').inputValue(), EVENT_NAME);
  await page.screenshot({ path: join(artifacts, 'poster-1366.png'), fullPage: true });

  // Choosing another template and editing the title both draw a new preview.
  const preview = page.getByTestId('poster-preview');
  const first = await preview.getAttribute('src');
  await page.getByTestId('poster-template-festive').click();
  await page.waitForFunction(
    (before) =>
      document.querySelector('[data-testid=poster-preview]')?.getAttribute('src') !== before,
    first,
  );
  assert.equal(
    await page.getByTestId('poster-template-festive').getAttribute('aria-pressed'),
    'true',
  );
  const festive = await preview.getAttribute('src');
  await page.getByLabel('赛事名称').fill('徐家汇街道趣味运动会');
  await page.waitForFunction(
    (before) =>
      document.querySelector('[data-testid=poster-preview]')?.getAttribute('src') !== before,
    festive,
  );

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /下载海报/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '徐家汇街道趣味运动会-主KV.png');
  const file = join(artifacts, 'poster-download.png');
  await download.saveAs(file);
  assert.deepEqual(pngSize(readFileSync(file)), { width: 1080, height: 1920 });

  // A long title is cut for the file name before a bracket that the cut would leave open.
  await page
    .getByLabel('赛事名称')
    .fill(
      '2027年徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛（徐家汇体育公园主场馆东区篮球场）',
    );
  const [longDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /下载海报/ }).click(),
  ]);
  assert.equal(
    longDownload.suggestedFilename(),
    '2027年徐汇区第三届社区三人篮球挑战赛暨青少年阳光体育嘉年华总决赛-主KV.png',
  );

  // A blank title blocks the download and shows the reason under the field.
  await page.getByLabel('赛事名称').fill('   ');
  await page.getByRole('button', { name: /下载海报/ }).click();
  await page.getByText('不能只填空格').waitFor();
  await context.close();
});

test('poster page fits a phone screen', async () => {
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'street.xujiahui', PASSWORD);
  const eventId = await fileCommunityGames(page);

  await page.goto(`${platform.baseUrl}/console/events/${eventId}/poster`);
  await waitForImages(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'the page scrolls sideways');
  await page.screenshot({ path: join(artifacts, 'poster-390.png'), fullPage: true });
  await context.close();
});

test('reviewer of the event cannot open the poster page', async () => {
  const context = await platform.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'street.xujiahui', PASSWORD);
  const eventId = await fileCommunityGames(page);
  const submitted = await page.request.post(
    `${platform.baseUrl}/api/console/events/${eventId}/submit`,
    { headers: { origin: platform.baseUrl } },
  );
  assert.equal(submitted.status(), 200, await submitted.text());
  await context.close();

  // The association reviews community games, so it may view the filing but does not run the event.
  const reviewer = await platform.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const reviewerPage = await reviewer.newPage();
  await reviewerPage.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(reviewerPage, 'association', PASSWORD);
  await reviewerPage.goto(`${platform.baseUrl}/console/events/${eventId}`);
  await reviewerPage.getByRole('heading', { name: EVENT_NAME }).waitFor();
  assert.equal(await reviewerPage.getByRole('button', { name: '主KV海报' }).count(), 0);
  await reviewerPage.goto(`${platform.baseUrl}/console/events/${eventId}/poster`);
  await reviewerPage.getByText('无法生成主KV海报').waitFor();
  await reviewer.close();
});
