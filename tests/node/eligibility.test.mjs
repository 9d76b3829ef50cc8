// Copilot feature eligibility in Node: the shared vectors and the JS contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { runEligibilityVectors } from '../support/eligibility-cases.mjs';
import { repoRoot, vectorsDir } from '../support/paths.mjs';

const hk = await init();
const vectors = JSON.parse(readFileSync(join(vectorsDir, 'eligibility.json'), 'utf8'));
const examplePath = join(repoRoot, 'examples', 'eligibility-environment.json');
const example = JSON.parse(readFileSync(examplePath, 'utf8'));

test('eligibility vectors', () => {
  const { failures, checks } = runEligibilityVectors(hk, vectors);
  assert.deepEqual(failures, []);
  assert.ok(checks >= 400, `only ${checks} checks`);
});

test('the report is byte-identical to the CLI\'s', () => {
  const cli = join(repoRoot, 'build', 'native', 'native', 'handoffkit');
  const printed = execFileSync(cli, ['eligibility', examplePath], { encoding: 'utf8' });
  assert.equal(JSON.stringify(hk.evaluateEligibility(example)) + '\n', printed);
});

test('the default ruleset is data: versioned, every rule cited, every gate remediable', () => {
  const rules = hk.defaultEligibilityRuleset();
  assert.equal(rules.version, '1.0.0');
  assert.ok(rules.rules.length >= 20);
  for (const r of rules.rules) assert.ok(r.source.length > 20, `${r.id} cites nothing`);
  // Feeding it back as a replacement gives the same report as the embedded default.
  assert.deepEqual(hk.evaluateEligibility(example, { ruleset: rules }), hk.evaluateEligibility(example));
});

test('bad arguments are coded errors naming the field, and change nothing', () => {
  const code = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof hk.HandoffKitError);
      return [e.code, e.field];
    }
    return 'no error';
  };
  assert.deepEqual(code(() => hk.evaluateEligibility(undefined)), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility([])), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility(42)), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility('{')), ['INVALID_JSON', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility({ representatives: [{ id: 'a', surface: 'web' }] })),
    ['ENVIRONMENT_INVALID', '/representatives/0/surface']);
  assert.deepEqual(code(() => hk.evaluateEligibility(example, 'ruleset')), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility(example, { ruleset: { schema: 'x' } })), ['RULESET_INVALID', '/schema']);
  const big = { representatives: [] };
  big.self = big;
  assert.deepEqual(code(() => hk.evaluateEligibility(big)), ['INVALID_ARGUMENT', undefined]);
  // A failed call leaves the module usable and the answer unchanged.
  assert.deepEqual(hk.evaluateEligibility(example), hk.evaluateEligibility(JSON.stringify(example)));
});
