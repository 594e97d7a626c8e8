// Two-factor sign-in and preset street accounts in a real browser. The committee must enter a
// one-time code after the password. The operator passes its own code, generates the preset
// street accounts and downloads their workbook. A street signs in with a preset account and
// can do nothing before it replaces the initial password.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import ExcelJS from 'exceljs';

import { artifacts, freshTotpCode, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

async function newPage(width = 1366, height = 900) {
  const context = await platform.browser.newContext({
    viewport: { width, height },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/login`);
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('committee must enter a one-time code after the password', async () => {
  const page = await newPage();
  await page.getByLabel('账号').fill('committee');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  const codeField = page.getByLabel('动态验证码');
  await codeField.waitFor();
  await screenshot(page, 'totp-01-code-step');

  // The session waits for the code: the console sends it back to the sign-in page.
  await page.goto(`${platform.baseUrl}/console/reviews`);
  await page.waitForURL(/\/console\/login$/);
  await codeField.waitFor();

  await codeField.fill('000000');
  await page.getByRole('button', { name: /验\s*证/ }).click();
  await page.getByRole('alert').getByText('动态验证码错误或已过期').waitFor();

  await codeField.fill(await freshTotpCode());
  await page.getByRole('button', { name: /验\s*证/ }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  await page.getByRole('menuitem', { name: '审核队列' }).waitFor();
  await page.getByRole('button', { name: '账号安全' }).click();
  await page.getByText('该类账号必须使用两步验证').waitFor();
  assert.equal(await page.getByRole('button', { name: '关闭两步验证' }).count(), 0);
  await screenshot(page, 'totp-02-security');
  await page.context().close();
});

test('street signs in with a preset account and changes the password first', async () => {
  const operator = await newPage();
  await signInToConsole(operator, 'operator', PASSWORD);
  await operator.waitForURL(/\/console\/accounts$/);
  await operator.getByRole('button', { name: /生成街镇预置账号/ }).click();
  const downloading = operator.waitForEvent('download', { timeout: 120_000 });
  await operator.getByRole('button', { name: /生成并下载/ }).click();
  const download = await downloading;
  const file = join(artifacts, 'preset-street-accounts.xlsx');
  await download.saveAs(file);
  await operator.getByText(/已新建 \d+ 个街镇账号/).waitFor();
  await screenshot(operator, 'totp-03-accounts');

  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('街镇预置账号');
  assert.ok(sheet, 'the workbook has the preset sheet');
  assert.ok(sheet.rowCount > 200, `expected a row per street, got ${sheet.rowCount - 1}`);
  const username = sheet.getCell('E2').text;
  const password = sheet.getCell('F2').text;
  assert.match(username, /^SAGYWTB\d{3}$/);
  await operator.context().close();

  const street = await newPage(390, 844);
  await signInToConsole(street, username, password);
  await street.waitForURL(/\/console\/password$/);
  await street.getByText('首次登录请先修改初始密码').waitFor();
  await screenshot(street, 'totp-04-street-password');

  // Nothing else opens before the change.
  await street.goto(`${platform.baseUrl}/console/events`);
  await street.waitForURL(/\/console\/password$/);

  const newPassword = 'Street-Pass-2026';
  await street.getByLabel('当前密码').fill(password);
  await street.getByLabel('新密码', { exact: true }).fill(newPassword);
  await street.getByLabel('确认新密码').fill(newPassword);
  await street.getByRole('button', { name: /确认修改/ }).click();
  await street.waitForURL((url) => !url.pathname.endsWith('/password'));
  await street.goto(`${platform.baseUrl}/console/events`);
  await street.waitForURL(/\/console\/events$/);
  await street.getByRole('heading', { name: '我的赛事' }).waitFor();
  await street.context().close();
});
