/** Settings of the government portal (OpenID Connect) used for organisation self-registration. */
export interface PortalConfig {
  /** Issuer URL; its discovery document is read from `/.well-known/openid-configuration`. */
  readonly issuer: URL;
  readonly clientId: string;
  /** Client secret for client_secret_basic; undefined for a public client that relies on PKCE. */
  readonly clientSecret: string | undefined;
  /** Callback address registered at the portal: `https://<host>/api/portal/callback`. */
  readonly redirectUri: URL;
  /** Space-separated scopes to request; `openid` is always among them. */
  readonly scope: string;
  /** Claim that carries the organisation's unified social credit code. */
  readonly creditCodeClaim: string;
  /** Claim that carries the organisation's registered name. */
  readonly organisationNameClaim: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Tells whether a URL names this machine, where plain HTTP is acceptable outside production. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

function parseUrl(raw: string, name: string, env: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name} must be an absolute URL, got "${raw}"`);
    return undefined;
  }
  const plainHttpAllowed = env !== 'production' && isLoopback(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && plainHttpAllowed)) {
    problems.push(`${name} must use https (plain http only on loopback outside production)`);
    return undefined;
  }
  return url;
}

const CLAIM_NAME = /^[A-Za-z_][\w.:-]{0,63}$/;

function parseClaimName(
  raw: string | undefined,
  name: string,
  fallback: string,
  problems: string[],
): string {
  if (raw === undefined || raw === '') return fallback;
  if (!CLAIM_NAME.test(raw)) problems.push(`${name} must be a claim name, got "${raw}"`);
  return raw;
}

/**
 * Reads DEV_PORTAL: whether development starts a local portal when OIDC_* is unset. It is on
 * by default in development and may not be set in production.
 */
export function parseDevelopmentPortal(
  environment: NodeJS.ProcessEnv,
  env: string,
  portal: PortalConfig | undefined,
  problems: string[],
): boolean {
  const raw = environment.DEV_PORTAL?.toLowerCase() || undefined;
  if (raw !== undefined && !['true', 'false'].includes(raw)) {
    problems.push(`DEV_PORTAL must be true or false, got "${environment.DEV_PORTAL}"`);
    return false;
  }
  if (env === 'production' && raw === 'true') {
    problems.push('DEV_PORTAL may not be true in production');
    return false;
  }
  return env === 'development' && portal === undefined && raw !== 'false';
}

/**
 * Reads the OIDC_* variables. Returns undefined when none of OIDC_ISSUER, OIDC_CLIENT_ID and
 * OIDC_REDIRECT_URI is set, which turns self-registration off; when any of them is set, all
 * three are required. Appends every invalid variable to `problems`.
 */
export function parsePortalConfig(
  environment: NodeJS.ProcessEnv,
  env: string,
  problems: string[],
): PortalConfig | undefined {
  const issuerRaw = environment.OIDC_ISSUER || undefined;
  const clientId = environment.OIDC_CLIENT_ID || undefined;
  const redirectRaw = environment.OIDC_REDIRECT_URI || undefined;
  if (issuerRaw === undefined && clientId === undefined && redirectRaw === undefined) {
    return undefined;
  }

  const count = problems.length;
  if (issuerRaw === undefined) problems.push('OIDC_ISSUER is required when OIDC_* is set');
  if (clientId === undefined) problems.push('OIDC_CLIENT_ID is required when OIDC_* is set');
  if (redirectRaw === undefined) {
    problems.push('OIDC_REDIRECT_URI is required when OIDC_* is set');
  }
  const issuer = issuerRaw ? parseUrl(issuerRaw, 'OIDC_ISSUER', env, problems) : undefined;
  const redirectUri = redirectRaw
    ? parseUrl(redirectRaw, 'OIDC_REDIRECT_URI', env, problems)
    : undefined;
  if (redirectUri && !redirectUri.pathname.endsWith('/api/portal/callback')) {
    problems.push('OIDC_REDIRECT_URI must end with /api/portal/callback');
  }

  const scopes = (environment.OIDC_SCOPE || 'openid').split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) problems.push('OIDC_SCOPE must include openid');
  const creditCodeClaim = parseClaimName(
    environment.OIDC_CREDIT_CODE_CLAIM,
    'OIDC_CREDIT_CODE_CLAIM',
    'credit_code',
    problems,
  );
  const organisationNameClaim = parseClaimName(
    environment.OIDC_ORG_NAME_CLAIM,
    'OIDC_ORG_NAME_CLAIM',
    'org_name',
    problems,
  );

  if (problems.length > count || !issuer || !clientId || !redirectUri) return undefined;
  return Object.freeze({
    issuer,
    clientId,
    clientSecret: environment.OIDC_CLIENT_SECRET || undefined,
    redirectUri,
    scope: scopes.join(' '),
    creditCodeClaim,
    organisationNameClaim,
  });
}
