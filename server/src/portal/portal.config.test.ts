import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../config.js';

const BASE = { NODE_ENV: 'test', DATA_KEY: randomBytes(32).toString('base64') };
// Production also needs an SMS gateway; these tests are about the portal settings alone.
const PRODUCTION = {
  NODE_ENV: 'production',
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: 'https://sms.example.test/send',
  SMS_HTTP_TOKEN: 'gateway-token',
};
const PORTAL = {
  OIDC_ISSUER: 'https://portal.example.gov.cn/oidc',
  OIDC_CLIENT_ID: 'cityleague',
  OIDC_REDIRECT_URI: 'https://league.example.gov.cn/api/portal/callback',
};

function problemsOf(environment: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('portal configuration', () => {
  it('is off when no OIDC variable is set', () => {
    expect(loadConfig(BASE).portal).toBeUndefined();
  });

  it('reads the settings with default claim names', () => {
    const portal = loadConfig({ ...BASE, ...PORTAL, OIDC_CLIENT_SECRET: 'secret' }).portal;
    expect(portal?.issuer.href).toBe('https://portal.example.gov.cn/oidc');
    expect(portal?.clientId).toBe('cityleague');
    expect(portal?.clientSecret).toBe('secret');
    expect(portal?.scope).toBe('openid');
    expect(portal?.creditCodeClaim).toBe('credit_code');
    expect(portal?.organisationNameClaim).toBe('org_name');
  });

  it('accepts a public client and other claim names', () => {
    const portal = loadConfig({
      ...BASE,
      ...PORTAL,
      OIDC_SCOPE: 'openid  organisation',
      OIDC_CREDIT_CODE_CLAIM: 'uscc',
      OIDC_ORG_NAME_CLAIM: 'corp_name',
    }).portal;
    expect(portal?.clientSecret).toBeUndefined();
    expect(portal?.scope).toBe('openid organisation');
    expect(portal?.creditCodeClaim).toBe('uscc');
    expect(portal?.organisationNameClaim).toBe('corp_name');
  });

  it('lists every missing or invalid OIDC variable at once', () => {
    const problems = problemsOf({
      ...BASE,
      OIDC_ISSUER: 'not a url',
      OIDC_SCOPE: 'profile',
      OIDC_CREDIT_CODE_CLAIM: 'bad claim',
    });
    expect(problems).toEqual([
      'OIDC_CLIENT_ID is required when OIDC_* is set',
      'OIDC_REDIRECT_URI is required when OIDC_* is set',
      'OIDC_ISSUER must be an absolute URL, got "not a url"',
      'OIDC_SCOPE must include openid',
      'OIDC_CREDIT_CODE_CLAIM must be a claim name, got "bad claim"',
    ]);
  });

  it('allows plain http only on loopback outside production', () => {
    const local = {
      ...PORTAL,
      OIDC_ISSUER: 'http://127.0.0.1:4000',
      OIDC_REDIRECT_URI: 'http://localhost:3000/api/portal/callback',
    };
    expect(loadConfig({ ...BASE, ...local }).portal?.issuer.href).toBe('http://127.0.0.1:4000/');
    expect(problemsOf({ ...BASE, ...local, ...PRODUCTION })).toEqual([
      'OIDC_ISSUER must use https (plain http only on loopback outside production)',
      'OIDC_REDIRECT_URI must use https (plain http only on loopback outside production)',
    ]);
    expect(problemsOf({ ...BASE, ...PORTAL, OIDC_ISSUER: 'http://portal.example.gov.cn' })).toEqual(
      ['OIDC_ISSUER must use https (plain http only on loopback outside production)'],
    );
  });

  it('requires the callback path in the redirect URI', () => {
    expect(
      problemsOf({ ...BASE, ...PORTAL, OIDC_REDIRECT_URI: 'https://league.example.gov.cn/cb' }),
    ).toEqual(['OIDC_REDIRECT_URI must end with /api/portal/callback']);
  });
});

describe('development portal setting', () => {
  it('is on in development without OIDC variables', () => {
    expect(loadConfig({ ...BASE, NODE_ENV: 'development' }).developmentPortal).toBe(true);
  });

  it('is off with OIDC variables, in tests and when turned off', () => {
    expect(loadConfig({ ...BASE, ...PORTAL, NODE_ENV: 'development' }).developmentPortal).toBe(
      false,
    );
    expect(loadConfig(BASE).developmentPortal).toBe(false);
    expect(
      loadConfig({ ...BASE, NODE_ENV: 'development', DEV_PORTAL: 'false' }).developmentPortal,
    ).toBe(false);
  });

  it('may not be turned on in production', () => {
    expect(problemsOf({ ...BASE, ...PRODUCTION, DEV_PORTAL: 'true' })).toEqual([
      'DEV_PORTAL may not be true in production',
    ]);
    expect(problemsOf({ ...BASE, DEV_PORTAL: 'maybe' })).toEqual([
      'DEV_PORTAL must be true or false, got "maybe"',
    ]);
  });
});
