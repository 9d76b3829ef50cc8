// The trivial app behind `handoffkit serve --forward` in the production host benchmark, and the
// target of the direct hits it is compared with: POST /api/messages answers 200 with an empty
// body (what a bot answers a message activity), POST /api/handoffs takes the host's redemption
// webhook: its X-Handoffkit-Signature is checked (HMAC-SHA256 of the raw body with the delivery
// key, as the npm package's verifyHandoffDelivery does) and the handoff counted once per jti
// (deliveries are at least once). GET /counts gives the counters; POST /runs starts a new run: the
// suite redeems the same continuation tokens again in each run (a fresh store each), so "once per
// jti" holds within a run.
// Usage: node app.mjs DELIVERY_KEY_FILE; prints {"port":PORT}. Stops on SIGTERM or when its stdin ends.
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

const key = readFileSync(process.argv[2], 'utf8').split('\n')[0].trim();
const counts = { messages: 0, deliveries: 0, handoffs: 0, badSignatures: 0, other: 0 };
const seen = new Set();

function signed(raw, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', key).update(raw).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/api/messages') {
      counts.messages += 1;
      return res.end();
    }
    if (req.method === 'POST' && req.url === '/api/handoffs') {
      const raw = Buffer.concat(chunks);
      if (!signed(raw, req.headers['x-handoffkit-signature'])) {
        counts.badSignatures += 1;
        res.statusCode = 401;
        return res.end();
      }
      counts.deliveries += 1;
      const { jti } = JSON.parse(raw.toString('utf8'));
      if (!seen.has(jti)) {
        seen.add(jti);
        counts.handoffs += 1;
      }
      return res.end();
    }
    if (req.method === 'POST' && req.url === '/runs') {
      seen.clear();
      return res.end();
    }
    if (req.method === 'GET' && req.url === '/counts') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(counts));
    }
    counts.other += 1;
    res.statusCode = 404;
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
setTimeout(stop, Number(process.env.HK_APP_MAX_SECONDS ?? 3600) * 1000).unref();
