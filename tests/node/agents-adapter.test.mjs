// handoffkit/agents with the real Microsoft 365 Agents SDK (@microsoft/agents-hosting) in-process:
// the adapter cases (tests/support/adapter-cases.mjs) through an AgentApplication route and
// through an ActivityHandler, anonymous against a local Bot Connector.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../web/lib/node.mjs';
import { addHandoffRoute, agentsHandoff } from '../../web/lib/adapters/agents.mjs';
import { adapterCases, seed, botId, keys } from '../support/adapter-cases.mjs';
import { startBotHost, startConnector, post } from '../support/bot-hosts.mjs';

const { AgentApplication, ActivityHandler, CloudAdapter } = (await import('@microsoft/agents-hosting')).default;
const hk = await init();
const say = (context, text) => context.sendActivity(text);

async function routeBot(options) {
  const adapter = new CloudAdapter();
  const app = new AgentApplication({ adapter });
  const handoff = await addHandoffRoute(app, options);
  const host = await startBotHost((q, s) => adapter.process(q, s, (ctx) => app.run(ctx)), handoff.deliveryListener);
  return { url: `${host.url}/api/messages`, deliveries: `${host.url}/api/handoffs`, answers: host.answers, handoff, say, close: host.close };
}

async function activityHandlerBot(options) {
  const adapter = new CloudAdapter();
  const handoff = await agentsHandoff(adapter, options);
  class Bot extends ActivityHandler {
    async onInvokeActivity(context) {
      return (await handoff.invoke(context)) ?? super.onInvokeActivity(context);
    }
  }
  const bot = new Bot();
  const host = await startBotHost((q, s) => adapter.process(q, s, (ctx) => bot.run(ctx)), handoff.deliveryListener);
  return { url: `${host.url}/api/messages`, deliveries: `${host.url}/api/handoffs`, answers: host.answers, handoff, say, close: host.close };
}

adapterCases('agents AgentApplication route', { hk, makeBot: routeBot });
adapterCases('agents ActivityHandler', { hk, makeBot: activityHandlerBot });

test('agents: other invokes and messages are the app\'s (501 without a route, 200 for a message)', async () => {
  const connector = await startConnector();
  const bot = await routeBot({ hk, botId, keys, store: hk.memoryStore() });
  try {
    const other = await post(bot.url, { ...seed, serviceUrl: connector.url, name: 'composeExtension/query' });
    assert.equal(other.status, 501);
    const message = await post(bot.url, { ...seed, serviceUrl: connector.url, type: 'message', name: undefined, text: 'hi' });
    assert.equal(message.status, 200);
    assert.deepEqual(refusedConnections, []);
  } finally {
    await bot.close();
    await connector.close();
  }
});

test('agents: options are checked when the route is added', async () => {
  const app = new AgentApplication({ adapter: new CloudAdapter() });
  const code = async (options) => addHandoffRoute(app, options).then(() => 'none', (e) => e.code);
  assert.equal(await code({ hk, botId, keys, store: hk.memoryStore(), onHandof: () => {} }), 'INVALID_ARGUMENT');
  assert.equal(await code({ botId, keys, store: hk.memoryStore() }), 'INVALID_ARGUMENT');
  assert.equal(await code({ hk, botId, keys }), 'INVALID_ARGUMENT');
  assert.equal(await code({ hk, botId: 'nope', keys, store: hk.memoryStore() }), 'INVALID_ARGUMENT');
  assert.equal(await code({ hk, botId, keys, store: hk.memoryStore(), sendTimeoutMs: 0 }), 'INVALID_ARGUMENT');
  assert.equal(await agentsHandoff({}, { hk, botId, keys, store: hk.memoryStore() }).then(() => 'none', (e) => e.code), 'INVALID_ARGUMENT');
});
