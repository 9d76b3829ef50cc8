// JS twin of tests/bench/bench.hpp: timed rounds, median ops/s. Figures only, never assertions.
export function measure(name, op, { rounds = 7, roundMs = 150 } = {}) {
  const rates = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < 64; i++) sink ^= op() ? 1 : 0;
      calls += 64;
      elapsed = performance.now() - start;
    }
    rates.push(calls / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  return { op: name, opsPerSec: rates[rates.length >> 1], rounds, sink };
}
