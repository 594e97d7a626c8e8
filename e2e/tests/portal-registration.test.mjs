// Self-registration through the government portal in a real browser. A local OpenID Connect
// provider plays the portal. A contracted organiser signs up with its organisation
// identity, sets a local password, lands in the console with the filing menu and may file
// under its own contract only.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { creditCodeCheckCharacter } from '@cityleague/domain';

import { writeContractWorkbook } from '../../server/dist/contracts/contract-workbook.js';
import { artifacts, freePort, signInToConsole, startPlatform } from '../support/platform.mjs';
import {
  LOCAL_PORTAL_CLIENT_ID,
  startLocalPortal,
} from '@cityleague/server/dist/portal/local-portal.js';

const SUBJECT = 'e2e-contractor';
const ORGANISATION = '端到端测试体育文化有限公司';
const PASSWORD = 'Portal@2026pass';
const BODY = `91310104MA1E2E${String(Date.now() % 1000).padStart(3, '0')}`;
const CREDIT_CODE = BODY + creditCodeCheckCharacter(BODY);
const OTHER_BODY = `91310104MA2E2E${String(Date.now() % 1000).padStart(3, '0')}`;
const OTHER_CREDIT_CODE = OTHER_BODY + creditCodeCheckCharacter(OTHER_BODY);
const OWN_CONTRACT = `门户注册单位合同赛事 ${Date.now() % 100000}`;
const OTHER_CONTRACT = `其他单位合同赛事 ${Date.now() % 100000}`;

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

/** Imports two city contracts as the operator: one for the new organiser, one for another. */
async function importContracts() {
  const context = await platform.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${platform.baseUrl}/console/login`);
  await signInToConsole(page, 'operator', 'Demo@2026');

  const row = (name, code, event) => [
    name,
    code,
    '市级',
    '',
    '联赛',
    '三人篮球',
    event,
    '测试联系人',
    '13800138000',
  ];
  const workbook = await writeContractWorkbook([
    row(ORGANISATION, CREDIT_CODE, OWN_CONTRACT),
    row('其他测试体育有限公司', OTHER_CREDIT_CODE, OTHER_CONTRACT),
  ]);

  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const dryRun = await page.request.post(`${platform.baseUrl}/api/console/contracts/imports`, {
    data: { fileName: 'contracts.xlsx', content: Buffer.from(workbook).toString('base64'), year },
  });
  assert.equal(dryRun.status(), 201, await dryRun.text());
  const { id } = await dryRun.json();

  const commit = await page.request.post(
    `${platform.baseUrl}/api/console/contracts/imports/${id}/commit`,
  );
  assert.equal(commit.status(), 200, await commit.text());
  await context.close();
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('contractor signs up through the portal and files under its own contract', async () => {
  await importContracts();
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
  assert.equal(await page.getByLabel('登录账号').inputValue(), CREDIT_CODE);
  assert.equal(await page.title(), '单位注册 - 城市业余联赛管理平台');
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

  // The filing form offers the contracts of this organisation's credit code and no others.
  await filing.click();
  await page.getByLabel('中标合同', { exact: true }).click();
  // The options can re-render while they are read, so they are read in one step in the page,
  // once the own contract is among them.
  const offeredHandle = await page.waitForFunction((own) => {
    const options = document.querySelectorAll(
      '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
    );
    const texts = [...options].map((option) => option.textContent ?? '');
    return texts.some((text) => text.includes(own)) ? texts : null;
  }, OWN_CONTRACT);
  const offered = await offeredHandle.jsonValue();
  assert.ok(
    offered.some((text) => text.includes(OWN_CONTRACT)),
    offered.join(' | '),
  );
  assert.ok(!offered.some((text) => text.includes(OTHER_CONTRACT)), offered.join(' | '));
  await screenshot(page, 'portal-03-own-contracts');

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
