// Console form checks at 1440 and 390 px: number fields, the alert rules' included, report a
// value out of range instead of clamping it, the registration deadline's picker disables exactly
// the days the filing check rejects, and formal names with emoji are reported on their field.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, DEMO_PASSWORD, signInToConsole, startPlatform } from '../support/platform.mjs';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const VIEWPORTS = { 1440: { width: 1440, height: 900 }, 390: { width: 390, height: 844 } };
const EMOJI_MESSAGE = '不能包含表情符号，请使用文字';

let platform;
// A published event with one entry, and a draft. Both opened registration three days ago.
let published;
let draft;

after(async () => {
  await platform?.stop();
});

/** Sends a JSON request as the user signed in on `page`; fails on an error status. */
async function call(page, method, path, body) {
  const response = await page.request.fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { origin: platform.baseUrl },
    ...(body ? { data: body } : {}),
  });
  const text = await response.text();
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Files a Xuhui brand event as the district bureau; registration opened three days ago. */
function fileEvent(page, name) {
  const now = Date.now();
  return call(page, 'POST', '/api/console/events', {
    name,
    sport: 'basketball_3x3',
    level: 'district',
    section: 'brand_event',
    divisionCode: '310104',
    venue: '徐汇区 测试体育馆',
    startsAt: new Date(now + 3 * DAY).toISOString(),
    endsAt: new Date(now + 3 * DAY + 4 * HOUR).toISOString(),
    capacity: 20,
    registrationOpensAt: new Date(now - 3 * DAY).toISOString(),
    registrationClosesAt: new Date(now + 2 * DAY).toISOString(),
    address: '上海市徐汇区测试路 1 号',
    host: '测试主办单位',
    organiser: '测试承办单位',
    coOrganisers: ['测试协办单位'],
    expectedParticipants: 10,
    feeCents: 0,
    rules: '测试竞赛规程',
    safetyPlan: '测试安全预案',
    medicalCover: '测试医疗保障',
    insurance: '测试保险',
    contactName: '测试联系人',
    contactPhone: '021-64000000',
  });
}

/** Returns the Shanghai date of an instant, as the picker's cells name it. */
function shanghaiDay(instant) {
  return new Date(instant + 8 * HOUR).toISOString().slice(0, 10);
}

/** Tells whether the open picker panel shows the day as disabled, turning months as needed. */
async function isDayDisabled(panel, day) {
  const cell = panel.locator(`td[title="${day}"]`);
  for (let turns = 0; turns < 2 && (await cell.count()) === 0; turns++) {
    const shown = await panel.locator('td.ant-picker-cell-in-view').first().getAttribute('title');
    const turn = day < shown ? '.ant-picker-header-prev-btn' : '.ant-picker-header-next-btn';
    await panel.locator(turn).click();
  }
  const classes = await cell.first().getAttribute('class');
  return classes.includes('ant-picker-cell-disabled');
}

async function newConsolePage(viewport, username) {
  const context = await platform.browser.newContext({
    viewport,
    ...(viewport.width < 600 ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, DEMO_PASSWORD);
  return page;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
  const setup = await newConsolePage(VIEWPORTS[1440], 'xuhui.bureau');
  published = await fileEvent(setup, `数值校验测试 ${Date.now() % 100000}`);
  await call(setup, 'POST', `/api/console/events/${published.id}/submit`);
  await call(setup, 'POST', `/api/console/events/${published.id}/publish`);
  await call(setup, 'POST', `/api/events/${published.id}/registrations`, {
    name: '周一鸣',
    phone: '13900440001',
  });
  draft = await fileEvent(setup, `截止时间测试 ${Date.now() % 100000}`);
  await setup.context().close();
});

test('change dialog reports numbers out of range', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'xuhui.bureau');
    await page.goto(`${platform.baseUrl}/console/events/${published.id}`);
    await page.getByRole('button', { name: '申请变更' }).click();
    const dialog = page.getByRole('dialog');
    const capacity = dialog.getByLabel('报名名额');
    await capacity.fill('0');
    await capacity.blur();
    await dialog.getByText('报名名额须为 1 至 1000000 人之间的整数').waitFor();
    assert.equal(await capacity.inputValue(), '0');

    const fee = dialog.getByLabel('报名费');
    await fee.fill('-5');
    await fee.blur();
    await dialog.getByText('报名费须为 0 至 100000 元之间的数（最多 2 位小数）').waitFor();
    assert.equal(await fee.inputValue(), '-5');
    // The dialog fades in; a shot taken meanwhile shows it half transparent.
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, `change-numbers-${size}.png`) });

    // Full-width digits are read as digits.
    await fee.fill('１２.５');
    await fee.blur();
    await dialog.getByText('报名费须为').waitFor({ state: 'detached' });
    assert.equal(await fee.inputValue(), '12.5');
    await page.context().close();
  }
});

