// A captain registers a team of three on a phone for a street's community games with a team
// group, opens the team with its members and replaces one member before registration closes.
// The organiser's console lists the team with its members.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  artifacts,
  consoleCall,
  publishStreetEvent,
  startPlatform,
  waitForSmsCode,
} from '../support/platform.mjs';

const CAPTAIN_PHONE = '13800138400';
// Fake members; their numbers only need to be valid mainland mobile numbers.
const MEMBERS = [
  { name: '王小明', phone: '13800138401' },
  { name: '李小红', phone: '13800138402' },
  { name: '赵小刚', phone: '13800138403' },
];
const REPLACEMENT = { name: '陈小军', phone: '13800138404' };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

/** Publishes community games with one team group of 3 to 4 members. */
function publishTeamEvent() {
  return publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区三人篮球赛',
      sport: 'basketball_3x3',
      venue: '徐家汇体育公园',
      capacity: 40,
      rules: '每队 3 至 4 人，单败淘汰。',
    },
    [{ name: '三人篮球组', capacity: 40, entryType: 'team', teamMin: 3, teamMax: 4 }],
  );
}

async function assertNoSidewaysScroll(page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'the page scrolls sideways');
}

test('captain registers a team of 3 and replaces a member', async () => {
  const { eventId, street, streetPage } = await publishTeamEvent();
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();

  // The event page lists the team group and leads to team registration, which requires sign-in.
  await page.goto(`${platform.baseUrl}/events/${eventId}`);
  await page.getByRole('heading', { name: '团体报名' }).waitFor();
  await page.locator('.team-group-meta').getByText('每队 3–4 人').waitFor();
  await page.screenshot({ path: join(artifacts, 'team-event-390.png'), fullPage: true });
  await page.getByRole('button', { name: '组队报名' }).first().click();
  await page.getByRole('link', { name: '登录后组队报名' }).click();
  await page.getByPlaceholder('请输入11位手机号码').fill(CAPTAIN_PHONE);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();
  await page
    .getByPlaceholder('6位数字')
    .fill(await waitForSmsCode(page, platform.baseUrl, CAPTAIN_PHONE));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(new RegExp(`/events/${eventId}/team`));

  // A team name with emoji is reported on its field, at 1440 px as on the phone.
  const teamName = page.getByRole('textbox', { name: '队名' });
  await teamName.fill('徐汇飞鹰队🦅');
  await page.getByRole('button', { name: '提交团队报名' }).click();
  const nameField = page.locator('label.member-field', { has: teamName });
  await nameField.getByText('不能包含表情符号，请使用文字').waitFor();
  await page.screenshot({ path: join(artifacts, 'team-name-emoji-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(artifacts, 'team-name-emoji-1440.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });

  // The form starts with the group's minimum of three members.
  await teamName.fill('徐汇飞鹰队');
  for (const [index, member] of MEMBERS.entries()) {
    await page.getByRole('textbox', { name: `队员 ${index + 1}姓名` }).fill(member.name);
    await page.getByRole('textbox', { name: `队员 ${index + 1}手机号码` }).fill(member.phone);
  }
  assert.equal(await page.getByRole('textbox', { name: '队员 4姓名' }).count(), 0);
  await page.getByText('全体队员已阅读并同意').click();
  await assertNoSidewaysScroll(page);
  await page.screenshot({ path: join(artifacts, 'team-register-390.png'), fullPage: true });
  await page.getByRole('button', { name: '提交团队报名' }).click();

  // The captain's view shows the team with its three members.
  await page.waitForURL(new RegExp(`/events/${eventId}/teams/[0-9a-f-]{36}$`));
  await page.getByRole('heading', { name: '徐汇飞鹰队' }).waitFor();
  await page.getByText('报名成功').waitFor();
  for (const member of MEMBERS) await page.getByText(member.name).waitFor();
  await page.getByText('138****8401').waitFor();
  const body = await page.locator('body').innerText();
  assert.ok(!body.includes(MEMBERS[0].phone), 'the page shows a mobile number unmasked');
  await assertNoSidewaysScroll(page);
  await page.screenshot({ path: join(artifacts, 'team-captain-390.png'), fullPage: true });

  // The captain replaces the second member.
  const second = page.locator('.team-member').filter({ hasText: MEMBERS[1].name });
  await second.getByRole('button', { name: '更换' }).click();
  await page.getByRole('textbox', { name: '新队员姓名' }).fill(REPLACEMENT.name);
  await page.getByRole('textbox', { name: '新队员手机号码' }).fill(REPLACEMENT.phone);
  await page.screenshot({ path: join(artifacts, 'team-replace-390.png') });
  await page.getByRole('button', { name: '确认' }).click();
  await page.locator('.team-member').filter({ hasText: REPLACEMENT.name }).waitFor();
  assert.equal(await page.locator('.team-member').filter({ hasText: MEMBERS[1].name }).count(), 0);
  assert.equal(await page.locator('.team-member').count(), 3);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: join(artifacts, 'team-captain-1366.png'), fullPage: true });

  // The organiser's registrations page lists the team with its current members.
  await streetPage.goto(`${platform.baseUrl}/console/events/${eventId}/registrations`);
  // Member entries also appear in the list of all entries above, the replaced one as cancelled.
  const teams = streetPage.locator('.console-teams');
  await teams.getByText('徐汇飞鹰队').waitFor();
  await teams.getByRole('cell', { name: REPLACEMENT.name, exact: true }).waitFor();
  assert.equal(await teams.getByRole('cell', { name: MEMBERS[1].name, exact: true }).count(), 0);
  assert.equal(await teams.getByRole('cell', { name: MEMBERS[0].name, exact: true }).count(), 1);
  await streetPage.screenshot({ path: join(artifacts, 'team-console-1366.png'), fullPage: true });

  await context.close();
  await street.close();
});

