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
    if (e instanceof hk.HandoffKitError) return { error: e.code, field: e.field, message: e.message };
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
      check(same(cell.stageMissingInputs, e.stageMissingInputs), `${where}: stageMissingInputs ${cell.stageMissingInputs}`);
      for (const [code, values] of Object.entries(e.missing ?? {}))
        check(same(cell.failed.find((g) => g.code === code)?.missing, values), `${where}: missing of ${code}`);
      for (const [code, inputs] of Object.entries(e.unknownInputs ?? {}))
        check(same(cell.unknown.find((g) => g.code === code)?.missingInputs, inputs), `${where}: missingInputs of ${code}`);
      // Every gate explains itself: its rule is in the report with a remediation.
      for (const g of [...cell.failed, ...cell.warnings])
        check(typeof report.rules[g.rule]?.remediation === 'string', `${where}: rule ${g.rule} has no remediation`);
    }
  };

  // A case's assumed defaults, input warnings (all but their message) and outcome.
  const expectFacts = (name, report, c) => {
    if (c.assumed) check(same(report.assumed, c.assumed), `${name}: assumed ${JSON.stringify(report.assumed)}`);
    if (c.inputWarnings) {
      const facts = report.inputWarnings.map(({ message, ...rest }) => rest);
      check(same(facts, c.inputWarnings), `${name}: inputWarnings ${JSON.stringify(facts)}`);
      for (const w of report.inputWarnings) {
        check(w.message.includes(w.value), `${name}: a warning's message names its value`);
        if (w.didYouMean) check(w.message.includes(`did you mean '${w.didYouMean}'`), `${name}: a warning's message says what was meant`);
      }
    }
    if (c.outcome) check(report.outcome === c.outcome, `${name}: outcome ${report.outcome}`);
  };

  for (const c of vectors.cases) {
    const environment = environmentOf(vectors, c);
    const got = attempt(hk, () => hk.evaluateEligibility(environment));
    if (got.error) {
      check(false, `${c.name}: ${got.error}`);
      continue;
    }
    check(got.value.ruleset.version === vectors.rulesetVersion, `${c.name}: ruleset version ${got.value.ruleset.version}`);
    expectFacts(c.name, got.value, c);
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
    if (c.messageIncludes) check(got.message?.includes(c.messageIncludes), `${c.name}: message ${got.message}`);
  }

  for (const c of vectors.csvCases) {
    const environment = environmentOf(vectors, c);
    const got = attempt(hk, () => hk.evaluateEligibility(environment, { representativesCsv: c.csv }));
    if (c.error) {
      check(got.error === c.error && got.field === c.field, `${c.name}: ${got.error} ${got.field}, expected ${c.error} ${c.field}`);
      for (const text of c.messageIncludes) check(got.message?.includes(text), `${c.name}: message ${got.message} lacks ${text}`);
      continue;
    }
    const asJson = hk.evaluateEligibility({ ...environment, representatives: c.representatives });
    check(same(got.value, asJson), `${c.name}: the CSV and its representatives as JSON differ`);
  }

  for (const c of vectors.planCases) {
    const options = { plan: true, ...(c.miniRuleset ? { ruleset: vectors.miniRuleset } : {}) };
    const got = attempt(hk, () => hk.evaluateEligibility(environmentOf(vectors, c), options));
    if (got.error) {
      check(false, `${c.name}: ${got.error}`);
      continue;
    }
    const { plan, ...report } = got.value;
    const facts = plan.fixes.map(({ id, ...rest }) => rest);
    check(same(facts, c.fixes), `${c.name}: fixes ${JSON.stringify(facts)}`);
    check(plan.fixes.every((f, i) => f.id === `F${i + 1}`), `${c.name}: fix ids`);
    check(same(plan.together, c.together), `${c.name}: together ${JSON.stringify(plan.together)}`);
    check(same(plan.cells, c.cells), `${c.name}: cells ${JSON.stringify(plan.cells)}`);
    check(same(plan.administrator, c.administrator ?? []), `${c.name}: administrator ${JSON.stringify(plan.administrator)}`);
    if (c.toDecide) check(same(plan.toDecide, c.toDecide), `${c.name}: toDecide ${plan.toDecide}`);
    if (c.outcome) check(plan.outcome === c.outcome, `${c.name}: outcome ${plan.outcome}`);
    // Planned again from the report, as an object and as text: the same plan.
    check(same(hk.planEligibilityFixes(report), plan), `${c.name}: the plan from the report differs`);
    check(same(hk.planEligibilityFixes(JSON.stringify(report)), plan), `${c.name}: the plan from the report's text differs`);
  }

  for (const c of vectors.applyCases) {
    const got = attempt(hk, () => hk.evaluateEligibility(environmentOf(vectors, c), { apply: c.apply }));
    if (got.error) {
      check(false, `${c.name}: ${got.error}`);
      continue;
    }
    expectCells(c.name, got.value, c.expect);
    expectFacts(c.name, got.value, c);
  }
  for (const c of vectors.invalidApply) {
    const got = attempt(hk, () => hk.evaluateEligibility(vectors.base, { apply: c.apply }));
    check(got.error === 'INVALID_ARGUMENT' && got.field === c.field, `${c.name}: ${got.error} ${got.field}, expected ${c.field}`);
  }
  for (const c of vectors.invalidReports) {
    const got = attempt(hk, () => hk.planEligibilityFixes('reportText' in c ? c.reportText : c.report));
    check(got.error === c.error, `${c.name}: ${got.error ?? 'accepted'}, expected ${c.error}`);
    if ('field' in c) check(got.field === c.field, `${c.name}: field ${got.field}, expected ${c.field}`);
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
