// Browser tests of problems a new user met in the citizens' app on a phone. They cover the
// search's date range and address values and the wording of past events. They also cover my
// registrations with a cancelled entry and offline, the registration form's prefill, and the
// event page's first screen.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  pageFetch,
  PHONE_VIEWPORT,
  phoneContext,
  seriousViolations,
  signInBySms,
  singleEntryEvents,
} from '../support/citizen.mjs';
import { artifacts, startPlatform } from '../support/platform.mjs';

const SMALL_VIEWPORT = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };
const OFFLINE_NOTICE = '当前离线，显示的是已保存的电子票';
const PAST_RUN = '徐汇区市民10公里路跑';
const NEXT_YEAR = new Date().getFullYear() + 1;
// The colour of the places left of a group that takes entries (.group-places in app.css).
const INVITING_BLUE = 'rgb(10, 71, 168)';

let platform;
let events;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { SEED_DEMO: 'true' } });
  const response = await fetch(`${platform.baseUrl}/api/events?limit=100`);
  events = (await response.json()).items;
  assert.ok(events.length >= 5, 'the demo league published fewer than 5 events');
});

after(async () => {
  await platform?.stop();
});

function dateChip(page) {
  return page.getByRole('group', { name: '筛选条件' }).getByRole('button').nth(3);
}

/** Returns the computed text colour of the locator's element, as rgb(…). */
function textColour(locator) {
  return locator.evaluate((element) => document.defaultView.getComputedStyle(element).color);
}

/** Returns the date chip's label without its ▾ mark. */
async function dateChipText(page) {
  return (await dateChip(page).textContent()).replace(/\s*▾$/, '');
}

test('date picker swaps a reversed range', async () => {
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/search`);
  await dateChip(page).click();
  const sheet = page.getByRole('dialog', { name: '选择日期' });
  await sheet.getByLabel('开始日期').fill(`${NEXT_YEAR}-01-20`);
  await page.waitForURL(new RegExp(`from=${NEXT_YEAR}-01-20`), { waitUntil: 'commit' });
  await sheet.getByLabel('结束日期').fill(`${NEXT_YEAR}-01-10`);
  await page.waitForURL(new RegExp(`from=${NEXT_YEAR}-01-10&to=${NEXT_YEAR}-01-20`), {
    waitUntil: 'commit',
  });
  await sheet.getByRole('status').filter({ hasText: '已将两个日期对调' }).waitFor();
  assert.equal(await sheet.getByLabel('开始日期').inputValue(), `${NEXT_YEAR}-01-10`);
  assert.equal(await sheet.getByLabel('结束日期').inputValue(), `${NEXT_YEAR}-01-20`);
  await page.screenshot({ path: join(artifacts, 'usability-date-swapped.png') });
  await sheet.getByRole('button', { name: '完成' }).click();
  assert.equal(await page.getByText('加载失败').count(), 0);
  assert.equal(await dateChipText(page), `${NEXT_YEAR}年1月10日–1月20日`);
  await context.close();
});

test('date chip shows a past year', async () => {
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/search?from=2020-01-01&to=2020-12-31`);
  await page.getByRole('group', { name: '筛选条件' }).waitFor();
  assert.equal(await dateChipText(page), '2020年1月1日–12月31日');
  await page.goto(`${platform.baseUrl}/search?from=2020-12-01&to=${NEXT_YEAR}-01-31`);
  await page.getByRole('group', { name: '筛选条件' }).waitFor();
  assert.equal(await dateChipText(page), `2020年12月1日–${NEXT_YEAR}年1月31日`);
  await context.close();
});

