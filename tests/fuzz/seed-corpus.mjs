// Writes each fuzz target's seed corpus from tests/vectors/ (one file per case).
// Usage: node tests/fuzz/seed-corpus.mjs OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expand } from '../support/bad-input-cases.mjs';

const out = process.argv[2];
const read = (path) => readFileSync(new URL(path, import.meta.url), 'utf8');
const vectors = (name) => JSON.parse(read(`../vectors/${name}`));
const text = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

// RFC 7386 merge patch, as the eligibility vectors describe each environment.
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

// The catalogue's bad inputs for one entry point (its first argument), small enough to mutate.
const badInputs = vectors('bad-inputs.json');
const badFor = (entry, cases = badInputs.cases) =>
  cases.filter((c) => c.entry === entry).map((c) => text(expand(c.args[0]))).filter((t) => t.length <= 8192);

const deeplinks = vectors('deeplinks.json');
const tokens = vectors('tokens.json');
const cards = vectors('cards.json');
const eligibility = vectors('eligibility.json');
const invoke = vectors('invoke.json');
const defaultRuleset = JSON.parse(read('../../core/rules/default_ruleset.json'));

const corpora = {
  deeplink_validate: [...deeplinks.validate.map((c) => c.url), ...badFor('validateDeepLink')],
  deeplink_build: deeplinks.build.map((c) => JSON.stringify(c.request)),
  token_verify: [
    ...tokens.issue.filter((c) => c.value).map((c) => c.value.token),
    ...tokens.verify.map((c) => c.token),
    ...tokens.inspect.map((c) => c.token),
    ...badFor('verifyToken'),
  ],
  card_validate: [...cards.validate.map((c) => text(c.card)), ...badFor('validateCard')],
  eligibility_ruleset: [
    JSON.stringify(defaultRuleset),
    JSON.stringify(eligibility.miniRuleset),
    ...eligibility.rulesetCases.map((c) => JSON.stringify({ ...eligibility.miniRuleset, ...c.ruleset })),
    ...eligibility.invalidRulesets.map((c) => c.rulesetText ?? JSON.stringify(mergePatch(defaultRuleset, c.patch))),
    ...badInputs.cases.filter((c) => c.args[1]?.ruleset).map((c) => text(expand(c.args[1].ruleset))),
  ],
  eligibility_environment: [
    read('../../examples/eligibility-environment.json'),
    ...eligibility.cases.map((c) => JSON.stringify(mergePatch(eligibility.base, c.patch))),
    ...eligibility.invalidEnvironments.map((c) => c.environmentText ?? JSON.stringify(c.environment)),
    ...badFor('evaluateEligibility'),
    // The target also reads its input as a representatives CSV and as a report to plan.
    ...eligibility.csvCases.map((c) => c.csv),
    ...eligibility.invalidReports.map((c) => c.reportText ?? JSON.stringify(c.report)),
  ],
  invoke_activity: [
    JSON.stringify(invoke.seedActivity),
    ...invoke.read.map((c) => text(c.activity)),
    ...invoke.handle.map((c) => text(c.activity)),
    ...badFor('handleActivity', badInputs.nativeCases),
  ],
};
// The JSON reader sees every text the other targets start from.
corpora.json_parse = [...new Set(Object.values(corpora).flat())].filter((s) => s !== undefined && s.length <= 8192);
for (const [target, seeds] of Object.entries(corpora)) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  seeds.filter((s) => s !== undefined).forEach((seed, i) => writeFileSync(join(dir, `seed-${i}`), seed));
}
