// The Northwind bot on HTTP, for local development: 127.0.0.1 only.
//   POST /api/messages  Bot Framework activities (the Agents SDK's CloudAdapter; anonymous unless
//                       the environment configures credentials: clientId, clientSecret, tenantId)
//   POST /api/handoffs  the native host's delivery webhook (when DELIVERY_KEY_FILE is set)
//   GET  /healthz
// Environment: PORT (3978; 0 picks a free one), BOT_ID (the bot's app id, a GUID), KEYS_FILE (a JWK
// Set of "oct" keys, e.g. from `handoffkit keys new`; without it a key is made for this run and
// tokens die with the process), DELIVERY_KEY_FILE (the key `handoffkit serve --on-redeemed-key-file`
// signs with).
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { init } from 'handoffkit';
import { createNorthwindBot } from './bot.mjs';

export const defaultBotId = '7e57b07d-0000-4000-8000-000000000001';
const bodyLimit = 256 * 1024;

function keySet(file) {
  if (file) return JSON.parse(readFileSync(file, 'utf8'));
  console.warn('northwind: no KEYS_FILE: using a key made for this run (tokens it signs die with the process)');
  return { keys: [{ kty: 'oct', kid: `dev-${randomBytes(4).toString('hex')}`, k: randomBytes(32).toString('base64url') }] };
}

// The express-like request/response pair the Agents SDK writes through, over node:http.
function expressLike(req, res, body) {
  const response = {
    get headersSent() { return res.headersSent; },
    get writableEnded() { return res.writableEnded; },
    status(code) { res.statusCode = code; return response; },
    setHeader(name, value) { res.setHeader(name, value); return response; },
    send(data) { res.write(typeof data === 'string' ? data : JSON.stringify(data)); return response; },
    end() { res.end(); },
  };
  return { request: { method: req.method, headers: req.headers, body }, response };
}

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= bodyLimit) chunks.push(c);
    });
    req.on('end', () => {
      if (size > bodyLimit) return resolve({ status: 413 });
      try {
        resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ status: 400 });
      }
    });
  });
}

/** Starts the bot; resolves with { port, close }. */
export async function startNorthwind({ port = 3978, botId = defaultBotId, keysFile, deliveryKeyFile } = {}) {
  const hk = await init();
  const deliveryKey = deliveryKeyFile ? readFileSync(deliveryKeyFile, 'utf8').trim() : undefined;
  const bot = await createNorthwindBot({ hk, botId, keys: keySet(keysFile), store: hk.memoryStore(), deliveryKey });
  const logic = (context) => bot.app.run(context);

  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return res.end('{"status":"ok"}');
    if (req.url === '/api/handoffs' && deliveryKey) return bot.handoff.deliveryListener(req, res);
    if (req.method !== 'POST' || req.url !== '/api/messages') {
      res.statusCode = 404;
      return res.end();
    }
    const { status, body } = await readJson(req);
    if (status) {
      res.statusCode = status;
      return res.end();
    }
    const { request, response } = expressLike(req, res, body);
    try {
      // With no credentials configured this is the anonymous identity; with them, the Bot
      // Connector's JWT is verified (401 otherwise, answered by the SDK).
      let turn;
      await bot.adapter.authorizeRequest(request, response, () => { turn = bot.adapter.process(request, response, logic); });
      if (turn) await turn;
    } catch (e) {
      console.error(`northwind: ${e.message}`);
      if (!res.headersSent) res.statusCode = 500;
    }
    if (!res.writableEnded) res.end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    close: async () => {
      await bot.handoff.idle();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { port, close } = await startNorthwind({
    port: Number(process.env.PORT ?? 3978),
    botId: process.env.BOT_ID || defaultBotId,
    keysFile: process.env.KEYS_FILE,
    deliveryKeyFile: process.env.DELIVERY_KEY_FILE,
  });
  console.log(`northwind: listening on http://127.0.0.1:${port}/api/messages (bot ${process.env.BOT_ID || defaultBotId})`);
  // A graceful stop lets the work after the last answers (follow-ups, onHandoff) finish, within 5 s.
  const stop = () => Promise.race([close(), new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
