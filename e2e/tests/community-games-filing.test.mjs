// A street clerk files community games on a phone with the short filing form. The draft saves
// itself once it has a name, a level and a section. A submit with a field left empty marks
// that field, and the filing goes to review once the field is filled in. The community sports
// association approves the games, and the clerk publishes them with the default form.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  artifacts,
  confirmInPopover,
  signInToConsole,
  startPlatform,
} from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const EVENT_NAME = `端到端测试 社区跳绳比赛 ${Date.now() % 100000}`;
const DAY = 24 * 3600_000;
const SHANGHAI_OFFSET = 8 * 3600_000;

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

async function choose(page, label, option) {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
}

/**
 * Picks a day and an hour in a date and time picker. Phones get a read-only input, so the
 * clerk uses the panel: the day cell, the hour and minute columns, then 确定.
 */
async function pickTime(page, label, daysAhead, hour) {
  const day = new Date(Date.now() + daysAhead * DAY + SHANGHAI_OFFSET).toISOString().slice(0, 10);
  await page.getByLabel(label, { exact: true }).click();
  const panel = page.locator('.ant-picker-dropdown:visible');
  const cell = panel.locator(`td[title="${day}"]`);
  // A day of the month before or after may be off the panel, as yesterday is on some 1sts.
  await panel.locator('table.ant-picker-content').waitFor();
  if ((await cell.count()) === 0) {
    const turn = daysAhead < 0 ? '.ant-picker-header-prev-btn' : '.ant-picker-header-next-btn';
    await panel.locator(turn).click();
  }
  await cell.click();
  const columns = panel.locator('.ant-picker-time-panel-column');
  await columns.nth(0).getByText(String(hour).padStart(2, '0'), { exact: true }).click();
  await columns.nth(1).getByText('00', { exact: true }).click();
  await panel.getByRole('button', { name: /确\s*定/ }).click();
  // The next picker's panel must not be confused with this one while it fades out.
  await panel.waitFor({ state: 'hidden' });
  return `${day} ${String(hour).padStart(2, '0')}:00`;
}

