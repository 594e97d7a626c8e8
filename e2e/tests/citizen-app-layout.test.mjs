// Browser tests of the citizens' app's layout on a small phone: text that follows the browser's
// default font size, long event names, the place filter's chip, the empty search's way out and
// the tabs of my registrations.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { pageFetch, phoneContext, signInBySms, singleEntryEvents } from '../support/citizen.mjs';
import { artifacts, publishStreetEvent, startPlatform } from '../support/platform.mjs';

const SMALL_VIEWPORT = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const PHONE = '13800138480';
// The default font size that an older user set in the browser, 1.5 times Chromium's 16 px.
const LARGE_FONT_PX = 24;
const MIN_LABEL_PX = 20;
const LONG_NAME = '2026上海城市业余联赛 三人篮球赛（徐汇站）';

let platform;
let events;
/** The open events that take a single entry (see singleEntryEvents). */
let singleEvents;
let signedIn;
let team;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { SEED_DEMO: 'true' } });
  const response = await fetch(`${platform.baseUrl}/api/events?limit=100`);
  events = (await response.json()).items;
  assert.ok(events.length >= 5, 'the demo league published fewer than 5 events');
  singleEvents = await singleEntryEvents(platform, events);

  // One citizen with a live entry (it has 取消报名) and a cancelled one (the 已取消 tab).
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await signInBySms(platform, page, PHONE);
  const profile = await pageFetch(page, 'PUT', '/api/citizen/profile', { realName: '测试用户' });
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  for (const [index, event] of singleEvents.slice(0, 2).entries()) {
    const registered = await pageFetch(page, 'POST', `/api/events/${event.id}/registrations`, {
      name: '测试用户',
      phone: PHONE,
    });
    assert.ok([200, 201].includes(registered.status), JSON.stringify(registered.body));
    if (index === 0) continue;
    const own = await pageFetch(page, 'GET', '/api/citizen/registrations');
    const entry = own.body.items.find((item) => item.code === registered.body.code);
    const cancelled = await pageFetch(
      page,
      'POST',
      `/api/citizen/events/${event.id}/registrations/${entry.id}/cancel`,
      {},
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  }

  // A team of three that the same citizen registered as its captain.
  const teamEvent = await publishStreetEvent(
    platform.browser,
    platform.baseUrl,
    {
      name: '徐家汇街道社区三人篮球赛',
      sport: 'basketball_3x3',
      venue: '徐家汇体育公园',
      capacity: 40,
      rules: '每队 3 至 4 人。',
    },
    [{ name: '三人篮球组', capacity: 40, entryType: 'team', teamMin: 3, teamMax: 4 }],
  );
  await teamEvent.street.close();
  const groups = await pageFetch(page, 'GET', `/api/events/${teamEvent.eventId}/groups`);
  const created = await pageFetch(page, 'POST', `/api/citizen/events/${teamEvent.eventId}/teams`, {
    name: '徐汇飞鹰队',
    groupId: groups.body.items[0].id,
    members: [
      { name: '王小明', phone: '13800138481' },
      { name: '李小红', phone: '13800138482' },
      { name: '赵小刚', phone: '13800138483' },
    ],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  team = { eventId: teamEvent.eventId, id: created.body.id };

  signedIn = await context.storageState();
  await context.close();
});

after(async () => {
  await platform?.stop();
});

/** Opens a signed-in 360×740 phone whose browser's default font size is `fontPx`. */
async function smallPhone(fontPx) {
  const context = await phoneContext(platform, { ...SMALL_VIEWPORT, storageState: signedIn });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: fontPx } });
  return { context, page };
}

