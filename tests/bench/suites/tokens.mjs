// Continuation tokens: issue + verify, and verify alone, with the same HS256 key, header
// (typ handoff+jwt, kid) and claims, beside the JWT libraries a Node bot would otherwise use.
// Each peer does the same checks: signature, exp, aud, iss and the bound user (sub).
import { createRequire } from 'node:module';
import { createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const require = createRequire(import.meta.url);
const { createSigner, createVerifier } = require('fast-jwt');
const jsonwebtoken = require('jsonwebtoken');

export const peer = 'fastest of fast-jwt, jose, jsonwebtoken';

export async function operations(hk, workload) {
  const t = workload.token;
  const botId = `28:${workload.botId}`;
  const key = t.keys.keys[0];
  const secret = Buffer.from(key.k, 'base64url');
  const issue = { botId, user: t.user, issuer: t.issuer, ttl: t.ttl, now: t.now, random: t.random, ctx: t.ctx };
  const verify = { botId, user: t.user, issuer: t.issuer, now: t.now + 1 };
  const keysText = JSON.stringify(t.keys);
  const token = hk.issueToken(issue, keysText).token;

  // The same claims and header the peers sign; their clocks are pinned like ours.
  const claims = { iss: t.issuer, aud: botId, sub: t.user, iat: t.now, exp: t.now + t.ttl, jti: 'ABEiM0RVZneImaq7zN3u_w', ctx: t.ctx };
  const header = { alg: 'HS256', typ: 'handoff+jwt', kid: key.kid };
  const clockTimestamp = (t.now + 1) * 1000;

  // clockTimestamp pins iat (noTimestamp would drop the iat claim altogether).
  const fastSign = createSigner({ key: secret, algorithm: 'HS256', kid: key.kid, header: { typ: 'handoff+jwt' }, clockTimestamp: t.now * 1000 });
  const fastVerify = createVerifier({ key: secret, algorithms: ['HS256'], allowedAud: botId, allowedIss: t.issuer,
    allowedSub: t.user, clockTimestamp, cache: false });
  const fastToken = fastSign(claims);

  const jwsSign = () => jsonwebtoken.sign(claims, secret, { algorithm: 'HS256', header, noTimestamp: true });
  const jwsVerify = (tok) => jsonwebtoken.verify(tok, secret, { algorithms: ['HS256'], audience: botId, issuer: t.issuer,
    subject: t.user, clockTimestamp: t.now + 1 });
  const jwsToken = jwsSign();

  // A KeyObject, made once: jose's fastest key form in Node.
  const joseKey = createSecretKey(secret);
  const joseSign = () => new SignJWT(claims).setProtectedHeader(header).sign(joseKey);
  const joseVerify = (tok) => jwtVerify(tok, joseKey, { algorithms: ['HS256'], audience: botId, issuer: t.issuer,
    subject: t.user, currentDate: new Date(clockTimestamp), typ: 'handoff+jwt' });
  const joseToken = await joseSign();

  return {
    'token.issue+verify': {
      wasm: () => hk.verifyToken(hk.issueToken(issue, keysText).token, keysText, verify),
      peers: {
        'fast-jwt': () => fastVerify(fastSign(claims)),
        jsonwebtoken: () => jwsVerify(jwsSign()),
        jose: async () => joseVerify(await joseSign()),
      },
    },
    'token.verify': {
      wasm: () => hk.verifyToken(token, keysText, verify),
      peers: {
        'fast-jwt': () => fastVerify(fastToken),
        jsonwebtoken: () => jwsVerify(jwsToken),
        jose: () => joseVerify(joseToken),
      },
    },
    // Native only: the typed C++ API, without JSON envelopes.
    'token.issue+verify (C++ API)': {},
    'token.verify (C++ API)': {},
    // Natively per store (memory, SQLite, Redis); in JS only the in-memory replay guard exists.
    'redeem.memory': {},
    'redeem.sqlite': {},
    'redeem.redis': {},
    // The same Redis over TLS with AUTH (an ACL user) and SELECT, as managed Redis needs.
    'redeem.redis.tls': {},
  };
}
