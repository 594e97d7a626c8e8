// An open event with several individual groups shows a group choice on the entry form,
// with the places left in each, and the entry goes to the chosen group.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { phoneContext } from '../support/citizen.mjs';
import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const ENTRANT = { name: '测试选组', phone: '13800138701' };

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

test('entry form asks for the group', async () => {
  const { eventId, street } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区分组跳绳赛',
      sport: 'rope_skipping',
      venue: '徐家汇社区活动中心',
      capacity: 20,
      rules: '一分钟计数。',
    },
    [
      { name: '少年组', capacity: 6, waitingList: 'off' },
      { name: '成年组', capacity: 8, waitingList: 'off' },
    ],
  );

  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/events/${eventId}/register`);
  const picker = page.locator('.group-picker');
  await picker.getByText('请选择报名组别').waitFor();
  await picker.getByRole('button', { name: '少年组，剩余 6 个名额' }).waitFor();
  await picker.getByRole('button', { name: '成年组，剩余 8 个名额' }).waitFor();
  assert.equal(
    await page.getByPlaceholder('请输入真实姓名').count(),
    0,
    'form shown before a group',
  );
  await page.screenshot({ path: join(artifacts, 'group-choice-390.png'), fullPage: true });

  // A link with a group of no use here leads to the choice, not to a form the server rejects.
  for (const group of ['garbage', '01900000-0000-7000-8000-000000000001']) {
    await page.goto(`${platform.baseUrl}/events/${eventId}/register?group=${group}`);
    await picker.getByText('请选择报名组别').waitFor();
    assert.equal(await page.getByPlaceholder('请输入真实姓名').count(), 0, `form for ${group}`);
  }

  await picker.getByRole('button', { name: /^成年组/ }).click();
  await page.waitForURL(/\/register\?group=/);
  // The form names the chosen group and leads back to the choice.
  const chosen = page.getByRole('region', { name: '报名组别' });
  await chosen.getByText('报名组别：成年组').waitFor();
  await chosen.getByRole('button', { name: '更换组别' }).click();
  await picker.getByText('请选择报名组别').waitFor();
  await picker.getByRole('button', { name: /^成年组/ }).click();
  await chosen.getByText('报名组别：成年组').waitFor();
  await page.screenshot({ path: join(artifacts, 'group-chosen-390.png'), fullPage: true });
  await page.getByPlaceholder('请输入真实姓名').fill(ENTRANT.name);
  await page.getByPlaceholder('请输入11位手机号码').fill(ENTRANT.phone);
  await page
    .getByText(/^我已阅读并同意/)
    .first()
    .click();
  await page.getByRole('button', { name: /^提交/ }).click();
  await page.waitForURL(/\/tickets\//);

  const groups = await (await fetch(`${platform.baseUrl}/api/events/${eventId}/groups`)).json();
  const adults = groups.items.find((group) => group.name === '成年组');
  assert.equal(adults.placesLeft, 7, 'the entry did not take a place of 成年组');

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${platform.baseUrl}/events/${eventId}/register`);
  await picker.getByRole('button', { name: '成年组，剩余 7 个名额' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'group-choice-1440.png'), fullPage: true });

  await context.close();
  await street.close();
});
