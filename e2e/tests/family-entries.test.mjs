// A signed-in citizen enters a family member with another mobile number on the full form. The
// entry stays in the account: 我的报名 lists it as 为他人报名 with the entrant's masked name and
// number, after the device's copy is gone, and the citizen cancels it there.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { phoneContext, signInBySms } from '../support/citizen.mjs';
import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const SUBMITTER_PHONE = '13800138601';
const FAMILY = { name: '测试家属', phone: '13800138602' };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

test('entry for a family member stays in the account', async () => {
  const { eventId, street } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区家庭羽毛球赛',
      sport: 'badminton',
      venue: '徐家汇社区活动中心',
      capacity: 10,
      rules: '单打淘汰赛。',
    },
    [{ name: '亲子组', capacity: 5, waitingList: 'off' }],
  );

  const context = await phoneContext(platform);
  const page = await context.newPage();
  await signInBySms(platform, page, SUBMITTER_PHONE);
  await page.goto(`${platform.baseUrl}/events/${eventId}/register`);
  const name = page.getByPlaceholder('请输入真实姓名');
  const phone = page.getByPlaceholder('请输入11位手机号码');
  await phone.waitFor();
  await name.fill(FAMILY.name);
  await phone.fill(FAMILY.phone);
  await page
    .getByText(/^我已阅读并同意/)
    .first()
    .click();
  await page.getByRole('button', { name: /^提交/ }).click();
  await page.waitForURL(/\/tickets\//);

  // Only the account keeps the entry once the device's copy is gone.
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${platform.baseUrl}/tickets`);
  const row = page.locator('.ticket-list > li').filter({ hasText: '家庭羽毛球' });
  await row.getByText('已报名').waitFor();
  await row.getByText(/为他人报名/).waitFor();
  await row.getByText(/138\*{4}8602/).waitFor();
  assert.equal(await row.getByText(FAMILY.name).count(), 0, '我的报名 shows the full name');
  assert.equal(await row.getByText(FAMILY.phone).count(), 0, '我的报名 shows the full number');
  await page.screenshot({
    path: join(artifacts, 'family-entry-my-entries-390.png'),
    fullPage: true,
  });

  await row.getByRole('button', { name: '取消报名' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '取消报名' }).click();
  // The cancelled entry moves to its own tab.
  await page.getByRole('tab', { name: '已取消（1）' }).click();
  await row.getByText('已取消').waitFor();
  await page.screenshot({
    path: join(artifacts, 'family-entry-cancelled-390.png'),
    fullPage: true,
  });

  await context.close();
  await street.close();
});
