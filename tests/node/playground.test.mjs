// The Northwind sample (examples/northwind-handoff) tried with the Microsoft 365 Agents Playground,
// the local Teams emulator, both ways a developer runs it: the bot alone (its own handoff route,
// handoffkit/agents), and behind `handoffkit serve --forward` as scripts/run.sh runs it (the host
// answers the handoff and delivers it to the bot). All started as a developer starts them (the
// sample's server.mjs, the host binary, the Playground's cli.js with the sample's config), pinned
// to 127.0.0.1 and refused any connection off loopback. The test drives the Playground through its own API: a
// composeExtension/query and then the handoff/action invoke, sent as custom activities, and reads
// what the user sees from its conversation stream and the bot's answers from its log stream.
import { refusedConnections } from '../support/sdk-env.mjs';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.mjs';

// ws: the Playground's streams are websockets, and Node 20 has no WebSocket without a flag.
const WebSocket = createRequire(import.meta.url)('ws');
const sample = join(repoRoot, 'examples', 'northwind-handoff');
const guard = join(repoRoot, 'tests', 'support', 'sdk-env.mjs');
const chat = 'a:northwind-personal-chat';
const botId = '28:7e57b07d-0000-4000-8000-000000000001';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'northwind-playground-'));
const children = [];

// A child with only what it needs from the environment, its output kept; stopped after the test.
function start(args, env, program = process.execPath) {
  const argv = program === process.execPath ? ['--import', guard, ...args] : args;
  const child = spawn(program, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  const out = { stdout: '', stderr: '', child };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  children.push(child);
  return out;
}
const stopped = (child) => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve();
  child.once('exit', resolve);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
});
after(async () => {
  await Promise.all(children.map(stopped));
  rmSync(dir, { recursive: true, force: true });
});

async function until(what, predicate, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Every LISTEN socket on `port`, from the kernel's tables: "tcp 0100007F" is 127.0.0.1.
function listeners(port) {
  const found = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = local.split(':');
      if (state === '0A' && parseInt(hexPort, 16) === port) found.push(`${table.endsWith('6') ? 'tcp6' : 'tcp'} ${address}`);
    }
  }
  return found;
}

function stream(port, path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const messages = [];
    ws.on('message', (m) => messages.push(JSON.parse(m.toString())));
    ws.on('open', () => resolve({ messages, close: () => ws.close() }));
    ws.on('error', reject);
  });
}

// The keys and the delivery key the bot and the host share when the host is in front.
const keysFile = join(dir, 'keys.json');
const deliveryKeyFile = join(dir, 'delivery.key');
writeFileSync(keysFile, JSON.stringify({ keys: [{ kty: 'oct', kid: 'k1', k: Buffer.alloc(32, 9).toString('base64url') }] }), { mode: 0o600 });
writeFileSync(deliveryKeyFile, 'the-delivery-key-of-this-test-0123456789\n', { mode: 0o600 });

// The sample alone: the Playground talks to it.
async function botAlone() {
  const bot = start([join(sample, 'server.mjs')], { PORT: '0' });
  const botPort = Number((await until('the sample to listen', () => /127\.0\.0\.1:(\d+)\/api\/messages/.exec(bot.stdout)))[1]);
  return { endpointPort: botPort, ports: [botPort], children: [bot] };
}

// The host in front of the sample, as scripts/run.sh starts them: the Playground talks to the host.
async function hostInFront() {
  const bot = start([join(sample, 'server.mjs')], { PORT: '0', KEYS_FILE: keysFile, DELIVERY_KEY_FILE: deliveryKeyFile });
  const botPort = Number((await until('the sample to listen', () => /127\.0\.0\.1:(\d+)\/api\/messages/.exec(bot.stdout)))[1]);
  const host = start(['serve', '--listen', '127.0.0.1:0', '--insecure-no-auth', '--app-id', botId, '--keys', keysFile,
    '--store', `sqlite:${join(dir, 'tokens.db')}`, '--messages', join(sample, 'messages.json'),
    '--forward', `http://127.0.0.1:${botPort}/api/messages`, '--on-redeemed-key-file', deliveryKeyFile], {},
  join(repoRoot, 'build', 'native', 'native', 'handoffkit'));
  const hostPort = Number((await until('the host to listen', () => /"event":"listening","port":(\d+)/.exec(host.stderr)))[1]);
  return { endpointPort: hostPort, ports: [botPort, hostPort], children: [bot, host] };
}

