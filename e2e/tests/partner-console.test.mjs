// The operator's partner pages in a real browser. The operator finds a street's published
// event by typing part of its name or its pinyin, lets a partner host its registration, and
// redelivers a failed webhook from the delivery log on a phone-sized screen without scrolling
// sideways.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { creditCodeCheckCharacter } from '@cityleague/domain';

import {
  artifacts,
  consoleCall,
  DEMO_PASSWORD,
  freePort,
  publishStreetEvent,
  signInToConsole,
  startPlatform,
} from '../support/platform.mjs';

const VIEWPORTS = {
  wide: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
};
const CREDIT_CODE_BODY = '91310000MA1P7E2E0';
const EVENT_NAME = '徐家汇街道社区趣味接力赛';

let platform;
let partnerId;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
  const { baseUrl, browser } = platform;

  const operatorContext = await browser.newContext({ viewport: VIEWPORTS.wide });
  const operatorPage = await operatorContext.newPage();
  await operatorPage.goto(`${baseUrl}/console/`);
  await signInToConsole(operatorPage, 'operator', DEMO_PASSWORD);
  const created = await consoleCall(
    operatorPage,
    baseUrl,
    'POST',
    '/api/operator/partners',
    {
      name: '示例赛事报名平台',
      creditCode: CREDIT_CODE_BODY + creditCodeCheckCharacter(CREDIT_CODE_BODY),
      contactName: '测试联系人',
      contactPhone: '13800138000',
      scopes: ['events:read', 'registrations:read', 'registrations:write'],
      rateLimitPerMinute: 60,
    },
    201,
  );
  partnerId = created.partner.id;
  // Nothing listens on this loopback port, so every delivery fails and stays in the log.
  const closedPort = await freePort();
  await consoleCall(
    operatorPage,
    baseUrl,
    'POST',
    `/api/operator/partners/${partnerId}/webhooks`,
    { url: `http://127.0.0.1:${closedPort}/hooks`, actions: ['event.changed'] },
    201,
  );
  await operatorContext.close();

  // Publishing the event sends event.changed to every partner with events:read.
  const { street } = await publishStreetEvent(
    browser,
    baseUrl,
    {
      name: EVENT_NAME,
      sport: 'running',
      venue: '徐家汇公园',
      capacity: 20,
      rules: '每队 4 人，接力跑 4 × 100 米。',
    },
    [{ name: '家庭组', capacity: 20 }],
  );
  await street.close();
});

after(async () => {
  await platform?.stop();
});

async function partnerPage(viewport) {
  const context = await platform.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, 'operator', DEMO_PASSWORD);
  await page.goto(`${platform.baseUrl}/console/partners/${partnerId}`);
  return page;
}

async function screenshot(page, name) {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('the operator picks a hosted event by name', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const page = await partnerPage(viewport);
    await page.getByRole('tab', { name: '代收报名赛事' }).click();
    const picker = page.getByRole('combobox', { name: '选择赛事' });
    await picker.click();
    const option = page.locator('.ant-select-item-option').filter({ hasText: EVENT_NAME });
    // Full pinyin and pinyin initials find the event as the public search does. An unknown
    // name between two searches clears the list, so each option comes from its own search.
    for (const typed of ['quwei jieli', 'qwjl', '趣味接力']) {
      await picker.fill('没有这个名字');
      await page.getByText('没有符合搜索的已通过或已发布赛事').waitFor();
      await picker.fill(typed);
      await option.waitFor();
    }
    assert.match(await option.innerText(), /徐家汇街道/);
    await screenshot(page, `partner-hosting-search-${size}`);

    if (size === 'wide') {
      await option.click();
      await page.getByRole('button', { name: '允许代收' }).click();
      await page.getByText('已允许代收报名').waitFor();
      await page.getByRole('cell', { name: EVENT_NAME }).waitFor();
      // An event already hosted is shown but cannot be picked again.
      await picker.click();
      await picker.fill('趣味接力');
      await option.getByText('已代收').waitFor();
      assert.equal(await option.getAttribute('aria-disabled'), 'true');
    }
    await page.getByText('合作平台可为本机构的赛事报送报名').click();
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await screenshot(page, `partner-hosting-${size}`);
    await page.context().close();
  }
});

