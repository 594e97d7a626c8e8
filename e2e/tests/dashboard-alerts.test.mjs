// The unread alert badge in the console. The operator lowers the registration spike rule so
// that it fires on the demo league's fresh entries and runs the rules. The header bell and the
// 异常预警 menu item of an official then show the unread count, which agrees with the unread
// items of the list, and opening the alerts page clears both.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, DEMO_PASSWORD, signInToConsole, startPlatform } from '../support/platform.mjs';

let platform;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  platform = await startPlatform({ env: { SEED_DEMO: 'true' } });
});

after(async () => {
  await platform?.stop();
});

async function consolePage(username, viewport) {
  const context = await platform.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/`);
  await signInToConsole(page, username, DEMO_PASSWORD);
  return page;
}

async function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json() };
    },
    { method, path, body },
  );
}

test('officials see and clear the unread alert badge', async () => {
  const operator = await consolePage('operator', { width: 1440, height: 900 });
  const rule = await apiCall(
    operator,
    'PUT',
    '/api/operator/alert-rules/event_registration_spike',
    {
      enabled: true,
      parameters: { windowHours: 72, baselineDays: 7, factor: 1.5, minCount: 1 },
    },
  );
  assert.equal(rule.status, 200, JSON.stringify(rule.body));
  const evaluated = await apiCall(operator, 'POST', '/api/operator/alerts/evaluate');
  assert.equal(evaluated.status, 200);
  assert.ok(evaluated.body.opened >= 1, `opened ${evaluated.body.opened} alerts`);
  await operator.context().close();

  let checked = 0;
  for (const [username, viewport] of [
    ['xuhui.bureau', { width: 1440, height: 900 }],
    ['bureau', { width: 390, height: 844 }],
  ]) {
    const page = await consolePage(username, viewport);
    const unread = (await apiCall(page, 'GET', '/api/alerts/notifications/unread')).body.unread;
    const bell = page.getByTestId('header-alerts');
    await bell.waitFor();
    if (unread === 0) {
      assert.equal(await bell.getAttribute('aria-label'), '异常预警');
      await page.context().close();
      continue;
    }
    checked += 1;
    // The count is the list's unread items, a district's alert in the city's list included.
    const list = (await apiCall(page, 'GET', '/api/alerts')).body;
    assert.equal(list.items.filter((item) => item.unread).length, unread, username);
    if (username === 'bureau') {
      assert.ok(
        list.items.some((item) => item.unread && item.district?.code === '310104'),
        "Xuhui's alert counts for the city",
      );
    }
    await page.getByRole('button', { name: `异常预警，${unread} 条未读` }).waitFor();
    if (viewport.width >= 992) {
      await page.getByLabel(`${unread} 条未读预警`).waitFor();
    }
    await page.screenshot({ path: join(artifacts, `alerts-badge-${viewport.width}.png`) });

    await bell.click();
    await page.getByRole('heading', { name: '异常预警' }).waitFor();
    await page.getByRole('button', { name: '异常预警', exact: true }).waitFor();
    const after = (await apiCall(page, 'GET', '/api/alerts/notifications/unread')).body.unread;
    assert.equal(after, 0);
    await page.screenshot({ path: join(artifacts, `alerts-page-${viewport.width}.png`) });
    await page.context().close();
  }
  assert.equal(checked, 2, 'both officials had unread alerts');
});
