// The cases every SDK adapter (handoffkit/agents, /botbuilder, /teams) must pass, with the real
// SDK in-process, the seed's payload, and a local Bot Connector that records what the bot posts.
// A test file gives `makeBot(options)`: it builds the SDK's objects, wires the adapter with
// `options` and starts its endpoint, and resolves with
//   { url: the messaging endpoint, deliveries: the webhook URL, answers: when each HTTP answer
//     went out, handoff: what the adapter returned, say(context, text): send from onHandoff, close() }.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorsDir } from './paths.mjs';
import { startConnector, post } from './bot-hosts.mjs';
import { refusedConnections } from './sdk-env.mjs';

const load = (name) => JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
const vectors = load('handoff.json');
export const seed = load('invoke.json').seedActivity;
export const botId = vectors.botId;
export const keys = vectors.keys;
const otherUser = '22222222-2222-2222-2222-222222222222';
const deliveryKey = 'delivery-key-for-tests-0123456789abcdef';
const newConversation = /start a new conversation/;

/** A memory store that can be switched off: every operation then rejects, as a Redis that is down. */
export function switchableStore(hk) {
  const inner = hk.memoryStore();
  let down = false;
  const guard = (op) => (...args) => (down ? Promise.reject(new Error('connection refused')) : inner[op](...args));
  return { claim: guard('claim'), get: guard('get'), put: guard('put'), set down(v) { down = v; } };
}

export const sign = (body, key = deliveryKey) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

// The conversation id as it appears in a connector path: botbuilder percent-encodes it, the others do not.
const pathOf = (request) => decodeURIComponent(request.path);
const texts = (requests) => requests.map((q) => (q.body.type === 'message' ? q.body.text : q.body.type));

async function waitQuietly(bot) {
  await bot.handoff.idle();
  await new Promise((r) => setTimeout(r, 30)); // anything else posted would have arrived by now
}