test('result dialog reports a rank out of range', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'xuhui.bureau');
    await page.goto(`${platform.baseUrl}/console/events/${published.id}/results`);
    await page.getByRole('button', { name: '录入', exact: true }).click();
    const dialog = page.getByRole('dialog');
    const rank = dialog.getByLabel('名次');
    await rank.fill('999999');
    await rank.blur();
    await dialog.getByText('名次须为 1 至 100000 之间的整数').waitFor();
    assert.equal(await rank.inputValue(), '999999');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, `result-rank-${size}.png`) });
    await page.context().close();
  }
});

test('form editor reports an age out of range', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'xuhui.bureau');
    await page.goto(`${platform.baseUrl}/console/events/${draft.id}/form`);
    await page.getByText('暂无自定义字段').waitFor();
    await page.getByRole('button', { name: /添加字段/ }).click();
    const field = page.getByTestId('form-field-0');
    await field.getByLabel('字段名称').fill('是否有运动经历');
    await field.getByLabel('显示条件', { exact: true }).click();
    await page
      .locator('.ant-select-dropdown:visible')
      .getByTitle('按报名人比赛当天年龄显示', { exact: true })
      .click();
    const maxAge = field.getByLabel('最大年龄');
    await maxAge.fill('200');
    await maxAge.blur();
    await field.getByText('最大年龄须为 0 至 150 周岁之间的整数').waitFor();
    assert.equal(await maxAge.inputValue(), '200');

    // The form is not sent while the age is invalid.
    await page.getByRole('button', { name: '保存报名表单' }).click();
    await page.getByText('报名表单设置有误，请修改标红的项目').waitFor();
    const stored = await call(page, 'GET', `/api/console/events/${draft.id}/registration-form`);
    assert.deepEqual(stored.form.fields, []);
    await page.screenshot({ path: join(artifacts, `form-age-${size}.png`), fullPage: true });
    await page.context().close();
  }
});

test('deadline picker disables rejected days only', async () => {
  const startsAt = Date.parse(draft.startsAt);
  const opensAt = Date.parse(draft.registrationOpensAt);
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'xuhui.bureau');
    await page.goto(`${platform.baseUrl}/console/events/${draft.id}/edit`);
    await page.getByLabel('报名截止时间', { exact: true }).click();
    const panel = page.locator('.ant-picker-dropdown:visible');
    await panel.locator('table.ant-picker-content').waitFor();
    // A past day, the start's day and the opening's day are open.
    assert.equal(await isDayDisabled(panel, shanghaiDay(Date.now() - DAY)), false);
    assert.equal(await isDayDisabled(panel, shanghaiDay(startsAt)), false);
    assert.equal(await isDayDisabled(panel, shanghaiDay(opensAt)), false);
    await page.screenshot({ path: join(artifacts, `deadline-picker-${size}.png`) });
    // The day after the start's day and the day before the opening's day are disabled.
    assert.equal(await isDayDisabled(panel, shanghaiDay(startsAt + DAY)), true);
    assert.equal(await isDayDisabled(panel, shanghaiDay(opensAt - DAY)), true);
    await page.context().close();
  }
});

