// handoffkit/teams with the real teams.ts (@microsoft/teams.apps 2.0) in-process: the adapter
// cases (tests/support/adapter-cases.mjs) through app.on('handoff.action'), on a loopback
// IHttpServerAdapter, with no credentials against a local Bot Connector.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../web/lib/node.mjs';
import { teamsHandoff } from '../../web/lib/adapters/teams.mjs';
import { adapterCases, seed, botId, keys } from '../support/adapter-cases.mjs';
import { LoopbackTeamsServer, startConnector, post } from '../support/bot-hosts.mjs';

const { App } = (await import('@microsoft/teams.apps')).default;
const hk = await init();
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {}, trace() {}, child() { return quiet; } };

async function teamsApp(options) {
  let listener;
  const server = new LoopbackTeamsServer((req, res) => listener(req, res));
  // No credentials: inbound authentication is off (as in local development) and nothing signs the follow-ups.
  const app = new App({ httpServerAdapter: server, logger: quiet, dangerouslyAllowUnauthenticatedRequests: true });
  const handoff = await teamsHandoff(app, options);
  listener = handoff.deliveryListener;
  await app.start(0);
  return { url: `${server.url}/api/messages`, deliveries: `${server.url}/api/handoffs`, answers: server.answers, handoff,
    say: (conversation, text) => conversation.send(text), close: () => app.stop() };
}

adapterCases('teams app.on(handoff.action)', { hk, makeBot: teamsApp });

test('teams: other invokes are the app\'s (teams.ts answers 200 when no handler says otherwise)', async () => {
  const connector = await startConnector();
  const bot = await teamsApp({ hk, botId, keys, store: hk.memoryStore() });
  try {
    const other = await post(bot.url, { ...seed, serviceUrl: connector.url, name: 'composeExtension/query' });
    assert.equal(other.status, 200);
    assert.deepEqual(refusedConnections, []);
  } finally {
    await bot.close();
    await connector.close();
  }
});

test('teams: the app must be a teams.ts App', async () => {
  const code = await teamsHandoff({ on() {} }, { hk, botId, keys, store: hk.memoryStore() }).then(() => 'none', (e) => e.code);
  assert.equal(code, 'INVALID_ARGUMENT');
});
