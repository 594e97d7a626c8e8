// The league's whole flow in a real browser. The operator imports the organiser's contract,
// the organiser files an event under it and the organising committee approves it. The organiser publishes it and a citizen registers on a phone. The
// organiser checks the citizen in, and the city dashboard counts one check-in.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { writeContractWorkbook } from '../../server/dist/contracts/contract-workbook.js';
import { artifacts, signInToConsole, startPlatform } from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const EVENT_NAME = `端到端测试 三人篮球赛 ${Date.now() % 100000}`;
const HOUR = 3600_000;
// The demo contractor's organisation and credit code, as the demo accounts seed them.
const CONTRACTOR_ORGANISATION = '上海示例体育发展有限公司';
const CONTRACTOR_CREDIT_CODE = '51310000MJ00000053';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Formats an instant as the console's date pickers show it, in Shanghai time. */
function shanghai(instant) {
  const rounded = Math.floor(instant / (5 * 60_000)) * 5 * 60_000;
  return new Date(rounded + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
}

async function consolePage(username) {
  const context = await platform.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, PASSWORD);
  return page;
}

async function choose(page, label, option) {
  await page.getByLabel(label, { exact: true }).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
}

async function pickTime(page, label, value) {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('organiser files, committee approves, citizen registers, organiser checks in', async () => {
  const now = Date.now();
  // The event starts within a day, so its check-in window (from 24 hours before the start) is
  // open when the organiser checks the citizen in.
  const startsAt = now + 20 * HOUR;

  // The operator imports the organiser's contract for a city-level 3x3 basketball league event:
  // a dry run first, then the confirmation.
  const workbook = join(artifacts, 'contracts.xlsx');
  const contractRow = [
    CONTRACTOR_ORGANISATION,
    CONTRACTOR_CREDIT_CODE,
    '市级',
    '',
    '联赛',
    '三人篮球',
    EVENT_NAME,
    '测试联系人',
    '13800138000',
  ];
  writeFileSync(workbook, await writeContractWorkbook([contractRow]));
  const operator = await consolePage('operator');
  await operator.goto(`${platform.baseUrl}/console/contracts`);
  const year = new Date(startsAt + 8 * HOUR).getUTCFullYear();
  await choose(operator, '合同年度', `${year} 年度`);
  await operator.locator('input[type=file]').setInputFiles(workbook);
  await operator.getByText('确认后将新增 1 份、变更 0 份合同').waitFor();
  await operator.getByRole('button', { name: '确认导入' }).click();
  await operator.getByText('导入完成：新增 1 份，变更 0 份').waitFor();
  const contractList = operator.locator('.ant-card').filter({ hasText: '合同列表' });
  await contractList.getByRole('row').filter({ hasText: EVENT_NAME }).waitFor();
  await screenshot(operator, '00-contract-import');

  // The contracted organiser picks the contract, which fixes level, section and sport, and
  // files the event under it.
  const organiser = await consolePage('contractor');
  await organiser.goto(`${platform.baseUrl}/console/events/new`);
  await organiser.getByLabel('中标合同', { exact: true }).click();
  await organiser
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: EVENT_NAME })
    .click();
  assert.equal(await organiser.getByLabel('赛事名称').inputValue(), EVENT_NAME);
  assert.ok(await organiser.getByLabel('运动项目', { exact: true }).isDisabled());
  await choose(organiser, '所在区', '徐汇区');
  await organiser.getByLabel('场地', { exact: true }).fill('徐汇区 端到端测试体育馆');
  await organiser.getByLabel('详细地址').fill('上海市徐汇区端到端测试路 1 号');
  await pickTime(organiser, '开始时间', shanghai(startsAt));
  await pickTime(organiser, '结束时间', shanghai(startsAt + 4 * HOUR));
  await organiser.getByLabel('主办单位').fill('上海市体育局');
  await organiser.getByLabel('承办单位').fill(CONTRACTOR_ORGANISATION);
  await pickTime(organiser, '报名开始时间', shanghai(now - HOUR));
  await pickTime(organiser, '报名截止时间', shanghai(now + 12 * HOUR));
  await organiser.getByLabel('报名名额').fill('50');
  await organiser.getByLabel('预计参与人数').fill('120');
  await organiser.getByLabel('报名费（元）').fill('0');
  await organiser.getByLabel('竞赛规程').fill('三人制半场比赛，小组循环后淘汰。');
  await organiser.getByLabel('安全预案').fill('现场安保 4 人，设疏散通道两处。');
  await organiser.getByLabel('医疗保障').fill('医护 2 人，配备 AED。');
  await organiser.getByLabel('保险').fill('为全体参赛者投保意外险。');
  await organiser.getByLabel('联系人').fill('测试联系人');
  await organiser.getByLabel('联系电话').fill('021-64000000');
  await organiser.getByTestId('filing-progress').getByText('必填项已填完').waitFor();
  await screenshot(organiser, '01-filing-form');
  await organiser.getByRole('button', { name: '提交审核' }).click();
  await organiser.waitForURL(/\/console\/events\/[0-9a-f-]{36}$/);
  const eventId = organiser.url().split('/').at(-1);
  await organiser.locator('.ant-descriptions').getByText('待审核', { exact: true }).waitFor();

  // The organising committee reviews city events: it approves from its queue.
  const committee = await consolePage('committee');
  await committee.goto(`${platform.baseUrl}/console/reviews`);
  const row = committee.getByRole('row').filter({ hasText: EVENT_NAME });
  await row.getByRole('button', { name: '通过' }).click();
  await committee.getByRole('button', { name: '确认通过' }).click();
  await committee.getByText(`已通过「${EVENT_NAME}」`).waitFor();
  await screenshot(committee, '02-review-queue');

  // The organiser publishes the approved event.
  await organiser.reload();
  await organiser.getByRole('button', { name: '发布' }).click();
  await organiser.getByRole('button', { name: '确认发布' }).click();
  await organiser.locator('.ant-descriptions').getByText('已发布', { exact: true }).waitFor();

  // A citizen registers on a phone-sized screen.
  const phone = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const citizen = await phone.newPage();
  await citizen.goto(`${platform.baseUrl}/`);
  await citizen.getByText(EVENT_NAME).first().click();
  await citizen.getByRole('button', { name: '立即报名' }).click();
  await citizen.getByPlaceholder('请输入真实姓名').fill('张测试');
  await citizen.getByPlaceholder('请输入11位手机号码').fill('+86 138 0013 8000');
  await citizen.getByRole('checkbox').check();
  await citizen.getByRole('button', { name: '提交报名' }).click();
  await citizen.getByText('报名成功').waitFor();
  await screenshot(citizen, '03-ticket');
  const ticketPath = new URL(citizen.url()).pathname;
  const code = decodeURIComponent(ticketPath.split('/').at(-1));
  assert.match(code, /^[2-9A-HJ-NP-TV-Z]{10}$/);
  await citizen.getByText('138****8000').waitFor();
  // The app draws the ticket's QR code itself, so it shows without network.
  const qr = citizen.getByRole('img', { name: `报名码 ${code} 的签到二维码` });
  await qr.waitFor();
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0));

  // The organiser checks the citizen in by the ticket's code; a second scan changes nothing.
  await organiser.goto(`${platform.baseUrl}/console/check-in?event=${eventId}`);
  await organiser.getByLabel('本机入口名称').fill('1号入口');
  await organiser.getByRole('button', { name: /保\s*存/ }).click();
  const codeInput = organiser.getByLabel('报名码');
  await codeInput.fill(code.toLowerCase());
  await codeInput.press('Enter');
  const result = organiser.getByTestId('check-in-result');
  await result.getByText('签到成功').waitFor();
  await result.getByText('张测试').waitFor();
  await screenshot(organiser, '04-check-in');
  await codeInput.fill(code);
  await codeInput.press('Enter');
  await result.getByText('已签到').waitFor();

  // The municipal sports bureau's dashboard counts one registration and one check-in.
  const bureau = await consolePage('bureau');
  await bureau.goto(`${platform.baseUrl}/console/dashboard`);
  const figures = bureau.locator('.dashboard-figure');
  const checkIns = figures.filter({ hasText: '签到人次' }).locator('.dashboard-figure-value');
  const registrations = figures.filter({ hasText: '报名人次' }).locator('.dashboard-figure-value');
  await checkIns.waitFor();
  assert.equal((await checkIns.textContent()).trim(), '1');
  assert.equal((await registrations.textContent()).trim(), '1');
  await screenshot(bureau, '05-dashboard');
});