test('operator forms reject emoji in names', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'operator');

    await page.goto(`${platform.baseUrl}/console/partners`);
    await page.getByRole('button', { name: '新增合作平台' }).click();
    const partnerDialog = page.getByRole('dialog');
    await partnerDialog.getByLabel('平台名称').fill('赛事报名平台😀');
    const partnerName = partnerDialog.locator('.ant-form-item', {
      has: page.getByLabel('平台名称'),
    });
    await partnerName.getByText(EMOJI_MESSAGE).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, `partner-name-emoji-${size}.png`) });
    await partnerDialog.getByRole('button', { name: /取\s*消/ }).click();

    await page.goto(`${platform.baseUrl}/console/accounts`);
    await page.getByRole('button', { name: /新建账号/ }).click();
    const accountDialog = page.getByRole('dialog');
    await accountDialog.getByLabel('单位名称').fill('测试赛事运营有限公司🏀');
    const organisation = accountDialog.locator('.ant-form-item', {
      has: page.getByLabel('单位名称'),
    });
    await organisation.getByText(EMOJI_MESSAGE).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(artifacts, `account-organisation-emoji-${size}.png`) });
    await page.context().close();
  }
});

test('filing with an emoji name says what to correct', async () => {
  const page = await newConsolePage(VIEWPORTS[1440], 'street.xujiahui');
  await page.goto(`${platform.baseUrl}/console/events/new`);
  await page.getByLabel('赛事名称').fill('社区跳绳赛😀');
  await page.getByLabel('赛事级别', { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle('街镇级', { exact: true }).click();
  const name = page.locator('.ant-form-item', { has: page.getByLabel('赛事名称') });
  await name.getByText(EMOJI_MESSAGE).waitFor();

  // Name, level and section are filled, so the toast names the red field, not missing ones.
  await page.getByRole('button', { name: '提交审核' }).click();
  await page.locator('.ant-message').getByText('赛事尚未保存，请先改正标红的项目').waitFor();
  assert.equal(await page.getByText('请先填写赛事名称、级别和板块').count(), 0);
  await page.context().close();
});

test('alert rules keep wrong numbers and say why', async () => {
  const rateMessage = '签到率阈值须为 1 至 100 %之间的整数';
  const cases = [
    ['签到率阈值', '-5', rateMessage],
    ['签到率阈值', '150', rateMessage],
    ['签到率阈值', '99999999999', rateMessage],
    ['签到率阈值', '三十', rateMessage],
    ['签到率阈值', '😀', rateMessage],
    ['签到率阈值', '', '请填写签到率阈值'],
    ['最少报名数', '10.5', '最少报名数须为 1 至 100000 人之间的整数'],
  ];
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await newConsolePage(viewport, 'operator');
    await page.goto(`${platform.baseUrl}/console/alert-rules`);
    const rule = page.locator('[data-rule="low_check_in_rate"]');
    const before = await call(page, 'GET', '/api/operator/alert-rules');
    for (const [label, typed, expected] of cases) {
      const input = rule.getByLabel(label);
      const item = rule.locator('.ant-form-item', { has: page.getByLabel(label) });
      await input.fill(typed);
      await input.blur();
      await item.getByText(expected, { exact: true }).waitFor();
      assert.equal(await input.inputValue(), typed, `${label} ${typed}`);
      await rule.getByRole('button', { name: /保\s*存/ }).click();
      await page.waitForTimeout(300);
      assert.equal(await page.getByText('已保存：签到率过低').count(), 0, `${label} ${typed}`);
      assert.equal(await input.inputValue(), typed, `${label} ${typed} after saving`);
      if (typed === '😀') {
        await page.screenshot({ path: join(artifacts, `alert-rule-emoji-${size}.png`) });
      }
      await input.fill(label === '签到率阈值' ? '30' : '10');
    }
    const after = await call(page, 'GET', '/api/operator/alert-rules');
    assert.deepEqual(after, before);

    // A whole number in range is saved as typed, full-width digits included.
    await rule.getByLabel('签到率阈值').fill('２５');
    await rule.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存：签到率过低').waitFor();
    const saved = await call(page, 'GET', '/api/operator/alert-rules');
    const rate = saved.items
      .find((item) => item.code === 'low_check_in_rate')
      .parameters.find((parameter) => parameter.key === 'ratePercent');
    assert.equal(rate.value, 25);
    await call(page, 'PUT', '/api/operator/alert-rules/low_check_in_rate', {
      enabled: true,
      parameters: { ratePercent: 30, minRegistrations: 10, lookbackDays: 14 },
    });
    await page.context().close();
  }
});
