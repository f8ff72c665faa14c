// A real OpenID provider for Herald's single sign-on tests: the certified
// `oidc-provider` package (its own package.json and lockfile are in ./oidc;
// scripts/test runs `npm ci` there when node_modules is missing).
//
//   node tests/support/oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_URI]
//
// Issuer: http://127.0.0.1:PORT. One client, `herald` / `herald-test-secret`
// (OIDC_CLIENT_ID / OIDC_CLIENT_SECRET override them). Its own login page
// (devInteractions: any password; the login is the account id) knows the
// accounts below; an unknown login gets claims made from its name.
//
// Test control, on the same port:
//   POST /__test/rotate              new signing key; the old one leaves the JWKS
//   POST /__test/tamper?mode=M       alter the next ID tokens: none, wrong_audience,
//                                    expired, bad_signature, missing_nonce
//   POST /__test/account?id=ID       set an account's claims (JSON body)
//   GET  /__test/stats               {"jwks_fetches": n, "token_requests": n}
// Prints "ready PORT" on stdout once it listens.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const require = createRequire(new URL('./oidc/package.json', import.meta.url));
const { default: Provider } = await import(require.resolve('oidc-provider'));
const jose = await import(require.resolve('jose'));

const [port, redirectUri, postLogoutUri] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: node oidc_provider.mjs PORT REDIRECT_URI [POST_LOGOUT_URI]');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_CLIENT_ID || 'herald';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'herald-test-secret';

const accounts = new Map(Object.entries({
  ann: { email: 'ann.lee@example.com', name: 'Ann Lee', department: 'Finance', location: 'Lisbon', groups: ['staff'], manager_email: 'bo.chan@example.com' },
  bo: { email: 'bo.chan@example.com', name: 'Bo Chan', department: 'Finance', location: 'Porto', groups: ['staff', 'hr'] },
  root: { email: 'it.admin@example.com', name: 'IT Admin', department: 'IT', location: 'Lisbon', groups: ['herald-admins'] },
}));

const stats = { jwks_fetches: 0, token_requests: 0 };
let tamper = 'none';
let signingKey;

async function newSigningKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function findAccount(ctx, id) {
  const known = accounts.get(id) || {
    email: `${id}@example.com`, name: id, department: 'Operations', location: 'Remote', groups: [],
  };
  return {
    accountId: id,
    claims: async () => ({ sub: id, email_verified: true, ...known }),
  };
}

function buildProvider() {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: postLogoutUri ? [postLogoutUri] : [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [signingKey] },
    findAccount,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      herald: ['department', 'location', 'groups', 'manager_email'],
    },
    scopes: ['openid', 'email', 'profile', 'herald'],
    // Claims go into the ID token itself, as Entra ID and Okta can be set to do.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['herald-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  provider.use(tokenTamper);
  return provider;
}

// Applied to the token endpoint's answer: the ID token Herald receives is
// changed exactly as an attacker or a broken provider would change it.
async function tokenTamper(ctx, next) {
  if (ctx.path === '/jwks') stats.jwks_fetches += 1;
  await next();
  if (ctx.path !== '/token' || ctx.method !== 'POST') return;
  stats.token_requests += 1;
  if (tamper === 'none' || !ctx.body || !ctx.body.id_token) return;
  const token = ctx.body.id_token;
  const claims = jose.decodeJwt(token);
  const header = jose.decodeProtectedHeader(token);
  const now = Math.floor(Date.now() / 1000);
  const resign = async (payload) => new jose.SignJWT(payload)
    .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ })
    .sign(await jose.importJWK(signingKey, 'RS256'));
  switch (tamper) {
    case 'wrong_audience':
      ctx.body.id_token = await resign({ ...claims, aud: 'another-client' });
      break;
    case 'expired':
      ctx.body.id_token = await resign({ ...claims, iat: now - 7200, exp: now - 3600 });
      break;
    case 'missing_nonce': {
      const { nonce, ...rest } = claims;
      ctx.body.id_token = await resign(rest);
      break;
    }
    case 'bad_signature': {
      // Signed by a key the provider never published, under the provider's kid.
      const { privateKey } = await jose.generateKeyPair('RS256');
      ctx.body.id_token = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ })
        .sign(privateKey);
      break;
    }
    default:
      break;
  }
}

async function control(req, res, url) {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'POST' && url.pathname === '/__test/rotate') {
    signingKey = await newSigningKey();
    provider = buildProvider();
    return send(200, { kid: signingKey.kid });
  }
  if (req.method === 'POST' && url.pathname === '/__test/tamper') {
    const mode = url.searchParams.get('mode') || 'none';
    if (!['none', 'wrong_audience', 'expired', 'bad_signature', 'missing_nonce'].includes(mode)) return send(400, { error: `unknown mode ${mode}` });
    tamper = mode;
    return send(200, { mode });
  }
  if (req.method === 'POST' && url.pathname === '/__test/account') {
    let body = '';
    for await (const chunk of req) body += chunk;
    accounts.set(url.searchParams.get('id'), JSON.parse(body));
    return send(200, { ok: true });
  }
  if (req.method === 'GET' && url.pathname === '/__test/stats') return send(200, stats);
  return send(404, { error: 'unknown test endpoint' });
}

signingKey = await newSigningKey();
// Rebuilt on rotation; sessions, codes and grants live in the memory adapter
// shared by every instance, so a browser signed in at the provider stays so.
let provider = buildProvider();

const server = createServer((req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname.startsWith('/__test/')) {
    control(req, res, url).catch((err) => { res.writeHead(500); res.end(String(err)); });
    return;
  }
  provider.callback()(req, res);
});
server.listen(Number(port), '127.0.0.1', () => console.log(`ready ${port}`));
