// A citizen signs in to the app on a phone with an SMS code that the development provider
// recorded, fills in the profile with an ID number, stays signed in across a reload and signs
// out again.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, startPlatform, waitForSmsCode } from '../support/platform.mjs';

const PHONE = '13800138300';
// A fake ID number born 1990-03-07, male, with its MOD 11-2 check character.
const ID_NUMBER = '31010419900307123X';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

test('citizen signs in by SMS, saves the profile and signs out', async () => {
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();

  await page.goto(`${platform.baseUrl}/me`);
  await page.waitForURL(/\/login\?next=%2Fme|\/login\?next=\/me/);
  await page.getByPlaceholder('请输入11位手机号码').fill(PHONE);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();
  const code = await waitForSmsCode(page, platform.baseUrl, PHONE);

  await page.getByPlaceholder('6位数字').fill(code);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/\/me$/);
  await page.getByText('手机号 138****8300').waitFor();

  await page.getByPlaceholder('请输入真实姓名').fill('测试用户');
  await page.getByPlaceholder('填写后可自动计算性别和出生日期').fill(ID_NUMBER.toLowerCase());
  await page.getByText('男 · 1990-03-07').waitFor();
  await page.getByText('我同意平台加密保存').click();
  await page.getByRole('button', { name: '保存资料' }).click();
  await page.getByText('3101**********123X').waitFor();
  await page.screenshot({ path: join(artifacts, 'citizen-profile.png'), fullPage: true });

  await page.reload();
  await page.getByText('3101**********123X').waitFor();
  const body = await page.locator('body').innerText();
  assert.ok(!body.includes(ID_NUMBER), 'the page shows the ID number unmasked');
  assert.ok(!body.includes(PHONE), 'the page shows the mobile number unmasked');

  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('button', { name: '退出', exact: true }).click();
  await page.waitForURL(/\/login/);
  await context.close();
});
