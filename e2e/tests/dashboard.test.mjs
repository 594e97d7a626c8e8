// The dashboard in a real browser over the demo league. The sports bureau opens the city's
// dashboard with its charts and district map, and drills down to Xuhui district and to Xujiahui
// street, each of which opens at its top. It goes back and forward in the browser's history,
// opens the events behind a number, exports the monthly trend's data and checks the workbook
// against the API, then switches to the big-screen mode. The community sports association's
// dashboard shows a number in every participant figure.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import ExcelJS from 'exceljs';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { SEED_DEMO: 'true' } });
});

after(async () => {
  await platform?.stop();
});

async function consolePage(username, viewport = { width: 1366, height: 900 }) {
  const context = await platform.browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, PASSWORD);
  return page;
}

/** Writes ASCII digits as full-width digits, as a Chinese input method may type them. */
function toFullWidth(text) {
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
}

/** Formats a check-in rate as the page does: one decimal, or '-' without ended entries. */
function rateText(checkIns, registrations) {
  return registrations > 0 ? `${((checkIns / registrations) * 100).toFixed(1)}%` : '-';
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Waits until the charts have drawn, when each chart container contains a canvas. */
async function waitForCharts(page) {
  for (const id of ['trend-chart', 'district-map', 'section-chart', 'sport-chart']) {
    await page.getByTestId(id).locator('canvas').first().waitFor();
  }
  // ECharts animates the first draw for about a second.
  await page.waitForTimeout(1200);
}

/** Waits until the drawer has slid in to the window's right edge, for a screenshot. */
async function drawerSettled(page) {
  await page.waitForFunction(() => {
    const wrapper = document.querySelector('.ant-drawer-content-wrapper');
    return wrapper && Math.abs(wrapper.getBoundingClientRect().right - window.innerWidth) < 1;
  });
}

/** Returns how far the window is scrolled down, in CSS pixels. */
async function windowScroll(page) {
  return page.evaluate(() => window.scrollY);
}

async function apiJson(page, path) {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' });
    return { status: response.status, body: await response.json() };
  }, path);
}

