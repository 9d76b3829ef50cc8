// The serviceUrl rule in Node (core service_url.hpp, the native host's rule): handoffHandler's
// `serviceUrls` option and what the adapters tell it of their SDK's authentication. Follow-ups,
// and with them the bot's bearer token, go to the activity's serviceUrl: whoever can post an
// activity names it, so a handoff whose serviceUrl is not allowed is refused before its token is
// looked at, and nothing is consumed.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { addHandoffRoute } from '../../web/lib/adapters/agents.mjs';
import { botbuilderHandoff } from '../../web/lib/adapters/botbuilder.mjs';
import { vectorsDir } from '../support/paths.mjs';
import { startBotHost, post } from '../support/bot-hosts.mjs';

const hk = await init();
const load = (name) => JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
const vectors = load('handoff.json');
const seed = load('invoke.json').seedActivity; // serviceUrl https://smba.trafficmanager.net/amer/
const { keys, botId } = vectors;
const appId = botId.replace(/^28:/, '');
const activity = (token, serviceUrl = seed.serviceUrl) => ({ ...structuredClone(seed), serviceUrl, value: { continuation: token } });
const fresh = async () => (await hk.createHandoff({ botId, user: seed.from.aadObjectId }, keys)).token;
const handler = (extra = {}) => hk.handoffHandler({ botId, keys, store: hk.memoryStore(), ...extra });
const codeOf = (r) => [r.status, r.code];

test('default: Microsoft public-cloud serviceUrls are allowed, with the follow-ups', async () => {
  const h = handler();
  const r = await h.handle(activity(await fresh()));
  assert.deepEqual(codeOf(r), [200, 'OK']);
  assert.equal(r.followups.length, 3);
  const bf = await h.handle(activity(await fresh(), 'https://webchat.botframework.com/'));
  assert.deepEqual(codeOf(bf), [200, 'OK']);
});

test('another serviceUrl is refused before the token is looked at: 403, and the token still redeems', async () => {
  const h = handler();
  const token = await fresh();
  const refused = await h.handle(activity(token, 'https://attacker.example/'));
  assert.deepEqual(codeOf(refused), [403, 'SERVICE_URL_NOT_ALLOWED']);
  assert.equal(JSON.parse(refused.body).error.code, 'SERVICE_URL_NOT_ALLOWED');
  assert.deepEqual([refused.redeemed, refused.followups], [false, []]);
  assert.doesNotMatch(refused.body, new RegExp(token.slice(-20)));
  assert.deepEqual(codeOf(await h.handle(activity(token))), [200, 'OK']);
});

test('a serviceUrl no follow-up could go to is 400 SERVICE_URL_INVALID', async () => {
  const h = handler();
  for (const url of ['https://smba.trafficmanager.net@evil.example/', 'http://smba.trafficmanager.net/amer/',
    'https://smba.trafficmanager.net/amer/?x=1', 'ftp://smba.trafficmanager.net/'])
    assert.deepEqual(codeOf(await h.handle(activity(await fresh(), url))), url.startsWith('http://smba') ? [403, 'SERVICE_URL_NOT_ALLOWED'] : [400, 'SERVICE_URL_INVALID'], url);
});

test('loopback: refused with credentials unless listed; allowed to a bot without credentials', async () => {
  const local = 'http://127.0.0.1:3978/';
  assert.deepEqual(codeOf(await handler().handle(activity(await fresh(), local))), [403, 'SERVICE_URL_NOT_ALLOWED']);
  const anonymous = await handler().handle(activity(await fresh(), local), { credentials: false });
  assert.deepEqual(codeOf(anonymous), [200, 'OK']);
  assert.equal(anonymous.followups.length, 3);
  const listed = await handler({ serviceUrls: { allow: ['127.0.0.1'] } }).handle(activity(await fresh(), local));
  assert.deepEqual(codeOf(listed), [200, 'OK']);
  assert.equal(listed.followups.length, 3);
  const configured = await handler({ serviceUrls: { credentials: true } }).handle(activity(await fresh(), local), { credentials: false });
  assert.deepEqual(codeOf(configured), [403, 'SERVICE_URL_NOT_ALLOWED'], 'the option wins over what the adapter infers');
});

test('without credentials, follow-ups go only to loopback: none for a Bot Connector', async () => {
  const r = await handler().handle(activity(await fresh()), { credentials: false });
  assert.deepEqual(codeOf(r), [200, 'OK']);
  assert.deepEqual(r.followups, []);
  assert.equal(r.redeemed, true);
});

