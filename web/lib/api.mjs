// The JS contract of handoffkit, shared by every entry point (Node ESM/CJS, browsers, bundlers).
// The wasm module speaks JSON envelopes; this file turns them into plain values or a thrown
// HandoffKitError with a stable `.code`, the same codes the C++ API and the CLI use.
import { handoffApi } from './handoff.mjs';
import { memoryStore, redisStoreOver } from './stores.mjs';

/** Every failure handoffkit reports, with a stable UPPER_SNAKE `code`. */
export class HandoffKitError extends Error {
  constructor(code, message, field) {
    super(message);
    this.name = 'HandoffKitError';
    this.code = code;
    // Where the input went wrong (a JSON Pointer), when the core can say; e.g. "/representatives/2/surface".
    if (field !== undefined) this.field = field;
  }
}

function argumentError(message) {
  return new HandoffKitError('INVALID_ARGUMENT', message);
}

// JSON text for the core; what JSON cannot carry (BigInt, cycles) is an argument error, not a TypeError.
function toJson(value, what) {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError(`${what} must be an object`);
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw argumentError(`${what} cannot be serialized to JSON: ${e.message}`);
  }
}

function requireString(value, what) {
  if (typeof value !== 'string') throw argumentError(`${what} must be a string`);
  return value;
}

