// The dashboard's ranking cards at a desktop size, a phone size and in the big-screen mode. The
// columns of the organiser and street rankings, the check-in columns included, must be in view
// without scrolling the table sideways, and each check-in rate stays on one line. A phone leaves
// out 填报赛事 and 参与人数.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, DEMO_PASSWORD, signInToConsole, startPlatform } from '../support/platform.mjs';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { SEED_DEMO: 'true' } });
});

after(async () => {
  await platform?.stop();
});

async function openDashboard(viewport) {
  const context = await platform.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'bureau', DEMO_PASSWORD);
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  await page.getByTestId('ranking-organisers').locator('tbody tr.ant-table-row').first().waitFor();
  return page;
}

const ALL_HEADERS = ['排名', '填报赛事', '报名人次', '参与人数', '签到人次', '签到率'];
const PHONE_HEADERS = ['排名', '报名人次', '签到人次', '签到率'];

/**
 * Asserts that each expected header of a ranking card lies inside the card, that no other count
 * column shows, and that the table does not scroll sideways, so no column is cut off.
 */
async function expectWholeTable(page, testId, headers) {
  const card = page.getByTestId(testId);
  const cardBox = await card.boundingBox();
  for (const header of ALL_HEADERS.filter((name) => !headers.includes(name))) {
    const hidden = card.getByRole('columnheader', { name: header, exact: true });
    assert.equal(await hidden.count(), 0, `${testId}: header ${header} left out`);
  }
  for (const header of headers) {
    const box = await card.getByRole('columnheader', { name: header, exact: true }).boundingBox();
    assert.ok(box, `${testId}: header ${header} rendered`);
    assert.ok(
      box.x >= cardBox.x && box.x + box.width <= cardBox.x + cardBox.width + 0.5,
      `${testId}: header ${header} at ${box.x}..${box.x + box.width} inside the card ` +
        `${cardBox.x}..${cardBox.x + cardBox.width}`,
    );
  }
  const overflow = await card
    .locator('.ant-table-content, .ant-table-body')
    .first()
    .evaluate((element) => element.scrollWidth - element.clientWidth);
  assert.ok(overflow <= 1, `${testId}: the table scrolls sideways by ${overflow}px`);
}

/**
 * Asserts that every figure in the ranking card's 签到率 column, such as 100.0%, lies on one line
 * and inside its cell. Debian's Chromium draws the console's font stack in Liberation Sans, and
 * other systems' fonts can have wider figures, so the check draws the card in the wider DejaVu
 * Sans and saves a screenshot of it.
 */
async function expectRatesOnOneLine(page, testId, viewportWidth) {
  const card = page.getByTestId(testId);
  await page.addStyleTag({
    content: `[data-testid="${testId}"] * { font-family: 'DejaVu Sans', sans-serif !important; }`,
  });
  const rates = await card.evaluate((card) => {
    const headers = [...card.querySelectorAll('thead th')];
    const column = headers.findIndex((th) => th.textContent.trim() === '签到率');
    return [...card.querySelectorAll('tbody tr.ant-table-row')].map((row) => {
      const cell = row.children[column];
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lineTops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      return {
        text: cell.textContent,
        lines: lineTops.size,
        overflow: cell.scrollWidth - cell.clientWidth,
      };
    });
  });
  await card.screenshot({
    path: join(artifacts, `dashboard-${testId}-rates-${viewportWidth}.png`),
  });
  assert.ok(rates.length > 0, `${testId}: the ranking has rows`);
  for (const rate of rates) {
    assert.equal(rate.lines, 1, `${testId}: rate ${rate.text} on ${rate.lines} lines`);
    assert.ok(
      rate.overflow <= 0,
      `${testId}: rate ${rate.text} overflows its cell by ${rate.overflow}px`,
    );
  }
}

for (const [viewport, headers] of [
  [{ width: 1440, height: 900 }, ALL_HEADERS],
  [{ width: 1366, height: 900 }, ALL_HEADERS],
  [{ width: 390, height: 844 }, PHONE_HEADERS],
]) {
  test(`ranking cards fit at ${viewport.width}x${viewport.height}`, async () => {
    const page = await openDashboard(viewport);
    const organisers = page.getByTestId('ranking-organisers');
    await organisers.scrollIntoViewIfNeeded();
    await organisers.screenshot({
      path: join(artifacts, `dashboard-ranking-organisers-${viewport.width}.png`),
    });
    await page.screenshot({
      path: join(artifacts, `dashboard-rankings-${viewport.width}.png`),
      fullPage: true,
    });
    await expectWholeTable(page, 'ranking-organisers', headers);
    await expectWholeTable(page, 'ranking-streets', headers);
    await expectRatesOnOneLine(page, 'ranking-organisers', viewport.width);
    await expectRatesOnOneLine(page, 'ranking-streets', viewport.width);
    await page.context().close();
  });
}

test('ranking cards fit in the big-screen mode', async () => {
  const page = await openDashboard({ width: 1440, height: 900 });
  await page.getByRole('button', { name: '大屏' }).click();
  await page.getByRole('button', { name: '退出大屏' }).waitFor();
  await page.getByTestId('ranking-organisers').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'dashboard-rankings-big-screen.png') });
  await expectWholeTable(page, 'ranking-organisers', ALL_HEADERS);
  await expectWholeTable(page, 'ranking-streets', ALL_HEADERS);
  await page.context().close();
});
