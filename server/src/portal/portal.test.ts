import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestContext, expectProblem, type TestContext } from '../test/harness.js';
import {
  callback,
  cookieOf,
  creditCode,
  loginAtPortal,
  startPortal,
  type PortalProvider,
} from '../test/portal-flow.js';

let ctx: TestContext;
let portal: PortalProvider;

beforeAll(async () => {
  const started = await startPortal();
  portal = started.portal;
  ctx = await createTestContext(started.env);
});

afterAll(async () => {
  await ctx?.close();
  await portal?.close();
});

const PASSWORD = 'Portal@2026pass';

describe('portal self-registration', () => {
  it('registers a new contractor', async () => {
    const code = creditCode('310104', 'MA1FL0001');
    portal.accounts.set('org-contractor', { credit_code: code, org_name: '测试体育赛事有限公司' });
    const back = await loginAtPortal(ctx.app, 'org-contractor');
    const response = await callback(ctx.app, back);
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe('/console/register');
    const registration = cookieOf(response, 'portal_registration');
    const submitted = await ctx.app.inject({
      method: 'POST',
      url: '/api/portal/registration',
      headers: { cookie: `portal_registration=${registration}` },
      payload: { accountType: 'contractor', password: PASSWORD },
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
  });
});
