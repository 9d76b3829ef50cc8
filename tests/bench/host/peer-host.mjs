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
// Without PROD_JSON: inbound Bot Framework authentication off (no auth configuration), as on the
// native side with --insecure-no-auth, and no follow-up messages, as by the native host without an
// app password.
// With PROD_JSON ({authority, tenant, issuer, clientSecret}: the production benchmark) the
// CloudAdapter is configured as a deployment configures it: clientId (the bot) + clientSecret +
// tenantId + authorityEndpoint (the bench's loopback authority: its JWKS verifies the inbound RS256
// tokens, its MSAL token endpoint gives the outbound token) + issuers with validateIssuer; and after
// each redemption's answer the host posts what the native host posts (continuing, typing, result)
// through adapter.continueConversation to the activity's serviceUrl. See loopback-authority.mjs
// for the one thing a deployment does not need (MSAL's instance discovery answered on loopback).
// Usage: node peer-host.mjs PORT KEYS_FILE BOT_ID ISSUER [memory:|redis://HOST:PORT] [PROD_JSON]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CloudAdapter } from '@microsoft/agents-hosting';
import { pointMsalAt } from './loopback-authority.mjs';

const require = createRequire(import.meta.url);
const { createVerifier, TokenError } = require('fast-jwt');

const [port, keysFile, botId, issuer, storeSpec = 'memory:', prodFile] = process.argv.slice(2);
const prod = prodFile ? JSON.parse(readFileSync(prodFile, 'utf8')) : undefined;
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

function authConfiguration() {
  if (!prod) return undefined;
  pointMsalAt(prod.authority);
  return { clientId: botId, clientSecret: prod.clientSecret, tenantId: prod.tenant, authorityEndpoint: prod.authority,
    issuers: [prod.issuer], validateIssuer: true };
}
const adapter = new CloudAdapter(authConfiguration());

// The native host's follow-ups after a redemption, in its order, to the conversation (not as
// replies to the invoke), with the outbound token the adapter gets for the inbound identity.
const texts = ['Continuing conversation from Copilot\u2026', "You're all set: the conversation continues here."];
const failures = { count: 0 };
async function followUps(identity, reference) {
  try {
    await adapter.continueConversation(identity, reference, async (context) => {
      context.onSendActivities(async (_c, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      await context.sendActivities([{ type: 'message', text: texts[0] }, { type: 'typing' }, { type: 'message', text: texts[1] }]);
    });
  } catch (e) {
    if (failures.count++ === 0) console.error(`peer host: follow-ups failed: ${e?.message ?? e}`);
  }
}

// Like the native host: other activities are acknowledged (200), other invokes are 501. The
// follow-ups of a redemption start once the turn (and so the answer) is done.
const logic = (after) => async (context) => {
  const a = context.activity;
  if (a.type !== 'invoke') return;
  const status = a.name === 'handoff/action' ? await handoffStatus(a) : 501;
  if (prod && status === 200) {
    const identity = context.identity;
    const reference = a.getConversationReference();
    after.work = () => followUps(identity, reference);
  }
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
      status: (code) => { res.statusCode = code; return response; },
      setHeader: (name, value) => res.setHeader(name, value),
      send: (text) => res.write(typeof text === 'string' ? text : JSON.stringify(text)),
      end: () => res.end(),
    };
    const after = {};
    try {
      // With auth, as the SDK's own server mounts it: authorizeJWT before process (401 unless
      // the bearer verifies). Without, process alone, as the plain scenario always measured it.
      let turn;
      if (prod) await adapter.authorizeRequest(request, response, () => { turn = adapter.process(request, response, logic(after)); });
      else turn = adapter.process(request, response, logic(after));
      await turn;
    } catch {
      if (!res.writableEnded) res.statusCode = 500;
    }
    if (!res.writableEnded) res.end(); // authorizeJWT's 401 is send() only
    if (after.work) setImmediate(after.work);
  });
}).listen(Number(port), '127.0.0.1', function () {
  process.on('SIGTERM', () => process.exit(0)); // a clean exit (so --cpu-prof can write its profile)
  console.log(`listening ${this.address().port} store ${storeSpec}`);
});
