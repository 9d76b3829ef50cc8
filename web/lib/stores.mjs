// Async stores for the handoff handler: where "this token was redeemed" (and a reference-mode
// context) is kept. The core decides what to keep under which key and what the answers mean
// (core/include/handoffkit/redemption.hpp); a store only performs three operations:
//   claim(key, value, expiresAt)  keep value under key until expiresAt (unix ms) unless a live value
//                                 is there: resolve null when it was kept, else the value found
//   get(key)                      the live value under key, or null
//   put(key, value, expiresAt)    keep value under key until expiresAt (overwriting)
// A store that rejects, or does not settle within the handler's timeout, fails the redemption
// with STORE_UNAVAILABLE: never acceptance, and nothing is consumed.

function argumentError(HandoffKitError, message) {
  return new HandoffKitError('INVALID_ARGUMENT', message);
}

/**
 * In-process store (a Map with expiry): one Node process or one page. Several instances of a bot
 * need a shared store (redisStore).
 */
export function memoryStore({ maxEntries = 1_000_000 } = {}) {
  const entries = new Map(); // key -> { value, expiresAt }
  let writes = 0;
  const live = (key, now) => {
    const e = entries.get(key);
    if (e && e.expiresAt > now) return e;
    if (e) entries.delete(key);
    return undefined;
  };
  // Expired entries are dropped as they are met, and in a sweep every size/2 writes (amortized O(1)).
  const sweep = (now) => {
    if (++writes < Math.max(256, entries.size / 2)) return;
    writes = 0;
    for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
  };
  const keep = (key, value, expiresAt, now) => {
    sweep(now);
    if (!entries.has(key) && entries.size >= maxEntries) throw new Error('the memory store is full');
    entries.set(key, { value, expiresAt });
  };
  return Object.freeze({
    async claim(key, value, expiresAt) {
      const now = Date.now();
      const found = live(key, now);
      if (found) return found.value;
      keep(key, value, expiresAt, now);
      return null;
    },
    async get(key) {
      return live(key, Date.now())?.value ?? null;
    },
    async put(key, value, expiresAt) {
      keep(key, value, expiresAt, Date.now());
    },
    /** Live entries (after expired ones met so far are dropped). */
    get size() {
      return entries.size;
    },
  });
}

// One Redis command through whichever client the app has: ioredis (`call`, `status`) or
// node-redis v4+ (`sendCommand` with an array of strings, `isReady`). Neither is a dependency of
// handoffkit. A command is sent only on a connection that is ready: both clients otherwise queue
// it while disconnected (node-redis 4 and 5 without limit) and apply it when Redis is back, which
// would mark a token after its handler has long answered 503.
function redisCommand(client, HandoffKitError) {
  const notReady = () => Promise.reject(new Error('the Redis connection is not ready'));
  if (client && typeof client.call === 'function' && typeof client.status === 'string')
    return (...args) => (client.status === 'ready' ? client.call(...args) : notReady());
  if (client && typeof client.sendCommand === 'function' && typeof client.isReady === 'boolean')
    return (...args) => (client.isReady ? client.sendCommand(args) : notReady());
  throw argumentError(HandoffKitError, 'redisStore takes an ioredis or a node-redis (v4+) client');
}

const ttlMs = (expiresAt) => String(Math.max(1000, Math.ceil(expiresAt - Date.now())));

/**
 * Redis store over the app's own client: the same keys (`handoffkit:jti:<jti>`, `handoffkit:ctx:<jti>`)
 * as the native host's Redis store, so a Node bot and `handoffkit serve` can share one Redis.
 */
export function redisStoreOver(client, { prefix = 'handoffkit:' } = {}, HandoffKitError) {
  if (typeof prefix !== 'string') throw argumentError(HandoffKitError, 'prefix must be a string');
  const command = redisCommand(client, HandoffKitError);
  const text = (reply, what) => {
    if (reply === null || reply === undefined) return null;
    if (typeof reply === 'string') return reply;
    if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
    throw new Error(`unexpected reply to ${what}`);
  };
  return Object.freeze({
    async claim(key, value, expiresAt) {
      const set = await command('SET', prefix + key, value, 'NX', 'PX', ttlMs(expiresAt));
      if (set === 'OK') return null;
      if (set !== null && set !== undefined) throw new Error('unexpected reply to SET NX');
      // Taken: the value kept tells a retry of the same activity from a replay. Gone meanwhile
      // (it expired): a replay all the same.
      return text(await command('GET', prefix + key), 'GET') ?? '';
    },
    async get(key) {
      return text(await command('GET', prefix + key), 'GET');
    },
    async put(key, value, expiresAt) {
      const set = await command('SET', prefix + key, value, 'PX', ttlMs(expiresAt));
      if (set !== 'OK') throw new Error('unexpected reply to SET');
    },
  });
}

/** Checks that `store` has the three operations. */
export function requireStore(store, HandoffKitError) {
  for (const op of ['claim', 'get', 'put'])
    if (!store || typeof store[op] !== 'function')
      throw argumentError(HandoffKitError, `store must have async ${op}(…) (see memoryStore, redisStore)`);
  return store;
}

/** `promise`, or a rejection once `ms` have passed without it settling. */
export function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}
