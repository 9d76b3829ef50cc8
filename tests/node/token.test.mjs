// Continuation tokens in Node: the shared vectors, then cross-checks with jose (a standard JWT
// library) and Node's own crypto, and the property that no altered token is ever accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';
import { init } from '../../web/lib/node.mjs';
import { runTokenVectors } from '../support/token-cases.mjs';
import { vectorsDir } from '../support/paths.mjs';

const hk = await init();
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'tokens.json'), 'utf8'));
const botId = '28:f47ac10b-58cc-4372-a567-0e02b2c3d479';
const secret = randomBytes(32);
const keys = { keys: [{ kty: 'oct', kid: 'test', k: secret.toString('base64url') }] };

test('token vectors', () => {
  const { failures, checks } = runTokenVectors(hk, vectors);
  assert.deepEqual(failures, []);
  assert.ok(checks >= 100, `only ${checks} checks`);
});

test('tokens issued by handoffkit verify with jose', async () => {
  const { token } = hk.issueToken({ botId, user: '6f1c2a9e-1111-4222-8333-944455556666', ctx: { step: 3 } }, keys);
  const { payload, protectedHeader } = await jose.jwtVerify(token, secret, {
    algorithms: ['HS256'], audience: botId, issuer: 'handoffkit', typ: 'handoff+jwt',
  });
  assert.equal(protectedHeader.kid, 'test');
  assert.equal(payload.sub, '6f1c2a9e-1111-4222-8333-944455556666');
  assert.deepEqual(payload.ctx, { step: 3 });
  assert.ok(Buffer.from(payload.jti, 'base64url').length >= 16);
});

test('one bot id, one meaning: the GUID and 28:GUID issue and verify the same audience', async () => {
  const guid = botId.slice(3);
  for (const [issuedFor, verifiedAs] of [[guid, botId], [botId, guid], [guid, guid]]) {
    const { token } = hk.issueToken({ botId: issuedFor }, keys);
    const { payload } = await jose.jwtVerify(token, secret, { algorithms: ['HS256'], audience: botId });
    assert.equal(payload.aud, botId);  // always 28:<GUID>, the id the host sees in the activity
    assert.equal(hk.verifyToken(token, keys, { botId: verifiedAs }).verified, true);
    const guard = hk.createReplayGuard();
    assert.equal(guard.redeemToken(token, keys, { botId: verifiedAs }).redeemed, true);
  }
  const other = hk.issueToken({ botId: '00000000-0000-0000-0000-000000000000' }, keys).token;
  assert.throws(() => hk.verifyToken(other, keys, { botId: guid }), (e) => e.code === 'WRONG_AUDIENCE');
});

test('tokens made by jose with the same header and claims verify in handoffkit', async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = await new jose.SignJWT({ ctx: { from: 'jose' } })
    .setProtectedHeader({ alg: 'HS256', typ: 'handoff+jwt', kid: 'test' })
    .setIssuer('handoffkit').setAudience(botId).setIssuedAt(now).setExpirationTime(now + 300)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(secret);
  const out = hk.verifyToken(token, keys, { botId });
  assert.equal(out.verified, true);
  assert.deepEqual(out.ctx, { from: 'jose' });
  // …and jose's none/other algorithms are refused.
  const none = new jose.UnsecuredJWT({ aud: botId }).setIssuedAt(now).setExpirationTime(now + 300).encode();
  assert.throws(() => hk.verifyToken(none, keys, { botId }), (e) => e.code === 'UNSUPPORTED_ALG' || e.code === 'MALFORMED');
});

test('signatures agree with Node crypto HMAC-SHA256 on thousands of random inputs', () => {
  for (let i = 0; i < 2000; i++) {
    const k = randomBytes(32 + (i % 33));
    const set = { keys: [{ kty: 'oct', kid: `k${i}`, k: k.toString('base64url') }] };
    const ctx = { s: randomBytes(i % 120).toString('base64'), n: i };
    const { token } = hk.issueToken({ botId, ttl: 60 + (i % 500), ctx }, set);
    const [h, p, sig] = token.split('.');
    assert.equal(sig, createHmac('sha256', k).update(`${h}.${p}`).digest('base64url'), `input ${i}`);
  }
});

