// Helpers of the browser tests of the citizens' app on a phone.
import { createRequire } from 'node:module';

import { waitForSmsCode } from './platform.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export const PHONE_VIEWPORT = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
};

/** Opens a browser context of a phone at 390×844 on the platform's browser. */
export async function phoneContext(platform, options = {}) {
  // axe is injected as an inline script, which the app's content security policy blocks.
  return platform.browser.newContext({ ...PHONE_VIEWPORT, bypassCSP: true, ...options });
}

/** Runs axe on the page and returns the serious and critical violations, one line each. */
export async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(() => globalThis.axe.run(document));
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Signs a citizen in with the SMS code from the development outbox, starting at /login. */
export async function signInBySms(platform, page, phone) {
  await page.goto(`${platform.baseUrl}/login`);
  await page.getByPlaceholder('请输入11位手机号码').fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByPlaceholder('6位数字').fill(await waitForSmsCode(page, platform.baseUrl, phone));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Sends a same-origin JSON request from the page, with the citizen's session cookie. */
export async function pageFetch(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const response = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    [method, path, body],
  );
}

/**
 * Returns the open events of `events` (items of GET /api/events) that start later and have a
 * free place in an individual group, so that they take a single entry. Team-only and full
 * events of the demo league are left out.
 */
export async function singleEntryEvents(platform, events) {
  const open = events.filter(
    (item) => item.registrationStatus === 'open' && Date.parse(item.startsAt) > Date.now(),
  );
  const taking = [];
  for (const event of open) {
    const response = await fetch(`${platform.baseUrl}/api/events/${event.id}/groups`);
    const groups = (await response.json()).items;
    const free = groups.some((group) => group.entryType === 'individual' && group.placesLeft > 0);
    if (free) taking.push(event);
  }
  return taking;
}
