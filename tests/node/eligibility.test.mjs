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

const cli = join(repoRoot, 'build', 'native', 'native', 'handoffkit');
// The CLI exits 4 for the example (some cells are unknown on purpose); its output is still printed.
function cliOutput(args) {
  try {
    execFileSync(cli, args, { encoding: 'utf8' });
  } catch (e) {
    return { status: e.status, stdout: e.stdout };
  }
  return { status: 0 };
}

test('the report and the plan are byte-identical to the CLI\'s, and its exit status follows the outcome', () => {
  const report = cliOutput(['eligibility', examplePath]);
  assert.equal(report.status, 4);
  assert.equal(JSON.stringify(hk.evaluateEligibility(example)) + '\n', report.stdout);
  assert.equal(hk.evaluateEligibility(example).outcome, 'incomplete');
  const plan = cliOutput(['eligibility', examplePath, '--format', 'plan-json']);
  assert.equal(plan.status, 4);
  assert.equal(JSON.stringify(hk.planEligibilityFixes(hk.evaluateEligibility(example))) + '\n', plan.stdout);
});

test('representatives from a CSV: the same report as the same representatives in JSON', () => {
  const csv = '\ufeffid,surface,licenses,roles,experienceProfile\r\n' +
    example.representatives.map((r) => [r.id, r.surface ?? '', (r.licenses ?? []).join(';'), (r.roles ?? []).join(';'),
      r.experienceProfile ?? ''].map((v) => `"${v.replaceAll('"', '""')}"`).join(',')).join('\r\n') + '\r\n';
  const { representatives, ...organization } = example;
  const fromCsv = hk.evaluateEligibility(organization, { representativesCsv: csv });
  const fromJson = hk.evaluateEligibility(example);
  // The same, except that a warning about a representative names its CSV row.
  assert.equal(fromCsv.inputWarnings.length, 1);
  assert.equal(fromCsv.inputWarnings[0].message, `CSV row 6: ${fromJson.inputWarnings[0].message}`);
  fromCsv.inputWarnings[0].message = fromJson.inputWarnings[0].message;
  assert.deepEqual(fromCsv, fromJson);
  // A duplicate id names its row, as the spreadsheet numbers it.
  const duplicated = csv + `"${example.representatives[0].id}",,,,\r\n`;
  try {
    hk.evaluateEligibility(organization, { representativesCsv: duplicated });
    assert.fail('accepted a duplicate representative');
  } catch (e) {
    assert.equal(e.code, 'ENVIRONMENT_INVALID');
    assert.equal(e.field, `/representatives/${representatives.length}/id`);
    assert.match(e.message, new RegExp(`CSV row ${representatives.length + 2}: .* of row 2`));
  }
});

test('a plan\'s fixes applied as "what if" unblock what the plan says', () => {
  const report = hk.evaluateEligibility(example, { plan: true });
  const unavailable = (r) => r.representatives.reduce((n, rep) => n + Object.values(rep.features).filter((c) => c.status === 'unavailable').length, 0);
  for (const fix of report.plan.fixes) {
    const after = hk.evaluateEligibility(example, { apply: [fix.change] });
    let unblocked = 0;
    after.representatives.forEach((rep, i) => {
      for (const [id, cell] of Object.entries(rep.features))
        if (report.representatives[i].features[id].status === 'unavailable' && cell.status !== 'unavailable') unblocked++;
    });
    assert.equal(unblocked, fix.unblocks, fix.label);
  }
  const all = hk.evaluateEligibility(example, { apply: report.plan.fixes.map((f) => f.change) });
  assert.equal(unavailable(report) - unavailable(all), report.plan.cells.unblockable);
});

test('the default ruleset is data: versioned, every rule cited, every gate remediable', () => {
  const rules = hk.defaultEligibilityRuleset();
  assert.equal(rules.version, vectors.rulesetVersion);
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
  assert.deepEqual(code(() => hk.evaluateEligibility(example, { representativesCsv: 7 })), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility(example, { plan: 'yes' })), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.evaluateEligibility(example, { apply: [{ input: 'geography', value: 'europe' }] })),
    ['INVALID_ARGUMENT', '/apply/0/input']);
  assert.deepEqual(code(() => hk.planEligibilityFixes(undefined)), ['INVALID_ARGUMENT', undefined]);
  assert.deepEqual(code(() => hk.planEligibilityFixes({ representatives: [] })), ['REPORT_INVALID', '/administrator']);
  // A failed call leaves the module usable and the answer unchanged.
  assert.deepEqual(hk.evaluateEligibility(example), hk.evaluateEligibility(JSON.stringify(example)));
});
