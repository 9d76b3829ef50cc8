// The host under load (wrk on loopback): handoff/action redemptions per second and p50/p99
// latency for `handoffkit serve` with each store, beside a Node host on Microsoft's Agents SDK
// doing the same verification and redemption (tests/bench/host/peer-host.mjs), in the same run.
// Every request carries a distinct valid token (pre-issued), so every 200 is a real redemption.
// Inbound authentication is off on both sides; neither sends follow-ups. wrk, the host and the
// peer share this machine's cores.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const cli = here('../../../build/native/native/handoffkit');
const seconds = Number(process.env.HK_HOST_SECONDS ?? 8);
const connections = Number(process.env.HK_HOST_CONNECTIONS ?? 32);
const wrkThreads = 2;

export const peer = 'Agents SDK host';

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

async function waitFor(url, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function start(command, args, port, healthPath) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return waitFor(`http://127.0.0.1:${port}${healthPath}`).then(() => child);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

// Tokens as handoffkit issues them (same header, claims and key), signed in bulk with fast-jwt.
function issueTokens(file, keys, bot, user, count) {
  const { createSigner } = require('fast-jwt');
  const key = keys.keys[0];
  const now = Math.floor(Date.now() / 1000);
  const sign = createSigner({ key: Buffer.from(key.k, 'base64url'), algorithm: 'HS256', kid: key.kid,
    header: { typ: 'handoff+jwt' }, clockTimestamp: now * 1000 }); // sets iat
  const lines = [];
  for (let i = 0; i < count; i++)
    lines.push(sign({ iss: 'handoffkit', aud: `28:${bot}`, sub: user, exp: now + 3600, jti: randomBytes(16).toString('base64url') }));
  writeFileSync(file, lines.join('\n') + '\n');
}

function wrk(port, env) {
  const out = execFileSync('wrk', [`-t${wrkThreads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s',
    '-s', here('../host/load.lua'), `http://127.0.0.1:${port}/api/messages`],
  { encoding: 'utf8', env: { ...process.env, ...env, HK_THREADS: String(wrkThreads) } });
  const ms = (text) => {
    const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
    if (!m) throw new Error(`cannot read a latency from wrk: ${text}\n${out}`);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
  };
  const rate = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const total = Number(out.match(/(\d+) requests in/)[1]);
  return { rate: rate * (1 - non2xx / total), p50: ms(out.match(/^\s+50%\s+(\S+)/m)[1]), p99: ms(out.match(/^\s+99%\s+(\S+)/m)[1]), non2xx };
}

function redisServer(port) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  return new Promise((resolve) => setTimeout(() => resolve(child), 400));
}

export async function rows(only) {
  if (!('host.redeem'.startsWith(only) || only.startsWith('host'))) return [];
  const dir = mkdtempSync(join(tmpdir(), 'handoffkit-host-bench-'));
  const seed = JSON.parse(readFileSync(here('../../vectors/invoke.json'), 'utf8')).seedActivity;
  const bot = seed.recipient.id.slice(3);
  const user = seed.from.aadObjectId;
  const keys = { keys: [{ kty: 'oct', kid: 'bench', k: Buffer.alloc(32, 7).toString('base64url') }] };
  const keysFile = join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(keys));
  writeFileSync(join(dir, 'body.json'), JSON.stringify({ ...seed, value: { continuation: '@@TOKEN@@' } }));

  // Enough distinct tokens for the fastest server to never run out (a replay would be a 409).
  const measure = async (launch) => {
    const tokens = join(dir, 'tokens.txt');
    issueTokens(tokens, keys, bot, user, Number(process.env.HK_HOST_TOKENS ?? 300000));
    const port = await freePort();
    const child = await launch(port);
    try {
      return wrk(port, { HK_TOKENS: tokens, HK_BODY: join(dir, 'body.json') });
    } finally {
      await stop(child);
    }
  };
  const native = (store) => (port) => start(cli, ['serve', '--listen', `127.0.0.1:${port}`, '--insecure-no-auth',
    '--keys', keysFile, '--store', store, '--app-id', bot, '--threads', '2'], port, '/healthz');
  const agentsSdk = (port) => start(process.execPath, [here('../host/peer-host.mjs'), String(port), keysFile, bot, 'handoffkit'],
    port, '/healthz');

  const out = [];
  const add = (op, n, p) => out.push({
    op, native: n?.rate, peer: p?.rate, peerName: p ? peer : '—',
    note: `${op}: native p50 ${n.p50.toFixed(2)} ms, p99 ${n.p99.toFixed(2)} ms, non-2xx ${n.non2xx}` +
      (p ? `; ${peer} p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms, non-2xx ${p.non2xx}` : ''),
  });
  try {
    const peerMemory = await measure(agentsSdk);
    add('host.redeem.memory', await measure(native('memory:')), peerMemory);
    add('host.redeem.sqlite', await measure(native(`sqlite:${join(dir, 'tokens.db')}`)));
    const redisPort = await freePort();
    const redis = await redisServer(redisPort);
    try {
      add('host.redeem.redis', await measure(native(`redis://127.0.0.1:${redisPort}`)));
    } finally {
      await stop(redis);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