/** Returns how far the page scrolls sideways, in CSS px. */
async function sidewaysOverflow(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/** Returns the computed font size in px of the element that the locator matches. */
async function fontSizeOf(locator) {
  return locator.evaluate((element) =>
    parseFloat(document.defaultView.getComputedStyle(element).fontSize),
  );
}

test('labels grow with a 24 px default font', async () => {
  const past = events.find((item) => item.name === '徐汇区市民10公里路跑');
  assert.ok(past, 'the demo league has no past event with results');
  const open = singleEvents[0];
  // Each page with the labels on it that must follow the font size.
  const pages = [
    {
      path: `/events/${open.id}/register`,
      labels: (page) => [
        page.locator('.adm-form-item-label', { hasText: /^姓名/ }),
        page.locator('.adm-form-item-label', { hasText: /^手机号码/ }),
      ],
    },
    {
      path: `/events/${team.eventId}/team`,
      labels: (page) => [
        page.locator('.member-field-label', { hasText: /^姓名/ }).first(),
        page.locator('.member-field-label', { hasText: /^手机号码/ }).first(),
        page.locator('.member-field-label', { hasText: /^身份证号码/ }).first(),
      ],
    },
    {
      path: `/events/${team.eventId}/teams/${team.id}`,
      labels: (page) => [
        page.locator('.team-member-name').first(),
        page.getByRole('button', { name: '更换' }).first(),
      ],
    },
    {
      path: '/tickets',
      labels: (page) => [
        page.getByRole('button', { name: '取消报名' }).first(),
        page.getByRole('tab', { name: /^即将开始/ }),
        page.getByRole('tab', { name: /^已取消/ }),
      ],
    },
    {
      path: '/me',
      labels: (page) => [
        page.getByRole('link', { name: '我的报名' }),
        page.locator('.sport-selector .adm-selector-item').first(),
      ],
    },
    {
      path: `/events/${past.id}/results`,
      labels: (page) => [
        page.locator('.result-name').first(),
        page.locator('.result-figure').first(),
      ],
    },
    { path: '/search', labels: (page) => [page.locator('.chip').getByText('可报名')] },
    { path: '/', labels: (page) => [page.locator('.event-card-name').first()] },
    {
      path: `/events/${open.id}`,
      labels: (page) => [page.locator('.facts dt').first(), page.locator('.facts dd').first()],
    },
  ];

  const { context, page } = await smallPhone(LARGE_FONT_PX);
  for (const { path, labels } of pages) {
    await page.goto(platform.baseUrl + path);
    await page.locator('.page').first().waitFor();
    const root = await fontSizeOf(page.locator('html'));
    assert.equal(root, LARGE_FONT_PX, 'the browser ignored the default font size');
    for (const label of labels(page)) {
      await label.waitFor();
      const size = await fontSizeOf(label);
      const text = (await label.innerText()).slice(0, 20);
      assert.ok(size >= MIN_LABEL_PX, `${path}: ${text} is ${size}px`);
    }
    const overflow = await sidewaysOverflow(page);
    assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
  }

  // The login page is for signed-out citizens.
  await context.clearCookies();
  await page.goto(`${platform.baseUrl}/login`);
  for (const label of [
    page.locator('.adm-form-item-label', { hasText: /^手机号码/ }),
    page.locator('.adm-form-item-label', { hasText: /^短信验证码/ }),
    page.getByRole('button', { name: '获取验证码' }),
  ]) {
    const size = await fontSizeOf(label);
    assert.ok(size >= MIN_LABEL_PX, `/login: ${await label.innerText()} is ${size}px`);
  }
  assert.ok((await sidewaysOverflow(page)) <= 0, '/login scrolls sideways');
  await page.screenshot({ path: join(artifacts, 'layout-login-360-large.png'), fullPage: true });
  await context.close();
});

test('sport names stay whole at 24 px', async () => {
  const { context, page } = await smallPhone(LARGE_FONT_PX);
  await page.goto(`${platform.baseUrl}/me`);
  await page.getByRole('heading', { name: '喜欢的运动项目' }).waitFor();
  await page.getByRole('button', { name: /展开全部/ }).click();
  await page.locator('.sport-selector').getByText('五人制足球', { exact: true }).waitFor();
  // The texts that the browser wraps onto more than one line.
  const wrapped = await page.locator('.sport-selector .adm-selector-item').evaluateAll((items) =>
    items
      .filter((item) => {
        const range = document.createRange();
        range.selectNodeContents(item);
        const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return tops.size > 1;
      })
      .map((item) => item.textContent),
  );
  assert.deepEqual(wrapped, []);
  await page.screenshot({ path: join(artifacts, 'layout-sports-360-24px.png') });
  await context.close();
});

test('event card shows a long name whole', async () => {
  for (const fontPx of [16, LARGE_FONT_PX]) {
    const { context, page } = await smallPhone(fontPx);
    await page.goto(
      `${platform.baseUrl}/search?from=2020-01-01&q=${encodeURIComponent('三人篮球')}`,
    );
    const card = page.locator('.event-card').filter({ hasText: LONG_NAME });
    await card.waitFor();
    const name = card.locator('.event-card-name');
    assert.equal(await name.innerText(), LONG_NAME);
    const heights = await name.evaluate((element) => ({
      scroll: element.scrollHeight,
      client: element.clientHeight,
    }));
    assert.ok(
      heights.scroll <= heights.client,
      `name cut: ${heights.scroll}px in ${heights.client}px`,
    );
    await card.screenshot({ path: join(artifacts, `layout-long-name-360-${fontPx}px.png`) });
    await context.close();
  }
});

test('place chip names the district and street', async () => {
  for (const fontPx of [16, LARGE_FONT_PX]) {
    const { context, page } = await smallPhone(fontPx);
    await page.goto(`${platform.baseUrl}/search`);
    await page.getByRole('button', { name: /区域/ }).click();
    const sheet = page.getByRole('dialog', { name: '选择区域' });
    await sheet.getByText('徐汇区', { exact: true }).click();
    await sheet.getByText('徐家汇街道', { exact: true }).click();
    await page.waitForURL(/street=\d{9}/);
    await sheet.getByRole('button', { name: '完成' }).click();
    const chip = page.getByRole('group', { name: '筛选条件' }).getByRole('button', {
      name: '徐汇区·徐家汇街道',
      exact: true,
    });
    await chip.waitFor();
    const box = await chip.boundingBox();
    assert.ok(
      box.x + box.width <= SMALL_VIEWPORT.viewport.width,
      `chip ends at ${box.x + box.width}px`,
    );
    assert.ok((await sidewaysOverflow(page)) <= 0, 'the search page scrolls sideways');
    await page.screenshot({ path: join(artifacts, `layout-place-chip-360-${fontPx}px.png`) });
    await context.close();
  }
});

test('empty search offers clearing the filters', async () => {
  const { context, page } = await smallPhone(16);
  // The demo league has no events in these two days, so the filters leave nothing.
  await page.goto(
    `${platform.baseUrl}/search?q=${encodeURIComponent('篮球')}&from=2020-01-01&to=2020-01-02&fee=paid`,
  );
  await page.getByText('暂无赛事').waitFor();
  await page.screenshot({ path: join(artifacts, 'layout-empty-search-360.png') });
  await page.getByRole('button', { name: '清除筛选' }).click();
  await page.waitForURL((url) => !url.search.includes('fee=') && !url.search.includes('from='));
  assert.equal(new URL(page.url()).searchParams.get('q'), '篮球', 'the search text is kept');
  await page.locator('.event-card').first().waitFor();

  // With the search text alone there is no filter to clear.
  await page.goto(`${platform.baseUrl}/search?q=zzzzzz`);
  await page.getByText('暂无赛事').waitFor();
  assert.equal(await page.getByRole('button', { name: '清除筛选' }).count(), 0);
  await context.close();
});

test('registration tabs fit at 360 px', async () => {
  for (const fontPx of [16, LARGE_FONT_PX]) {
    const { context, page } = await smallPhone(fontPx);
    await page.goto(`${platform.baseUrl}/tickets`);
    const tabs = page.getByRole('tab');
    await page.getByRole('tab', { name: '已取消（1）' }).waitFor();
    assert.equal(await tabs.count(), 3);
    const rows = new Set();
    for (const tab of await tabs.all()) {
      const box = await tab.boundingBox();
      const text = await tab.innerText();
      assert.ok(box.x >= 0, `${text} starts at ${box.x}px`);
      assert.ok(box.x + box.width <= 360, `${text} ends at ${box.x + box.width}px`);
      rows.add(Math.round(box.y));
    }
    // At the default font size the three tabs share one row; a larger font may wrap them.
    if (fontPx === 16) assert.equal(rows.size, 1, 'the tabs wrap at the default font size');
    await page.getByRole('tab', { name: '已取消（1）' }).click();
    assert.equal(
      await page.getByRole('tab', { name: '已取消（1）' }).getAttribute('aria-selected'),
      'true',
    );
    await page.locator('.ticket-list').getByText('已取消').first().waitFor();
    await page.screenshot({ path: join(artifacts, `layout-tickets-360-${fontPx}px.png`) });
    await context.close();
  }
});
