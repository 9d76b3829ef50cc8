// The peer of `handoffkit serve` in the host benchmark: a Node bot host on Microsoft's Agents SDK
// (@microsoft/agents-hosting CloudAdapter) doing the same work per handoff/action as the native
// host: read the activity (recipient 28:<bot>, from.id, conversation.id, serviceUrl), verify the
// HS256 continuation token with fast-jwt (the fastest JS peer of the token benchmark) with the same
// checks (alg, typ, kid chosen from the key set, signature, claim types, exp, iat, lifetime, iss,
// aud = 28:<bot>, sub = from.aadObjectId when bound) and redeem it once: in a Map with expiry
// (memory:) or with Redis `SET NX PX` through ioredis (redis://HOST:PORT), as the native stores do.
// Like handoffkit (and as any host that replies must), it first checks that the activity's serviceUrl
// is an https URL on Microsoft's public-cloud Bot Connector hosts (403 otherwise), before the token.
// Answers like the native host: 200 empty body, 400/401/403/409/410, 503 when the store fails.
// Inbound Bot Framework authentication is off (no auth configuration), as on the native side with
// --insecure-no-auth; no follow-up messages are sent, as by the native host without an app password.
// Usage: node peer-host.mjs PORT KEYS_FILE BOT_ID ISSUER [memory:|redis://HOST:PORT]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CloudAdapter } from '@microsoft/agents-hosting';

const require = createRequire(import.meta.url);
const { createVerifier, TokenError } = require('fast-jwt');

const [port, keysFile, botId, issuer, storeSpec = 'memory:'] = process.argv.slice(2);
const audience = `28:${botId}`;
const maxLifetime = 86_400; // seconds, as handoffkit's default
const keepAfterExpiry = 300; // seconds a marker outlives the token (handoffkit's max leeway)
const jtiPattern = /^[A-Za-z0-9_-]{22,128}$/;

// One verifier per key of the JWK Set, chosen by the token's kid like handoffkit's key_set.
const verifiers = new Map(JSON.parse(readFileSync(keysFile, 'utf8')).keys.map((k) => [k.kid, createVerifier({
  key: Buffer.from(k.k, 'base64url'), algorithms: ['HS256'], checkTyp: 'handoff+jwt', allowedAud: audience,
  allowedIss: issuer, requiredClaims: ['iss', 'aud', 'iat', 'exp', 'jti'], clockTolerance: 0, cache: false,
})]));

// Markers: jti -> keep until (ms), swept of expired ones whenever the map has doubled.
function memoryStore(maxEntries = 1_000_000) {
  const markers = new Map();
  let sweepAt = 1024;
  return async (jti, keepUntilMs) => {
    const now = Date.now();
    if ((markers.get(jti) ?? 0) > now) return false;
    if (markers.size >= sweepAt) {
      for (const [k, until] of markers) if (until <= now) markers.delete(k);
      sweepAt = Math.max(1024, markers.size * 2);
    }
    if (markers.size >= maxEntries) throw new Error('memory store full');
    markers.set(jti, keepUntilMs);
    return true;
  };
}

function redisStore(url) {
  const Redis = require('ioredis');
  const { hostname, port: redisPort } = new URL(url);
  const redis = new Redis({ host: hostname, port: Number(redisPort || 6379), maxRetriesPerRequest: 1,
    enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => {}); // a failed command answers 503; the client reconnects by itself
  return async (jti, keepUntilMs) =>
    (await redis.set(`handoffkit:jti:${jti}`, '1', 'PX', Math.max(1000, keepUntilMs - Date.now()), 'NX')) === 'OK';
}

const markOnce = storeSpec === 'memory:' ? memoryStore() : redisStore(storeSpec);

function kidOf(token) {
  try {
    return JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')).kid;
  } catch {
    return undefined;
  }
}

// The status of one continuation token presented by `user` (from.aadObjectId).
async function redeem(token, user) {
  if (token.length > 1024 || token.split('.').length !== 3) return 400;
  const verify = verifiers.get(kidOf(token));
  if (!verify) return 401;
  let claims;
  try {
    claims = verify(token);
  } catch (e) {
    const c = TokenError.codes;
    if (e.code === c.expired) return 410;
    if ([c.malformed, c.invalidPayload, c.missingRequiredClaim, c.invalidClaimType].includes(e.code)) return 400;
    return 401; // signature, alg, typ, crit, iss, aud, nbf: one answer, as handoffkit gives
  }
  if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp) || !jtiPattern.test(claims.jti) ||
    ('sub' in claims && typeof claims.sub !== 'string') || claims.exp <= claims.iat) return 400;
  if (claims.iat > Math.floor(Date.now() / 1000) || claims.exp - claims.iat > maxLifetime) return 401;
  if ('sub' in claims && claims.sub !== user) return 403;
  try {
    return (await markOnce(claims.jti, (claims.exp + keepAfterExpiry) * 1000)) ? 200 : 409;
  } catch {
    return 503;
  }
}

// Where replies may go: smba.trafficmanager.net and *.botframework.com, over https, no user info.
function serviceUrlStatus(serviceUrl) {
  let url;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 400;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return 400;
  const host = url.hostname;
  return host === 'smba.trafficmanager.net' || host.endsWith('.botframework.com') ? 0 : 403;
}

async function handoffStatus(a) {
  const continuation = a.value?.continuation;
  if (typeof continuation !== 'string' || continuation === '') return 400;
  if (!a.from?.id || !a.recipient?.id || !a.conversation?.id || !a.serviceUrl) return 400;
  if (a.recipient.id !== audience) return 400;
  const refused = serviceUrlStatus(a.serviceUrl);
  if (refused) return refused;
  return redeem(continuation, a.from.aadObjectId);
}

const adapter = new CloudAdapter();
// Like the native host: other activities are acknowledged (200), other invokes are 501.
const logic = async (context) => {
  const a = context.activity;
  if (a.type !== 'invoke') return;
  const status = a.name === 'handoff/action' ? await handoffStatus(a) : 501;
  await context.sendActivity({ type: 'invokeResponse', value: { status } });
};

createServer((req, res) => {
  if (req.url === '/healthz') return res.end('{"status":"ok"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.statusCode = 400;
      return res.end();
    }
    // The express-like request/response CloudAdapter.process expects, over node:http.
    const request = { method: req.method, headers: req.headers, body };
    const response = {
      get headersSent() { return res.headersSent; },
      get writableEnded() { return res.writableEnded; },
      status: (code) => { res.statusCode = code; },
      setHeader: (name, value) => res.setHeader(name, value),
      send: (text) => res.write(typeof text === 'string' ? text : JSON.stringify(text)),
      end: () => res.end(),
    };
    try {
      await adapter.process(request, response, logic);
    } catch {
      if (!res.writableEnded) { res.statusCode = 500; res.end(); }
    }
  });
}).listen(Number(port), '127.0.0.1', function () {
  console.log(`listening ${this.address().port} store ${storeSpec}`);
});