test('street clerk files community games on a phone', async () => {
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/login`);
  await signInToConsole(page, 'street.xujiahui', PASSWORD);
  await page.goto(`${platform.baseUrl}/console/events/new`);

  // A name and the street level, which leaves community games as the only section, are
  // enough for the draft to save itself and take its own address.
  const status = page.getByTestId('save-status');
  await status.getByText('填写赛事名称、级别和板块后自动保存草稿').waitFor();
  assert.equal(await page.title(), '赛事填报 - 城市业余联赛管理平台');
  await page.getByLabel('赛事名称').fill(EVENT_NAME);
  await choose(page, '赛事级别', '街镇级');
  const sectionItem = page.locator('.ant-form-item', { has: page.locator('#event_section') });
  await sectionItem.getByText('社区健康运动会', { exact: true }).waitFor();
  await status.getByText('已自动保存').waitFor();
  assert.match(await status.textContent(), /已自动保存 \d{2}:\d{2}:\d{2}/);
  await page.waitForURL(/\/console\/events\/[0-9a-f-]{36}\/edit$/);
  const eventId = page.url().split('/').at(-2);
  assert.equal(await page.getByLabel('赛事名称').inputValue(), EVENT_NAME);
  await screenshot(page, 'community-01-autosaved');

  // The short form: sport found by its pinyin initials, capacity, time, place and host. The
  // street is preset to the clerk's own, and the rules are left out for now.
  await page.getByLabel('运动项目', { exact: true }).click();
  await page.getByLabel('运动项目', { exact: true }).fill('ts');
  await page.locator('.ant-select-dropdown:visible').getByTitle('跳绳', { exact: true }).click();
  // A number out of range is reported, not clamped, and full-width digits are read as digits.
  const capacity = page.getByLabel('报名名额');
  const capacityItem = page.locator('.ant-form-item', { has: page.locator('#event_capacity') });
  await capacity.fill('999999999999');
  await capacity.blur();
  await capacityItem.getByText('报名名额须为 1 至 1000000 人之间的整数').waitFor();
  assert.equal(await capacity.inputValue(), '999999999999');
  await capacity.fill('６０');
  await capacity.blur();
  await capacityItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
  assert.equal(await capacity.inputValue(), '60');

  // A start in the past is reported on the field instead of being cleared.
  const startItem = page.locator('.ant-form-item', { has: page.locator('#event_startsAt') });
  await pickTime(page, '开始时间', -1, 9);
  await startItem.getByText('开始时间须晚于当前时间').waitFor();
  const startsAt = await pickTime(page, '开始时间', 3, 9);
  await startItem.locator('.ant-form-item-explain-error').waitFor({ state: 'detached' });
  await pickTime(page, '结束时间', 3, 11);
  assert.equal(await page.getByLabel('所在街镇', { exact: true }).isVisible(), true);
  // Emoji are rejected in a place name.
  const venueItem = page.locator('.ant-form-item', { has: page.locator('#event_venue') });
  await page.getByLabel('场地', { exact: true }).fill('社区文化活动中心😀');
  await venueItem.getByText('不能包含表情符号，请使用文字').waitFor();
  await screenshot(page, 'community-01b-invalid-input');
  await page.getByLabel('场地', { exact: true }).fill('徐家汇街道 社区文化活动中心');
  await page.getByLabel('主办单位').fill('徐家汇街道办事处');
  await status.getByText('已自动保存').waitFor();

  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'the form scrolls sideways on a phone');

  // Submitting without rules marks the field and lists it in the summary.
  await page.getByRole('button', { name: '提交审核' }).click();
  const summary = page.getByTestId('missing-fields');
  await summary.getByText('还有 1 项必填信息未填写，请补全后再提交').waitFor();
  await summary.getByRole('button', { name: '竞赛规程' }).waitFor();
  const rulesItem = page.locator('.ant-form-item', { has: page.locator('#event_rules') });
  await rulesItem.getByText('请填写竞赛规程').waitFor();
  // Let the scroll to the marked field finish before the screenshot.
  await page.waitForTimeout(500);
  assert.match(await rulesItem.getAttribute('class'), /ant-form-item-has-error/);
  await screenshot(page, 'community-02-missing-rules');

  // Filling the rules clears the mark and the summary; the submit then goes to review.
  await page.getByLabel('竞赛规程').fill('个人赛，分成人组和少儿组，每组前三名颁发奖牌。');
  await summary.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '提交审核' }).click();
  await page.waitForURL(new RegExp(`/console/events/${eventId}$`));
  await page.locator('.ant-descriptions').getByText('待审核', { exact: true }).waitFor();
  await screenshot(page, 'community-03-submitted');

  // The registration window was filled in for the clerk: it opened at filing and closes when
  // the games start.
  const response = await page.request.get(`${platform.baseUrl}/api/console/events/${eventId}`);
  assert.equal(response.status(), 200);
  const event = await response.json();
  assert.equal(event.state, 'submitted');
  assert.equal(event.form, 'short');
  assert.equal(event.sport, 'rope_skipping');
  assert.equal(event.divisionCode, '310104014');
  assert.equal(event.registrationClosesAt, event.startsAt);
  const startsAtShanghai = new Date(Date.parse(event.startsAt) + SHANGHAI_OFFSET);
  assert.equal(startsAtShanghai.toISOString().slice(0, 16).replace('T', ' '), startsAt);
  assert.ok(Date.parse(event.registrationOpensAt) <= Date.now());

  // The community sports association reviews community games: it approves them.
  const reviewer = await platform.browser.newContext({ viewport: { width: 1366, height: 900 } });
  const association = await reviewer.newPage();
  await association.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(association, 'association', PASSWORD);
  await association.goto(`${platform.baseUrl}/console/reviews`);
  const queued = association.getByRole('row').filter({ hasText: EVENT_NAME });
  await queued.getByRole('link', { name: EVENT_NAME }).click();
  // The queue's rows have their own 通过 buttons, so the detail page must be showing first.
  await association.waitForURL(new RegExp(`/console/events/${eventId}$`));
  await association.locator('.ant-descriptions').getByText('待审核', { exact: true }).waitFor();
  await confirmInPopover(
    association,
    association.getByRole('button', { name: /^通\s*过$/ }),
    '确认通过',
    association.getByText(`已通过「${EVENT_NAME}」`),
  );
  await reviewer.close();

  // Back on the phone, the clerk publishes the games with the default registration form.
  await page.reload();
  await confirmInPopover(
    page,
    page.getByRole('button', { name: '使用默认报名表发布' }),
    '确认发布',
    page.getByTestId('event-details').getByText('已发布', { exact: true }),
  );
  await screenshot(page, 'community-04-published');
  const published = await page.request.get(`${platform.baseUrl}/api/events/${eventId}`);
  assert.equal(published.status(), 200);
  assert.equal((await published.json()).registrationStatus, 'open');
  await context.close();
});
