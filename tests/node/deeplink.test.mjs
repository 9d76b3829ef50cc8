// tests/vectors/deeplinks.json in Node, through the package's Node entry, plus the JS contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init, HandoffKitError } from '../../web/lib/node.mjs';
import { runDeeplinkVectors } from '../support/deeplink-cases.mjs';
import { vectorsDir } from '../support/paths.mjs';

const hk = await init();
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'deeplinks.json'), 'utf8'));

test('deep-link vectors', () => {
  const { failures, checks } = runDeeplinkVectors(hk, vectors);
  assert.deepEqual(failures, []);
  assert.ok(checks > vectors.build.length + vectors.validate.length);
});

test('errors are HandoffKitError with a stable code', () => {
  assert.throws(
    () => hk.buildHandoffLink({ botId: 'nope', continuation: 'x' }),
    (e) => e instanceof HandoffKitError && e instanceof Error && e.code === 'BOT_ID_INVALID' && e.name === 'HandoffKitError',
  );
});

test('arguments JSON cannot carry are INVALID_ARGUMENT, not TypeError', () => {
  const cyclic = {};
  cyclic.self = cyclic;
  for (const bad of [cyclic, { botId: 1n }, 'a string', [1]]) {
    assert.throws(() => hk.buildHandoffLink(bad), (e) => e.code === 'INVALID_ARGUMENT');
  }
  for (const bad of [undefined, null, 42, {}]) {
    assert.throws(() => hk.validateDeepLink(bad), (e) => e.code === 'INVALID_ARGUMENT');
  }
});

test('validation of hostile strings returns a report', () => {
  for (const s of ['\u0000', '\ud800', 'https://teams.microsoft.com/l/chat/0/0?users=' + '%'.repeat(5000), 'x'.repeat(70000)]) {
    const r = hk.validateDeepLink(s);
    assert.equal(r.valid, false);
    assert.ok(r.problems.length > 0);
  }
});

test('many calls do not grow wasm memory', () => {
  const link = hk.buildHandoffLink({ botId: '00000000-0000-0000-0000-000000000000', continuation: 'x'.repeat(100) });
  for (let i = 0; i < 2000; i++) hk.validateDeepLink(link);
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 20000; i++) {
    hk.validateDeepLink(link);
    try {
      hk.buildHandoffLink({ botId: 'bad', continuation: 'x' });
    } catch {}
  }
  assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
});
