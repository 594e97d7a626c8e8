import * as oidc from 'openid-client';

import type { PortalConfig } from './portal.config.js';
import { isLoopback } from './portal.config.js';
import {
  PortalClaimMissing,
  PortalLoginDenied,
  PortalLoginFailed,
  PortalUnavailable,
} from './portal.errors.js';

/** The parameters of one authorization request that the callback must check. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The organisation identity that the portal asserted. */
export interface PortalIdentity {
  subject: string;
  /** The credit code claim as the portal sent it, not yet checked. */
  creditCode: string;
  organisationName: string;
}

// Time allowed for each request to the portal, in seconds.
const PORTAL_TIMEOUT_SECONDS = 10;

/**
 * Talks to the government portal with openid-client: the authorization code flow with PKCE
 * (S256), state and nonce. The discovery document is fetched on first use and kept; a failed
 * discovery is retried on the next log-in.
 */
export class PortalClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: PortalConfig,
    private readonly production: boolean,
  ) {}

  private discover(): Promise<oidc.Configuration> {
    if (this.configuration) return this.configuration;
    const { issuer, clientId, clientSecret } = this.settings;
    const authentication = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
    // Plain http is accepted only for a loopback issuer outside production, as the test
    // suite's local provider; loadConfig rejects other http issuers.
    const insecure = !this.production && issuer.protocol === 'http:' && isLoopback(issuer);
    this.configuration = oidc
      .discovery(issuer, clientId, undefined, authentication, {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: PORTAL_TIMEOUT_SECONDS,
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw Object.assign(new PortalUnavailable(), { cause: error });
      });
    return this.configuration;
  }

  /** Generates the checks of a new log-in; the verifier and nonce stay on the server. */
  static newChecks(): LoginChecks {
    return {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
  }

  /** Builds the portal's authorization URL for a log-in with these checks. */
  async authorizationUrl(checks: LoginChecks): Promise<URL> {
    const configuration = await this.discover();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri.href,
      scope: this.settings.scope,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Redeems the authorization code of a callback with the PKCE verifier, verifies the ID token
   * (signature, issuer, audience, nonce) and reads the organisation claims from the ID token,
   * or from the UserInfo response when the ID token lacks them. `query` is the callback's
   * query string.
   */
  async identify(query: URLSearchParams, checks: LoginChecks): Promise<PortalIdentity> {
    const error = query.get('error');
    if (error) throw new PortalLoginDenied(error.slice(0, 64));
    const configuration = await this.discover();
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = query.toString();

    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new PortalLoginFailed();
      claims = { ...idClaims };
      // Portals put scope claims in the ID token or only in UserInfo; ask UserInfo when the
      // ID token lacks one of the two.
      const { creditCodeClaim, organisationNameClaim } = this.settings;
      if (claims[creditCodeClaim] === undefined || claims[organisationNameClaim] === undefined) {
        const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...userInfo, ...idClaims };
      }
    } catch (cause) {
      if (cause instanceof PortalLoginFailed) throw cause;
      throw Object.assign(new PortalLoginFailed(), { cause });
    }
    return {
      subject: String(claims.sub),
      creditCode: this.claim(claims, this.settings.creditCodeClaim),
      organisationName: this.claim(claims, this.settings.organisationNameClaim).trim(),
    };
  }

  private claim(claims: Record<string, unknown>, name: string): string {
    const value = claims[name];
    if (typeof value !== 'string' || value.trim() === '') throw new PortalClaimMissing(name);
    return value;
  }
}
