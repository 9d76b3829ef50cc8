// Runs tests/vectors/deeplinks.json against a handoffkit instance. Plain ESM with no Node imports,
// so the Node suite and the browser page run exactly the same checks. Returns a list of failures
// (empty when every case passes) and the number of checks made.

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function problemCodes(report) {
  return report.problems.map(({ code, severity }) => ({ code, severity }));
}

// Calls `fn`; returns { value } or { code } for a HandoffKitError (anything else propagates).
function attempt(hk, fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof hk.HandoffKitError) return { code: e.code };
    throw e;
  }
}

function sortedKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function runDeeplinkVectors(hk, vectors) {
  const failures = [];
  let checks = 0;
  const expect = (ok, name, detail) => {
    checks += 1;
    if (!ok) failures.push(`${name}: ${detail}`);
  };

  for (const c of vectors.build) {
    const got = attempt(hk, () => hk.buildDeepLink(c.request));
    if ('link' in c) {
      expect(got.value === c.link, c.name, `built ${JSON.stringify(got)}, expected ${c.link}`);
      if (got.value === undefined) continue;
      const report = hk.validateDeepLink(got.value);
      expect(report.valid && report.problems.length === 0, c.name, `built link does not validate cleanly: ${JSON.stringify(report.problems)}`);
      if (c.request.kind === 'handoff') {
        const again = attempt(hk, () => hk.buildHandoffLink({ botId: c.request.botId, continuation: c.request.continuation }));
        expect(again.value === c.link, c.name, `buildHandoffLink gave ${JSON.stringify(again)}`);
      }
    } else {
      expect(got.code === c.error, c.name, `got ${JSON.stringify(got)}, expected error ${c.error}`);
    }
  }

  for (const c of vectors.validate) {
    const got = attempt(hk, () => hk.validateDeepLink(c.url, c.options));
    if ('error' in c) {
      expect(got.code === c.error, c.name, `got ${JSON.stringify(got)}, expected error ${c.error}`);
      continue;
    }
    const report = got.value;
    if (!report) {
      expect(false, c.name, `threw ${got.code}`);
      continue;
    }
    expect(report.valid === c.valid, c.name, `valid=${report.valid}`);
    expect(report.kind === c.kind, c.name, `kind=${report.kind}`);
    expect(same(problemCodes(report), c.problems), c.name, `problems ${JSON.stringify(problemCodes(report))}`);
    if (c.params) expect(same(sortedKeys(report.params), sortedKeys(c.params)), c.name, `params ${JSON.stringify(report.params)}`);
  }
  return { failures, checks };
}
