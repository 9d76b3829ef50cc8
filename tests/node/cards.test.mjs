// Adaptive Cards in Node: the shared vectors and the JS contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { runCardVectors } from '../support/card-cases.mjs';
import { vectorsDir } from '../support/paths.mjs';

const hk = await init();
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'cards.json'), 'utf8'));

test('card vectors', () => {
  const { failures, checks } = runCardVectors(hk, vectors);
  assert.deepEqual(failures, []);
  assert.ok(checks >= 130, `only ${checks} checks`);
});

test('a card validates the same as an object and as its text', () => {
  const card = hk.buildHandoffCard({ botId: '00000000-0000-0000-0000-000000000000', continuation: 'abc', title: 'Hi' });
  assert.deepEqual(hk.validateCard(card), hk.validateCard(JSON.stringify(card, null, 2)));
  assert.equal(card.actions[0].url, hk.buildHandoffLink({ botId: '00000000-0000-0000-0000-000000000000', continuation: 'abc' }));
});

test('cards that JSON cannot carry are INVALID_ARGUMENT; garbage text is a report', () => {
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => hk.validateCard(cyclic), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => hk.validateCard(undefined), (e) => e.code === 'INVALID_ARGUMENT');
  const report = hk.validateCard('\u0000{not json');
  assert.equal(report.valid, false);
  assert.equal(report.problems[0].code, 'INVALID_JSON');
});
