// Runs tests/vectors/bad-inputs.json against a handoffkit instance (plain ESM: Node and Chromium
// run the same checks; tests/cpp/bad_inputs_test.cpp runs the same file in C++). Each case must
// end in its coded error: thrown as a HandoffKitError, or, for the validators, a report that is not
// valid and names the code. Returns { failures, checks }.

// Expands the catalogue's generators into the values a JS caller would pass.
export function expand(v) {
  if (Array.isArray(v)) return v.map(expand);
  if (v === null || typeof v !== 'object') return v;
  if ('$repeat' in v) return v.$repeat.repeat(v.times);
  if ('$concat' in v) return v.$concat.map(expand).join('');
  if ('$array' in v) return Array.from({ length: v.times }, () => expand(v.$array));
  if ('$notUtf8' in v) return '\uD800'; // a lone surrogate: the npm API passes it on as ED A0 80
  if ('$nest' in v) {
    let inner = expand(v.inner);
    for (let i = 0; i < v.$nest; i += 1) inner = { a: inner };
    return inner;
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
}

async function outcome(hk, run) {
  try {
    const value = await run();
    if (value && value.valid === false) return { problems: value.problems.map((p) => p.code) };
    return { value };
  } catch (e) {
    if (e instanceof hk.HandoffKitError) return { error: e.code };
    return { thrown: `${e.name}: ${e.message}` };
  }
}

// A memory store that counts what it is asked.
function countingStore(hk) {
  const inner = hk.memoryStore();
  const counted = { calls: 0 };
  for (const op of ['claim', 'get', 'put'])
    counted[op] = (...args) => {
      counted.calls += 1;
      return inner[op](...args);
    };
  return counted;
}

// handoffHandler(config).handle(activity): the outcome's code (an error thrown counts as its
// code); the store must not have been asked.
async function handoffOutcome(hk, [config, activity], failures, name) {
  const store = countingStore(hk);
  const got = await outcome(hk, () => hk.handoffHandler({ ...config, store }).handle(activity));
  if (store.calls) failures.push(`${name}: the store was asked`);
  if (!got.value) return got;
  if (got.value.status < 400) failures.push(`${name}: status ${got.value.status}`);
  return { error: got.value.code };
}

export async function runBadInputs(hk, catalogue) {
  const failures = [];
  let checks = 0;
  for (const c of catalogue.cases) {
    const args = expand(c.args);
    let got;
    if (c.entry === 'redeemToken') {
      // A failed redemption consumes nothing: the guard still redeems a good token afterwards.
      const guard = hk.createReplayGuard();
      got = await outcome(hk, () => guard.redeemToken(...args));
      const keys = args[1];
      const good = guard.issueToken({ botId: args[2].botId, now: args[2].now }, keys).token;
      const after = await outcome(hk, () => guard.redeemToken(good, keys, args[2]));
      if (!('value' in after)) failures.push(`${c.name}: the guard refused a good token afterwards: ${JSON.stringify(after)}`);
      guard.dispose();
    } else if (c.entry === 'handoffHandler') {
      got = await handoffOutcome(hk, args, failures, c.name);
    } else {
      got = await outcome(hk, () => hk[c.entry](...args));
    }
    checks += 1;
    const ok = got.error === c.code || (got.problems ?? []).includes(c.code);
    if (!ok) failures.push(`${c.name}: expected ${c.code}, got ${JSON.stringify(got).slice(0, 300)}`);
  }
  return { failures, checks };
}
