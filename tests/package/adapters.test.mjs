// The SDK adapters from the packed tarball, as a bot developer gets them: an empty folder gets the
// tarball and the SDKs it is used with (npm install, offline, the versions this repository tests),
// then runs the Northwind sample's handler with `import` (the sample's own files) and with
// `require` (handoffkit/agents' CommonJS entry), each against a Bot Connector on 127.0.0.1, and
// TypeScript checks code using the adapters' shipped types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packedDir } from '../support/pack.mjs';
import { repoRoot } from '../support/paths.mjs';

const seed = JSON.parse(readFileSync(join(repoRoot, 'tests', 'vectors', 'invoke.json'), 'utf8')).seedActivity;
const devDependencies = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies;
const sdks = ['@microsoft/agents-hosting', 'botbuilder', '@microsoft/teams.apps'];
const sampleFiles = ['bot.mjs', 'server.mjs', 'products.json', 'messages.json'];
const botId = '7e57b07d-0000-4000-8000-000000000001';

const app = join(packedDir(), 'adapter-app');
mkdirSync(app, { recursive: true });
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'adapter-app', private: true, type: 'module' }));
const tarball = readdirSync(packedDir()).find((f) => f.endsWith('.tgz'));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(packedDir(), tarball),
  ...sdks.map((name) => `${name}@${devDependencies[name]}`)], { cwd: app, stdio: 'ignore' });
for (const f of sampleFiles) copyFileSync(join(repoRoot, 'examples', 'northwind-handoff', f), join(app, f));

// The environment the SDKs read credentials and proxies from, emptied: the run is anonymous.
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const run = (file, source) => {
  writeFileSync(join(app, file), source);
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: app, encoding: 'utf8', env, timeout: 60_000 }).trim().split('\n').at(-1));
};

// Shared by both scripts: a Bot Connector that records what the bot posts, and the seed's activity
// addressed to the sample's bot and to that connector.
const prelude = `
const posted = [];
const connector = http.createServer((req, res) => {
  let text = '';
  req.on('data', (c) => { text += c; });
  req.on('end', () => { posted.push(JSON.parse(text)); res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id":"1"}'); });
});
const seed = ${JSON.stringify(seed)};
const botId = '${botId}';
const activity = (patch) => ({ ...seed, recipient: { id: '28:' + botId }, serviceUrl: 'http://127.0.0.1:' + connector.address().port + '/', ...patch });
const settled = async (n) => { for (let i = 0; i < 500 && posted.length < n; i++) await new Promise((r) => setTimeout(r, 10)); };
const said = () => posted.map((p) => p.text ?? p.type);
`;

test('the packed handoffkit/agents runs the Northwind sample in an empty folder (ESM: the sample\'s own files)', () => {
  const out = run('sample.mjs', `import http from 'node:http';
import { startNorthwind } from './server.mjs';
${prelude}
await new Promise((r) => connector.listen(0, '127.0.0.1', r));
const bot = await startNorthwind({ port: 0, botId });
const post = async (a) => { const r = await fetch('http://127.0.0.1:' + bot.port + '/api/messages',
  { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) }); return { status: r.status, text: await r.text() }; };
const search = await post(activity({ id: 'q1', name: 'composeExtension/query', value: { commandId: 'searchProducts', parameters: [{ name: 'productName', value: 'tofu' }] } }));
const card = JSON.parse(search.text).composeExtension.attachments[0].content;
const token = new URL(card.actions[0].url).searchParams.get('continuation');
const handoff = await post(activity({ id: 'h1', name: 'handoff/action', value: { continuation: token } }));
await settled(4);
const replay = await post(activity({ id: 'h2', name: 'handoff/action', value: { continuation: token } }));
await settled(5);
await bot.close();
connector.close();
console.log(JSON.stringify({ search: search.status, title: card.body[0].text, handoff: [handoff.status, handoff.text], replay: replay.status, said: said() }));
`);
  assert.equal(out.search, 200);
  assert.equal(out.title, 'Tofu');
  assert.deepEqual(out.handoff, [200, '']);
  assert.equal(out.replay, 409);
  assert.deepEqual(out.said.slice(0, 4), ['Continuing from Copilot…', 'typing', "Let's continue with Tofu.",
    'Tofu (Produce): 40 - 100 g pkgs., 23.25 each, 35 in stock. How many would you like?']);
  assert.match(out.said[4], /start a new conversation/);
});