test('city user drills down to a street and exports a chart', async () => {
  const page = await consolePage('bureau');
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  await waitForCharts(page);
  const city = await apiJson(page, `/api/dashboard?year=${YEAR}`);
  assert.equal(city.status, 200);
  const registrations = page.getByTestId('figure-registrations');
  assert.match(
    await registrations.innerText(),
    new RegExp(city.body.registrations.toLocaleString('zh-CN')),
  );
  // The rate counts only events that have ended: the demo league has entries for events still
  // to come, which must not lower it.
  assert.ok(city.body.endedRegistrations < city.body.registrations, 'entries of coming events');
  assert.equal(
    (await page.getByTestId('figure-rate').locator('.dashboard-figure-value').innerText()).trim(),
    rateText(city.body.endedCheckIns, city.body.endedRegistrations),
  );
  await screenshot(page, 'dashboard-city-1366');

  // City to district, from the table of districts. The new level opens at its top, although
  // the table is far down the page.
  const districts = page.getByTestId('dashboard-children');
  const xuhuiCell = districts
    .getByRole('row', { name: /徐汇区/ })
    .getByRole('cell')
    .first();
  await xuhuiCell.scrollIntoViewIfNeeded();
  assert.ok((await windowScroll(page)) > 0, 'the table of districts is below the first screen');
  await xuhuiCell.click();
  await page.getByRole('heading', { name: '数据看板 · 徐汇区' }).waitFor();
  assert.equal(await windowScroll(page), 0, 'the district opens at the top');
  await waitForCharts(page);
  const xuhui = await apiJson(page, `/api/dashboard?division=310104&year=${YEAR}`);
  const xuhuiRow = city.body.children.find((c) => c.code === '310104');
  assert.equal(xuhui.body.registrations, xuhuiRow.registrations);
  // Below the city the map marks the district and shows no figure on it.
  await page.getByTestId('chart-children').getByText('所在区位置（徐汇区）').waitFor();
  await screenshot(page, 'dashboard-district-1366');

  // District to street, then back and forward in the browser's history.
  const streets = page.getByTestId('dashboard-children');
  const xujiahuiCell = streets
    .getByRole('row', { name: /徐家汇街道/ })
    .getByRole('cell')
    .first();
  await xujiahuiCell.scrollIntoViewIfNeeded();
  const districtScroll = await windowScroll(page);
  assert.ok(districtScroll > 0, 'the table of streets is below the first screen');
  await xujiahuiCell.click();
  await page.getByRole('heading', { name: '数据看板 · 徐家汇街道' }).waitFor();
  assert.equal(await windowScroll(page), 0, 'the street opens at the top');
  await page.getByRole('navigation').getByRole('link', { name: '徐汇区' }).waitFor();
  await waitForCharts(page);
  await page.goBack();
  await page.getByRole('heading', { name: '数据看板 · 徐汇区' }).waitFor();
  // The browser puts the district back where the user left it.
  assert.equal(await windowScroll(page), districtScroll, "back keeps the district's position");
  await page.goForward();
  await page.getByRole('heading', { name: '数据看板 · 徐家汇街道' }).waitFor();
  assert.equal(await windowScroll(page), 0, 'forward opens the street at the top');
  await waitForCharts(page);
  const street = await apiJson(page, `/api/dashboard?division=310104014&year=${YEAR}`);
  assert.equal(street.status, 200);
  await screenshot(page, 'dashboard-street-1366');

  // A number opens the events behind it.
  await page.getByTestId('figure-filed').getByRole('button').click();
  const drawer = page.locator('.ant-drawer');
  await drawer.getByText('全部填报赛事').waitFor();
  const rows = drawer.getByTestId('dashboard-events').locator('tbody tr.ant-table-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), street.body.events.filed);
  const events = await apiJson(
    page,
    `/api/dashboard/events?division=310104014&year=${YEAR}&stage=filed&limit=200`,
  );
  const coming = events.body.items.filter((item) => !item.ended);
  assert.ok(coming.length > 0, 'the street has an event still to come');
  const rates = await rows.locator('td:last-child').allInnerTexts();
  assert.equal(rates.filter((text) => text.trim() === '未结束').length, coming.length);
  await screenshot(page, 'dashboard-drill-1366');
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // Export the monthly trend's data and read the workbook.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: '月度趋势（本年与去年） 导出数据' }).click();
  const download = await downloading;
  // The data is named like the chart's image, in Chinese.
  assert.equal(download.suggestedFilename(), `徐家汇街道-${YEAR}年-月度趋势.xlsx`);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await download.path());
  const sheet = workbook.getWorksheet('月度趋势');
  assert.ok(sheet, 'the workbook has the 月度趋势 sheet');
  assert.equal(sheet.getRow(1).getCell(1).value, `徐家汇街道 · ${YEAR}年 · 月度趋势`);
  const headers = sheet.getRow(2).values.slice(1);
  const column = headers.indexOf('报名人次') + 1;
  let total = 0;
  for (let row = 3; row < 3 + 12; row++) total += Number(sheet.getRow(row).getCell(column).value);
  assert.equal(total, street.body.registrations);
  // The twelve months, then their total.
  const totalRow = sheet.getRow(3 + 12);
  assert.equal(totalRow.getCell(1).value, '合计');
  assert.equal(totalRow.getCell(column).value, street.body.registrations);

  // The chart also saves as an image.
  const imaging = page.waitForEvent('download');
  await page.getByRole('button', { name: '月度趋势（本年与去年） 导出图片' }).click();
  assert.equal((await imaging).suggestedFilename(), `徐家汇街道-${YEAR}年-月度趋势.png`);

  // Back to the city through the breadcrumb, then the big screen.
  await page.getByRole('navigation').getByRole('link', { name: '上海市' }).click();
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  await page.getByRole('button', { name: '大屏' }).click();
  await waitForCharts(page);
  await page.screenshot({ path: join(artifacts, 'dashboard-big-screen-1366.png') });
  const exit = await page.getByRole('button', { name: '退出大屏' }).boundingBox();
  await page.getByRole('button', { name: '退出大屏' }).click();
  // A second click where 退出大屏 was lands on no header button, 退出登录 least of all.
  const signOut = page.getByRole('button', { name: '退出登录' });
  await signOut.waitFor();
  const centre = { x: exit.x + exit.width / 2, y: exit.y + exit.height / 2 };
  for (const button of await page.locator('.console-header button').all()) {
    const box = await button.boundingBox();
    if (!box) continue;
    const inside =
      centre.x >= box.x &&
      centre.x <= box.x + box.width &&
      centre.y >= box.y &&
      centre.y <= box.y + box.height;
    assert.ok(!inside, `退出大屏 at ${centre.x},${centre.y} is over ${await button.innerText()}`);
  }
  await page.context().close();
});

