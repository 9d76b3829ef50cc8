// The whole handoff in Node: createHandoff and handoffHandler over async stores, on the core's
// pipeline: the shared vectors (tests/vectors/handoff.json), and what the JS side adds: bounded
// store waits, the store contract, configuration checked at construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, HandoffKitError } from '../../web/lib/node.mjs';
import { runHandoffVectors } from '../support/handoff-cases.mjs';
import { vectorsDir } from '../support/paths.mjs';

const hk = await init();
const load = (name) => JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
const vectors = load('handoff.json');
const seed = load('invoke.json').seedActivity;
const keys = vectors.keys;
const botId = vectors.botId;
const activity = (token, id = seed.id) => ({ ...seed, id, value: { continuation: token } });

test('handoff vectors: every case through createHandoff, handoffHandler and memoryStore', async () => {
  const { failures, checks } = await runHandoffVectors(hk, vectors, seed);
  assert.deepEqual(failures, []);
  assert.ok(checks >= 30, `${checks} checks`);
});

test('a store that does not answer in time is STORE_UNAVAILABLE, and the token stays redeemable', async () => {
  const { token } = await hk.createHandoff({ botId }, keys);
  const hung = { claim: () => new Promise(() => {}), get: async () => null, put: async () => {} };
  const slow = hk.handoffHandler({ botId, keys, store: hung, timeoutMs: 50 });
  const started = Date.now();
  const refused = await slow.handle(activity(token));
  assert.equal(refused.status, 503);
  assert.equal(refused.code, 'STORE_UNAVAILABLE');
  assert.deepEqual(refused.followups, []);
  assert.ok(Date.now() - started < 2000);
  const good = hk.handoffHandler({ botId, keys, store: hk.memoryStore() });
  assert.equal((await good.handle(activity(token))).status, 200);
});

test('a store that answers with something else than a string or null fails closed', async () => {
  const { token } = await hk.createHandoff({ botId }, keys);
  const odd = { claim: async () => 1, get: async () => null, put: async () => {} };
  const h = hk.handoffHandler({ botId, keys, store: odd });
  assert.equal((await h.handle(activity(token))).code, 'STORE_UNAVAILABLE');
});

test('the result carries what the bot continues from: context, user, conversation reference, handoff', async () => {
  const store = hk.memoryStore();
  const made = await hk.createHandoff({ botId, user: seed.from.aadObjectId, ctx: { product: 'Chai' }, reference: true,
    title: 'More help?' }, keys, store);
  assert.equal(made.link, `https://teams.microsoft.com/l/chat/0/0?users=28:${botId}&continuation=${made.token}`);
  assert.equal(made.card.actions[0].url, made.link);
  assert.equal(made.card.body[0].text, 'More help?');
  assert.equal(made.store, undefined);
  const r = await hk.handoffHandler({ botId, keys, store }).handle(JSON.stringify(activity(made.token)));
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  assert.deepEqual(r.context, { product: 'Chai' });
  assert.equal(r.jti, made.jti);
  assert.equal(r.user.aadObjectId, seed.from.aadObjectId);
  assert.deepEqual(r.conversation.conversation, { id: seed.conversation.id, conversationType: 'personal',
    tenantId: seed.conversation.tenantId });
  assert.equal(r.conversation.serviceUrl, seed.serviceUrl);
  assert.equal(r.conversation.activityId, seed.id);
  assert.equal(r.conversation.bot.id, seed.recipient.id);
  assert.equal(r.handoff.jti, made.jti);
  assert.equal(r.followups.length, 3);
  assert.equal(r.followups[0].conversation.id, seed.conversation.id);
  assert.equal(r.followups[0].replyToId, seed.id);
});

