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
const handoff = vectors('handoff.json');
// The handoff pipeline's cases as activities; "$TOKEN" becomes a valid token in the target.
const mergeOver = (base, over) => {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object') out[k] = mergeOver(out[k], v);
    else out[k] = v;
  }
  return out;
};
const handoffActivities = handoff.cases.flatMap((c) =>
  c.deliveries.map((d) => {
    if (d.activityText !== undefined) return d.activityText;
    const a = mergeOver({ ...invoke.seedActivity, value: { continuation: d.activity.token ? '$TOKEN' : 'x' } }, d.activity.seed);
    return JSON.stringify(a);
  }),
);
const defaultRuleset = JSON.parse(read('../../core/rules/default_ruleset.json'));

// Issue 14 finding 5: Teams links whose host or path is percent-encoded, in each place a card
// carries an opened URL, so the fuzzer starts from the decoding paths of the deep-link check.
function encodedLinkCards() {
  const links = ['https://teams%2Emicrosoft%2Ecom/l/chat/0/0?users=28:notaguid&continuation=',
    'https://teams.microsoft.com/%6C/chat/0/0?users=28:00000000-0000-0000-0000-000000000000&continuation=%',
    'https://TEAMS.MICROSOFT.COM/l/%63hat/0/0?users=28%3A00000000-0000-0000-0000-000000000000&continuation=a'];
  return links.flatMap((url) => [
    { type: 'AdaptiveCard', version: '1.5', actions: [{ type: 'Action.OpenUrl', url }] },
    { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Container', items: [], selectAction: { type: 'Action.OpenUrl', url } }] },
    { type: 'AdaptiveCard', version: '1.5', actions: [{ type: 'Action.Submit', data: { msteams: { type: 'signin', value: url } } }] },
  ].map((card) => JSON.stringify(card)));
}

const corpora = {
  deeplink_validate: [...deeplinks.validate.map((c) => c.url), ...badFor('validateDeepLink')],
  deeplink_build: deeplinks.build.map((c) => JSON.stringify(c.request)),
  token_verify: [
    ...tokens.issue.filter((c) => c.value).map((c) => c.value.token),
    ...tokens.verify.map((c) => c.token),
    ...tokens.inspect.map((c) => c.token),
    ...badFor('verifyToken'),
  ],
  card_validate: [...cards.validate.map((c) => text(c.card ?? c.cardText ?? '')), ...badFor('validateCard'), ...encodedLinkCards()],
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
    JSON.stringify({ ...invoke.seedActivity, value: { continuation: '$TOKEN' } }),
    ...invoke.read.map((c) => text(c.activity)),
    ...handoffActivities,
    ...badFor('handleActivity', badInputs.nativeCases),
  ],
};
// The strict JSON parse sees every text the other targets start from.
corpora.json_parse = [...new Set(Object.values(corpora).flat())].filter((s) => s !== undefined && s.length <= 8192);
for (const [target, seeds] of Object.entries(corpora)) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  seeds.filter((s) => s !== undefined).forEach((seed, i) => writeFileSync(join(dir, `seed-${i}`), seed));
}