test('unassigned rows, month columns and cancelled events open their events', async () => {
  const page = await consolePage('bureau', { width: 1440, height: 900 });

  // The unassigned row's counts open the events that name no division one level down.
  let opened = 0;
  for (const division of ['3101', '310104', '310104014']) {
    const figures = await apiJson(page, `/api/dashboard?division=${division}&year=${YEAR}`);
    const { unassigned } = figures.body;
    if (unassigned.events.filed === 0) continue;
    await page.goto(`${platform.baseUrl}/console/dashboard?division=${division}&year=${YEAR}`);
    const row = page.getByTestId('dashboard-children').getByRole('row', { name: /层面/ });
    await row.getByRole('button').first().click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByText(/层面.*填报赛事/).waitFor();
    const rows = drawer.getByTestId('dashboard-events').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), unassigned.events.filed, division);
    const listed = await apiJson(
      page,
      `/api/dashboard/events?division=${division}&year=${YEAR}&stage=filed&unassigned=true&limit=200`,
    );
    const names = await rows.locator('td:first-child').allInnerTexts();
    assert.deepEqual(
      names.map((name) => name.trim()),
      listed.body.items.map((item) => item.name),
    );
    await drawerSettled(page);
    await page.screenshot({ path: join(artifacts, `dashboard-unassigned-${division}.png`) });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    opened += 1;
  }
  assert.ok(opened >= 1, 'some scope has an unassigned row');

  // A click anywhere in a month's column of the trend chart opens that month, not only its dot.
  await page.goto(`${platform.baseUrl}/console/dashboard?year=${YEAR}`);
  await waitForCharts(page);
  const chart = await page.getByTestId('trend-chart').boundingBox();
  const month = 11;
  // The plot area of trendOption: 48 px from the left, 16 from the right, 28 from the bottom.
  const width = (chart.width - 48 - 16) / 12;
  await page.mouse.click(chart.x + 48 + (month - 0.5) * width, chart.y + chart.height - 28 - 6);
  const drawer = page.locator('.ant-drawer');
  await drawer.getByText(`${YEAR}-${month} 的赛事`).waitFor();
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // A cancelled event has no check-in rate.
  const figures = await apiJson(page, `/api/dashboard?year=${YEAR}`);
  if (figures.body.events.cancelled > 0) {
    await page.getByTestId('figure-cancelled').getByRole('button').click();
    await drawer.getByText('已取消的赛事').waitFor();
    const rows = drawer.getByTestId('dashboard-events').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const rates = await rows.locator('td:last-child').allInnerTexts();
    assert.equal(rates.length, figures.body.events.cancelled);
    for (const rate of rates) assert.equal(rate.trim(), '-');
    await drawerSettled(page);
    await page.screenshot({ path: join(artifacts, 'dashboard-cancelled-1440.png') });
    await page.keyboard.press('Escape');
  }

  // A period without any entry shows 暂无数据 in place of bare axes.
  await page.goto(`${platform.baseUrl}/console/dashboard?year=2000`);
  for (const id of ['trend-chart-empty', 'section-chart-empty', 'sport-chart-empty']) {
    await page.getByTestId(id).locator('.ant-empty-description', { hasText: '暂无数据' }).waitFor();
  }
  await page.screenshot({ path: join(artifacts, 'dashboard-empty-1440.png'), fullPage: true });
  await page.context().close();
});