test('the delivery log fits a phone and redelivers', async () => {
  const page = await partnerPage(VIEWPORTS.phone);
  // The worker tries every 5 seconds; wait for the first failed attempt, then show it.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { items } = await consoleCall(
      page,
      platform.baseUrl,
      'GET',
      `/api/operator/partners/${partnerId}/webhook-deliveries`,
      undefined,
      200,
    );
    if (items.some((delivery) => delivery.attempts > 0)) break;
    assert.ok(Date.now() < deadline, 'no delivery attempt within 60 s');
    await page.waitForTimeout(1000);
  }
  await page.reload();
  const card = page.getByTestId('delivery-card').first();
  await card.getByText('待重试').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= VIEWPORTS.phone.width, `page is ${width} px wide`);
  const button = card.getByRole('button', { name: '重新推送' });
  const box = await button.boundingBox();
  assert.ok(box, 'redeliver button is not rendered');
  assert.ok(box.x + box.width <= VIEWPORTS.phone.width, 'redeliver button is off screen');

  await card.getByRole('button', { name: /查看投递记录/ }).click();
  await card.getByText('连接失败').first().waitFor();
  await screenshot(page, 'partner-deliveries-390');

  await button.click();
  await page.locator('.ant-popover:visible').getByRole('button', { name: '推送' }).click();
  await page.getByText('已重新排队推送').waitFor();
  await page.context().close();

  const wide = await partnerPage(VIEWPORTS.wide);
  await wide.getByRole('button', { name: '重新推送' }).first().waitFor();
  await screenshot(wide, 'partner-deliveries-1440');
  await wide.context().close();
});

test('the key table and overlap field work on a phone', async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const context = await platform.browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${platform.baseUrl}/console/`);
    await signInToConsole(page, 'operator', DEMO_PASSWORD);
    await page.goto(`${platform.baseUrl}/console/partners`);
    assert.equal(await page.title(), '合作平台 - 城市业余联赛管理平台');
    await page.getByRole('cell', { name: '示例赛事报名平台' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByRole('columnheader', { name: '密钥 ID' }).waitFor();
    const revoke = drawer.getByRole('button', { name: '停用' }).first();
    // Let the drawer finish sliding in before its layout is measured.
    await page.waitForTimeout(800);
    const box = await revoke.boundingBox();
    assert.ok(box, 'revoke button is not rendered');
    assert.ok(box.x + box.width <= viewport.width, `revoke button is off screen at ${size}`);
    const overflow = await drawer
      .locator('.ant-drawer-body')
      .evaluate((body) => body.scrollWidth - body.clientWidth);
    assert.equal(overflow, 0, `the drawer scrolls sideways at ${size}`);

    // The overlap is reported when out of range or empty, never clamped, and full-width
    // digits are read as digits.
    const overlap = drawer.getByLabel('旧密钥过渡期');
    const overlapItem = drawer.locator('.ant-form-item', { has: page.locator('#overlapHours') });
    await overlap.fill('99999');
    await overlap.blur();
    await overlapItem.getByText('旧密钥过渡期须为 0 至 168 小时之间的整数').waitFor();
    assert.equal(await overlap.inputValue(), '99999');
    await overlap.fill('');
    await overlap.blur();
    await overlapItem.getByText('请填写旧密钥过渡期').waitFor();
    await overlap.fill('１２');
    await overlap.blur();
    await overlapItem.getByText('请填写旧密钥过渡期').waitFor({ state: 'detached' });
    await overlapItem.getByText(/须为 0 至 168 小时/).waitFor({ state: 'detached' });
    assert.equal(await overlap.inputValue(), '12');
    await page.waitForTimeout(300);
    await screenshot(page, `partner-keys-${size}`);
    await context.close();
  }
});
