// handoffkit/agents in the host benchmark: the same Node host on Microsoft's Agents SDK as
// peer-host.mjs (one bare CloudAdapter over node:http, the same request/response shim and the same
// turn logic: answer the invoke, 501 for other invokes), but the handoff/action's answer comes from
// handoffkit's adapter (agentsHandoff's invoke, the ActivityHandler helper): the core's pipeline
// compiled to wasm (the activity read, the serviceUrl rule, verification, the redemption protocol)
// over hk.memoryStore() (memory:) or hk.redisStore() on ioredis (redis://HOST:PORT), configured
// like the peer's client. So the two differ only in what handoffkit replaces. (An AgentApplication
// route, addHandoffRoute, costs the framework's routing on top: about a fifth of a turn measured
// in-process, docs/node.md; the peer has no AgentApplication either.)
// As for the peer: inbound Bot Framework authentication off (no auth configuration), and no
// follow-ups (followups: false, no onHandoff): each request is one verification and one redemption
// (Redis: one SET NX PX, as the peer's; its value is the redemption record, which tells a retry
// of the same activity from a replay, where the peer's is '1'). No delivery is configured, so
// nothing is written to an outbox.
// Usage: node adapter-host.mjs PORT KEYS_FILE BOT_ID ISSUER [memory:|redis://HOST:PORT]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CloudAdapter } from '@microsoft/agents-hosting';
import { init } from '../../../web/lib/node.mjs';
import { agentsHandoff } from '../../../web/lib/adapters/agents.mjs';

const require = createRequire(import.meta.url);
const [port, keysFile, botId, issuer, storeSpec = 'memory:'] = process.argv.slice(2);

function redisClient(url) {
  const Redis = require('ioredis');
  const { hostname, port: redisPort } = new URL(url);
  const redis = new Redis({ host: hostname, port: Number(redisPort || 6379), maxRetriesPerRequest: 1,
    enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => {}); // a failed command answers 503; the client reconnects by itself
  return redis;
}

const hk = await init();
const store = storeSpec === 'memory:' ? hk.memoryStore() : hk.redisStore(redisClient(storeSpec));
const adapter = new CloudAdapter();
const handoff = await agentsHandoff(adapter, { hk, botId, keys: JSON.parse(readFileSync(keysFile, 'utf8')), issuer, store, followups: false });
// The peer's turn logic, with handoffkit's answer: other activities 200, other invokes 501.
const logic = async (context) => {
  const a = context.activity;
  if (a.type !== 'invoke') return;
  const value = (await handoff.invoke(context)) ?? { status: 501 };
  await context.sendActivity({ type: 'invokeResponse', value });
};

createServer((req, res) => {
  if (req.url === '/healthz') return res.end('{"status":"ok"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.statusCode = 400;
      return res.end();
    }
    // The express-like request/response CloudAdapter.process expects, over node:http (as the peer's).
    const request = { method: req.method, headers: req.headers, body };
    const response = {
      get headersSent() { return res.headersSent; },
      get writableEnded() { return res.writableEnded; },
      status: (code) => { res.statusCode = code; },
      setHeader: (name, value) => res.setHeader(name, value),
      send: (text) => res.write(typeof text === 'string' ? text : JSON.stringify(text)),
      end: () => res.end(),
    };
    try {
      await adapter.process(request, response, logic);
    } catch {
      if (!res.writableEnded) { res.statusCode = 500; res.end(); }
    }
  });
}).listen(Number(port), '127.0.0.1', function () {
  console.log(`listening ${this.address().port} store ${storeSpec}`);
});
