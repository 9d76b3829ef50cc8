// Runs tests/vectors/cards.json against a handoffkit instance (plain ESM: Node and browser run
// the same checks). Returns { failures, checks }. Cases given as raw bytes (cardHex) are for the
// C++ and CLI suites: a JS string cannot hold invalid UTF-8.

const sorted = (v) =>
  Array.isArray(v) ? v.map(sorted)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]))
      : v;
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** Applies a case's `fill` ({pointer, char, count}) to a deep copy of `value`. */
export function filled(value, fill) {
  const copy = structuredClone(value);
  if (!fill) return copy;
  const path = fill.pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = fill.char.repeat(fill.count);
  return copy;
}

/** The card a validate case checks, as a JS value or text (undefined for byte-level cases). */
export function validateInput(c) {
  if ('cardHex' in c) return undefined;
  if ('cardText' in c) return c.cardText;
  return filled(c.card, c.fill);
}

function attempt(hk, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof hk.HandoffKitError) return { error: e.code };
    throw e;
  }
}

const problemKeys = (problems) => problems.map(({ code, severity, path }) => ({ code, severity, path }));

export function runCardVectors(hk, vectors) {
  const failures = [];
  let checks = 0;
  const fail = (name, detail) => failures.push(`${name}: ${String(detail).slice(0, 300)}`);

  const builds = [
    ['buildAction', 'action', (r) => hk.buildOpenUrlAction(r)],
    ['buildCard', 'card', (r) => hk.buildCard(r)],
    ['buildHandoffCard', 'card', (r) => hk.buildHandoffCard(r)],
  ];
  for (const [group, field, build] of builds) {
    for (const c of vectors[group]) {
      checks += 1;
      const got = attempt(hk, () => build(filled(c.request, c.fill)));
      if (field in c) {
        if (!same(got.value, c[field])) fail(c.name, `built ${JSON.stringify(got)}`);
        if (field === 'card' && got.value) {
          const report = hk.validateCard(got.value, { version: got.value.version });
          if (!report.valid) fail(c.name, `built card does not validate: ${JSON.stringify(report.problems)}`);
        }
      } else if (got.error !== c.error) {
        fail(c.name, `got ${JSON.stringify(got)}, expected ${c.error}`);
      }
    }
  }

  for (const c of vectors.validate) {
    const card = validateInput(c);
    if (card === undefined) continue;
    checks += 1;
    const got = attempt(hk, () => hk.validateCard(card, c.options));
    if (!got.value) fail(c.name, `threw ${got.error}`);
    else if (got.value.valid !== c.valid || !same(problemKeys(got.value.problems), c.problems))
      fail(c.name, `got ${JSON.stringify(problemKeys(got.value.problems))} valid=${got.value.valid}`);
  }

  for (const c of vectors.validateOptionErrors) {
    if (typeof c.options === 'string') continue; // JS options are objects; a string is INVALID_ARGUMENT
    checks += 1;
    const got = attempt(hk, () => hk.validateCard({ type: 'AdaptiveCard', version: '1.5' }, c.options));
    if (got.error !== c.error) fail(c.name, `got ${JSON.stringify(got)}, expected ${c.error}`);
  }
  return { failures, checks };
}
