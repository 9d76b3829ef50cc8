// hk.redisStore over the clients apps already have (ioredis, node-redis), against a redis-server
// this test starts on 127.0.0.1: the native host's keys and meanings, failing closed when Redis is
// down, and two Node bot processes racing for the same tokens on one Redis.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { init } from '../../web/lib/node.mjs';
import { startRedis } from '../support/redis.mjs';
import { repoRoot, vectorsDir } from '../support/paths.mjs';

const hk = await init();
const load = (name) => JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
const { keys, botId } = load('handoff.json');
const seed = load('invoke.json').seedActivity;
const activity = (token, id) => ({ ...seed, id, value: { continuation: token } });
const cli = join(repoRoot, 'build/native/native/handoffkit');
const work = mkdtempSync(join(tmpdir(), 'hk-redis-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function clients(port) {
  const io = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  io.on('error', () => {});
  const nr = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: () => 50 } });
  nr.on('error', () => {});
  await nr.connect();
  await new Promise((resolve) => (io.status === 'ready' ? resolve() : io.once('ready', resolve)));
  return { ioredis: io, 'node-redis': nr, close: async () => { io.disconnect(); await nr.disconnect().catch(() => {}); } };
}

const ready = async (c) => {
  for (let i = 0; i < 200 && !(c.ioredis.status === 'ready' && c['node-redis'].isReady); i += 1) await sleep(25);
};

test('redisStore over ioredis and node-redis: claim, get and put, under the native host keys', async () => {
  const redis = await startRedis();
  const c = await clients(redis.port);
  try {
    for (const name of ['ioredis', 'node-redis']) {
      const store = hk.redisStore(c[name]);
      const soon = Date.now() + 60_000;
      assert.equal(await store.claim(`jti:${name}`, 'first', soon), null, name);
      assert.equal(await store.claim(`jti:${name}`, 'second', soon), 'first', name);
      assert.equal(await store.get(`jti:${name}`), 'first', name);
      await store.put(`ctx:${name}`, '{"a":1}', soon);
      assert.equal(await c.ioredis.get(`handoffkit:ctx:${name}`), '{"a":1}');
      const ttl = await c.ioredis.pttl(`handoffkit:jti:${name}`);
      assert.ok(ttl > 50_000 && ttl <= 60_000, `${name}: ttl ${ttl}`);
      assert.equal(await store.get('jti:absent'), null);
    }
    assert.throws(() => hk.redisStore({}), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => hk.redisStore(null), { code: 'INVALID_ARGUMENT' });
  } finally {
    await c.close();
    await redis.stop();
  }
});

test('one Redis for the native host and Node bots: a token redeemed by either is replayed for the other', async () => {
  const redis = await startRedis();
  const c = await clients(redis.port);
  const keysFile = join(work, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(keys));
  try {
    const handler = hk.handoffHandler({ botId, keys, store: hk.redisStore(c['node-redis']) });
    const byCli = (await hk.createHandoff({ botId }, keys)).token;
    execFileSync(cli, ['token', 'verify', byCli, '--keys', keysFile, '--bot-id', `28:${botId}`, '--redeem', '--store', redis.url]);
    assert.equal((await handler.handle(activity(byCli, 'f:node-1'))).code, 'TOKEN_REPLAYED');
    const byNode = (await hk.createHandoff({ botId }, keys)).token;
    assert.equal((await handler.handle(activity(byNode, 'f:node-2'))).status, 200);
    const out = (() => {
      try {
        execFileSync(cli, ['token', 'verify', byNode, '--keys', keysFile, '--bot-id', `28:${botId}`, '--redeem', '--store', redis.url],
          { stdio: ['ignore', 'pipe', 'pipe'] });
        return 'redeemed';
      } catch (e) {
        return e.stderr.toString();
      }
    })();
    assert.match(out, /REPLAYED/);
  } finally {
    await c.close();
    await redis.stop();
  }
});

