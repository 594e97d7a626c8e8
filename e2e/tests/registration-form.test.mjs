// A registration form with a conditional field, in a real browser. A district bureau adds a
// single-choice field and a text field shown only for one of its answers, with a safety
// notice, and publishes the event. A citizen on a phone sees the second field appear when
// the answer needs it, gets a Chinese error while it is empty, fills it and registers.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const EVENT_NAME = `端到端表单测试 健步走 ${Date.now() % 100000}`;

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

async function fileDraft(page) {
  const now = Date.now();
  const response = await page.request.post(`${platform.baseUrl}/api/console/events`, {
    data: {
      name: EVENT_NAME,
      sport: 'basketball_3x3',
      level: 'district',
      section: 'brand_event',
      divisionCode: '310104',
      venue: '徐汇滨江步道',
      startsAt: new Date(now + 72 * HOUR).toISOString(),
      endsAt: new Date(now + 76 * HOUR).toISOString(),
      capacity: 50,
      registrationOpensAt: new Date(now - HOUR).toISOString(),
      registrationClosesAt: new Date(now + 48 * HOUR).toISOString(),
      address: '上海市徐汇区龙腾大道 1 号',
      host: '徐汇区体育局',
      organiser: '徐汇区体育局',
      coOrganisers: [],
      expectedParticipants: 50,
      feeCents: 0,
      rules: '按健步走规程执行',
      safetyPlan: '沿途设医疗点',
      medicalCover: '急救车一辆',
      insurance: '公众责任险',
      contactName: '李老师',
      contactPhone: '021-64000000',
    },
  });
  assert.equal(response.status(), 201, await response.text());
  return (await response.json()).id;
}

async function post(page, path) {
  const response = await page.request.post(`${platform.baseUrl}${path}`);
  assert.equal(response.status(), 200, await response.text());
  return response.json();
}

async function choose(page, scope, label, option) {
  await scope.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
}

test('organiser adds a conditional field and a citizen fills it', async () => {
  const consoleContext = await platform.browser.newContext({
    viewport: { width: 1366, height: 900 },
  });
  const organiser = await consoleContext.newPage();
  await organiser.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(organiser, 'xuhui.bureau', PASSWORD);
  const eventId = await fileDraft(organiser);

  await organiser.goto(`${platform.baseUrl}/console/events/${eventId}`);
  await organiser.getByRole('button', { name: '编辑报名表单' }).click();
  await organiser.getByText('暂无自定义字段').waitFor();

  await organiser.getByRole('button', { name: /添加字段/ }).click();
  const first = organiser.getByTestId('form-field-0');
  await first.getByLabel('字段名称').fill('是否需要接驳车');
  await choose(organiser, first, '字段类型', '单选');
  const options = first.getByLabel('选项');
  await options.click();
  await options.fill('需要');
  await options.press('Enter');
  await options.fill('不需要');
  await options.press('Enter');
  await first.getByLabel('必填').click();

  await organiser.getByRole('button', { name: /添加字段/ }).click();
  const second = organiser.getByTestId('form-field-1');
  await second.getByLabel('字段名称').fill('上车地点');
  await second.getByLabel('填写说明').fill('填写离您最近的地铁站');
  await second.getByLabel('必填').click();
  await choose(organiser, second, '显示条件', '按前面字段的答案显示');
  await choose(organiser, second, '条件取值', '需要');

  await organiser.getByLabel('安全和保险提示').fill('参赛者须身体健康，主办方已投保公众责任险。');
  await organiser.getByRole('button', { name: '保存报名表单' }).click();
  await organiser.getByText('报名表单已保存').waitFor();
  await organiser.getByText('第 1 版').waitFor();
  await organiser.screenshot({
    path: join(artifacts, 'registration-form-1366.png'),
    fullPage: true,
  });
  await organiser.setViewportSize({ width: 390, height: 844 });
  await organiser.screenshot({
    path: join(artifacts, 'registration-form-390.png'),
    fullPage: true,
  });
  const consoleOverflow = await organiser.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(consoleOverflow, 0, 'the form builder scrolls sideways at 390 px');

  const submitted = await post(organiser, `/api/console/events/${eventId}/submit`);
  assert.equal(submitted.state, 'approved');
  await post(organiser, `/api/console/events/${eventId}/publish`);

  const phoneContext = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const citizen = await phoneContext.newPage();
  await citizen.goto(`${platform.baseUrl}/events/${eventId}/register`);
  await citizen.getByPlaceholder('请输入真实姓名').fill('韩梅梅');
  await citizen.getByPlaceholder('请输入11位手机号码').fill('138 0013 8000');
  assert.equal(await citizen.getByText('上车地点').count(), 0, 'the conditional field shows early');

  await citizen.getByText('需要', { exact: true }).click();
  await citizen.getByText('上车地点').waitFor();
  await citizen.getByText('填写离您最近的地铁站').waitFor();
  await citizen.getByText('我已阅读并同意以上安全和保险提示').click();
  await citizen.getByRole('button', { name: '提交报名' }).click();
  await citizen.getByText('请填写上车地点').waitFor();
  await citizen.screenshot({
    path: join(artifacts, 'register-form-error-390.png'),
    fullPage: true,
  });

  await citizen.getByPlaceholder('请填写上车地点').fill('龙耀路站');
  await citizen.getByRole('button', { name: '提交报名' }).click();
  await citizen.waitForURL(/\/tickets\//);
  await citizen.screenshot({
    path: join(artifacts, 'register-form-ticket-390.png'),
    fullPage: true,
  });

  const form = await citizen.request.get(
    `${platform.baseUrl}/api/events/${eventId}/registration-form`,
  );
  const body = await form.json();
  assert.deepEqual(
    body.form.fields.map((field) => [field.label, field.type, field.required]),
    [
      ['是否需要接驳车', 'single_choice', true],
      ['上车地点', 'text', true],
    ],
  );
  assert.deepEqual(body.form.fields[1].showWhen, {
    field: body.form.fields[0].key,
    equals: '需要',
  });

  const locked = await organiser.request.get(
    `${platform.baseUrl}/api/console/events/${eventId}/registration-form`,
  );
  assert.equal((await locked.json()).lockReason, 'has_entries');
  await consoleContext.close();
  await phoneContext.close();
});