/** Registers the adapter cases for `name`. */
export function adapterCases(name, { hk, makeBot }) {
  const activity = (token, connector, patch = {}) =>
    ({ ...structuredClone(seed), id: patch.id ?? seed.id, serviceUrl: connector.url, value: { continuation: token }, ...patch });
  const made = (extra = {}, k = keys) =>
    hk.createHandoff({ botId, user: seed.from.aadObjectId, ctx: { product: 'Chai' }, ...extra }, k);

  // A bot whose onHandoff records each call and answers with the product in the token's context.
  async function setUp(extra = {}) {
    const connector = await startConnector();
    const calls = [];
    const errors = [];
    let bot;
    const { failFirst, gate } = extra;
    delete extra.failFirst;
    delete extra.gate;
    bot = await makeBot({
      hk, botId, keys, store: extra.store ?? hk.memoryStore(), deliveryKey,
      onHandoff: async (context, handoff) => {
        calls.push(handoff);
        if (failFirst && calls.length === 1) throw new Error('the app failed once');
        if (gate) await gate;
        await bot.say(context, `Here are the details of ${handoff.context?.product ?? 'nothing'}.`);
      },
      onError: (e, info) => errors.push(`${info.stage}: ${e?.message ?? e}`),
      ...extra,
    });
    return { connector, calls, errors, bot, close: async () => { await bot.handoff.idle(); await bot.close(); await connector.close(); } };
  }

  test(`${name}: the seed payload: 200 with an empty body, then the follow-ups and onHandoff, after the answer`, async () => {
    const { connector, calls, errors, bot, close } = await setUp();
    try {
      const token = await made();
      const r = await post(bot.url, activity(token.token, connector));
      assert.equal(r.status, 200);
      assert.equal(r.text, '');
      const got = await connector.waitFor(4);
      await waitQuietly(bot);
      assert.deepEqual(texts(got), ['Continuing conversation from Copilot…', 'typing',
        "You're all set: the conversation continues here.", 'Here are the details of Chai.']);
      assert.ok(got.every((q) => q.at > bot.answers[0]), 'every follow-up went out after the answer');
      assert.ok(got.every((q) => q.authorization === undefined), `no credentials, no Authorization: ${got.map((q) => q.authorization)}`);
      assert.ok(got.every((q) => q.method === 'POST' && pathOf(q) === `/v3/conversations/${seed.conversation.id}/activities`),
        got.map((q) => q.path).join(' '));
      assert.ok(got.every((q) => q.body.replyToId === undefined && q.body.conversation?.id === seed.conversation.id));
      assert.equal(calls.length, 1);
      assert.equal(calls[0].jti, token.jti);
      assert.deepEqual(calls[0].context, { product: 'Chai' });
      assert.equal(calls[0].user.aadObjectId, seed.from.aadObjectId);
      assert.equal(calls[0].conversation.serviceUrl, connector.url);
      assert.equal(connector.requests.length, 4);
      assert.deepEqual(errors, []);
      assert.deepEqual(refusedConnections, []);
    } finally {
      await close();
    }
  });

  test(`${name}: a replay is 409, and the user is asked to start a new conversation`, async () => {
    const { connector, calls, bot, close } = await setUp();
    try {
      const { token } = await made();
      assert.equal((await post(bot.url, activity(token, connector))).status, 200);
      await connector.waitFor(4);
      const r = await post(bot.url, activity(token, connector, { id: 'f:another-activity' }));
      assert.equal(r.status, 409);
      assert.equal(JSON.parse(r.text).error.code, 'TOKEN_REPLAYED');
      assert.ok(!r.text.includes(token));
      const got = await connector.waitFor(5);
      await waitQuietly(bot);
      assert.match(got[4].body.text, newConversation);
      assert.equal(connector.requests.length, 5);
      assert.equal(calls.length, 1);
    } finally {
      await close();
    }
  });

  test(`${name}: the same activity delivered twice: 200 twice, one set of follow-ups, one onHandoff`, async () => {
    const { connector, calls, bot, close } = await setUp();
    try {
      const { token } = await made();
      const a = activity(token, connector);
      const first = await post(bot.url, a);
      const again = await post(bot.url, a);
      assert.deepEqual([first.status, first.text, again.status, again.text], [200, '', 200, '']);
      await connector.waitFor(4);
      await waitQuietly(bot);
      assert.equal(connector.requests.length, 4);
      assert.equal(calls.length, 1);
    } finally {
      await close();
    }
  });

  test(`${name}: an expired token is 410, and the user is asked to start a new conversation`, async () => {
    const { connector, calls, bot, close } = await setUp();
    try {
      const { token } = await made({ now: Math.floor(Date.now() / 1000) - 3600, ttl: 60 });
      const r = await post(bot.url, activity(token, connector));
      assert.equal(r.status, 410);
      assert.equal(JSON.parse(r.text).error.code, 'TOKEN_EXPIRED');
      const got = await connector.waitFor(1);
      await waitQuietly(bot);
      assert.equal(got.length, 1);
      assert.match(got[0].body.text, newConversation);
      assert.equal(calls.length, 0);
    } finally {
      await close();
    }
  });

  test(`${name}: a forged token is 401 and another user's is 403, with nothing sent`, async () => {
    const { connector, calls, bot, close } = await setUp();
    try {
      const forged = await made({}, vectors.otherKeys);
      const r = await post(bot.url, activity(forged.token, connector));
      assert.equal(r.status, 401);
      assert.equal(JSON.parse(r.text).error.code, 'TOKEN_BAD_SIGNATURE');
      const theirs = await made();
      const a = activity(theirs.token, connector);
      a.from = { ...a.from, aadObjectId: otherUser };
      const r2 = await post(bot.url, a);
      assert.equal(r2.status, 403);
      assert.equal(JSON.parse(r2.text).error.code, 'TOKEN_WRONG_USER');
      await waitQuietly(bot);
      assert.equal(connector.requests.length, 0);
      assert.equal(calls.length, 0);
      // Nothing was consumed by the refusal: the right user still redeems it.
      assert.equal((await post(bot.url, activity(theirs.token, connector, { id: 'f:right-user' }))).status, 200);
    } finally {
      await close();
    }
  });

  test(`${name}: the store down is 503 with nothing sent and nothing consumed`, async () => {
    const store = switchableStore(hk);
    const { connector, calls, bot, close } = await setUp({ store });
    try {
      const { token } = await made();
      store.down = true;
      const r = await post(bot.url, activity(token, connector));
      assert.equal(r.status, 503);
      assert.equal(JSON.parse(r.text).error.code, 'STORE_UNAVAILABLE');
      await waitQuietly(bot);
      assert.equal(connector.requests.length, 0);
      store.down = false;
      assert.equal((await post(bot.url, activity(token, connector))).status, 200);
      await connector.waitFor(4);
      await waitQuietly(bot);
      assert.equal(calls.length, 1);
    } finally {
      await close();
    }
  });

  // The host's webhook: a handoff redeemed elsewhere, with the body the host signs.
  async function delivered(connector) {
    const { token } = await made({ ctx: { product: 'Tofu' } });
    const elsewhere = hk.handoffHandler({ botId, keys, store: hk.memoryStore() });
    const r = await elsewhere.handle(activity(token, connector), { credentials: false }); // a local bot without credentials
    return JSON.stringify(r.handoff);
  }
  const deliver = (bot, body, signature) => post(bot.deliveries, body, signature === undefined ? {} : { 'x-handoffkit-signature': signature });

  test(`${name}: the delivery receiver refuses a bad signature and runs onHandoff once per jti`, async () => {
    const { connector, calls, bot, close } = await setUp();
    try {
      const body = await delivered(connector);
      for (const signature of [sign(body, 'another key'), undefined, 'sha256=', sign(`${body} `)]) {
        const bad = await deliver(bot, body, signature);
        assert.equal(bad.status, 401, String(signature));
        assert.equal(JSON.parse(bad.text).error.code, 'DELIVERY_BAD_SIGNATURE');
      }
      assert.equal(calls.length, 0);
      const first = await deliver(bot, body, sign(body));
      assert.deepEqual([first.status, first.text], [200, '']);
      assert.equal(calls.length, 1);
      assert.deepEqual(calls[0].context, { product: 'Tofu' });
      const again = await deliver(bot, body, sign(body));
      assert.deepEqual([again.status, again.text], [200, '']);
      await waitQuietly(bot);
      assert.equal(calls.length, 1);
      assert.deepEqual(texts(connector.requests), ['Here are the details of Tofu.']);
      assert.equal(pathOf(connector.requests[0]), `/v3/conversations/${seed.conversation.id}/activities`);
      const notOne = JSON.stringify({ type: 'message' });
      assert.equal((await deliver(bot, notOne, sign(notOne))).status, 400);
    } finally {
      await close();
    }
  });

  test(`${name}: a delivery whose onHandoff fails is answered 500, and the host's next attempt runs it again`, async () => {
    const { connector, calls, errors, bot, close } = await setUp({ failFirst: true });
    try {
      const body = await delivered(connector);
      const failed = await deliver(bot, body, sign(body));
      assert.equal(failed.status, 500);
      assert.equal(JSON.parse(failed.text).error.code, 'HANDOFF_FAILED');
      assert.equal((await deliver(bot, body, sign(body))).status, 200);
      assert.equal((await deliver(bot, body, sign(body))).status, 200);
      await waitQuietly(bot);
      assert.equal(calls.length, 2);
      assert.deepEqual(errors, ['onHandoff: the app failed once']);
      assert.deepEqual(texts(connector.requests), ['Here are the details of Tofu.']);
      await assert.rejects(bot.handoff.receiveDelivery(JSON.parse(body), sign(body)), (e) => e.code === 'INVALID_ARGUMENT');
    } finally {
      await close();
    }
  });

  test(`${name}: a delivery is 503 with the store down and runs nothing, and 409 while the same one still runs`, async () => {
    const store = switchableStore(hk);
    let open;
    const gate = new Promise((r) => { open = r; });
    const { connector, calls, bot, close } = await setUp({ store, gate });
    try {
      const body = await delivered(connector);
      store.down = true;
      const down = await deliver(bot, body, sign(body));
      assert.equal(down.status, 503);
      assert.equal(JSON.parse(down.text).error.code, 'STORE_UNAVAILABLE');
      assert.equal(calls.length, 0);
      store.down = false;
      const first = deliver(bot, body, sign(body));
      await new Promise((r) => setTimeout(r, 50));
      const meanwhile = await deliver(bot, body, sign(body));
      assert.equal(meanwhile.status, 409);
      assert.equal(JSON.parse(meanwhile.text).error.code, 'DELIVERY_IN_PROGRESS');
      open();
      assert.equal((await first).status, 200);
      assert.equal((await deliver(bot, body, sign(body))).status, 200);
      await waitQuietly(bot);
      assert.equal(calls.length, 1);
      assert.deepEqual(texts(connector.requests), ['Here are the details of Tofu.']);
    } finally {
      open();
      await close();
    }
  });
}
