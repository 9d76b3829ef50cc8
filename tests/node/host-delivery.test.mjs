// The native host in front of a Node bot, as scripts/run.sh runs them: `handoffkit serve --forward`
// to the Northwind sample (examples/northwind-handoff, Agents SDK + handoffkit/agents) with the
// sample's texts (--messages) and its delivery key. The host answers handoff/action itself and
// forwards everything else; each redeemed handoff reaches the bot's /api/handoffs, where the
// adapter checks the signature and de-duplicates by jti, so the bot's onHandoff runs once per
// handoff whichever way it got there: a retried invoke, or a host killed with kill -9 after the
// bot took the delivery but before the host heard so. Everything on 127.0.0.1, one local Bot
// Connector recording what the user is shown.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { createNorthwindBot } from '../../examples/northwind-handoff/bot.mjs';
import { post, startBotHost, startConnector } from '../support/bot-hosts.mjs';
import { repoRoot } from '../support/paths.mjs';

const { CloudAdapter } = (await import('@microsoft/agents-hosting')).default;
const hk = await init();
const cli = join(repoRoot, 'build', 'native', 'native', 'handoffkit');
const guid = '7e57b07d-0000-4000-8000-000000000001';
const user = { id: '29:northwind-alex', aadObjectId: '00000000-0000-4000-8000-000000000100', name: 'Alex Wilber' };
const dir = mkdtempSync(join(tmpdir(), 'host-delivery-'));
const keysFile = join(dir, 'keys.json');
const deliveryKeyFile = join(dir, 'delivery.key');
const keys = { keys: [{ kty: 'oct', kid: 'k1', k: Buffer.alloc(32, 7).toString('base64url') }] };
const deliveryKey = 'a-delivery-key-for-this-test-only-0123456789';
writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
writeFileSync(deliveryKeyFile, `${deliveryKey}\n`, { mode: 0o600 });
const hosts = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.kill('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, predicate, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The Northwind bot on a loopback endpoint; every delivery it receives is counted, and its answer
 * can be held back (`hold` ms after the adapter has handled it) to open the window between "the
 * bot has it" and "the host knows".
 */
async function startBot({ hold = 0 } = {}) {
  const bot = await createNorthwindBot({ hk, botId: guid, keys, store: hk.memoryStore(), deliveryKey });
  const deliveries = [];
  const receive = (req, res) => {
    const entry = { answered: undefined };
    deliveries.push(entry);
    const end = res.end.bind(res);
    res.end = (...args) => {
      entry.status = res.statusCode;
      setTimeout(() => {
        end(...args);
        entry.answered = true;
      }, hold);
      return res;
    };
    return bot.handoff.deliveryListener(req, res);
  };
  const server = await startBotHost((q, s) => bot.adapter.process(q, s, (ctx) => bot.app.run(ctx)), receive);
  return { ...server, deliveries, idle: () => bot.handoff.idle() };
}

/** `handoffkit serve` in front of the bot at `app`; resolves once it listens. */
async function startHost(app, db, extra = []) {
  const child = spawn(cli, ['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--app-id', guid,
    '--keys', keysFile, '--store', `sqlite:${db}`,
    '--messages', join(repoRoot, 'examples', 'northwind-handoff', 'messages.json'),
    '--forward', `${app.url}/api/messages`, '--on-redeemed-key-file', deliveryKeyFile, ...extra],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  hosts.push(child);
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const port = Number((await until('the host to listen', () => /"event":"listening","port":(\d+)/.exec(log)))[1]);
  return { child, url: `http://127.0.0.1:${port}`, log: () => log };
}

function activity(connector, fields) {
  return { type: 'invoke', channelId: 'msteams', serviceUrl: connector.url, locale: 'en-US', from: user,
    recipient: { id: `28:${guid}`, name: 'Northwind Products' },
    conversation: { id: 'a:northwind-personal-chat', conversationType: 'personal', tenantId: '00000000-0000-4000-8000-000000000001' },
    ...fields };
}

/** The search through the host: the bot's own answer, relayed; the continuation of the first card. */
async function searchChai(host, connector) {
  const query = activity(connector, { id: 'f:search', name: 'composeExtension/query',
    value: { commandId: 'searchProducts', parameters: [{ name: 'productName', value: 'chai' }] } });
  const answer = await post(`${host.url}/api/messages`, query);
  assert.equal(answer.status, 200);
  const results = JSON.parse(answer.text).composeExtension;
  assert.deepEqual(results.attachments.map((a) => a.preview.content.title), ['Chai']);
  return new URL(results.attachments[0].content.actions[0].url).searchParams.get('continuation');
}

const texts = (connector) => connector.requests.map((r) => (r.body?.type === 'typing' ? '(typing)' : r.body?.text));
const details = 'Chai (Beverages): 10 boxes x 20 bags, 18.00 each, 39 in stock. How many would you like?';

test('host in front of Northwind: the search is the bot\'s, the handoff the host\'s, and the bot continues from it once', { timeout: 60_000 }, async () => {
  const connector = await startConnector();
  const bot = await startBot();
  const host = await startHost(bot, join(dir, 'once.db'));
  const token = await searchChai(host, connector);

  // The user presses the button; Teams sends the invoke, and again, having missed the answer.
  const handoff = activity(connector, { id: 'f:the-click', name: 'handoff/action', value: { continuation: token } });
  for (let i = 0; i < 2; ++i) assert.deepEqual(await post(`${host.url}/api/messages`, handoff), { status: 200, text: '', contentType: null });
  await until('the product details', () => texts(connector).includes(details));
  await sleep(1500);  // nothing more comes
  await bot.idle();
  // The host's progress messages arrive in order; the bot's continuation is posted by another sender
  // once the delivery reaches it, so under load it can land before the host's last message.
  const seen = texts(connector);
  assert.deepEqual(seen.filter((t) => t !== details), ['Continuing from Copilot…', '(typing)', "Let's continue with Chai."]);
  assert.equal(seen.filter((t) => t === details).length, 1, 'the bot continued once');
  assert.equal(bot.deliveries.length, 1, 'one delivery');
  assert.equal(bot.deliveries[0].status, 200);
  // No credentials: follow-ups go to the loopback connector without a bearer token.
  assert.deepEqual(connector.requests.map((r) => r.authorization), [undefined, undefined, undefined, undefined]);

  // The same token from another activity is a replay; the bot hears nothing more.
  const replay = activity(connector, { id: 'f:another-click', name: 'handoff/action', value: { continuation: token } });
  assert.equal((await post(`${host.url}/api/messages`, replay)).status, 409);
  await until('the new-conversation message', () => texts(connector).some((t) => /start a new conversation/.test(t ?? '')));
  assert.equal(bot.deliveries.length, 1);
  const metrics = await (await fetch(`${host.url}/metrics`)).text();
  assert.match(metrics, /handoffkit_handoff_deliveries_total\{outcome="delivered"\} 1\n/);
  assert.match(metrics, /handoffkit_forwarded_requests_total\{outcome="200"\} 1\n/, 'the search, and only the search, was forwarded');

  host.child.kill('SIGTERM');
  await new Promise((r) => host.child.once('exit', r));
  await bot.close();
  await connector.close();
  assert.doesNotMatch(host.log(), new RegExp(deliveryKey));
  assert.deepEqual(refusedConnections, []);
});

test('host killed with kill -9 after the bot took the handoff: the restarted host delivers it again, the bot continues once', { timeout: 60_000 }, async () => {
  const connector = await startConnector();
  const bot = await startBot({ hold: 1000 });  // the bot's answer is held back 1 s
  const db = join(dir, 'crash.db');
  const args = ['--on-redeemed-timeout-ms', '2000'];  // so the lease of an attempt is 7 s
  const first = await startHost(bot, db, args);
  const token = await searchChai(first, connector);
  const handoff = activity(connector, { id: 'f:the-click', name: 'handoff/action', value: { continuation: token } });
  assert.equal((await post(`${first.url}/api/messages`, handoff)).status, 200);

  await until('the delivery to reach the bot', () => bot.deliveries.length === 1 && bot.deliveries[0].status !== undefined);
  assert.equal(bot.deliveries[0].answered, undefined, 'killed before the bot\'s answer went out');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  await until('the product details', () => texts(connector).includes(details));

  const again = await startHost(bot, db, args);
  await until('the delivery again', () => bot.deliveries.length === 2 && bot.deliveries[1].answered, 30000);
  await bot.idle();
  assert.equal(bot.deliveries[1].status, 200, 'taken: the adapter knows this jti');
  assert.equal(texts(connector).filter((t) => t === details).length, 1, 'onHandoff ran once');
  let metrics = '';
  for (let i = 0; i < 100 && !/deliveries_total\{outcome="delivered"\} 1\n/.test(metrics); ++i) {
    if (i) await sleep(50);
    metrics = await (await fetch(`${again.url}/metrics`)).text();
  }
  assert.match(metrics, /handoffkit_handoff_deliveries_total\{outcome="delivered"\} 1\n/, 'the restarted host heard 200');
  // The restarted host forwarded nothing: the handoff/action was never the bot's to answer.
  assert.doesNotMatch(metrics, /handoffkit_forwarded_requests_total\{/);
  again.child.kill('SIGTERM');
  await new Promise((r) => again.child.once('exit', r));
  await bot.close();
  await connector.close();
  assert.deepEqual(refusedConnections, []);
});
