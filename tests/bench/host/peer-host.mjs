// The peer of `handoffkit serve` in the host benchmark: a Node bot host on Microsoft's Agents SDK
// (@microsoft/agents-hosting CloudAdapter) doing the same work per handoff/action: verify the
// HS256 continuation token (fast-jwt, the fastest JS peer of the token benchmark: signature, exp,
// aud = 28:<bot>, iss, sub = from.aadObjectId when bound) and redeem it once (in-memory Map with
// expiry). Inbound authentication is off, as on the handoffkit side; no follow-ups are sent.
// Usage: node peer-host.mjs PORT KEYS_FILE BOT_ID ISSUER   (prints "listening PORT")
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CloudAdapter } from '@microsoft/agents-hosting';

const require = createRequire(import.meta.url);
const { createVerifier, TokenError } = require('fast-jwt');

const [port, keysFile, botId, issuer] = process.argv.slice(2);
const key = JSON.parse(readFileSync(keysFile, 'utf8')).keys[0];
const verifier = createVerifier({ key: Buffer.from(key.k, 'base64url'), algorithms: ['HS256'], allowedAud: `28:${botId}`,
  allowedIss: issuer, cache: false });
const redeemed = new Map(); // jti -> keep until (ms)

function redeem(activity) {
  let claims;
  try {
    claims = verifier(activity.value?.continuation ?? '');
  } catch (e) {
    if (e.code === TokenError.codes.expired) return 410;
    if (e.code === TokenError.codes.malformed) return 400;
    return 401;
  }
  if (claims.sub && claims.sub !== activity.from?.aadObjectId) return 403;
  const now = Date.now();
  if ((redeemed.get(claims.jti) ?? 0) > now) return 409;
  redeemed.set(claims.jti, claims.exp * 1000 + 300_000);
  return 200;
}

const adapter = new CloudAdapter();
const logic = async (context) => {
  const a = context.activity;
  const status = a.type === 'invoke' && a.name === 'handoff/action' ? redeem(a) : 501;
  await context.sendActivity({ type: 'invokeResponse', value: { status } });
};

createServer((req, res) => {
  if (req.url === '/healthz') return res.end('{"status":"ok"}');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    // The express-like request/response CloudAdapter.process expects, over node:http.
    const request = { method: req.method, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
    const response = {
      get headersSent() { return res.headersSent; },
      get writableEnded() { return res.writableEnded; },
      status: (code) => { res.statusCode = code; },
      setHeader: (name, value) => res.setHeader(name, value),
      send: (body) => res.write(typeof body === 'string' ? body : JSON.stringify(body)),
      end: () => res.end(),
    };
    try {
      await adapter.process(request, response, logic);
    } catch (e) {
      if (!res.writableEnded) { res.statusCode = 500; res.end(); }
    }
  });
}).listen(Number(port), '127.0.0.1', function () {
  console.log(`listening ${this.address().port}`);
});
