// The bad-input catalogue (tests/vectors/bad-inputs.json) through every npm entry point in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { runBadInputs } from '../support/bad-input-cases.mjs';
import { vectorsDir } from '../support/paths.mjs';

const hk = await init();
const catalogue = JSON.parse(readFileSync(join(vectorsDir, 'bad-inputs.json'), 'utf8'));

test('every bad input ends in its coded error, and a failed redemption consumes nothing', async () => {
  const { failures, checks } = await runBadInputs(hk, catalogue);
  assert.deepEqual(failures, []);
  assert.equal(checks, catalogue.cases.length);
});

test('every public entry point of the npm API meets the catalogue', () => {
  const entries = new Set(catalogue.cases.map((c) => c.entry));
  const api = Object.keys(hk).filter((k) => typeof hk[k] === 'function' && !/^(HandoffKitError|createReplayGuard|defaultEligibilityRuleset|memoryStore|redisStore)$/.test(k));
  assert.deepEqual(api.filter((k) => !entries.has(k)), []);
});
