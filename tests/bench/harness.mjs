// JS twin of tests/bench/bench.hpp: timed rounds, median ops/s. Figures only, never assertions.
// measureAsync is the same for operations that return a promise (jose is async-only); each call
// is awaited before the next, as a request handler would.
export function measure(name, op, { rounds = 7, roundMs = 150 } = {}) {
  const rates = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    let batch = 1; // grows while a batch is too short to time, so slow operations run once per check
    while (elapsed < roundMs) {
      const before = performance.now();
      for (let i = 0; i < batch; i++) sink ^= op() ? 1 : 0;
      calls += batch;
      elapsed = performance.now() - start;
      if (performance.now() - before < 2 && batch < 4096) batch *= 2;
    }
    rates.push(calls / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  return { op: name, opsPerSec: rates[rates.length >> 1], rounds, sink };
}

export async function measureAsync(name, op, { rounds = 7, roundMs = 150 } = {}) {
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < roundMs) {
      await op();
      calls++;
    }
    rates.push(calls / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { op: name, opsPerSec: rates[rates.length >> 1], rounds };
}
