// What both host scenarios of the benchmark (suites/host.mjs, host/production.mjs) share: ports,
// child processes that must come up and go away, fresh stores, wrk and its figures, and the
// continuation tokens as handoffkit issues them.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const here = (p) => fileURLToPath(new URL(p, import.meta.url));
export const cli = here('../../../build/native/native/handoffkit');
export const issuer = 'handoffkit';

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitForHealth(port, child, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until && child.exitCode === null) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    await sleep(50);
  }
  throw new Error(`host bench: the host on port ${port} did not come up`);
}

// Redis answers PING with +PONG once it accepts commands.
async function waitForPong(port, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const pong = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write('PING\r\n'));
      s.setTimeout(500, () => s.destroy());
      s.on('data', (d) => { s.destroy(); resolve(d.toString().startsWith('+PONG')); });
      s.on('error', () => resolve(false));
      s.on('close', () => resolve(false));
    });
    if (pong) return;
    await sleep(50);
  }
  throw new Error(`host bench: redis-server on port ${port} did not answer PING`);
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

// A helper process (tests/bench/host/*.mjs) that prints one JSON line once it listens; its stdin
// stays open so that it ends with the suite whatever happens.
export function startHelper(script, args, ms = 15000) {
  const child = spawn(process.execPath, [here(script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`host bench: ${script} did not start`)); }, ms);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, ...JSON.parse(line) });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`host bench: ${script} exited (${code})`)); });
  });
}

// Tokens as handoffkit issues them (same header, claims and key), signed in bulk with fast-jwt.
export function signer(key, iat) {
  const { createSigner } = require('fast-jwt');
  return createSigner({ key: Buffer.from(key.k, 'base64url'), algorithm: 'HS256', kid: key.kid,
    header: { typ: 'handoff+jwt' }, clockTimestamp: iat * 1000 }); // sets iat
}
export const claims = (aud, sub, exp) => ({ iss: issuer, aud, sub, exp, jti: randomBytes(16).toString('base64url') });

// A fresh store for one host run: a spec both hosts understand, and how to dispose of it.
export async function freshStore(kind, dir, run) {
  if (kind === 'memory') return { spec: 'memory:', dispose: async () => {} };
  if (kind === 'sqlite') {
    const file = join(dir, `tokens-${run}.db`);
    return { spec: `sqlite:${file}`, dispose: async () => ['', '-wal', '-shm'].forEach((x) => rmSync(file + x, { force: true })) };
  }
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' });
  try {
    await waitForPong(port);
  } catch (e) {
    await stop(redis);
    throw e;
  }
  return { spec: `redis://127.0.0.1:${port}`, dispose: () => stop(redis) };
}

// The programs the host scenarios need, or why they cannot run.
export function missingTools(extra = []) {
  const missing = ['wrk', 'redis-server', ...extra].filter((n) => {
    try { execFileSync('which', [n]); return false; } catch { return true; }
  });
  if (!existsSync(cli)) missing.push(`${cli} (build first)`);
  return missing;
}

// One wrk run of load.lua; rate counts the 2xx answers only, ok is their number.
export function wrk(port, env, { threads = 2, connections = 32, seconds = 5, path = '/api/messages' } = {}) {
  const out = execFileSync('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s',
    '-s', here('load.lua'), `http://127.0.0.1:${port}${path}`],
  { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...env, HK_THREADS: String(threads) } });
  const ms = (text) => {
    const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
    if (!m) throw new Error(`host bench: cannot read a latency from wrk: ${text}\n${out}`);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
  };
  const total = Number(out.match(/(\d+) requests in/)[1]);
  const rate = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const socketErrors = out.match(/Socket errors:.*$/m)?.[0] ?? '';
  return { rate: rate * (1 - non2xx / total), ok: total - non2xx, p50: ms(out.match(/^\s+50%\s+(\S+)/m)[1]),
    p99: ms(out.match(/^\s+99%\s+(\S+)/m)[1]), non2xx, socketErrors };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
export const rateText = (n) => (n >= 1e3 ? `${(n / 1e3).toFixed(1)} k/s` : `${n.toFixed(0)} /s`);
export const msText = (n) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
