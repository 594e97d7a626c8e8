// Reports and anomaly alerts in a real browser. A district bureau generates a monthly report,
// watches its progress reach done and downloads the workbook and the PDF. The operator lowers
// the threshold of the sign-in failure rule (after the page rejects 0x10, 1e2 and 1,0), three
// sign-ins fail, the operator runs the rules, acknowledges and resolves the alert that they
// raise, and runs the rules again without a new alert.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  artifacts,
  clickUntilDone,
  signInToConsole,
  startPlatform,
  waitForSmsCode,
} from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const VIEWPORTS = {
  wide: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
};

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { REPORT_POLL_SECONDS: '1' } });
});

after(async () => {
  await platform?.stop();
});

async function consolePage(username, viewport = VIEWPORTS.wide) {
  const context = await platform.browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, PASSWORD);
  return page;
}

async function screenshot(page, name) {
  // A list or table that is refetching is dimmed under a spinner; wait until it settles.
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('a district bureau generates and downloads a monthly report', async () => {
  const page = await consolePage('xuhui.bureau');
  await page.getByRole('menuitem', { name: '统计报表' }).click();
  await page.waitForURL(/\/console\/reports$/);
  // The form explains why next month and next year are greyed out in the period picker.
  await page
    .getByTestId('report-period-hint')
    .getByText(/尚未开始的期间.*不能生成报表/)
    .waitFor();
  await page.getByRole('button', { name: '生成报表' }).click();

  const row = page.locator('[data-report-id]').first();
  await row.getByText('已完成').waitFor({ timeout: 60_000 });
  const title = await row.locator('td').first().innerText();
  assert.match(title, /^徐汇区\d{4}年\d{1,2}月月报$/);
  await screenshot(page, 'reports-archive-1366');

  const [workbook] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: /Excel/ }).click(),
  ]);
  assert.match(workbook.suggestedFilename(), /^徐汇区.*月报\.xlsx$/);
  const xlsx = readFileSync(await workbook.path());
  assert.equal(xlsx.subarray(0, 2).toString('latin1'), 'PK');

  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: /PDF/ }).click(),
  ]);
  const pdfBytes = readFileSync(await pdf.path());
  assert.equal(pdfBytes.subarray(0, 5).toString('latin1'), '%PDF-');

  const phone = await consolePage('xuhui.bureau', VIEWPORTS.phone);
  await phone.goto(`${platform.baseUrl}/console/reports`);
  await phone.locator('[data-report-id]').first().getByText('已完成').waitFor();
  await screenshot(phone, 'reports-archive-390');
  await phone.context().close();
  await page.context().close();
});

