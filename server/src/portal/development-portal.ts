import { creditCodeCheckCharacter } from '@cityleague/domain';

import { LOCAL_PORTAL_CLIENT_ID, startLocalPortal, type LocalPortal } from './local-portal.js';
import type { PortalConfig } from './portal.config.js';

/** Invented organisations that the development portal signs in. */
const DEVELOPMENT_ORGANISATIONS = [
  { subject: 'demo-contractor', name: '上海测试体育赛事有限公司', region: '310104' },
  { subject: 'demo-bureau', name: '上海市静安区体育局（测试）', region: '310106' },
  { subject: 'demo-association', name: '上海市社区体育协会（测试）', region: '310000' },
];

function inventedCreditCode(region: string, n: number): string {
  const first17 = `91${region}MA1DE${String(n).padStart(4, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** The development portal, the settings that point the platform at it, and its accounts. */
export interface DevelopmentPortal {
  settings: PortalConfig;
  portal: LocalPortal;
  organisations: { subject: string; name: string; creditCode: string }[];
}

/**
 * Starts the local portal on a free loopback port with a few invented organisations, so that
 * `npm start` users can try self-registration without a real portal. The callback address
 * uses `localhost`, the name that the start-up message prints, because the log-in cookie
 * belongs to the host name the browser used.
 */
export async function startDevelopmentPortal(platformPort: number): Promise<DevelopmentPortal> {
  const redirectUri = new URL(`http://localhost:${platformPort}/api/portal/callback`);
  const portal = await startLocalPortal({ redirectUris: [redirectUri.href] });
  const organisations = DEVELOPMENT_ORGANISATIONS.map((organisation, index) => ({
    subject: organisation.subject,
    name: organisation.name,
    creditCode: inventedCreditCode(organisation.region, index + 1),
  }));
  for (const organisation of organisations) {
    portal.accounts.set(organisation.subject, {
      credit_code: organisation.creditCode,
      org_name: organisation.name,
    });
  }
  const settings: PortalConfig = Object.freeze({
    issuer: new URL(portal.issuer),
    clientId: LOCAL_PORTAL_CLIENT_ID,
    clientSecret: portal.clientSecret,
    redirectUri,
    scope: 'openid',
    creditCodeClaim: 'credit_code',
    organisationNameClaim: 'org_name',
  });
  return { settings, portal, organisations };
}
