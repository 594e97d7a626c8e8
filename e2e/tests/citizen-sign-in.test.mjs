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

  // The date picker stops at today, and a future date typed anyway gets the server's field
  // error on the birth date field itself, which the form alert's 标红 then points at.
  const birthDate = page.getByLabel('出生日期', { exact: true });
  const today = await birthDate.getAttribute('max');
  assert.match(today ?? '', /^\d{4}-\d{2}-\d{2}$/);
  await page.getByPlaceholder('请输入真实姓名').fill('测试用户');
  await birthDate.fill('2099-01-01');
  await page.getByRole('button', { name: '保存资料' }).click();
  const birthDateItem = page.locator('.adm-form-item').filter({ has: birthDate });
  await birthDateItem.getByText('须为 120 年内且不晚于今天的日期').waitFor();
  await page.screenshot({
    path: join(artifacts, 'citizen-profile-birth-date.png'),
    fullPage: true,
  });

  // A valid date clears the stale error, and the big save button also keeps the favourite
  // sport and district chosen above it.
  await birthDate.fill('1950-06-15');
  await page.locator('.sport-selector').getByText('篮球', { exact: true }).click();
  await page.locator('.preferences').getByText('徐汇区', { exact: true }).click();
  await page.getByRole('button', { name: '保存资料' }).click();
  await page.getByText('已保存').waitFor();
  assert.equal(
    await birthDateItem.locator('.adm-form-item-feedback-error').count(),
    0,
    'the birth date error stays after a successful save',
  );
  await page.screenshot({ path: join(artifacts, 'citizen-profile-saved.png'), fullPage: true });
  await page.reload();
  await page
    .locator('.sport-selector [aria-selected="true"]')
    .getByText('篮球', { exact: true })
    .waitFor();
  await page
    .locator('.preferences [aria-selected="true"]')
    .getByText('徐汇区', { exact: true })
    .waitFor();
  await birthDate.fill('');

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

test('resend wait holds across a reload', async () => {
  const phone = '13800138301';
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/login`);
  await page.getByPlaceholder('请输入11位手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();

  // A reload resets the page's countdown, but the server still makes the number wait.
  await page.reload();
  await page.getByPlaceholder('请输入11位手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  const alert = page.getByRole('alert').filter({ hasText: '验证码已发送' });
  await alert.waitFor();
  const seconds = Number(/请 (\d+) 秒后再获取/.exec(await alert.innerText())?.[1]);
  assert.ok(seconds >= 1, `waits ${seconds} seconds`);
  assert.ok(seconds <= 60, `waits ${seconds} seconds`);
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();
  const sms = await page.request.get(`${platform.baseUrl}/api/dev/sms?phone=${phone}`);
  const codes = (await sms.json()).items.filter((item) => /验证码为/.test(item.text));
  assert.ok(codes.length <= 1, `sent ${codes.length} codes`);
  await page.screenshot({ path: join(artifacts, 'citizen-sms-resend-wait.png') });
  await context.close();
});

test('burnt code asks for a new one', async () => {
  const phone = '13800138302';
  const context = await platform.browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/login`);
  await page.getByPlaceholder('请输入11位手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  const code = await waitForSmsCode(page, platform.baseUrl, phone);
  const wrong = code === '000000' ? '000001' : '000000';
  for (let i = 0; i < 5; i += 1) {
    const response = await page.request.post(`${platform.baseUrl}/api/citizen/session`, {
      data: { phone, code: wrong },
    });
    assert.equal(response.status(), 401);
  }

  await page.getByPlaceholder('6位数字').fill(code);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByText('验证码已失效，请重新获取').waitFor();
  await page.screenshot({ path: join(artifacts, 'citizen-sms-code-burnt.png') });
  await context.close();
});
