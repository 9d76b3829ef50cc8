// Runs tests/vectors/eligibility.json against a handoffkit instance (plain ESM: Node and browser
// run the same checks as tests/cpp/eligibility_vectors_test.cpp). Returns { failures, checks }.

/** RFC 7386 JSON Merge Patch, as nlohmann's merge_patch applies it in the C++ suite. */
export function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export const environmentOf = (vectors, c) => c.environment ?? mergePatch(vectors.base, c.patch ?? {});

const codes = (gates) => gates.map((g) => g.code);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function attempt(hk, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof hk.HandoffKitError) return { error: e.code, field: e.field };
    throw e;
  }
}

export function runEligibilityVectors(hk, vectors) {
  const failures = [];
  let checks = 0;
  const check = (ok, what) => {
    checks++;
    if (!ok) failures.push(what);
  };

  const expectCells = (name, report, expect) => {
    for (const e of expect) {
      const rep = report.representatives.find((r) => r.id === e.representative);
      const cell = rep?.features[e.feature];
      const where = `${name}: ${e.representative}/${e.feature}`;
      if (!cell) {
        check(false, `${where}: no cell`);
        continue;
      }
      check(cell.status === e.status, `${where}: status ${cell.status}, expected ${e.status}`);
      if ('stage' in e) check(cell.stage === e.stage, `${where}: stage ${cell.stage}, expected ${e.stage}`);
      check(same(codes(cell.failed), e.failed), `${where}: failed ${codes(cell.failed)}`);
      check(same(codes(cell.warnings), e.warnings), `${where}: warnings ${codes(cell.warnings)}`);
      check(same(codes(cell.unknown), e.unknown), `${where}: unknown ${codes(cell.unknown)}`);
      for (const [code, values] of Object.entries(e.missing ?? {}))
        check(same(cell.failed.find((g) => g.code === code)?.missing, values), `${where}: missing of ${code}`);
      for (const [code, inputs] of Object.entries(e.unknownInputs ?? {}))
        check(same(cell.unknown.find((g) => g.code === code)?.missingInputs, inputs), `${where}: missingInputs of ${code}`);
      // Every gate explains itself: its rule is in the report with a remediation.
      for (const g of [...cell.failed, ...cell.warnings])
        check(typeof report.rules[g.rule]?.remediation === 'string', `${where}: rule ${g.rule} has no remediation`);
    }
  };

  for (const c of vectors.cases) {
    const environment = environmentOf(vectors, c);
    const got = attempt(hk, () => hk.evaluateEligibility(environment));
    if (got.error) {
      check(false, `${c.name}: ${got.error}`);
      continue;
    }
    check(got.value.ruleset.version === '1.0.0', `${c.name}: ruleset version ${got.value.ruleset.version}`);
    expectCells(c.name, got.value, c.expect);
    if (c.administrator) {
      check(got.value.administrator.status === c.administrator.status, `${c.name}: administrator status`);
      check(same(codes(got.value.administrator.failed), c.administrator.failed), `${c.name}: administrator gates`);
    }
    // Same input as text: the same report.
    check(same(hk.evaluateEligibility(JSON.stringify(environment)), got.value), `${c.name}: text and object differ`);
  }

  for (const c of vectors.rulesetCases) {
    const asObject = attempt(hk, () => hk.evaluateEligibility(c.environment, { ruleset: vectors.miniRuleset }));
    const asText = attempt(hk, () => hk.evaluateEligibility(c.environment, { ruleset: JSON.stringify(vectors.miniRuleset) }));
    if (asObject.error) {
      check(false, `${c.name}: ${asObject.error}`);
      continue;
    }
    check(same(asObject, asText), `${c.name}: ruleset as object and as text differ`);
    check(same(asObject.value.ruleset, c.ruleset), `${c.name}: ruleset header`);
    check(same(asObject.value.features.map((f) => f.id), c.features), `${c.name}: features`);
    expectCells(c.name, asObject.value, c.expect);
  }

  for (const c of vectors.invalidEnvironments) {
    const input = 'environmentText' in c ? c.environmentText : environmentOf(vectors, c);
    const got = attempt(hk, () => hk.evaluateEligibility(input));
    check(got.error === c.error, `${c.name}: ${got.error ?? 'accepted'}, expected ${c.error}`);
    check(got.field === c.field, `${c.name}: field ${got.field}, expected ${c.field}`);
  }

  const tiny = { representatives: [{ id: 'a' }] };
  for (const c of vectors.invalidRulesets) {
    const text = 'rulesetText' in c ? c.rulesetText : JSON.stringify(mergePatch(vectors.miniRuleset, c.patch));
    const got = attempt(hk, () => hk.evaluateEligibility(tiny, { ruleset: text }));
    check(got.error === c.error && got.field === c.field, `${c.name}: ${got.error} ${got.field}, expected ${c.error} ${c.field}`);
  }

  // The C++ suite sends these options as raw text; through JS they are objects, so only the
  // cases JS can express are run (text that is not JSON cannot be an options object).
  for (const c of vectors.invalidOptions) {
    let options;
    try {
      options = JSON.parse(c.options);
    } catch {
      continue;
    }
    const got = attempt(hk, () => hk.evaluateEligibility({ representatives: [] }, options));
    check(got.error === c.error, `${c.name}: ${got.error ?? 'accepted'}, expected ${c.error}`);
  }
  return { failures, checks };
}
