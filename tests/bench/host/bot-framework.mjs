// The Bot Framework of the production host benchmark, all on 127.0.0.1, in a process of its own
// (the suite blocks while wrk runs): what a deployed bot talks to besides its users.
// - An Entra-like authority over https (the Agents SDK's MSAL refuses an http authority), with the
//   certificate of CERT/KEY: MSAL's instance discovery (/common/discovery/instance), the tenant's
//   OpenID configuration, its JWKS (/<tenant>/discovery/v2.0/keys, which the SDK derives from
//   authorityEndpoint for a non-Bot-Framework issuer) and its client-credentials token endpoint.
// - The same OpenID configuration, JWKS and token endpoint over plain http (/openid, /keys,
//   /token), which `handoffkit serve` takes on 127.0.0.1 (--openid-config, --oauth-token-url).
// - A connector: POST …/v3/conversations/<id>/activities answered 201 and counted. The suite reads
//   the counts with GET /counts; they never reset, the suite takes differences.
// The JWKS is the public half of the suite's RS256 key (with the `endorsements` the Bot Framework's
// keys carry); the token endpoint checks the client secret, as Entra does.
// Usage: node bot-framework.mjs CONFIG_JSON  ({jwk, tenant, secret, cert, key}); prints
// {"https":PORT,"http":PORT,"issuer":ISSUER} once both listen; the issuer is the authority's
// tenant issuer, https://127.0.0.1:PORT/<tenant>/v2.0, which both hosts are configured with. Stops on SIGTERM or when its stdin ends (the suite gone).
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const jwks = JSON.stringify({ keys: [{ ...config.jwk, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] });
const counts = { activities: 0, tokens: 0, refusedTokens: 0, other: 0, documents: 0 };
const activityPath = /^(\/[^?]*)?\/v3\/conversations\/[^/?]+\/activities(\/[^/?]*)?$/;

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

// client_credentials with the bot's id and secret, as the hosts send it (form encoded).
function token(res, body) {
  const form = new URLSearchParams(body);
  if (form.get('grant_type') !== 'client_credentials' || form.get('client_secret') !== config.secret) {
    counts.refusedTokens += 1;
    return json(res, 401, '{"error":"invalid_client"}');
  }
  counts.tokens += 1;
  return json(res, 200, JSON.stringify({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600,
    access_token: `bench-access-token-${counts.tokens}` }));
}

function handler(base) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url.split('?')[0];
      if (req.method === 'POST' && activityPath.test(path)) {
        counts.activities += 1;
        return json(res, 201, '{"id":"1"}');
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const tenant = path.split('/')[1];
      const tenantBase = `${base()}/${tenant}`;
      const openid = (at) => JSON.stringify({ issuer: config.issuer, jwks_uri: `${at}/keys`,
        token_endpoint: `${at}/token`, authorization_endpoint: `${at}/authorize`, end_session_endpoint: `${at}/logout` });
      if (req.method === 'GET' && path === '/counts') return json(res, 200, JSON.stringify(counts));
      if (req.method === 'GET') counts.documents += 1; // discovery, OpenID configurations, JWKS
      // The native host's view (plain http on 127.0.0.1).
      if (req.method === 'GET' && path === '/openid') return json(res, 200, openid(base()));
      if (req.method === 'GET' && path === '/keys') return json(res, 200, jwks);
      if (req.method === 'POST' && path === '/token') return token(res, body);
      // MSAL's and the Agents SDK's view (https, an authority with a tenant).
      if (req.method === 'GET' && path === '/common/discovery/instance') {
        const host = new URL(base()).host;
        return json(res, 200, JSON.stringify({ 'api-version': '1.1',
          tenant_discovery_endpoint: `${base()}/${config.tenant}/v2.0/.well-known/openid-configuration`,
          metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }] }));
      }
      if (req.method === 'GET' && path === `/${tenant}/v2.0/.well-known/openid-configuration`)
        return json(res, 200, JSON.stringify({ issuer: config.issuer, jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
          token_endpoint: `${tenantBase}/oauth2/v2.0/token`, authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout` }));
      if (req.method === 'GET' && path === `/${tenant}/discovery/v2.0/keys`) return json(res, 200, jwks);
      if (req.method === 'POST' && path === `/${tenant}/oauth2/v2.0/token`) return token(res, body);
      counts.other += 1;
      return json(res, 404, '{"error":"not found"}');
    });
  };
}

const listen = (server) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve(server.address().port));
});

let httpsPort = 0;
let httpPort = 0;
const secure = createHttps({ cert: readFileSync(config.cert), key: readFileSync(config.key) },
  handler(() => `https://127.0.0.1:${httpsPort}`));
const plain = createHttp(handler(() => `http://127.0.0.1:${httpPort}`));
// Many kept-alive connections from the hosts' senders: no idle cut during a run.
plain.keepAliveTimeout = secure.keepAliveTimeout = 60_000;
httpsPort = await listen(secure);
httpPort = await listen(plain);
config.issuer = `https://127.0.0.1:${httpsPort}/${config.tenant}/v2.0`;
console.log(JSON.stringify({ https: httpsPort, http: httpPort, issuer: config.issuer }));

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
// The suite holds our stdin open: its end means the suite is gone.
process.stdin.on('end', stop).resume();
// Bounded: a benchmark never leaves it behind for long.
setTimeout(stop, Number(process.env.HK_BF_MAX_SECONDS ?? 3600) * 1000).unref();