test('reversed dates in the address offer clearing', async () => {
  for (const viewport of [PHONE_VIEWPORT, SMALL_VIEWPORT]) {
    const context = await phoneContext(platform, viewport);
    const page = await context.newPage();
    await page.goto(`${platform.baseUrl}/search?from=${NEXT_YEAR}-03-20&to=${NEXT_YEAR}-03-10`);
    await page.getByText('结束日期早于开始日期').waitFor();
    assert.equal(await page.getByText('加载失败').count(), 0);
    assert.deepEqual(await seriousViolations(page), [], 'axe on the reversed range');
    const size = viewport.viewport;
    await page.screenshot({
      path: join(artifacts, `usability-reversed-url-${size.width}.png`),
    });
    await page.getByRole('button', { name: '清除日期' }).click();
    await page.waitForURL((url) => !url.search.includes('from=') && !url.search.includes('to='));
    await page.locator('.event-card').first().waitFor();
    await context.close();
  }
});

test('search ignores invalid address values', async () => {
  const context = await phoneContext(platform);
  const page = await context.newPage();
  // The link's place is checked against the division lists before the events are requested,
  // so no list request carries an unknown district or street and no division request fails.
  const eventSearches = [];
  const failures = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/events') eventSearches.push(url.search);
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.status() >= 400 && /^\/api\/(events|divisions)$/.test(pathname)) {
      failures.push(`${response.status()} ${response.url()}`);
    }
  });
  const addresses = [
    '/search?district=12345&to=2026-99-99',
    '/search?district=999999&street=abc&sports=no_such_sport&section=bogus&fee=gratis',
    `/search?from=${NEXT_YEAR}-02-30`,
  ];
  for (const address of addresses) {
    eventSearches.length = 0;
    failures.length = 0;
    await page.goto(`${platform.baseUrl}${address}`);
    await page.locator('.event-card').first().waitFor();
    const note = page.getByRole('status').filter({ hasText: '条件无效，已忽略' });
    await note.waitFor();
    assert.match(await note.innerText(), address.includes('sports') ? /项目/ : /日期/, address);
    const chips = await page.getByRole('group', { name: '筛选条件' }).innerText();
    assert.match(chips, /区域/, address);
    assert.match(chips, /日期/, address);
    assert.match(chips, /项目/, address);
    assert.doesNotMatch(chips, /99月/, address);
    const body = await page.locator('.page').innerText();
    assert.doesNotMatch(body, /加载失败|格式不正确|district/, address);
    assert.deepEqual(failures, [], address);
    assert.ok(eventSearches.length > 0, `${address} listed no events`);
    for (const search of eventSearches) {
      assert.doesNotMatch(search, /district=|street=/, `${address} requested ${search}`);
    }
  }
  await page.screenshot({ path: join(artifacts, 'usability-bad-params.png') });

  // A well-formed street that its district does not list is dropped; the district stays.
  eventSearches.length = 0;
  failures.length = 0;
  await page.goto(`${platform.baseUrl}/search?district=310104&street=310104999`);
  const note = page.getByRole('status').filter({ hasText: '链接中的区域条件无效，已忽略' });
  await note.waitFor();
  await page.getByRole('group', { name: '筛选条件' }).getByText('徐汇区').waitFor();
  const chips = await page.getByRole('group', { name: '筛选条件' }).innerText();
  assert.doesNotMatch(chips, /·/);
  await page.locator('.event-card').first().waitFor();
  assert.deepEqual(failures, []);
  assert.ok(eventSearches.length > 0, 'the street link listed no events');
  for (const search of eventSearches) {
    assert.match(search, /district=310104/, `the street link requested ${search}`);
    assert.doesNotMatch(search, /street=/, `the street link requested ${search}`);
  }
  await page.screenshot({ path: join(artifacts, 'usability-bad-street.png') });

  // Valid values show no such note.
  await page.goto(`${platform.baseUrl}/search?district=310104&fee=free`);
  await page.getByRole('group', { name: '筛选条件' }).getByText('免费').waitFor();
  assert.equal(await page.getByText('条件无效，已忽略').count(), 0);
  await context.close();
});