test('the packed handoffkit/agents runs the sample\'s handoff handler from CommonJS (require)', () => {
  const out = run('sample.cjs', `'use strict';
const http = require('node:http');
const { init } = require('handoffkit');
const { addHandoffRoute } = require('handoffkit/agents');
const { AgentApplication, CloudAdapter } = require('@microsoft/agents-hosting');
const products = require('./products.json');
${prelude}
(async () => {
  await new Promise((r) => connector.listen(0, '127.0.0.1', r));
  const hk = await init();
  const keys = { keys: [{ kty: 'oct', kid: 'k', k: require('node:crypto').randomBytes(32).toString('base64url') }] };
  const adapter = new CloudAdapter();
  const app = new AgentApplication({ adapter });
  const handoff = await addHandoffRoute(app, { hk, botId, keys, store: hk.memoryStore(),
    onHandoff: async (context, h) => {
      const p = products.find((x) => x.id === h.context.productId);
      await context.sendActivity(p.name + ' (' + p.category + '): ' + p.unitsInStock + ' in stock.');
    } });
  const { token } = await hk.createHandoff({ botId, user: seed.from.aadObjectId, ctx: { productId: 2, product: 'Chang' } }, keys);
  // One turn straight through the CloudAdapter, with the response it writes to.
  const answer = { status: 0, body: '' };
  const res = { headersSent: false, writableEnded: false, status(s) { answer.status = s; }, setHeader() {},
    send(b) { answer.body += typeof b === 'string' ? b : JSON.stringify(b); }, end() { this.writableEnded = true; } };
  await adapter.process({ method: 'POST', headers: {}, body: activity({ value: { continuation: token } }) }, res, (c) => app.run(c));
  await settled(4);
  await handoff.idle();
  connector.close();
  console.log(JSON.stringify({ answer, said: said() }));
})();
`);
  assert.deepEqual(out.answer, { status: 200, body: '' });
  assert.deepEqual(out.said, ['Continuing conversation from Copilot…', 'typing', "You're all set: the conversation continues here.",
    'Chang (Beverages): 17 in stock.']);
});

test('TypeScript: the adapters\' shipped types type a bot, and reject misuse', () => {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const check = (file, source, { skipLibCheck = true } = {}) => {
    writeFileSync(join(app, file), source);
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--target', 'es2022', ...(skipLibCheck ? ['--skipLibCheck'] : []), file], { cwd: app, encoding: 'utf8' });
      return '';
    } catch (e) {
      return e.stdout;
    }
  };
  const good = `import { init } from 'handoffkit';
import { addHandoffRoute, type AgentsHandoff } from 'handoffkit/agents';
import { botbuilderHandoff } from 'handoffkit/botbuilder';
import { teamsHandoff } from 'handoffkit/teams';
import { AgentApplication, CloudAdapter, TurnState } from '@microsoft/agents-hosting';
import { CloudAdapter as BotbuilderAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { App } from '@microsoft/teams.apps';
const hk = await init();
const keys = { keys: [{ kty: 'oct' as const, kid: 'k', k: 'x' }] };
const app = new AgentApplication<TurnState>({ adapter: new CloudAdapter() });
const handoff: AgentsHandoff = await addHandoffRoute(app, { hk, botId: 'b', keys, store: hk.memoryStore(), deliveryKey: 'k',
  onHandoff: async (context, h) => { await context.sendActivity(String(h.context?.product) + h.user.aadObjectId + h.conversation.serviceUrl); },
  onError: (e, info) => console.log(info.stage, info.jti, e) });
const answer = await handoff.receiveDelivery('{}', undefined);
const code: 'OK' | 'DUPLICATE' | string = answer.code;
const bb = await botbuilderHandoff(new BotbuilderAdapter(new ConfigurationBotFrameworkAuthentication({})), { hk, botId: 'b', keys,
  store: hk.redisStore({ sendCommand: async () => null, isReady: true }), onHandoff: (context) => context.sendActivity('hi') });
const teams = await teamsHandoff(new App(), { hk, botId: 'b', keys, store: hk.memoryStore(), followups: false,
  onHandoff: async (conversation) => { await conversation.send('hi'); return conversation.reference.conversation.id; } });
await Promise.all([bb.idle(), teams.idle()]);
const made = await hk.createHandoff({ botId: 'b', ctx: { productId: 1 } }, keys);
const result = await hk.handoffHandler({ botId: 'b', keys, store: hk.memoryStore() }).handle({ type: 'invoke' });
console.log(code, made.link, result.status, result.code === 'TOKEN_REPLAYED', result.conversation.serviceUrl, result.followups[0]?.text);
`;
  assert.equal(check('adapters-good.mts', good), '');
  // Without skipLibCheck the SDKs' own declarations have errors (teams.apps needs @types/express):
  // none may be in handoffkit's.
  const ours = check('adapters-good.mts', good, { skipLibCheck: false }).split('\n').filter((l) => l.includes('node_modules/handoffkit/'));
  assert.deepEqual(ours, []);
  const bad = check('adapters-bad.mts', `import { init } from 'handoffkit';
import { addHandoffRoute } from 'handoffkit/agents';
import { AgentApplication, CloudAdapter, TurnState } from '@microsoft/agents-hosting';
const hk = await init();
const app = new AgentApplication<TurnState>({ adapter: new CloudAdapter() });
await addHandoffRoute(app, { botId: 'b', keys: '{}', store: hk.memoryStore() });
await addHandoffRoute(app, { hk, botId: 'b', keys: '{}', store: hk.memoryStore(), onHandof: () => {} });
await addHandoffRoute(app, { hk, botId: 'b', keys: '{}', store: hk.memoryStore(), onHandoff: (context: number) => context });
(await addHandoffRoute(app, { hk, botId: 'b', keys: '{}', store: {} }));
hk.handoffHandler({ botId: 'b', keys: '{}', store: hk.memoryStore(), timeoutMs: '5' });
`);
  for (const line of [6, 7, 8, 9, 10]) assert.match(bad, new RegExp(`adapters-bad\\.mts\\(${line},`), `line ${line} should not type-check:\n${bad}`);
});
