// A local stand-in for the government portal: a real OpenID Connect provider (oidc-provider)
// on a random loopback port, with a login form that accepts an organisation account id and
// a consent form. Tests add the organisations whose claims it issues.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

/** Client id and secret that the platform uses at the local portal. */
export const PORTAL_CLIENT_ID = 'cityleague';
export const PORTAL_CLIENT_SECRET = 'local-portal-client-secret';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(prompt, uid, body) {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>一网通办（测试）</title></head>
<body><h1>一网通办 法人登录（测试）</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}" data-prompt="${prompt}">${body}</form>
</body></html>`;
}

async function readForm(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the local portal. `redirectUris` are the callback addresses of the platform.
 * Returns the issuer URL, a map of account id to claims that tests fill, and close().
 */
export async function startPortalProvider({ redirectUris }) {
  /** Account id (the `sub`) to its organisation claims. */
  const accounts = new Map();
  let provider;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });

  async function handle(request, response) {
    const match = /^\/interaction\/([\w-]+)$/.exec(request.url ?? '');
    if (!match) return provider.callback()(request, response);
    const details = await provider.interactionDetails(request, response);
    const prompt = details.prompt.name;

    if (request.method === 'GET') {
      const body =
        prompt === 'login'
          ? `<label>单位账号 <input name="login" autocomplete="off"></label>
             <button type="submit">登录</button>`
          : `<p>授权城市业余联赛平台读取单位名称与统一社会信用代码</p>
             <input type="hidden" name="consent" value="yes"><button type="submit">同意授权</button>`;
      response.setHeader('content-type', 'text/html; charset=utf-8');
      return response.end(page(prompt, match[1], body));
    }

    const form = await readForm(request);
    if (prompt === 'login') {
      const accountId = form.get('login') ?? '';
      if (!accounts.has(accountId)) {
        response.statusCode = 400;
        return response.end('unknown account');
      }
      return provider.interactionFinished(
        request,
        response,
        { login: { accountId } },
        { mergeWithLastSubmission: false },
      );
    }
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: details.params.client_id,
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  const minutes = (count) => () => count * 60;
  provider = new Provider(issuer, {
    jwks: { keys: [{ ...signingKey, kid: 'local-portal', alg: 'RS256', use: 'sig' }] },
    ttl: {
      AccessToken: minutes(10),
      AuthorizationCode: minutes(1),
      Grant: minutes(10),
      IdToken: minutes(10),
      Interaction: minutes(10),
      Session: minutes(10),
    },
    clients: [
      {
        client_id: PORTAL_CLIENT_ID,
        client_secret: PORTAL_CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub', 'credit_code', 'org_name'] },
    cookies: { keys: ['local-portal-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const claims = accounts.get(id);
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });

  return {
    issuer,
    accounts,
    provider,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