test('allow replaces the default list', async () => {
  const h = handler({ serviceUrls: { allow: ['*.example.com'] } });
  assert.deepEqual(codeOf(await h.handle(activity(await fresh()))), [403, 'SERVICE_URL_NOT_ALLOWED']);
  assert.deepEqual(codeOf(await h.handle(activity(await fresh(), 'https://bots.example.com/'))), [200, 'OK']);
  assert.deepEqual(codeOf(await h.handle(activity(await fresh(), 'https://example.com/'))), [403, 'SERVICE_URL_NOT_ALLOWED']);
});

test('an authenticated request: the activity\'s serviceUrl must be the token\'s serviceurl claim', async () => {
  const h = handler();
  const other = await h.handle(activity(await fresh()), { authenticated: true, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
  assert.deepEqual(codeOf(other), [401, 'AUTH_SERVICE_URL_MISMATCH']);
  const none = await h.handle(activity(await fresh()), { authenticated: true });
  assert.deepEqual(codeOf(none), [401, 'AUTH_SERVICE_URL_MISSING']);
  const same = await h.handle(activity(await fresh()), { authenticated: true, serviceUrl: 'https://smba.trafficmanager.net/amer' });
  assert.deepEqual(codeOf(same), [200, 'OK']);
});

test('bad serviceUrls options are refused when the handler is made', () => {
  for (const serviceUrls of ['smba.trafficmanager.net', null, [], { allow: 'smba.trafficmanager.net' }, { allow: ['https://x.example/'] },
    { allow: [''] }, { allow: [1] }, { hosts: [] }, { credentials: 1 }]) {
    assert.throws(() => handler({ serviceUrls }), (e) => e.code === 'INVALID_ARGUMENT', JSON.stringify(serviceUrls));
  }
  assert.rejects(handler().handle(activity('x'), { credentials: 'no' }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('adapters: the option passes through, and an unlisted serviceUrl never reaches the network', async () => {
  const { AgentApplication, CloudAdapter } = (await import('@microsoft/agents-hosting')).default;
  const adapter = new CloudAdapter();
  const app = new AgentApplication({ adapter });
  const handoff = await addHandoffRoute(app, { hk, botId, keys, store: hk.memoryStore(), serviceUrls: { allow: ['smba.trafficmanager.net'] } });
  const host = await startBotHost((q, s) => adapter.process(q, s, (ctx) => app.run(ctx)), handoff.deliveryListener);
  try {
    const token = await fresh();
    const r = await post(`${host.url}/api/messages`, activity(token, 'https://attacker.example/'));
    assert.equal(r.status, 403);
    assert.equal(JSON.parse(r.text).error.code, 'SERVICE_URL_NOT_ALLOWED');
    await handoff.idle();
    assert.deepEqual(refusedConnections, []);
  } finally {
    await host.close();
  }
  await assert.rejects(addHandoffRoute(new AgentApplication({ adapter: new CloudAdapter() }),
    { hk, botId, keys, store: hk.memoryStore(), serviceUrls: { allow: 'x' } }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('agents: an authenticated identity\'s serviceurl claim is checked in full (the SDK compares hosts, and only logs by default)', async () => {
  const { AgentApplication, CloudAdapter, TurnContext } = (await import('@microsoft/agents-hosting')).default;
  const { Activity } = (await import('@microsoft/agents-activity')).default;
  const adapter = new CloudAdapter();
  const handoff = await addHandoffRoute(new AgentApplication({ adapter }), { hk, botId, keys, store: hk.memoryStore() });
  const turn = (token, claim) => new TurnContext(adapter, Activity.fromObject(activity(token)), { aud: appId, serviceurl: claim });
  const token = await fresh();
  assert.deepEqual(await handoff.invoke(turn(token, 'https://smba.trafficmanager.net/emea/')),
    { status: 401, body: { error: { code: 'AUTH_SERVICE_URL_MISMATCH', message: 'serviceUrl does not match the token' } } });
  assert.deepEqual(await handoff.invoke(turn(token, seed.serviceUrl)), { status: 200 });
});

test('botbuilder: an authenticated identity\'s serviceurl claim is passed to the pipeline', async () => {
  const { CloudAdapter, TurnContext } = await import('botbuilder');
  const adapter = new CloudAdapter();
  const handoff = await botbuilderHandoff(adapter, { hk, botId, keys, store: hk.memoryStore() });
  const identity = (claim) => ({ isAuthenticated: true, authenticationType: 'https://api.botframework.com',
    claims: [{ type: 'aud', value: appId }, { type: 'serviceurl', value: claim }] });
  const turn = (token, claim) => {
    const context = new TurnContext(adapter, activity(token));
    context.turnState.set(adapter.BotIdentityKey, identity(claim));
    return context;
  };
  const token = await fresh();
  assert.equal((await handoff.invoke(turn(token, 'https://smba.trafficmanager.net/emea/'))).status, 401);
  assert.deepEqual(await handoff.invoke(turn(token, seed.serviceUrl)), { status: 200 });
});
