// One benchmark run: native (the C++ bench binary), wasm in Node (the npm package) and the JS
// peer doing the same work, in the same run, as medians and ratios.
// Usage: node tests/bench/run.mjs [--native PATH] [operation-prefix]
// Each area is a module in tests/bench/suites/ exporting `peer` (its name) and
// `operations(hk, workload)` → { op: { wasm: fn, peer: fn } }; a peer may be missing (—).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { init } from '../../web/lib/node.mjs';
import { measure } from './harness.mjs';

const args = process.argv.slice(2);
const nativeAt = args.indexOf('--native');
const nativeBin = nativeAt >= 0 ? args.splice(nativeAt, 2)[1] : new URL('../../build/native/tests/handoffkit_bench', import.meta.url).pathname;
const only = args[0] ?? '';
const workload = JSON.parse(readFileSync(new URL('./workload.json', import.meta.url), 'utf8'));

const native = Object.fromEntries(
  execFileSync(nativeBin, [only], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').filter(Boolean)
    .map((line) => JSON.parse(line)).map((f) => [f.op, f.opsPerSec]),
);

const hk = await init();
const suitesDir = new URL('./suites/', import.meta.url);
const rows = [];
for (const file of readdirSync(suitesDir).filter((f) => f.endsWith('.mjs')).sort()) {
  const suite = await import(new URL(file, suitesDir));
  const operations = await suite.operations(hk, workload);
  for (const [op, { wasm, peer }] of Object.entries(operations)) {
    if (!op.startsWith(only)) continue;
    rows.push({
      op,
      native: native[op],
      wasm: wasm && measure(op, wasm).opsPerSec,
      peer: peer && measure(op, peer).opsPerSec,
      peerName: suite.peer,
    });
  }
  await suite.dispose?.();
}

const fmt = (n) => (n === undefined ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k/s` : `${n.toFixed(1)} /s`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '—');
console.log(`handoffkit benchmark ${new Date().toISOString()} node ${process.version}; medians of 7 rounds`);
console.log('| operation | native | wasm (Node) | peer (Node) | peer | native/peer | wasm/peer |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.op} | ${fmt(r.native)} | ${fmt(r.wasm)} | ${fmt(r.peer)} | ${r.peerName} | ${ratio(r.native, r.peer)} | ${ratio(r.wasm, r.peer)} |`);
