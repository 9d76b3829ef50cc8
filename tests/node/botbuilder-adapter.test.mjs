// handoffkit/botbuilder with the real botbuilder (4.23) in-process: the adapter cases
// (tests/support/adapter-cases.mjs) through a TeamsActivityHandler on a CloudAdapter with
// authentication disabled, anonymous against a local Bot Connector.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../web/lib/node.mjs';
import { botbuilderHandoff } from '../../web/lib/adapters/botbuilder.mjs';
import { adapterCases, seed, botId, keys } from '../support/adapter-cases.mjs';
import { startBotHost, startConnector, post } from '../support/bot-hosts.mjs';

const { CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsActivityHandler } = (await import('botbuilder')).default;
const hk = await init();

async function teamsBot(options) {
  // No MicrosoftAppId: inbound authentication is off, and so are outbound tokens.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const handoff = await botbuilderHandoff(adapter, options);
  class Bot extends TeamsActivityHandler {
    async onInvokeActivity(context) {
      return (await handoff.invoke(context)) ?? super.onInvokeActivity(context);
    }
  }
  const bot = new Bot();
  const host = await startBotHost((q, s) => adapter.process(q, s, (ctx) => bot.run(ctx)), handoff.deliveryListener);
  return { url: `${host.url}/api/messages`, deliveries: `${host.url}/api/handoffs`, answers: host.answers, handoff,
    say: (context, text) => context.sendActivity(text), close: host.close };
}

adapterCases('botbuilder TeamsActivityHandler', { hk, makeBot: teamsBot });

test('botbuilder: other invokes still reach TeamsActivityHandler (501 for an unknown one)', async () => {
  const connector = await startConnector();
  const bot = await teamsBot({ hk, botId, keys, store: hk.memoryStore() });
  try {
    const other = await post(bot.url, { ...seed, serviceUrl: connector.url, name: 'handoff/other' });
    assert.equal(other.status, 501);
    assert.deepEqual(refusedConnections, []);
  } finally {
    await bot.close();
    await connector.close();
  }
});

test('botbuilder: the adapter must be one that can continue a conversation', async () => {
  const code = await botbuilderHandoff({ use() {} }, { hk, botId, keys, store: hk.memoryStore() }).then(() => 'none', (e) => e.code);
  assert.equal(code, 'INVALID_ARGUMENT');
});
