// Review and change of a city event in a real browser. The operator requires the basketball
// federation's pre-review for 3x3 basketball. A contractor files an event, uploads its safety
// plan and submits it, the
// organising committee returns it with a reason, the contractor edits and resubmits, and the
// committee records the pre-review and approves. The contractor publishes with the default
// registration form, then moves the event to another venue, which the committee approves from
// its queue after reading the change field by field.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { writeContractWorkbook } from '../../server/dist/contracts/contract-workbook.js';
import {
  artifacts,
  clickUntilDone,
  confirmInPopover,
  signInToConsole,
  startPlatform,
} from '../support/platform.mjs';

const PASSWORD = 'Demo@2026';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const EVENT_NAME = `端到端测试 审核与变更 三人篮球赛 ${Date.now() % 100000}`;
const FEDERATION = '上海市篮球协会';
/** A one-page PDF: the server checks that the content starts as a PDF does. */
const SAFETY_PLAN_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const FIRST_VENUE = '徐汇区 端到端测试体育馆';
const NEW_VENUE = '徐汇区 徐家汇体育公园 3 号场';
const RETURN_REASON = '竞赛规程未写明分组办法，请补充。';
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

async function consolePage(username) {
  const context = await platform.browser.newContext({
    viewport: { width: 1366, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, PASSWORD);
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Sends a JSON request with the page's session and returns the parsed body. */
async function apiCall(page, method, path, data) {
  const response = await page.request.fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { origin: platform.baseUrl },
    data,
  });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? undefined : response.json();
}

/** Imports a city 3x3 basketball contract of the demo contractor, as the operator. */
async function importContract(operator, year) {
  const row = [
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
  const content = Buffer.from(await writeContractWorkbook([row])).toString('base64');
  const report = await apiCall(operator, 'POST', '/api/console/contracts/imports', {
    fileName: 'contracts.xlsx',
    content,
    year,
  });
  assert.equal(report.summary.invalid, 0, JSON.stringify(report.errors));
  await apiCall(operator, 'POST', `/api/console/contracts/imports/${report.id}/commit`);
}

/** Builds every detail of the full filing form, with the registration window open now. */
function filing(contractId, now) {
  const startsAt = now + 3 * DAY;
  return {
    contractId,
    name: EVENT_NAME,
    sport: 'basketball_3x3',
    level: 'city',
    section: 'league_event',
    divisionCode: '310104',
    venue: FIRST_VENUE,
    address: '上海市徐汇区测试路 1 号',
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(startsAt + 4 * HOUR).toISOString(),
    capacity: 40,
    registrationOpensAt: new Date(now - HOUR).toISOString(),
    registrationClosesAt: new Date(now + 2 * DAY).toISOString(),
    host: '上海市体育局',
    organiser: CONTRACTOR_ORGANISATION,
    expectedParticipants: 40,
    feeCents: 0,
    rules: '按三人篮球最新竞赛规则执行。',
    safetyPlan: '设安全员 2 名，划定疏散通道。',
    medicalCover: '现场设医疗点一处。',
    insurance: '为全体参赛者投保意外险。',
    contactName: '赛事办公室',
    contactPhone: '021-64000000',
  };
}

/** Runs a test body and, when it fails, saves every open page beside the other artifacts. */
async function withFailureShots(body) {
  try {
    await body();
  } catch (error) {
    const pages = platform.browser.contexts().flatMap((context) => context.pages());
    for (const [index, page] of pages.entries()) {
      await page.screenshot({
        path: join(artifacts, `review-failure-${index}.png`),
        fullPage: true,
      });
    }
    throw error;
  }
}

test('committee reviews a filing and a venue change', () => withFailureShots(reviewAndChange));

async function reviewAndChange() {
  const now = Date.now();
  const year = new Date(now + 3 * DAY + 8 * HOUR).getUTCFullYear();

  // The operator requires the basketball federation's pre-review for 3x3 basketball, on its
  // page, and imports the contract the contractor files under.
  const operator = await consolePage('operator');
  await operator.goto(`${platform.baseUrl}/console/pre-reviews`);
  await operator.getByLabel('运动项目').click();
  await operator.getByLabel('运动项目').fill('srlq');
  await operator.locator('.ant-select-dropdown:visible [title="三人篮球"]').click();
  await operator.getByLabel('预审协会').fill(FEDERATION);
  await operator.getByRole('button', { name: /添\s*加/ }).click();
  await operator.getByRole('row').filter({ hasText: FEDERATION }).waitFor();
  await screenshot(operator, 'review-01-pre-reviews');
  await importContract(operator, year);
  await operator.context().close();

  // The contractor files the event through the API and submits it on its page.
  const contractor = await consolePage('contractor');
  const contracts = await apiCall(contractor, 'GET', '/api/console/contracts/mine');
  const contract = contracts.items.find((item) => item.eventName === EVENT_NAME);
  const event = await apiCall(contractor, 'POST', '/api/console/events', filing(contract.id, now));
  const detailUrl = `${platform.baseUrl}/console/events/${event.id}`;
  await contractor.goto(detailUrl);

  // The filing carries its safety plan as a document, uploaded on the event's page.
  const documents = contractor.getByTestId('event-documents');
  const planPath = join(artifacts, '审核流程 安全预案.pdf');
  writeFileSync(planPath, SAFETY_PLAN_PDF);
  await documents.locator('input[type=file]').setInputFiles(planPath);
  await documents.getByRole('link', { name: '审核流程 安全预案.pdf', exact: true }).waitFor();
  await confirmInPopover(
    contractor,
    contractor.getByRole('button', { name: '提交审核' }),
    '确认提交',
    contractor.getByText('已提交审核'),
  );

  // The committee finds it in its queue, marked for the pre-review, and returns it.
  const committee = await consolePage('committee');
  await committee.goto(`${platform.baseUrl}/console/reviews`);
  const queued = committee.getByRole('row').filter({ hasText: EVENT_NAME });
  await queued.getByText('需协会预审').waitFor();
  await queued.getByRole('link', { name: EVENT_NAME }).click();
  await committee
    .getByTestId('review-step-pre_review')
    .getByText(`协会预审（${FEDERATION}）`)
    .waitFor();
  const approve = committee.getByRole('button', { name: /^通\s*过$/ });
  assert.ok(await approve.isDisabled(), 'approve waits for the pre-review');
  // The reviewer reads the filing's documents.
  const [download] = await Promise.all([
    committee.waitForEvent('download'),
    committee
      .getByTestId('event-documents')
      .getByRole('link', { name: '下载 审核流程 安全预案.pdf' })
      .click(),
  ]);
  assert.deepEqual(readFileSync(await download.path()), SAFETY_PLAN_PDF);
  await committee.getByRole('button', { name: /^退\s*回$/ }).click();
  await committee.getByLabel('退回原因').fill(RETURN_REASON);
  await clickUntilDone(
    committee.getByRole('button', { name: '确认退回' }),
    committee.getByText(`已退回「${EVENT_NAME}」`),
  );

  // The contractor reads the reason, edits the rules and submits again.
  await contractor.reload();
  await contractor.getByTestId('return-reason').getByText(RETURN_REASON).waitFor();
  await apiCall(contractor, 'PATCH', `/api/console/events/${event.id}`, {
    rules: '按三人篮球最新竞赛规则执行。分男子组、女子组，每组 8 队。',
  });
  await contractor.reload();
  await contractor.getByTestId('event-timeline').getByText('修改赛事').waitFor();
  await confirmInPopover(
    contractor,
    contractor.getByRole('button', { name: '提交审核' }),
    '确认提交',
    contractor.getByText('已提交审核'),
  );

  // The committee records the pre-review, which enables approval, and approves.
  await committee.reload();
  const step = committee.getByTestId('review-step-pre_review');
  await step.getByRole('button', { name: /^记\s*录$/ }).click();
  await committee.getByLabel('审核意见').fill('协会预审同意，意见文号 沪篮协〔2026〕8 号。');
  await committee.getByRole('button', { name: '保存记录' }).click();
  await step.getByText('沪篮协〔2026〕8 号').waitFor();
  await screenshot(committee, 'review-02-steps-recorded');
  await confirmInPopover(
    committee,
    approve,
    '确认通过',
    committee.getByText(`已通过「${EVENT_NAME}」`),
  );

  // The contractor publishes with the default form, which collects only name and mobile number.
  await contractor.reload();
  const publish = contractor.getByRole('button', { name: '使用默认报名表发布' });
  await publish.hover();
  await contractor.getByRole('tooltip').getByText('姓名和手机号码').waitFor();
  await confirmInPopover(
    contractor,
    publish,
    '确认发布',
    contractor.getByTestId('event-details').getByText('已发布', { exact: true }),
  );

  // A new venue goes to review: the event keeps its venue until the committee approves.
  await contractor.getByRole('button', { name: '申请变更' }).click();
  const dialog = contractor.getByRole('dialog');
  await dialog.getByLabel('场地').fill(NEW_VENUE);
  await dialog.getByTestId('change-effect').getByText('本次变更需要审核').waitFor();
  await dialog.getByLabel('变更原因').fill('原场地维修，改至徐家汇体育公园。');
  await dialog.getByRole('button', { name: '提交变更' }).click();
  await contractor.getByText('变更已提交，等待审核单位审核').waitFor();
  const pending = contractor.getByTestId('pending-change');
  await pending.getByText(NEW_VENUE).waitFor();
  await screenshot(contractor, 'review-03-change-pending');

  // A second tab has the queue open before the committee approves in the first one.
  const staleTab = await committee.context().newPage();
  await staleTab.goto(`${platform.baseUrl}/console/reviews?kind=change`);
  const staleRow = staleTab.getByRole('row').filter({ hasText: EVENT_NAME });
  await staleRow.getByTestId('changed-fields').getByText('场地').waitFor();

  // The committee opens the change in its queue, reads the venue before and after, approves.
  await committee.goto(`${platform.baseUrl}/console/reviews?kind=change`);
  const changeRow = committee.getByRole('row').filter({ hasText: EVENT_NAME });
  await changeRow.getByTestId('changed-fields').getByText('场地').waitFor();
  await changeRow.locator('.ant-table-row-expand-icon').click();
  const diff = committee.getByTestId('change-diff');
  await diff.getByText(FIRST_VENUE).waitFor();
  await diff.getByText(NEW_VENUE).waitFor();
  await screenshot(committee, 'review-04-queue-change');
  await confirmInPopover(
    committee,
    changeRow.getByRole('button', { name: '通过变更' }),
    '确认通过',
    committee.getByText(`已通过「${EVENT_NAME}」的变更`),
  );
  await changeRow.waitFor({ state: 'detached' });

  // Approving again in the stale tab fails with a conflict, which refreshes that queue.
  await confirmInPopover(
    staleTab,
    staleRow.getByRole('button', { name: '通过变更' }),
    '确认通过',
    staleTab.getByText('该变更已处理，不在待审核状态'),
  );
  await staleRow.waitFor({ state: 'detached' });
  await staleTab.close();

  // The event now has the new venue, and its timeline records the change.
  await contractor.reload();
  await contractor.getByTestId('event-details').getByText(NEW_VENUE).waitFor();
  assert.equal(await contractor.getByTestId('pending-change').count(), 0);
  const applied = contractor.locator('[data-action="event.changed"]');
  await applied.getByText(NEW_VENUE).waitFor();
  await screenshot(contractor, 'review-05-change-applied');
}
