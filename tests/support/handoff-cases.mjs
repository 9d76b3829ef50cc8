// Runs tests/vectors/handoff.json through the npm API (createHandoff, handoffHandler,
// memoryStore): plain ESM, so Node and Chromium run the same checks that
// tests/cpp/handoff_vectors_test.cpp runs through the C++ JSON API. Returns { failures, checks }.

// `over` merged into `base`: objects member by member, null removing a member.
export function merge(base, over) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null)
      out[k] = merge(out[k], v);
    else out[k] = v;
  }
  return out;
}

// A store that cannot answer: every operation rejects, as a Redis that is down.
export const downStore = Object.freeze({
  claim: async () => {
    throw new Error('connection refused');
  },
  get: async () => {
    throw new Error('connection refused');
  },
  put: async () => {
    throw new Error('connection refused');
  },
});

function activityOf(delivery, tokens, seed) {
  if (delivery.activityText !== undefined) return delivery.activityText;
  let a = structuredClone(seed);
  const spec = delivery.activity;
  if (typeof spec.token === 'string') a.value.continuation = tokens[spec.token] ?? spec.token;
  if (spec.seed) a = merge(a, spec.seed);
  return a;
}

const summary = (followups) => followups.map((f) => (f.text === undefined ? { type: f.type } : { type: f.type, text: f.text }));

export async function runHandoffVectors(hk, vectors, seedActivity) {
  const failures = [];
  let checks = 0;
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  // The vectors pin the clock: the handler and the memory store read Date.now().
  const realNow = Date.now;
  Date.now = () => vectors.now * 1000;
  try {
    for (const c of vectors.cases) await runCase(c);
  } finally {
    Date.now = realNow;
  }
  return { failures, checks };

  async function runCase(c) {
    const memory = hk.memoryStore();
    const elsewhere = hk.memoryStore();
    const store = c.store === 'down' ? downStore : memory;
    const tokens = {};
    for (const [name, spec] of Object.entries(c.tokens)) {
      const keys = spec.keys === 'other' ? vectors.otherKeys : vectors.keys;
      const made = await hk.createHandoff(spec.create, keys, spec.store === 'elsewhere' ? elsewhere : memory);
      tokens[name] = made.token;
    }
    const options = merge({ botId: vectors.botId }, c.config);
    const handler = hk.handoffHandler({ ...options, keys: vectors.keys, store });
    for (const [i, d] of c.deliveries.entries()) {
      const got = await handler.handle(activityOf(d, tokens, seedActivity), c.inbound ?? {});
      const e = d.expect;
      const where = `${c.name} [${i}]`;
      checks += 1;
      const actual = {
        status: got.status,
        code: got.code,
        redeemed: got.redeemed,
        retry: got.retry,
        forTheApp: got.forTheApp,
        context: got.context ?? null,
        followups: summary(got.followups),
      };
      const expected = { status: e.status, code: e.code, redeemed: e.redeemed, retry: e.retry, forTheApp: e.forTheApp,
        context: e.context ?? null, followups: e.followups };
      if (!same(actual, expected))
        failures.push(`${where}: expected ${JSON.stringify(e)}, got ${JSON.stringify(actual)}`);
      if ((got.status === 200) !== (got.body === '')) failures.push(`${where}: body ${JSON.stringify(got.body)}`);
      if ((got.handoff !== undefined) !== (e.redeemed && !e.retry)) failures.push(`${where}: handoff ${JSON.stringify(got.handoff)}`);
      for (const t of Object.values(tokens)) if (got.body.includes(t)) failures.push(`${where}: the body carries the token`);
    }
  }
}
