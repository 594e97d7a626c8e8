// A captain and a member of a team of two open 我的报名 on a phone. Their entries have no
// cancel button, because a member's entry changes only with its team: the captain gets a link
// to the team page and the member a note. The event page gives the size as 每队 2 人. Sign-in
// codes are limited per address, so these sign-ins run on a platform of their own.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { pageFetch, phoneContext, signInBySms } from '../support/citizen.mjs';
import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform();
});

after(async () => {
  await platform?.stop();
});

test('team entries in 我的报名 have no cancel button', async () => {
  const captainPhone = '13800138420';
  const member = { name: '队员丙', phone: '13800138421' };
  const { eventId, street } = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区羽毛球双打赛',
      sport: 'badminton',
      venue: '徐家汇体育公园',
      capacity: 20,
      rules: '每队 2 人。',
    },
    [{ name: '双打组', capacity: 20, entryType: 'team', teamMin: 2, teamMax: 2 }],
  );

  const captainContext = await phoneContext(platform);
  const captain = await captainContext.newPage();
  await signInBySms(platform, captain, captainPhone);
  const created = await pageFetch(captain, 'POST', `/api/citizen/events/${eventId}/teams`, {
    name: '双打测试队',
    members: [{ name: '队长丁', phone: captainPhone }, member],
  });
  assert.ok(created.status < 300, JSON.stringify(created.body));

  // The event page and the team form give the size as 每队 2 人, never 2–2.
  await captain.goto(`${platform.baseUrl}/events/${eventId}`);
  await captain.getByText('每队 2 人').first().waitFor();
  assert.equal(await captain.getByText(/2[–-]2/).count(), 0, 'a team size reads 2–2');

  await captain.goto(`${platform.baseUrl}/tickets`);
  const captainRow = captain.locator('.ticket-list > li').filter({ hasText: '羽毛球双打' });
  await captainRow.getByRole('link', { name: /管理队伍/ }).waitFor();
  assert.equal(await captainRow.getByRole('button', { name: '取消报名' }).count(), 0);
  await captain.screenshot({ path: join(artifacts, 'team-my-entries-captain-390.png') });
  await captainRow.getByRole('link', { name: /管理队伍/ }).click();
  await captain.waitForURL(new RegExp(`/events/${eventId}/teams/`));
  await captain.getByText('双打测试队').first().waitFor();
  await captainContext.close();

  const memberContext = await phoneContext(platform);
  const memberPage = await memberContext.newPage();
  await signInBySms(platform, memberPage, member.phone);
  await memberPage.goto(`${platform.baseUrl}/tickets`);
  const memberRow = memberPage.locator('.ticket-list > li').filter({ hasText: '羽毛球双打' });
  await memberRow.getByText('团体报名，如需退出请联系队长').waitFor();
  assert.equal(await memberRow.getByRole('button', { name: '取消报名' }).count(), 0);
  await memberPage.setViewportSize({ width: 360, height: 740 });
  await memberPage.screenshot({ path: join(artifacts, 'team-my-entries-member-360.png') });
  await memberContext.close();
  await street.close();
});
