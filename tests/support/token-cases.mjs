// Runs tests/vectors/tokens.json against a handoffkit instance (plain ESM: Node and browser run
// the same checks). Expected tokens come from an independent implementation (Python's hmac).
// Cases marked coreOnly describe the JSON API below the JS wrapper (which fills in `now` and
// `random`, and takes options as objects); the runner skips them. Returns
// { failures, checks }.

const same = (a, b) => JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));

function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  return v;
}

function attempt(hk, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof hk.HandoffKitError) return { error: e.code };
    throw e;
  }
}

export function runTokenVectors(hk, vectors) {
  const failures = [];
  let checks = 0;
  // A case's keys name a key set, or are the key set itself, or are raw (possibly broken) text.
  const keysOf = (keys) => (typeof keys === 'string' && keys in vectors.keySets ? vectors.keySets[keys] : keys);
  const expect = (c, got) => {
    if (c.coreOnly) return; // below the JS contract; tests/node/token.test.mjs covers the JS side
    checks += 1;
    const ok = 'value' in c ? 'value' in got && same(got.value, c.value) : got.error === c.error;
    if (!ok) failures.push(`${c.name}: got ${JSON.stringify(got).slice(0, 300)}`);
  };

  for (const c of vectors.issue) expect(c, attempt(hk, () => hk.issueToken(c.request, keysOf(c.keys))));
  const minimal = vectors.issue[0];
  for (const c of vectors.keySetErrors) expect(c, attempt(hk, () => hk.issueToken(minimal.request, keysOf(c.keys))));
  for (const c of vectors.verify) expect(c, attempt(hk, () => hk.verifyToken(c.token, keysOf(c.keys), c.options)));
  for (const c of vectors.optionErrors)
    expect(c, attempt(hk, () => hk.verifyToken(minimal.value.token, vectors.keySets.main, c.options)));
  for (const c of vectors.inspect) expect(c, attempt(hk, () => hk.inspectToken(c.token)));
  for (const r of vectors.redeem) {
    const guard = hk.createReplayGuard();
    const keys = keysOf(r.keys);
    for (const [i, step] of r.steps.entries()) {
      const name = `${r.name} (step ${i + 1}, ${step.op})`;
      const run = {
        redeem: () => guard.redeemToken(step.token, keys, step.options),
        verify: () => hk.verifyToken(step.token, keys, step.options),
        issueStored: () => guard.issueToken(step.request, keys),
      }[step.op];
      expect({ ...step, name }, attempt(hk, run));
    }
    guard.dispose();
  }
  return { failures, checks };
}