test('search placeholder fits at 360 px', async () => {
  const context = await phoneContext(platform, SMALL_VIEWPORT);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/search`);
  const input = page.getByRole('searchbox', { name: '搜索赛事' });
  await input.waitFor();
  const fit = await input.evaluate((element) => {
    const style = document.defaultView.getComputedStyle(element);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const room =
      element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text: context.measureText(element.placeholder).width, room };
  });
  assert.ok(fit.text <= fit.room, `placeholder ${fit.text}px wide in ${fit.room}px`);
  await page.screenshot({ path: join(artifacts, 'usability-search-360.png') });
  await context.close();
});

test('past events say 已结束 and link results', async () => {
  const run = events.find((item) => item.name === PAST_RUN);
  assert.ok(run, 'the demo league has no past run');
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/search?from=2020-01-01&q=${encodeURIComponent(PAST_RUN)}`);
  const card = page.locator('.event-card').filter({ hasText: PAST_RUN }).first();
  await card.waitFor();
  assert.equal(await card.locator('.status-tag').innerText(), '已结束');
  assert.doesNotMatch(await card.innerText(), /已截止/);

  await page.goto(`${platform.baseUrl}/events/${run.id}`);
  await page.getByRole('heading', { name: run.name, level: 1 }).waitFor();
  assert.equal(await page.locator('.detail-hero .status-tag').innerText(), '已结束');
  await page.getByRole('link', { name: /成绩查询/ }).waitFor();
  await context.close();
});

test('closed event shows places taken in grey', async () => {
  const closed = events.find(
    (item) => item.registrationStatus === 'closed' && Date.parse(item.endsAt) > Date.now(),
  );
  assert.ok(closed, 'the demo league has no event whose registration has closed');
  const past = events.find((item) => item.name === PAST_RUN);
  assert.ok(past, 'the demo league has no past run');
  const context = await phoneContext(platform);
  const page = await context.newPage();
  for (const event of [closed, past]) {
    await page.goto(`${platform.baseUrl}/events/${event.id}`);
    const places = page.locator('.group-places').first();
    await places.waitFor();
    const text = await places.innerText();
    assert.doesNotMatch(text, /剩余/, `${event.name} shows places left: ${text}`);
    assert.match(text, /^已报名 \d+ \/ \d+$/, event.name);
    assert.equal(await places.getAttribute('class'), 'group-places none', event.name);
    assert.notEqual(await textColour(places), INVITING_BLUE, `${event.name} is blue`);
  }
  await page
    .locator('.group-list')
    .screenshot({ path: join(artifacts, 'usability-closed-places.png') });

  // Open and full events keep their places left and 已满.
  const open = events.find((item) => item.name === '徐汇滨江健康跑');
  assert.ok(open, 'the demo league lacks 徐汇滨江健康跑');
  await page.goto(`${platform.baseUrl}/events/${open.id}`);
  const openPlaces = page.locator('.group-places').first();
  await openPlaces.waitFor();
  assert.match(await openPlaces.innerText(), /^剩余 \d+ \/ \d+$/);
  assert.equal(await textColour(openPlaces), INVITING_BLUE);
  const full = events.find((item) => item.name === '徐家汇街道社区健康运动会 趣味跳绳');
  assert.equal(full?.registrationStatus, 'full', 'the demo league has no full rope skipping');
  await page.goto(`${platform.baseUrl}/events/${full.id}`);
  const fullPlaces = page.locator('.group-places').first();
  await fullPlaces.waitFor();
  assert.match(await fullPlaces.innerText(), /^已满 \/ \d+$/);
  assert.equal(await fullPlaces.getAttribute('class'), 'group-places none');
  await context.close();
});