test('the operator acknowledges and resolves an alert', async () => {
  const operator = await consolePage('operator');
  await operator.getByRole('menuitem', { name: '预警规则' }).click();
  const rule = operator.locator('[data-rule="sign_in_failures_by_ip"]');
  const failures = rule.getByLabel('失败次数');
  // Number() would read these as 16, 100 and 10; a whole number is plain decimal digits.
  for (const text of ['0x10', '1e2', '1,0']) {
    await failures.fill(text);
    await rule.getByRole('button', { name: /保\s*存/ }).click();
    await rule.getByText('失败次数须为 3 至 100000 次之间的整数').waitFor();
    assert.equal(await failures.inputValue(), text);
  }
  await screenshot(operator, 'alert-rules-invalid-1366');
  const stored = await operator.request.fetch(`${platform.baseUrl}/api/operator/alert-rules`);
  const storedRule = (await stored.json()).items.find((r) => r.code === 'sign_in_failures_by_ip');
  assert.equal(storedRule.parameters.find((p) => p.key === 'failures').value, 20);

  // Full-width digits are digits.
  await failures.fill('３');
  await rule.getByRole('button', { name: /保\s*存/ }).click();
  await operator.getByText('已保存：同一IP登录失败过多').waitFor();
  await screenshot(operator, 'alert-rules-1366');

  for (let i = 1; i <= 3; i++) {
    const response = await operator.request.fetch(`${platform.baseUrl}/api/session`, {
      method: 'POST',
      headers: { origin: platform.baseUrl },
      data: { username: `nobody-${i}`, password: 'Wrong@2026pass' },
    });
    assert.equal(response.status(), 401);
  }

  await operator.getByRole('menuitem', { name: '异常预警' }).click();
  await operator.getByRole('button', { name: '立即检测' }).click();
  const alert = operator.locator('[data-alert-id]', { hasText: '同一IP登录失败过多' });
  await alert.getByText('新预警').waitFor();
  await alert.getByText(/登录失败 3 次/).waitFor();
  await screenshot(operator, 'alerts-new-1366');

  await alert.getByRole('button', { name: /确\s*认/ }).click();
  await alert.getByText('已确认').waitFor();
  await alert.getByRole('button', { name: /处\s*理/ }).click();
  await operator.getByLabel('处理说明').fill('已在防火墙封禁该地址');
  await clickUntilDone(
    operator.getByRole('button', { name: '标记为已处理' }),
    alert.getByText('已处理', { exact: true }),
  );
  await alert.getByText(/处理于.*已在防火墙封禁该地址/).waitFor();
  await screenshot(operator, 'alerts-resolved-1366');

  // The failures are still in the window, but the alert was resolved: no new one opens.
  await operator.getByRole('button', { name: '立即检测' }).click();
  await operator.getByText('检测完成：新增 0 条预警；1 项已处理且情况未变，不再重复预警').waitFor();
  await operator.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' });
  assert.equal(await alert.count(), 1, 'one alert of the rule, the resolved one');
  assert.equal(await alert.getByText('新预警').count(), 0);

  const phone = await consolePage('operator', VIEWPORTS.phone);
  await phone.goto(`${platform.baseUrl}/console/alerts`);
  await phone.locator('[data-alert-id]').first().waitFor();
  await screenshot(phone, 'alerts-390');
  await phone.goto(`${platform.baseUrl}/console/alert-rules`);
  await phone.locator('[data-rule]').first().waitFor();
  await screenshot(phone, 'alert-rules-390');
  await phone.context().close();
  await operator.context().close();
});

test('the operator finds a sent SMS', async () => {
  const phone = '13800138455';
  const operator = await consolePage('operator');
  const requested = await operator.request.post(`${platform.baseUrl}/api/citizen/sms-codes`, {
    data: { phone },
  });
  assert.equal(requested.status(), 202, await requested.text());
  // The development gateway logs the code once the outbox has sent it.
  await waitForSmsCode(operator, platform.baseUrl, phone);

  await operator.goto(`${platform.baseUrl}/console/outbox`);
  await operator.getByRole('tab', { name: '已发送' }).click();
  const row = operator.getByRole('row').filter({ hasText: '登录验证码' }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /\d{4}-\d{2}-\d{2}/);
  await screenshot(operator, 'outbox-sent-1366');
  await operator.context().close();
});

test('a report request is sent once while in flight', async () => {
  const page = await consolePage('xuhui.bureau');
  await page.goto(`${platform.baseUrl}/console/reports`);
  await page.waitForLoadState('networkidle');
  const rowsBefore = await page.locator('[data-report-id]').count();
  let posts = 0;
  // The request is held for a moment, as on a slow network, so that a second submit can race.
  await page.route('**/api/reports', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return route.continue();
  });
  const submit = page.getByRole('button', { name: '生成报表' });
  await page.getByLabel('统计期间').press('Enter');
  await page.waitForTimeout(200);
  assert.equal(await submit.isDisabled(), true);
  await submit.click({ force: true });
  await page.getByLabel('统计期间').press('Enter');
  await page.getByText(/已开始生成徐汇区/).waitFor();
  await page.waitForTimeout(500);
  assert.equal(posts, 1);
  await page.locator('[data-report-id]').nth(rowsBefore).waitFor();
  assert.equal(await page.locator('[data-report-id]').count(), rowsBefore + 1);

  // The archive shows request times to the second.
  const time = await page.locator('[data-report-id]').first().locator('td').nth(3).innerText();
  assert.match(time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  await screenshot(page, 'reports-request-once-1366');
  await page.context().close();
});