for (const [how, setup] of [['the sample alone', botAlone], ['behind handoffkit serve', hostInFront]])
test(`Northwind in the Agents Playground, ${how}: search, hand off, and the user sees the conversation continue`, { timeout: 90_000 }, async () => {
  const { endpointPort, ports, children: mine } = await setup();

  const playground = start(['--import', join(sample, 'playground', 'loopback.mjs'),
    join(repoRoot, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'),
    '-e', `http://127.0.0.1:${endpointPort}/api/messages`, '-c', 'msteams', '-p', '0', '--disable-telemetry'], {
    TEAMSAPPTESTER_BROWSER: 'none',
    // --disable-telemetry alone still lets Application Insights dial out (statsbeat).
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(sample, 'playground', 'm365agentsplayground.yml'),
    M365_AGENTS_PLAYGROUND_LOGFILE: join(dir, 'playground.log'),
  });
  const port = Number((await until('the Playground to listen', () => /Listening on (\d+)/.exec(playground.stdout)))[1]);
  const base = `http://127.0.0.1:${port}`;
  assert.deepEqual(listeners(port), ['tcp 0100007F'], 'the Playground listens on 127.0.0.1 only');
  for (const p of ports) assert.deepEqual(listeners(p), ['tcp 0100007F'], `the sample (and the host) listen on 127.0.0.1 only (${p})`);

  const log = await stream(port, '/_ws/log/stream');
  const conversation = await stream(port, '/_ws_conversation/v1/conversations/stream');
  const template = async () => {
    const r = await fetch(`${base}/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(chat)}`);
    return r.json();
  };
  const send = async (activity) => {
    const r = await fetch(`${base}/_internal/v1/customActivities`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity) });
    assert.equal(r.status, 200);
  };
  // The bot's answer to an invoke, as the Playground logged it.
  const answerTo = (id) => until(`the answer to ${id}`, () =>
    log.messages.map((m) => m.log).find((l) => l?.activityName === 'invoke' && l?.response?.statusCode && l.messageId === id));
  const seen = () => conversation.messages.filter((m) => m.action === 'createMessage').map((m) => m.message.text);

  // 1. The message-extension search: result cards, each carrying a fresh handoff.
  const base1 = await template();
  assert.equal(base1.recipient.id, botId);
  const query = { ...base1, type: 'invoke', name: 'composeExtension/query', locale: 'en-US',
    value: { commandId: 'searchProducts', parameters: [{ name: 'productName', value: 'chai' }] } };
  await send(query);
  const searched = await answerTo(query.id);
  assert.equal(searched.response.statusCode, 200);
  const results = (typeof searched.response.body === 'string' ? JSON.parse(searched.response.body) : searched.response.body).composeExtension;
  assert.deepEqual(results.attachments.map((a) => a.preview.content.title), ['Chai']);
  const link = new URL(results.attachments[0].content.actions[0].url);
  assert.equal(link.searchParams.get('users'), botId);
  const token = link.searchParams.get('continuation');

  // 2. The user presses "Continue in Teams": the handoff/action invoke with that token.
  const base2 = await template();
  const handoff = { ...base2, type: 'invoke', name: 'handoff/action', locale: 'en-US', value: { continuation: token } };
  await send(handoff);
  const answered = await answerTo(handoff.id);
  assert.equal(answered.response.statusCode, 200);
  assert.equal(answered.response.body ?? '', '');
  await until('the product details', () => seen().some((t) => /^Chai \(Beverages\)/.test(t ?? '')));
  assert.deepEqual(seen(), ['Continuing from Copilot…', "Let's continue with Chai.",
    'Chai (Beverages): 10 boxes x 20 bags, 18.00 each, 39 in stock. How many would you like?']);

  // 3. The same token from another activity: a replay, and the user is asked to start again.
  const base3 = await template();
  const replay = { ...base3, type: 'invoke', name: 'handoff/action', locale: 'en-US', value: { continuation: token } };
  await send(replay);
  const refused = await answerTo(replay.id);
  assert.equal(refused.response.statusCode, 409);
  await until('the new-conversation message', () => seen().some((t) => /start a new conversation/.test(t ?? '')));

  log.close();
  conversation.close();
  await Promise.all([stopped(playground.child), ...mine.map((c) => stopped(c.child))]);
  assert.deepEqual(listeners(port), [], 'nothing listens on the Playground port after it stopped');
  assert.doesNotMatch(playground.stderr + mine.map((c) => c.stderr).join(''), /\[refused\]/, 'no connection left loopback');
  assert.deepEqual(refusedConnections, []);
});