test('district bureau sees its district on a phone', async () => {
  const page = await consolePage('xuhui.bureau', { width: 390, height: 844 });
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByRole('heading', { name: '数据看板 · 徐汇区' }).waitFor();
  await waitForCharts(page);
  await screenshot(page, 'dashboard-district-390');
  const other = await apiJson(page, '/api/dashboard?division=310115');
  assert.equal(other.status, 403);
  assert.equal(other.body.code, 'ACC_OUT_OF_SCOPE');
  await page.context().close();
});

test('city dashboard on a phone', async () => {
  const page = await consolePage('committee', { width: 390, height: 844 });
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  await waitForCharts(page);
  await screenshot(page, 'dashboard-city-390');
  await page.context().close();
});

test('association sees every participant figure', async () => {
  const page = await consolePage('association');
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByTestId('dashboard-basis').waitFor();
  await waitForCharts(page);

  // The figures without a year are the current year's, with participants in every row.
  const implicit = await apiJson(page, '/api/dashboard');
  const explicit = await apiJson(page, `/api/dashboard?year=${YEAR}`);
  assert.equal(implicit.status, 200);
  assert.deepEqual(implicit.body, explicit.body);
  const body = explicit.body;
  const rows = [
    body,
    body.lastYear,
    body.unassigned,
    ...body.months.flatMap((month) => [month.thisYear, month.lastYear]),
    ...body.sections,
    ...body.sports,
    ...body.levels,
    ...body.organisers,
    ...body.ranking,
    ...body.children,
  ];
  for (const row of rows) assert.equal(typeof row.participants, 'number', row.key ?? 'total');
  assert.ok(body.sports.length > 0, 'the association counts some sports');

  // Each table's 参与人数 column shows a number in every row.
  for (const id of ['ranking-organisers', 'ranking-streets', 'dashboard-children']) {
    const table = page.getByTestId(id);
    const headers = await table.locator('thead th').allInnerTexts();
    const column = headers.findIndex((header) => header.trim() === '参与人数') + 1;
    assert.ok(column > 0, `${id} has a 参与人数 column`);
    const cells = await table
      .locator(`tbody tr.ant-table-row > td:nth-child(${column})`)
      .allInnerTexts();
    assert.ok(cells.length > 0, `${id} has rows`);
    for (const cell of cells) assert.match(cell.trim(), /^[\d,]+$/, `${id}: ${cell}`);
  }
  await screenshot(page, 'dashboard-association-1366');
  await page.context().close();
});

test('event list drawer fits a wide screen', async () => {
  const page = await consolePage('bureau', { width: 1440, height: 900 });
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await waitForCharts(page);
  await screenshot(page, 'dashboard-city-1440');
  await page.getByTestId('figure-filed').getByRole('button').click();
  const drawer = page.locator('.ant-drawer');
  await drawer.getByText('全部填报赛事').waitFor();
  const table = drawer.getByTestId('dashboard-events');
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  // The drawer slides in from the right; measure once it has stopped at the window's edge.
  await page.waitForFunction(() => {
    const wrapper = document.querySelector('.ant-drawer-content-wrapper');
    return wrapper && Math.abs(wrapper.getBoundingClientRect().right - window.innerWidth) < 1;
  });
  // Every column, the last one included, is inside the window without scrolling.
  for (const name of ['报名', '签到', '签到率']) {
    const box = await table.getByRole('columnheader', { name, exact: true }).boundingBox();
    assert.ok(box, `${name} is shown`);
    assert.ok(box.x + box.width <= 1440, `${name} is on screen`);
  }
  const tag = await table.locator('tbody .ant-tag').first().boundingBox();
  const cell = await table.locator('tbody tr.ant-table-row td:nth-child(2)').first().boundingBox();
  assert.ok(tag.x + tag.width <= cell.x + cell.width, 'the stage tag fits its cell');
  await page.screenshot({ path: join(artifacts, 'dashboard-drill-1440.png') });
  await page.keyboard.press('Escape');

  for (const [division, name] of [
    ['310104', 'district'],
    ['310104014', 'street'],
  ]) {
    await page.goto(`${platform.baseUrl}/console/dashboard?division=${division}`);
    await waitForCharts(page);
    await screenshot(page, `dashboard-${name}-1440`);
  }
  await page.context().close();
});