// A string with a lone surrogate is not text: UTF-8 has no encoding for it, and TextEncoder would
// silently write U+FFFD instead. It goes to the module as the bytes an encoder that keeps
// surrogates writes (WTF-8): the core refuses them as not UTF-8, exactly as it refuses the same
// bytes from C++. (Inside objects, JSON.stringify escapes them; the core refuses those escapes too.)
const isWellFormed = String.prototype.isWellFormed
  ? (s) => s.isWellFormed()
  : (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

function surrogatePreservingUtf8(s) {
  const bytes = [];
  for (const ch of s) {
    const c = ch.codePointAt(0); // a lone surrogate comes out as itself
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(bytes);
}

// A JWK Set, as an object or its JSON text; the core caches the last set it parsed by text.
function keysText(keys) {
  if (typeof keys === 'string') return keys;
  return toJson(keys, 'keys') || '{}';
}

// The core reads no clock and no entropy: the wrapper supplies both unless the caller did
// (tests pin them).
function withTimeAndRandom(options, what, { random }) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw argumentError(`${what} must be an object`);
  const filled = { ...options };
  filled.now ??= Math.floor(Date.now() / 1000);
  if (random) filled.random ??= randomHex(16);
  return filled;
}

// Entropy for jti: a crypto.getRandomValues call per token was 8% of issue+verify in Node (each
// call crosses into the runtime), so bytes come from a pool refilled 4 KiB at a time, each byte
// zeroed once used.
const pool = new Uint8Array(4096);
let poolAt = pool.length;
const hexOf = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function randomHex(bytes) {
  if (poolAt + bytes > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  let hex = '';
  for (let i = 0; i < bytes; i += 1, poolAt += 1) {
    hex += hexOf[pool[poolAt]];
    pool[poolAt] = 0;
  }
  return hex;
}

// A card to validate: its JSON text as given, or an object (any value JSON can carry).
function cardText(card) {
  if (typeof card === 'string') return card;
  try {
    const text = JSON.stringify(card);
    if (text === undefined) throw new Error('not a JSON value');
    return text;
  } catch (e) {
    throw argumentError(`card cannot be serialized to JSON: ${e.message}`);
  }
}

// An environment (or ruleset): an object, or its JSON text as read from a file.
function documentText(value, what) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw argumentError(`${what} must be an object or its JSON text`);
  return toJson(value, what);
}

// {ruleset, representativesCsv, apply, plan}: the core reads them (a ruleset as an object or JSON
// text) and refuses any other member.
function eligibilityOptions(options) {
  if (options === undefined || options === null) return '';
  if (typeof options !== 'object' || Array.isArray(options)) throw argumentError('options must be an object');
  return toJson(options, 'options');
}

// The module returns each envelope as a view of its memory, valid until its next call: decode now.
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

// Every text argument passes here on its way to the module: a string that is not well-formed
// becomes its WTF-8 bytes, a long one is encoded first (so the buffer grows to its size, not to
// 3 bytes a unit); the rest are written by encodeInto, exact for well-formed strings.
function moduleText(s) {
  if (!isWellFormed(s)) return surrogatePreservingUtf8(s);
  return s.length > 16384 ? encoder.encode(s) : s;
}

// Writes a call's text arguments, one after another, into the module's input buffer (see
// wasm/bindings.cpp) and returns their byte lengths, which is what the bindings take.
const largeInput = 1 << 20;

function argumentWriter(module) {
  let view = null; // cached until too small, or detached by memory growth (byteLength 0)
  return (strings) => {
    const texts = strings.map(moduleText);
    let need = 0;
    for (const t of texts) need += typeof t === 'string' ? t.length * 3 : t.length; // UTF-8 worst case
    if (view === null || view.byteLength < need) view = module.inputView(need);
    const lengths = [];
    let offset = 0;
    for (const t of texts) {
      let written = t.length;
      if (typeof t === 'string') written = encoder.encodeInto(t, view.subarray(offset)).written;
      else view.set(t, offset);
      lengths.push(written);
      offset += written;
    }
    // Not kept past a large call: the next request lets the module free the large buffer.
    if (view.byteLength > largeInput) view = null;
    return lengths;
  };
}

function unwrap(envelope) {
  const parsed = JSON.parse(utf8.decode(envelope));
  if (parsed.ok) return parsed.value;
  throw new HandoffKitError(parsed.error.code, parsed.error.message, parsed.error.field);
}

/** Wraps an instantiated wasm module into the public API object. */
export function wrap(module) {
  const write = argumentWriter(module);
  // One call of a binding: its text arguments go through the input buffer, its envelope comes back.
  const call = (fn, ...texts) => unwrap(fn(...write(texts)));
  const { createHandoff, handoffHandler } = handoffApi({ module, write, unwrap, HandoffKitError, toJson, keysText, randomHex });
  return Object.freeze({
    HandoffKitError,
    buildHandoffLink: (options) => call(module.buildHandoffLink, toJson(options, 'options')),
    buildDeepLink: (options) => call(module.buildDeepLink, toJson(options, 'options')),
    validateDeepLink: (url, options) =>
      call(module.validateDeepLink, requireString(url, 'url'), toJson(options, 'options')),

    buildOpenUrlAction: (options) => call(module.buildOpenUrlAction, toJson(options, 'options')),
    buildCard: (options) => call(module.buildCard, toJson(options, 'options')),
    buildHandoffCard: (options) => call(module.buildHandoffCard, toJson(options, 'options')),
    validateCard: (card, options) => call(module.validateCard, cardText(card), toJson(options, 'options')),

    issueToken: (options, keys) =>
      call(module.issueToken, toJson(withTimeAndRandom(options, 'options', { random: true }), 'options'), keysText(keys)),
    verifyToken: (token, keys, options) =>
      call(module.verifyToken, requireString(token, 'token'), keysText(keys),
        toJson(withTimeAndRandom(options, 'options', { random: false }), 'options')),
    inspectToken: (token) => call(module.inspectToken, requireString(token, 'token')),
    createReplayGuard: () => replayGuard(new module.ReplayGuard(), write),

    createHandoff,
    handoffHandler,
    verifyHandoffDelivery: (body, signature, key) =>
      call(module.verifyHandoffDelivery, toJson({ body: requireString(body, 'body'), signature: typeof signature === 'string' ? signature : '',
        key: requireString(key, 'key') }, 'request')),
    memoryStore,
    redisStore: (client, options) => redisStoreOver(client, options, HandoffKitError),

    evaluateEligibility: (environment, options) =>
      call(module.evaluateEligibility, documentText(environment, 'environment'), eligibilityOptions(options)),
    planEligibilityFixes: (report) => call(module.planEligibilityFixes, documentText(report, 'report')),
    defaultEligibilityRuleset: () => call(module.defaultEligibilityRuleset),
  });
}

// Exactly-once redemption within this JS realm. dispose() frees the wasm memory it holds.
function replayGuard(guard, write) {
  const call = (method, ...texts) => unwrap(guard[method](...write(texts)));
  return Object.freeze({
    issueToken: (options, keys) =>
      call('issue', toJson(withTimeAndRandom(options, 'options', { random: true }), 'options'), keysText(keys)),
    redeemToken: (token, keys, options) =>
      call('redeem', requireString(token, 'token'), keysText(keys),
        toJson(withTimeAndRandom(options, 'options', { random: false }), 'options')),
    dispose: () => guard.delete(),
  });
}