test('future event page has no results link', async () => {
  const future = events.find((item) => Date.parse(item.startsAt) > Date.now());
  assert.ok(future, 'the demo league has no future event');
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/events/${future.id}`);
  await page.getByRole('heading', { name: future.name, level: 1 }).waitFor();
  await page.getByRole('heading', { name: '安全须知' }).waitFor();
  assert.equal(await page.getByRole('link', { name: /成绩查询/ }).count(), 0);
  await context.close();
});

test('results of an unknown event say not found', async () => {
  const context = await phoneContext(platform);
  const page = await context.newPage();
  const id = events[0].id.replace(/[0-9a-f]{12}$/, '000000000000');
  assert.notEqual(id, events[0].id);
  await page.goto(`${platform.baseUrl}/events/${id}/results`);
  await page.getByText('未找到该赛事').waitFor();
  assert.equal(await page.getByText('成绩尚未公布').count(), 0);
  await context.close();
});

test('my registrations list cancelled entries apart and offline', async () => {
  const phone = '13800138470';
  // Only events with a free place in an individual group take these entries; the demo's
  // doubles event takes teams only.
  const open = [];
  for (const item of events) {
    if (item.registrationStatus !== 'open' || Date.parse(item.startsAt) <= Date.now()) continue;
    const groups = await (await fetch(`${platform.baseUrl}/api/events/${item.id}/groups`)).json();
    const free = groups.items.some(
      (group) => group.entryType === 'individual' && group.placesLeft > 0,
    );
    if (free) open.push(item);
  }
  assert.ok(open.length >= 2, 'the demo league has fewer than 2 open individual events');
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await signInBySms(platform, page, phone);
  for (const [index, event] of open.slice(0, 2).entries()) {
    const registered = await pageFetch(page, 'POST', `/api/events/${event.id}/registrations`, {
      name: '取消测试',
      phone,
    });
    assert.ok([200, 201].includes(registered.status), JSON.stringify(registered.body));
    if (index === 0) continue;
    const own = await pageFetch(page, 'GET', '/api/citizen/registrations');
    const entry = own.body.items.find((item) => item.code === registered.body.code);
    assert.ok(entry, 'the second entry is not among the citizen entries');
    const cancelled = await pageFetch(
      page,
      'POST',
      `/api/citizen/events/${event.id}/registrations/${entry.id}/cancel`,
      {},
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  }

  await page.goto(`${platform.baseUrl}/tickets`);
  await page.getByRole('tab', { name: '即将开始（1）' }).waitFor();
  const upcoming = await page.locator('.ticket-list').innerText();
  assert.match(upcoming, new RegExp(open[0].name));
  assert.doesNotMatch(upcoming, /已取消/);
  await page.getByRole('tab', { name: '已取消（1）' }).click();
  await page.locator('.ticket-list').getByText(open[1].name).waitFor();
  assert.match(await page.locator('.ticket-list').innerText(), /已取消/);
  await page.screenshot({ path: join(artifacts, 'usability-tickets-cancelled.png') });
  assert.equal(await page.getByText(OFFLINE_NOTICE).count(), 0, 'notice shown while online');
  assert.deepEqual(await seriousViolations(page), [], 'axe on my registrations');

  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.getByRole('tab', { name: /即将开始/ }).waitFor();
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('status').filter({ hasText: OFFLINE_NOTICE }).waitFor();
  await page.screenshot({ path: join(artifacts, 'usability-tickets-offline.png') });
  await context.setOffline(false);
  await context.close();
});

test('every listed ticket opens offline', async () => {
  const phone = '13800138472';
  const open = await singleEntryEvents(platform, events);
  assert.ok(open.length >= 3, 'the demo league has fewer than 3 open events');
  const context = await phoneContext(platform, SMALL_VIEWPORT);
  const page = await context.newPage();
  await signInBySms(platform, page, phone);
  const codes = [];
  for (const event of open.slice(0, 3)) {
    const registered = await pageFetch(page, 'POST', `/api/events/${event.id}/registrations`, {
      name: '离线测试',
      phone,
    });
    assert.ok([200, 201].includes(registered.status), JSON.stringify(registered.body));
    codes.push(registered.body.code);
  }

  // Only the list is opened online: none of the three tickets is opened before going offline.
  await page.goto(`${platform.baseUrl}/tickets`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.getByRole('tab', { name: '即将开始（3）' }).waitFor();
  await page.waitForFunction(
    (expected) =>
      JSON.parse(localStorage.getItem('cityleague.tickets') ?? '[]').filter(
        (ticket) => expected.includes(ticket.code) && ticket.startsAt,
      ).length === expected.length,
    codes,
  );

  await context.setOffline(true);
  await page.reload();
  await page.getByRole('status').filter({ hasText: OFFLINE_NOTICE }).waitFor();
  await page.getByRole('tab', { name: '即将开始（3）' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'usability-tickets-offline-all.png') });
  for (const code of codes) {
    await page.goto(`${platform.baseUrl}/tickets/${code}`);
    await page.getByRole('img', { name: `报名码 ${code} 的签到二维码`, exact: true }).waitFor();
    assert.equal(await page.getByText('加载失败').count(), 0, `ticket ${code} failed offline`);
  }
  await page.screenshot({ path: join(artifacts, 'usability-ticket-offline-unopened.png') });

  // A ticket this device never listed shows what to do instead of an error code.
  await page.goto(`${platform.baseUrl}/tickets/ABCDEFGH2345`);
  await page.getByText('当前离线，此电子票尚未保存到本机，请联网后打开一次').waitFor();
  assert.equal(await page.getByText('OFFLINE').count(), 0);
  await page.screenshot({ path: join(artifacts, 'usability-ticket-offline-unknown.png') });
  await context.setOffline(false);
  await context.close();
});

test('registration form fills the profile', async () => {
  const phone = '13800138471';
  const [event] = await singleEntryEvents(platform, events);
  const context = await phoneContext(platform);
  const page = await context.newPage();
  await signInBySms(platform, page, phone);
  const profile = await pageFetch(page, 'PUT', '/api/citizen/profile', { realName: '预填测试' });
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  await page.goto(`${platform.baseUrl}/events/${event.id}/register`);
  const name = page.getByPlaceholder('请输入真实姓名');
  const mobile = page.getByPlaceholder('请输入11位手机号码');
  await name.waitFor();
  await page.waitForFunction(
    () => document.querySelector('input[autocomplete="tel"]')?.value !== '',
  );
  assert.equal(await name.inputValue(), '预填测试');
  assert.equal(await mobile.inputValue(), phone);
  await name.fill('另一个人');
  assert.equal(await name.inputValue(), '另一个人');
  await page.screenshot({ path: join(artifacts, 'usability-register-prefill.png') });
  await context.close();
});

test('broken on-site links offer a way out', async () => {
  const event = events.find((item) => Date.parse(item.startsAt) > Date.now());
  const context = await phoneContext(platform, SMALL_VIEWPORT);
  const page = await context.newPage();
  const cases = [
    { path: `/events/${event.id}/on-site`, eventLink: true },
    { path: `/events/${event.id}/on-site?s=abc`, eventLink: true },
    { path: '/events/abc/on-site', eventLink: false },
  ];
  for (const { path, eventLink } of cases) {
    await page.goto(`${platform.baseUrl}${path}`);
    await page.getByText('现场报名二维码无效，请重新扫描现场张贴的二维码').waitFor();
    const body = await page.locator('main').innerText();
    assert.doesNotMatch(body, /（s）|（id）|格式不正确/, `${path} shows a field name`);
    await page.getByRole('button', { name: '返回首页' }).waitFor();
    const toEvent = page.getByRole('button', { name: '查看赛事详情' });
    assert.equal(await toEvent.count(), eventLink ? 1 : 0, `${path} event button`);
  }
  await page.screenshot({ path: join(artifacts, 'usability-on-site-invalid-360.png') });
  await page.goto(`${platform.baseUrl}/events/${event.id}/on-site?s=abc`);
  await page.getByRole('button', { name: '查看赛事详情' }).click();
  await page.waitForURL(new RegExp(`/events/${event.id}$`));
  await context.close();
});

test('long search text is cut, not failed', async () => {
  const context = await phoneContext(platform, SMALL_VIEWPORT);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/search?q=${encodeURIComponent('跑'.repeat(60))}`);
  await page.getByRole('status').filter({ hasText: '搜索内容最多 50 个字' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  assert.equal(await page.getByText('加载失败').count(), 0, 'the search failed');
  assert.equal(await page.getByRole('button', { name: '重新加载' }).count(), 0);
  await page.screenshot({ path: join(artifacts, 'usability-search-long-360.png') });
  await context.close();
});

test('calendar ignores invalid link dates', async () => {
  const context = await phoneContext(platform, SMALL_VIEWPORT);
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/calendar?month=abc&day=2026-12-99`);
  await page.getByRole('status').filter({ hasText: '链接中的月份无效，已显示本月' }).waitFor();
  await page.getByText('点选日期，查看当天的赛事').waitFor();
  assert.equal(await page.getByText('加载失败').count(), 0, 'the calendar failed');
  assert.equal(await page.getByText('12月99日').count(), 0, 'an impossible day is listed');
  await page.screenshot({ path: join(artifacts, 'usability-calendar-invalid-360.png') });

  const month = new Date().toISOString().slice(0, 7);
  await page.goto(`${platform.baseUrl}/calendar?month=${month}&day=${month}-99`);
  await page.getByRole('status').filter({ hasText: '链接中的日期无效' }).waitFor();
  assert.equal(await page.getByText('加载失败').count(), 0, 'the calendar failed');
  await context.close();
});

test('event place shows once with map link', async () => {
  const event = events.find((item) => item.name === '徐汇滨江健康跑');
  assert.ok(event, 'the demo league lacks 徐汇滨江健康跑');
  for (const viewport of [PHONE_VIEWPORT, SMALL_VIEWPORT]) {
    const context = await phoneContext(platform, viewport);
    const page = await context.newPage();
    await page.goto(`${platform.baseUrl}/events/${event.id}`);
    const place = page.locator('.facts > div', { hasText: '比赛地点' }).first();
    await place.waitFor();
    const text = await place.locator('dd').innerText();
    assert.equal(text.split('龙美术馆西岸馆').length - 1, 1, `the place repeats: ${text}`);
    const href = await place.getByRole('link', { name: '在地图中查看' }).getAttribute('href');
    const keyword = new URL(href).searchParams.get('keyword');
    assert.equal(keyword, '上海市徐汇滨江 龙美术馆西岸馆');
    const size = viewport.viewport;
    await place.screenshot({ path: join(artifacts, `usability-event-place-${size.width}.png`) });
    await context.close();
  }
});

test('event page shows name, time and place at once', async () => {
  const event = events.find((item) => Date.parse(item.startsAt) > Date.now());
  for (const viewport of [PHONE_VIEWPORT, SMALL_VIEWPORT]) {
    const context = await phoneContext(platform, viewport);
    const page = await context.newPage();
    // The poster is held back, as on a slow network, to look at the first screen before it.
    await page.route('**/poster.png*', () => {});
    await page.goto(`${platform.baseUrl}/events/${event.id}`);
    await page.getByRole('heading', { name: event.name, level: 1 }).waitFor();
    // The bottom bar covers the foot of the screen, so the facts must end above it.
    const bar = await page.locator('.bottom-bar').boundingBox();
    const visibleHeight = Math.min(viewport.viewport.height, bar?.y ?? Infinity);
    for (const label of ['比赛时间', '比赛地点']) {
      const fact = page.locator('.facts > div', { hasText: label }).first();
      // The first text of the fact (the time, the district and venue) must show in full.
      const bottom = await fact.locator('dd').evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element.firstChild);
        return range.getBoundingClientRect().bottom;
      });
      assert.ok(bottom <= visibleHeight, `${label} ends at ${bottom}px of ${visibleHeight}px`);
    }
    const frame = page.locator('.poster-frame');
    const background = await frame.evaluate(
      (element) => document.defaultView.getComputedStyle(element).background,
    );
    assert.doesNotMatch(background, /gradient/, 'the poster placeholder is a dark gradient');
    const size = viewport.viewport;
    await page.screenshot({ path: join(artifacts, `usability-event-${size.width}.png`) });
    await page.unroute('**/poster.png*');
    await context.close();
  }
});
