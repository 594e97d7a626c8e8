import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

import { creditCodeCheckCharacter } from '@cityleague/domain';

import {
  LOCAL_PORTAL_CLIENT_ID,
  startLocalPortal,
  type LocalPortal,
} from '../portal/local-portal.js';

/** Callback address configured for the platform in the tests; never called over the network. */
export const REDIRECT_URI = 'http://localhost/api/portal/callback';

export type PortalProvider = LocalPortal;

/** Starts the local portal and returns it with the OIDC_* variables that point at it. */
export async function startPortal(): Promise<{ portal: LocalPortal; env: NodeJS.ProcessEnv }> {
  const portal = await startLocalPortal({ redirectUris: [REDIRECT_URI] });
  return {
    portal,
    env: {
      OIDC_ISSUER: portal.issuer,
      OIDC_CLIENT_ID: LOCAL_PORTAL_CLIENT_ID,
      OIDC_CLIENT_SECRET: portal.clientSecret,
      OIDC_REDIRECT_URI: REDIRECT_URI,
    },
  };
}

/** Builds a valid unified social credit code for a region (6 digits) and a 9-character body. */
export function creditCode(region: string, body: string): string {
  const first17 = `91${region}${body}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** A browser's cookies at the portal, by name. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The end of a portal log-in: the platform's callback query and the log-in cookie. */
export interface PortalReturn {
  query: URLSearchParams;
  loginCookie: string;
  authorizationUrl: URL;
}

let loginCount = 0;

/**
 * Starts a log-in at the platform and walks the portal's pages as a browser would: follows
 * the redirects, submits the login form with `accountId` and the consent form, and stops at
 * the redirect to the platform's callback.
 */
export async function loginAtPortal(
  app: FastifyInstance,
  accountId: string,
): Promise<PortalReturn> {
  // Each log-in comes from an address of its own, so a file's many log-ins stay under the
  // limit of starts per address.
  loginCount += 1;
  const remoteAddress = `198.18.${Math.floor(loginCount / 250) % 250}.${(loginCount % 250) + 1}`;
  const start = await app.inject({ method: 'GET', url: '/api/portal/start', remoteAddress });
  if (start.statusCode !== 302) {
    throw new Error(`/api/portal/start answered ${start.statusCode}: ${start.body}`);
  }
  const loginCookie = start.cookies.find((cookie) => cookie.name === 'portal_login');
  if (!loginCookie) throw new Error('/api/portal/start set no portal_login cookie');
  const authorizationUrl = new URL(String(start.headers.location));

  const jar = new CookieJar();
  let next = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    if (next.href.startsWith(REDIRECT_URI)) {
      return { query: next.searchParams, loginCookie: loginCookie.value, authorizationUrl };
    }
    let response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    if (response.status === 200 && next.pathname.startsWith('/interaction/')) {
      const html = await response.text();
      const prompt = /data-prompt="(\w+)"/.exec(html)?.[1];
      const form = prompt === 'login' ? { login: accountId } : { consent: 'yes' };
      response = await fetch(next, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      jar.store(response);
    }
    const location = response.headers.get('location');
    if (!location) {
      throw new Error(`The portal answered ${response.status} at ${next.pathname}`);
    }
    next = new URL(location, next);
  }
  throw new Error('The portal did not redirect back within 12 steps');
}

/** Calls the platform's callback with a portal return. */
export function callback(
  app: FastifyInstance,
  back: PortalReturn,
  options: { query?: URLSearchParams; loginCookie?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const query = options.query ?? back.query;
  const loginCookie = options.loginCookie === undefined ? back.loginCookie : options.loginCookie;
  return app.inject({
    method: 'GET',
    url: `/api/portal/callback?${query.toString()}`,
    headers: loginCookie === null ? {} : { cookie: `portal_login=${loginCookie}` },
  });
}

/** Returns a cookie's value from a response, or throws. */
export function cookieOf(response: LightMyRequestResponse, name: string): string {
  const cookie = response.cookies.find((c) => c.name === name);
  if (!cookie) throw new Error(`No ${name} cookie in the response (${response.statusCode})`);
  return cookie.value;
}