test('event list drawer on a phone', async () => {
  const page = await consolePage('bureau', { width: 390, height: 844 });
  await page.goto(`${platform.baseUrl}/console/dashboard?division=310104014`);
  await waitForCharts(page);
  await screenshot(page, 'dashboard-street-390');
  await page.getByTestId('figure-filed').getByRole('button').click();
  const drawer = page.locator('.ant-drawer');
  await drawer.getByText('全部填报赛事').waitFor();
  const cards = drawer.getByTestId('dashboard-events').locator('.dashboard-event-card');
  await cards.first().waitFor();
  const street = await apiJson(page, `/api/dashboard?division=310104014&year=${YEAR}`);
  assert.equal(await cards.count(), street.body.events.filed);
  // Each card shows the entries, check-ins and rate inside the phone's width.
  const rate = await cards
    .first()
    .getByText(/^签到率 /)
    .boundingBox();
  assert.ok(rate, 'the rate is shown');
  assert.ok(rate.x + rate.width <= 390, 'the rate is on screen');
  await page.screenshot({ path: join(artifacts, 'dashboard-drill-390.png') });
  await page.context().close();
});

test('period pickers offer next year and reset bad links', async () => {
  const page = await consolePage('bureau');
  await page.goto(`${platform.baseUrl}/console/dashboard`);
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  const pickers = page.locator('.dashboard-toolbar .ant-select');
  assert.equal((await pickers.nth(0).innerText()).trim(), `${YEAR}年`, 'current year first');
  await page.getByLabel('年份').click();
  const options = await page
    .locator('.ant-select-dropdown .ant-select-item-option')
    .allInnerTexts();
  // Events are filed ahead, so next year is offered, marked, at the top of the list.
  assert.deepEqual(options, [
    `${YEAR + 1}年（明年）`,
    `${YEAR}年`,
    `${YEAR - 1}年`,
    `${YEAR - 2}年`,
  ]);
  await page
    .locator('.ant-select-dropdown')
    .getByText(`${YEAR + 1}年（明年）`)
    .click();
  await page.waitForURL(new RegExp(`year=${YEAR + 1}`));
  const next = await apiJson(page, `/api/dashboard?year=${YEAR + 1}`);
  assert.equal(next.status, 200);
  // The figure keeps this year's number until next year's figures arrive, so wait for them.
  await page.waitForFunction(
    (expected) =>
      document.querySelector('[data-testid="figure-filed"]')?.innerText.split('\n')[1]?.trim() ===
      expected,
    String(next.body.events.filed),
  );
  assert.match(
    await page.getByTestId('figure-filed').innerText(),
    new RegExp(String(next.body.events.filed)),
  );
  await page.screenshot({ path: join(artifacts, 'dashboard-next-year-1366.png'), fullPage: true });
  // Next year is accepted by the API, because events are filed ahead; the year after is not.
  const future = await apiJson(page, `/api/dashboard?year=${YEAR + 2}`);
  assert.equal(future.body.code, 'DSH_INVALID_PERIOD');
  const hex = await apiJson(page, '/api/dashboard?year=0x7EA');
  assert.equal(hex.body.code, 'VALIDATION_FAILED');

  // A link to next year opens it without a warning.
  await page.goto(`${platform.baseUrl}/console/dashboard?year=${YEAR + 1}`);
  await page.getByTestId('figure-filed').waitFor();
  assert.equal(await page.getByTestId('dashboard-period-problem').count(), 0);
  assert.equal((await pickers.nth(0).innerText()).trim(), `${YEAR + 1}年（明年）`);

  for (const [query, problem] of [
    ['year=1900', '年份超出范围'],
    [`year=${YEAR + 2}`, '年份超出范围'],
    [`year=${YEAR}&month=13`, '月份超出范围'],
    [`year=${YEAR}&quarter=5`, '季度超出范围'],
    ['year=abc', '年份无效'],
    ['year=0x7EA', '年份无效'],
    ['year=2.026e3', '年份无效'],
    [`year=${YEAR}&quarter=2&month=3`, '季度和月份只能选其一'],
  ]) {
    await page.goto(`${platform.baseUrl}/console/dashboard?${query}`);
    const alert = page.getByTestId('dashboard-period-problem');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, new RegExp(problem), query);
    assert.doesNotMatch(text, /year|month|quarter|数值/, query);
    await page.getByTestId('figure-filed').waitFor();
    assert.equal((await pickers.nth(0).innerText()).trim(), `${YEAR}年`, query);
    assert.equal((await pickers.nth(1).innerText()).trim(), '全年', query);
  }
  await page.screenshot({ path: join(artifacts, 'dashboard-bad-period.png') });

  // Full-width digits are digits.
  await page.goto(`${platform.baseUrl}/console/dashboard?year=${toFullWidth(String(YEAR - 1))}`);
  await page.getByTestId('figure-filed').waitFor();
  assert.equal(await page.getByTestId('dashboard-period-problem').count(), 0);
  assert.equal((await pickers.nth(0).innerText()).trim(), `${YEAR - 1}年`);

  // A malformed division is named in Chinese, and the page shows the account's own division.
  await page.goto(`${platform.baseUrl}/console/dashboard?division=abc`);
  const divisionAlert = page.getByTestId('dashboard-division-problem');
  await divisionAlert.waitFor();
  const divisionText = await divisionAlert.innerText();
  assert.match(divisionText, /行政区划/);
  assert.doesNotMatch(divisionText, /division|格式不正确（/);
  await page.getByRole('heading', { name: '数据看板 · 上海市' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'dashboard-bad-division.png') });

  // A single month draws bars, and its chart image names the area and the month.
  await page.goto(`${platform.baseUrl}/console/dashboard?division=310104&year=${YEAR}&month=11`);
  await waitForCharts(page);
  const imaging = page.waitForEvent('download');
  await page.getByRole('button', { name: '月度趋势（本年与去年） 导出图片' }).click();
  const image = await imaging;
  assert.equal(image.suggestedFilename(), `徐汇区-${YEAR}年11月-月度趋势.png`);
  await image.saveAs(join(artifacts, 'dashboard-month-trend.png'));
  await page.context().close();
});

