// The dashboard's ranking cards at a desktop size, a phone size and in the big-screen mode. The
// columns of the organiser and street rankings, the check-in columns included, must be in view
// without scrolling the table sideways. A phone leaves out 填报赛事 and 参与人数.
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

for (const [viewport, headers] of [
  [{ width: 1440, height: 900 }, ALL_HEADERS],
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
