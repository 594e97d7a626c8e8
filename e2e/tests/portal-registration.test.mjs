// Self-registration through the government portal in a real browser. A local OpenID Connect
// provider plays the portal. A contracted organiser signs up with its organisation
// identity, sets a local password and lands in the console with the filing menu.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { creditCodeCheckCharacter } from '@cityleague/domain';

import { artifacts, freePort, startPlatform } from '../support/platform.mjs';
import {
  LOCAL_PORTAL_CLIENT_ID,
  startLocalPortal,
} from '@cityleague/server/dist/portal/local-portal.js';

const SUBJECT = 'e2e-contractor';
const ORGANISATION = '端到端测试体育文化有限公司';
const PASSWORD = 'Portal@2026pass';
const BODY = `91310104MA1E2E${String(Date.now() % 1000).padStart(3, '0')}`;
const CREDIT_CODE = BODY + creditCodeCheckCharacter(BODY);

let platform;
let portal;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/api/portal/callback`;
  portal = await startLocalPortal({ redirectUris: [redirectUri] });
  portal.accounts.set(SUBJECT, { credit_code: CREDIT_CODE, org_name: ORGANISATION });
  platform = await startPlatform({
    port,
    env: {
      OIDC_ISSUER: portal.issuer,
      OIDC_CLIENT_ID: LOCAL_PORTAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: portal.clientSecret,
      OIDC_REDIRECT_URI: redirectUri,
    },
  });
});

after(async () => {
  await platform?.stop();
  await portal?.close();
});

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('contractor signs up through the portal and lands in the console', async () => {
  const context = await platform.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/login`);
  await page.getByRole('link', { name: '通过一网通办登录/注册' }).click();

  // The portal's own login and consent forms.
  await page.getByLabel('单位账号').fill(SUBJECT);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '同意授权' }).click();

  await page.waitForURL((url) => url.pathname === '/console/register');
  await page.getByText(ORGANISATION).waitFor();
  await page.getByText(CREDIT_CODE).first().waitFor();
  await screenshot(page, 'portal-01-register');
  await page.getByLabel('中标单位（注册后立即可用）').check();
  await page.getByLabel('设置密码').fill(PASSWORD);
  await page.getByLabel('确认密码').fill(PASSWORD);
  await page.getByRole('button', { name: '注册并登录' }).click();

  await page.waitForURL((url) => !url.pathname.startsWith('/console/register'));
  const filing = page.getByRole('menuitem', { name: /赛事填报/ });
  await filing.waitFor();
  assert.equal(await filing.isVisible(), true);
  await screenshot(page, 'portal-02-console');

  // The local password works for a plain sign-in as well.
  const signIn = await fetch(`${platform.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: CREDIT_CODE, password: PASSWORD }),
  });
  assert.equal(signIn.status, 200);
  assert.equal((await signIn.json()).user.accountType, 'contractor');
  await context.close();
});