test('quarter picker of reports is in Chinese', async () => {
  const page = await consolePage('bureau');
  await page.goto(`${platform.baseUrl}/console/reports`);
  await page.getByLabel('报表类型').click();
  await page.locator('.ant-select-dropdown').getByText('季报', { exact: true }).click();
  await page.getByLabel('统计期间').click();
  const cells = await page.locator('.ant-picker-dropdown .ant-picker-cell-inner').allInnerTexts();
  assert.deepEqual(cells, ['第1季度', '第2季度', '第3季度', '第4季度']);
  await page.locator('.ant-picker-dropdown').getByText('第4季度').click();
  assert.equal(await page.getByLabel('统计期间').inputValue(), `${YEAR}年第4季度`);
  await page.screenshot({ path: join(artifacts, 'reports-quarter-picker.png') });
  await page.context().close();
});

test('console event list marks held events as ended', async () => {
  const page = await consolePage('bureau');
  const response = await page.request.get(`${platform.baseUrl}/api/console/events?limit=20`);
  assert.equal(response.status(), 200);
  const items = (await response.json()).items;
  const heldEvent = items.find(
    (event) => event.state === 'published' && Date.parse(event.endsAt) < Date.now(),
  );
  const upcomingEvent = items.find(
    (event) => event.state === 'published' && Date.parse(event.endsAt) > Date.now(),
  );
  assert.ok(heldEvent, 'the first page of demo events has no held event');
  assert.ok(upcomingEvent, 'the first page of demo events has no upcoming event');

  await page.goto(`${platform.baseUrl}/console/events`);
  const heldState = page.locator(`tr[data-row-key="${heldEvent.id}"] [data-state="published"]`);
  assert.equal(await heldState.innerText(), '已结束');
  const upcomingState = page.locator(
    `tr[data-row-key="${upcomingEvent.id}"] [data-state="published"]`,
  );
  assert.equal(await upcomingState.innerText(), '已发布');
  await page.context().close();
});