test('createHandoff: reference mode needs a store that keeps the context before the token is handed out', async () => {
  const code = async (fn) => {
    try {
      await fn();
      return 'none';
    } catch (e) {
      assert.ok(e instanceof HandoffKitError);
      return e.code;
    }
  };
  assert.equal(await code(() => hk.createHandoff({ botId, ctx: { a: 1 }, reference: true }, keys)), 'INVALID_ARGUMENT');
  const failing = { claim: async () => null, get: async () => null, put: async () => { throw new Error('down'); } };
  assert.equal(await code(() => hk.createHandoff({ botId, ctx: { a: 1 }, reference: true }, keys, failing)), 'STORE_UNAVAILABLE');
  assert.equal(await code(() => hk.createHandoff({ botId, ctx: { a: 1 }, reference: true }, keys, {})), 'INVALID_ARGUMENT');
  assert.equal(await code(() => hk.createHandoff(null, keys)), 'INVALID_ARGUMENT');
});

test('handoffHandler: configuration is checked when it is made, not at the first handoff', () => {
  const store = hk.memoryStore();
  const code = (config) => {
    try {
      hk.handoffHandler(config);
      return 'none';
    } catch (e) {
      return e.code;
    }
  };
  assert.equal(code({ botId, keys, store }), 'none');
  assert.equal(code({ botId, keys, store, tiemoutMs: 5 }), 'INVALID_ARGUMENT');
  assert.equal(code({ botId, keys }), 'INVALID_ARGUMENT');
  assert.equal(code({ botId, keys, store: { claim() {} } }), 'INVALID_ARGUMENT');
  assert.equal(code({ botId: 'not-a-guid', keys, store }), 'INVALID_ARGUMENT');
  assert.equal(code({ botId, keys: { keys: [] }, store }), 'KEYS_INVALID');
  assert.equal(code({ botId, keys, store, messages: { en: { reslt: 'x' } } }), 'MESSAGES_INVALID');
  assert.equal(code({ botId, keys, store, timeoutMs: 0 }), 'INVALID_ARGUMENT');
});

test('memoryStore: claim keeps the first value until it expires', async () => {
  const s = hk.memoryStore();
  const soon = Date.now() + 60_000;
  assert.equal(await s.claim('k', 'first', soon), null);
  assert.equal(await s.claim('k', 'second', soon), 'first');
  assert.equal(await s.get('k'), 'first');
  assert.equal(await s.claim('old', 'v', Date.now() - 1), null);
  assert.equal(await s.get('old'), null);  // already expired
  await s.put('ctx', '{"a":1}', soon);
  assert.equal(await s.get('ctx'), '{"a":1}');
  const full = hk.memoryStore({ maxEntries: 1 });
  await full.put('a', 'x', soon);
  await assert.rejects(full.claim('b', 'y', soon));
});

test('handoffHandler: followups: false and handoff: false leave out what the caller will not use', async () => {
  const lean = hk.handoffHandler({ botId, keys, store: hk.memoryStore(), followups: false, handoff: false });
  const full = hk.handoffHandler({ botId, keys, store: hk.memoryStore() });
  const made = async () => (await hk.createHandoff({ botId, user: seed.from.aadObjectId, ctx: { product: 'Chai' } }, keys)).token;
  const r = await lean.handle(activity(await made()));
  assert.deepEqual([r.status, r.code, r.redeemed, r.followups, r.handoff], [200, 'OK', true, [], undefined]);
  assert.deepEqual(r.context, { product: 'Chai' });
  const f = await full.handle(activity(await made()));
  assert.equal(f.followups.length, 3);
  assert.equal(f.handoff.type, 'handoff');
  assert.deepEqual(f.handoff.context, { product: 'Chai' });
  const token = await made();
  await lean.handle(activity(token));
  const replayed = await lean.handle(activity(token, 'f:another'));
  assert.deepEqual([replayed.status, replayed.followups], [409, []]);
  for (const bad of [{ followups: 'no' }, { handoff: 0 }])
    assert.throws(() => hk.handoffHandler({ botId, keys, store: hk.memoryStore(), ...bad }), (e) => e.code === 'INVALID_ARGUMENT');
});
