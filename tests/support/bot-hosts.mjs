// Loopback servers for the SDK adapter tests: a Bot Connector that records what a bot posts, and a
// messaging endpoint on node:http for each SDK (the express-like request/response the Agents SDK
// and botbuilder CloudAdapters expect; an IHttpServerAdapter for teams.ts). Every server listens
// on 127.0.0.1 on an ephemeral port and is closed by the test.
import { createServer } from 'node:http';

export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

export function close(server) {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A Bot Connector: every request recorded (method, path, Authorization, JSON body, arrival time). */
export async function startConnector() {
  const requests = [];
  const server = createServer(async (req, res) => {
    const text = (await readBody(req)).toString('utf8');
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    requests.push({ at: performance.now(), method: req.method, path: req.url, authorization: req.headers.authorization, body });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `posted-${requests.length}` }));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    /** Resolves with the requests once there are `count`, rejects after `ms`. */
    async waitFor(count, ms = 5000) {
      const until = Date.now() + ms;
      while (requests.length < count) {
        if (Date.now() > until) throw new Error(`the connector got ${requests.length} of ${count} requests in ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return requests;
    },
    close: () => close(server),
  };
}

// The express-like pair CloudAdapter.process writes through; `answered` records when the answer
// was complete (the time follow-ups must come after).
function expressLike(req, res, body, answered) {
  res.on('finish', () => answered(performance.now()));
  const response = {
    get headersSent() { return res.headersSent; },
    get writableEnded() { return res.writableEnded; },
    status(code) { res.statusCode = code; return response; },
    setHeader(name, value) { res.setHeader(name, value); return response; },
    header(name, value) { res.setHeader(name, value); return response; },
    send(data) { res.write(typeof data === 'string' ? data : JSON.stringify(data)); return response; },
    end() { res.end(); },
  };
  return { request: { method: req.method, headers: req.headers, body }, response };
}

/**
 * An endpoint at /api/messages that runs `process(request, response)` (e.g.
 * (q, s) => adapter.process(q, s, (ctx) => app.run(ctx))) and, when `deliveries` is given, the
 * host's delivery webhook at /api/handoffs. `answers` lists when each answer went out.
 */
export async function startBotHost(process, deliveries) {
  const answers = [];
  const server = createServer(async (req, res) => {
    if (req.url === '/api/handoffs' && deliveries) return deliveries(req, res);
    const text = (await readBody(req)).toString('utf8');
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      res.statusCode = 400;
      return res.end();
    }
    const { request, response } = expressLike(req, res, body, (at) => answers.push(at));
    try {
      await process(request, response);
    } catch {
      if (!res.writableEnded) {
        res.statusCode = 500;
        res.end();
      }
    }
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, answers, close: () => close(server) };
}

/** teams.ts' IHttpServerAdapter over one node:http server on 127.0.0.1 (App.start binds nothing else). */
export class LoopbackTeamsServer {
  constructor(deliveries) {
    this.routes = new Map();
    this.answers = [];
    this.deliveries = deliveries;
  }
  registerRoute(method, path, handler) {
    this.routes.set(`${method} ${path}`, handler);
  }
  async start() {
    this.server = createServer(async (req, res) => {
      if (req.url === '/api/handoffs' && this.deliveries) return this.deliveries(req, res);
      const handler = this.routes.get(`${req.method} ${req.url}`);
      const text = (await readBody(req)).toString('utf8');
      if (!handler) {
        res.statusCode = 404;
        return res.end();
      }
      res.on('finish', () => this.answers.push(performance.now()));
      const out = await handler({ body: JSON.parse(text), headers: req.headers });
      res.statusCode = out.status;
      if (out.body === undefined) return res.end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(out.body));
    });
    this.url = `http://127.0.0.1:${await listen(this.server)}`;
  }
  async stop() {
    await close(this.server);
  }
}

/** POSTs JSON (or text as is) and gives status, raw body text and content type. */
export async function post(url, body, headers = {}) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, text: await r.text(), contentType: r.headers.get('content-type') };
}
