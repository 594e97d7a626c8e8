import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Client id that the platform uses at the local portal. */
export const LOCAL_PORTAL_CLIENT_ID = 'cityleague';

/** Organisation claims that the local portal issues for one account id (the `sub`). */
export interface LocalPortalAccount {
  credit_code?: string;
  org_name?: string;
}

/** A running local portal with its issuer URL, client secret and accounts. */
export interface LocalPortal {
  issuer: string;
  clientSecret: string;
  /** Account id to organisation claims; callers may add accounts while it runs. */
  accounts: Map<string, LocalPortalAccount>;
  close(): Promise<void>;
}

// The parts of oidc-provider 8 that the local portal uses. The package ships no types and is
// a development dependency, so it is imported at run time only.
interface Interaction {
  prompt: { name: string };
  params: Record<string, unknown>;
  session?: { accountId: string };
}
interface Grant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface Provider {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<Interaction>;
  interactionFinished(
    request: IncomingMessage,
    response: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: new (options: { accountId?: string; clientId: unknown }) => Grant;
}
type ProviderConstructor = new (issuer: string, configuration: object) => Provider;

// Held in a variable so that the compiler does not look for the package's types.
const PROVIDER_PACKAGE = 'oidc-provider';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LOGIN_FORM = `<label>单位账号 <input name="login" autocomplete="off"></label>
<button type="submit">登录</button>`;
const CONSENT_FORM = `<p>授权城市业余联赛平台读取单位名称与统一社会信用代码</p>
<input type="hidden" name="consent" value="yes"><button type="submit">同意授权</button>`;

function interactionPage(prompt: string, uid: string, accounts: Map<string, LocalPortalAccount>) {
  const known = [...accounts]
    .map(
      ([id, claims]) =>
        `<li><code>${escapeHtml(id)}</code> ${escapeHtml(claims.org_name ?? '')}</li>`,
    )
    .join('');
  const form = prompt === 'login' ? LOGIN_FORM : CONSENT_FORM;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>一网通办（本地模拟）</title></head><body>
<h1>一网通办 法人登录（本地模拟）</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}" data-prompt="${escapeHtml(prompt)}">
${form}</form>
${prompt === 'login' ? `<p>可用的模拟单位账号：</p><ul>${known}</ul>` : ''}
</body></html>`;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts a local stand-in for the government portal: a real OpenID Connect provider
 * (oidc-provider) on a loopback port, with a login form that accepts any known account id and
 * a consent form. Its state lives in memory, and its signing key and client secret are made
 * at start. It serves tests and development only; `redirectUris` are the platform's callback
 * addresses.
 */
export async function startLocalPortal(options: {
  redirectUris: string[];
  port?: number;
}): Promise<LocalPortal> {
  const { default: Provider } = (await import(PROVIDER_PACKAGE)) as {
    default: ProviderConstructor;
  };
  const accounts = new Map<string, LocalPortalAccount>();
  const clientSecret = randomBytes(24).toString('base64url');
  // Set once the server listens, because the issuer URL needs the port.
  const started: { provider?: Provider } = {};

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const provider = started.provider;
    if (!provider) throw new Error('The local portal is still starting');
    const match = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '');
    if (!match) return provider.callback()(request, response);

    const details = await provider.interactionDetails(request, response);
    const prompt = details.prompt.name;
    if (request.method === 'GET') {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(interactionPage(prompt, match[1] ?? '', accounts));
      return;
    }

    const form = await readForm(request);
    if (prompt === 'login') {
      const accountId = form.get('login')?.trim() ?? '';
      if (!accounts.has(accountId)) {
        response.statusCode = 400;
        response.end('unknown account');
        return;
      }
      const result = { login: { accountId } };
      await provider.interactionFinished(request, response, result, {
        mergeWithLastSubmission: false,
      });
      return;
    }
    const grant = new provider.Grant({
      accountId: details.session?.accountId,
      clientId: details.params.client_id,
    });
    grant.addOIDCScope(String(details.params.scope));
    const result = { consent: { grantId: await grant.save() } };
    await provider.interactionFinished(request, response, result, {
      mergeWithLastSubmission: true,
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const seconds = (minutes: number) => () => minutes * 60;
  started.provider = new Provider(issuer, {
    clients: [
      {
        client_id: LOCAL_PORTAL_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub', 'credit_code', 'org_name'] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    jwks: { keys: [{ ...signingKey, kid: 'local-portal', alg: 'RS256', use: 'sig' }] },
    pkce: { required: () => true },
    ttl: {
      AccessToken: seconds(10),
      AuthorizationCode: seconds(1),
      Grant: seconds(10),
      IdToken: seconds(10),
      Interaction: seconds(10),
      Session: seconds(10),
    },
    async findAccount(_ctx: unknown, id: string) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });

  return {
    issuer,
    clientSecret,
    accounts,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