test('every single-bit flip of a valid token is refused', () => {
  const { token } = hk.issueToken({ botId, ctx: { a: 1 } }, keys);
  let refused = 0;
  for (let i = 0; i < token.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) + token.slice(i + 1);
      assert.throws(() => hk.verifyToken(flipped, keys, { botId }), (e) => e instanceof hk.HandoffKitError, `byte ${i} bit ${bit}`);
      refused++;
    }
  }
  assert.equal(refused, token.length * 8);
});

test('a failed redemption consumes nothing; a replay is REPLAYED', () => {
  const guard = hk.createReplayGuard();
  const { token } = hk.issueToken({ botId, user: 'alice' }, keys);
  assert.throws(() => guard.redeemToken(token, keys, { botId, user: 'mallory' }), (e) => e.code === 'WRONG_USER');
  assert.throws(() => guard.redeemToken(token, keys, { botId: '28:00000000-0000-0000-0000-000000000000', user: 'alice' }), (e) => e.code === 'WRONG_AUDIENCE');
  assert.equal(guard.redeemToken(token, keys, { botId, user: 'alice' }).redeemed, true);
  assert.throws(() => guard.redeemToken(token, keys, { botId, user: 'alice' }), (e) => e.code === 'REPLAYED');
  guard.dispose();
});

test('keys never appear in results or errors', () => {
  const secretText = keys.keys[0].k;
  const outputs = [JSON.stringify(hk.issueToken({ botId }, keys)), JSON.stringify(hk.inspectToken(hk.issueToken({ botId }, keys).token))];
  for (const bad of [{ keys: [{ kty: 'oct', kid: 'x', k: secretText.slice(0, 20) }] }, '{"keys":[{"kty":"oct","k":"' + secretText + '"}]}']) {
    try {
      hk.issueToken({ botId }, bad);
    } catch (e) {
      outputs.push(`${e.code} ${e.message}`);
    }
  }
  assert.equal(outputs.length, 4);
  for (const o of outputs) assert.ok(!o.includes(secretText) && !o.includes(secretText.slice(0, 20)), o);
});

test('the JS wrapper supplies now and random; a string for options is INVALID_ARGUMENT', () => {
  const a = hk.issueToken({ botId }, keys);
  const b = hk.issueToken({ botId }, keys);
  assert.notEqual(a.jti, b.jti);
  assert.ok(Math.abs(a.iat - Date.now() / 1000) < 5);
  assert.equal(hk.verifyToken(a.token, keys, { botId }).verified, true);
  assert.throws(() => hk.verifyToken(a.token, keys, '{'), (e) => e.code === 'INVALID_ARGUMENT');
});

// Issue 14 finding 4: a token part that starts with a UTF-8 byte order mark made inspectToken throw
// a bare SyntaxError (the part reached JS as non-JSON); it is MALFORMED, signed or not.
test('a token part with a byte order mark is a HandoffKitError MALFORMED, in inspect and verify', () => {
  const now = Math.floor(Date.now() / 1000);
  const header = JSON.stringify({ alg: 'HS256', kid: 'test', typ: 'handoff+jwt' });
  const claims = JSON.stringify({ aud: botId, exp: now + 300, iat: now, iss: 'handoffkit', jti: randomBytes(16).toString('base64url') });
  const sign = (h, c) => {
    const input = `${Buffer.from(h).toString('base64url')}.${Buffer.from(c).toString('base64url')}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  assert.equal(hk.verifyToken(sign(header, claims), keys, { botId }).verified, true);  // the helper signs what verify accepts
  for (const token of [sign(`\uFEFF${header}`, claims), sign(header, `\uFEFF${claims}`)]) {
    for (const call of [() => hk.inspectToken(token), () => hk.verifyToken(token, keys, { botId })]) {
      assert.throws(call, (e) => e instanceof hk.HandoffKitError && e.name === 'HandoffKitError' && e.code === 'MALFORMED');
    }
  }
});