/** Builds a fake resident ID number with a valid check character (GB 11643). */
function fakeResidentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce(
    (total, digit, index) => total + Number(digit) * weights[index],
    0,
  );
  return first17 + '10X98765432'[sum % 11];
}

test("team page asks for the event's notice and the ID consent", async () => {
  const { eventId, streetPage } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区拔河赛',
      sport: 'tug_of_war',
      venue: '徐家汇体育公园',
      capacity: 40,
      rules: '每队 2 至 4 人。',
    },
    [{ name: '拔河组', capacity: 40, entryType: 'team', teamMin: 2, teamMax: 4 }],
  );
  const notice = '参赛队员须身体健康，比赛中听从裁判指挥，主办方已为全体队员投保意外险。';
  await consoleCall(
    streetPage,
    platform.baseUrl,
    'PUT',
    `/api/console/events/${eventId}/registration-form`,
    { form: { idNumber: 'optional', fields: [] }, safetyNotice: notice },
    200,
  );

  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const captainPhone = '13800138410';
  await page.goto(
    `${platform.baseUrl}/login?next=${encodeURIComponent(`/events/${eventId}/team`)}`,
  );
  await page.getByPlaceholder('请输入11位手机号码').fill(captainPhone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();
  await page
    .getByPlaceholder('6位数字')
    .fill(await waitForSmsCode(page, platform.baseUrl, captainPhone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(new RegExp(`/events/${eventId}/team`));

  await page.getByRole('textbox', { name: '队名' }).fill('徐汇拔河队');
  const members = [
    { name: '周小东', phone: '13800138411', idNumber: fakeResidentId('31010419900101001') },
    { name: '吴小南', phone: '13800138412' },
  ];
  for (const [index, member] of members.entries()) {
    await page.getByRole('textbox', { name: `队员 ${index + 1}姓名` }).fill(member.name);
    await page.getByRole('textbox', { name: `队员 ${index + 1}手机号码` }).fill(member.phone);
    if (member.idNumber) {
      await page
        .getByRole('textbox', { name: `队员 ${index + 1}身份证号码` })
        .fill(member.idNumber);
    }
  }
  // The event's own notice is shown, and a member's ID number needs the consent.
  await page.getByText(notice).waitFor();
  await page.getByText('全体队员已阅读并同意以上安全和保险提示').click();
  await page.getByRole('button', { name: '提交团队报名' }).click();
  await page.getByRole('alert').filter({ hasText: '提供身份证号须勾选同意' }).first().waitFor();
  await assertNoSidewaysScroll(page);
  await page.screenshot({ path: join(artifacts, 'team-consent-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(artifacts, 'team-consent-1440.png'), fullPage: true });

  await page.getByText('填写了身份证号的队员同意提供身份证号').click();
  await page.getByRole('button', { name: '提交团队报名' }).click();
  await page.waitForURL(new RegExp(`/events/${eventId}/teams/[0-9a-f-]{36}$`));
  await page.getByText('报名成功').waitFor();
  await context.close();
});

test('team page asks a guardian for a member under 14', async () => {
  const { eventId } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道少儿跳绳赛',
      sport: 'rope_skipping',
      venue: '徐家汇体育公园',
      capacity: 40,
      rules: '每队 2 至 4 人。',
    },
    [{ name: '亲子组', capacity: 40, entryType: 'team', teamMin: 2, teamMax: 4 }],
  );
  const context = await platform.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const captainPhone = '13800138420';
  await page.goto(
    `${platform.baseUrl}/login?next=${encodeURIComponent(`/events/${eventId}/team`)}`,
  );
  await page.getByPlaceholder('请输入11位手机号码').fill(captainPhone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByRole('button', { name: /秒后重发/ }).waitFor();
  await page
    .getByPlaceholder('6位数字')
    .fill(await waitForSmsCode(page, platform.baseUrl, captainPhone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(new RegExp(`/events/${eventId}/team`));

  // A child born ten years before this year is under 14 on any start date of the test event.
  const childBirth = `${new Date().getFullYear() - 10}0601`;
  const adult = { name: '孙大伟', phone: '13800138421' };
  const child = {
    name: '孙小雨',
    phone: '13800138422',
    idNumber: fakeResidentId(`310104${childBirth}002`),
  };
  await page.getByRole('textbox', { name: '队名' }).fill('徐汇亲子队');
  await page.getByRole('textbox', { name: '队员 1姓名' }).fill(adult.name);
  await page.getByRole('textbox', { name: '队员 1手机号码' }).fill(adult.phone);
  await page.getByRole('textbox', { name: '队员 2姓名' }).fill(child.name);
  await page.getByRole('textbox', { name: '队员 2手机号码' }).fill(child.phone);
  assert.equal(await page.getByRole('textbox', { name: '队员 2监护人姓名' }).count(), 0);
  await page.getByRole('textbox', { name: '队员 2身份证号码' }).fill(child.idNumber);

  // The child's ID number brings up the guardian's fields for that member only.
  await page.getByText('该队员在比赛当天未满 14 周岁，须由监护人填写并同意').waitFor();
  assert.equal(await page.getByRole('textbox', { name: '队员 1监护人姓名' }).count(), 0);
  await page.getByText('全体队员已阅读并同意').click();
  await page.getByText('填写了身份证号的队员同意提供身份证号').click();
  await page.getByRole('button', { name: '提交团队报名' }).click();
  await page.getByRole('alert').filter({ hasText: '须由监护人勾选同意' }).waitFor();
  await page.getByRole('alert').filter({ hasText: '请填写监护人姓名' }).waitFor();
  await assertNoSidewaysScroll(page);
  await page.screenshot({ path: join(artifacts, 'team-guardian-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(artifacts, 'team-guardian-1440.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });

  await page.getByRole('textbox', { name: '队员 2监护人姓名' }).fill('孙大海');
  await page.getByRole('textbox', { name: '队员 2监护人手机号码' }).fill('13800138423');
  await page.getByText('监护人已同意该队员参加本次赛事').click();
  await page.getByRole('button', { name: '提交团队报名' }).click();
  await page.waitForURL(new RegExp(`/events/${eventId}/teams/[0-9a-f-]{36}$`));
  await page.getByText('报名成功').waitFor();
  await page.getByText(child.name).waitFor();

  // An added member under 14 needs a guardian too.
  await page.getByRole('button', { name: '添加队员' }).click();
  const sibling = {
    name: '孙小雷',
    phone: '13800138424',
    idNumber: fakeResidentId(`310104${childBirth}011`),
  };
  await page.getByRole('textbox', { name: '新队员姓名' }).fill(sibling.name);
  await page.getByRole('textbox', { name: '新队员手机号码' }).fill(sibling.phone);
  await page.getByRole('textbox', { name: '新队员身份证号码' }).fill(sibling.idNumber);
  await page.getByRole('textbox', { name: '新队员监护人姓名' }).fill('孙大海');
  await page.getByRole('textbox', { name: '新队员监护人手机号码' }).fill('13800138423');
  await page.getByRole('button', { name: '确认' }).click();
  await page.getByRole('alert').filter({ hasText: '须由监护人勾选同意' }).waitFor();
  await assertNoSidewaysScroll(page);
  await page.screenshot({ path: join(artifacts, 'team-add-guardian-390.png') });
  await page.getByText('监护人已同意该队员参加本次赛事').click();
  await page.getByRole('button', { name: '确认' }).click();
  await page.locator('.team-member').filter({ hasText: sibling.name }).waitFor();
  assert.equal(await page.locator('.team-member').count(), 3);
  await context.close();
});