test('Redis down: 503 within the timeout with either client, nothing consumed; back up: redeemed once', async () => {
  const redis = await startRedis();
  const c = await clients(redis.port);
  try {
    const tokens = [(await hk.createHandoff({ botId }, keys)).token, (await hk.createHandoff({ botId }, keys)).token];
    const handlers = ['ioredis', 'node-redis'].map((name) =>
      hk.handoffHandler({ botId, keys, store: hk.redisStore(c[name]), timeoutMs: 300 }));
    await redis.kill();
    for (const [i, h] of handlers.entries()) {
      const started = Date.now();
      const r = await h.handle(activity(tokens[i], `f:down-${i}`));
      assert.equal(r.code, 'STORE_UNAVAILABLE');
      assert.equal(r.status, 503);
      assert.ok(Date.now() - started < 1500, `answered after ${Date.now() - started} ms`);
    }
    await redis.restart();
    await ready(c);
    await sleep(200);  // a queued command, if any, would have been applied by now
    for (const [i, h] of handlers.entries()) {
      assert.equal((await h.handle(activity(tokens[i], `f:up-${i}`))).status, 200, `client ${i}`);
      assert.equal((await h.handle(activity(tokens[i], `f:again-${i}`))).status, 409, `client ${i}`);
    }
  } finally {
    await c.close();
    await redis.stop();
  }
});

// Two bot processes (tests/node/fixtures/race-worker.mjs) given the same tokens each round.
function worker(port, name) {
  const child = spawn(process.execPath, [join(repoRoot, 'tests/node/fixtures/race-worker.mjs'), String(port), botId,
    JSON.stringify(keys), name], { env: { ...process.env, HK_SEED: JSON.stringify(seed) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async round(tokens, round) {
      child.stdin.write(JSON.stringify({ tokens, round }) + '\n');
      const { value, done } = await lines.next();
      if (done) throw new Error(`worker ${name} ended`);
      return JSON.parse(value);
    },
    end: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.stdin.end();
    }),
  };
}

test('two Node processes on one Redis race for the same tokens: one 200 per token; Redis killed: 503s, nothing twice', async () => {
  const redis = await startRedis();
  const a = worker(redis.port, 'a');
  const b = worker(redis.port, 'b');
  const once = new Map();  // token -> 200s seen
  const count = (token, statuses) => once.set(token, (once.get(token) ?? 0) + statuses.filter((s) => s === 200).length);
  try {
    for (let round = 0; round < 20; round += 1) {
      const tokens = await Promise.all(Array.from({ length: 25 }, async () => (await hk.createHandoff({ botId }, keys)).token));
      const [sa, sb] = await Promise.all([a.round(tokens, round), b.round(tokens, round)]);
      tokens.forEach((t, i) => {
        assert.deepEqual([sa[i], sb[i]].sort(), [200, 409], `round ${round} token ${i}: ${sa[i]} ${sb[i]}`);
        count(t, [sa[i], sb[i]]);
      });
    }
    // Killed mid-run: some answered, the rest refused with 503, no token accepted twice. 400 tokens:
    // each worker's round takes tens of milliseconds of CPU (50 once finished inside the 5 ms below).
    const tokens = await Promise.all(Array.from({ length: 400 }, async () => (await hk.createHandoff({ botId }, keys)).token));
    const racing = Promise.all([a.round(tokens, 100), b.round(tokens, 100)]);
    await sleep(5);
    await redis.kill();
    const [sa, sb] = await racing;
    let unavailable = 0;
    tokens.forEach((t, i) => {
      for (const s of [sa[i], sb[i]]) assert.ok([200, 409, 503].includes(s), `status ${s}`);
      unavailable += [sa[i], sb[i]].filter((s) => s === 503).length;
      count(t, [sa[i], sb[i]]);
    });
    assert.ok(unavailable > 0, 'Redis was killed before the round ended');
    for (const [t, n] of once) assert.ok(n <= 1, `${t.slice(-12)} accepted ${n} times`);
  } finally {
    await Promise.all([a.end(), b.end()]);
    await redis.stop();
  }
});
