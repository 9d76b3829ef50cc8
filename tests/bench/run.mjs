// One benchmark run: native (the C++ bench binary), wasm in Node (the npm package) and the JS
// peer doing the same work, in the same run, as medians and ratios.
// Usage: node tests/bench/run.mjs [--native PATH] [operation-prefix]
// Each area is a module in tests/bench/suites/ exporting `peer` (its name) and
// `operations(hk, workload)` → { op: { wasm: fn, peer: fn } } or { op: { wasm, peers: { name: fn } } }
// (the fastest peer is the one compared against; all are listed below the table). Any function
// may return a promise; it is then awaited per call. Missing functions print as —. A suite that
// measures as a whole (the host under wrk) exports `rows(prefix)` → [{op, native, peer, peerName, note}]
// (or {op, cells: [six column texts]} for figures that are not plain rates: sizes, start-up times,
// rates with their p99), or {note} alone for a line below the table.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { init } from '../../web/lib/node.mjs';
import { measure, measureAsync } from './harness.mjs';

const args = process.argv.slice(2);
const nativeAt = args.indexOf('--native');
const nativeBin = nativeAt >= 0 ? args.splice(nativeAt, 2)[1] : new URL('../../build/native/tests/handoffkit_bench', import.meta.url).pathname;
const only = args[0] ?? '';
const workload = JSON.parse(readFileSync(new URL('./workload.json', import.meta.url), 'utf8'));

// The native binary prints one JSON object per line: a rate ({op, opsPerSec}) or a note.
const nativeLines = execFileSync(nativeBin, [only], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n')
  .filter(Boolean).map((line) => JSON.parse(line));
const native = Object.fromEntries(nativeLines.filter((f) => f.op).map((f) => [f.op, f.opsPerSec]));

const fmt = (n) => (n === undefined ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k/s` : `${n.toFixed(1)} /s`);
const hk = await init();
const suitesDir = new URL('./suites/', import.meta.url);
const rows = [];
const notes = nativeLines.filter((f) => f.note).map((f) => f.note);
// Sync operations are timed in batches; one returning a promise is awaited call by call.
async function rate(op, fn) {
  const probe = fn();
  if (!probe?.then) return measure(op, fn);
  await probe;
  return measureAsync(op, fn);
}
for (const file of readdirSync(suitesDir).filter((f) => f.endsWith('.mjs')).sort()) {
  const suite = await import(new URL(file, suitesDir));
  // A suite measured as a whole (the host under wrk) gives its rows, with notes.
  for (const row of (await suite.rows?.(only)) ?? []) {
    if (row.op) rows.push(row);
    if (row.note) notes.push(row.note);
  }
  const operations = (await suite.operations?.(hk, workload)) ?? {};
  for (const [op, { wasm, peer, peers }] of Object.entries(operations)) {
    if (!op.startsWith(only)) continue;
    const measured = [];
    for (const [name, fn] of Object.entries(peers ?? (peer ? { [suite.peer]: peer } : {})))
      measured.push({ name, opsPerSec: (await rate(op, fn)).opsPerSec });
    measured.sort((a, b) => b.opsPerSec - a.opsPerSec);
    if (measured.length > 1) notes.push(`${op}: ${measured.map((m) => `${m.name} ${fmt(m.opsPerSec)}`).join(', ')}`);
    rows.push({
      op,
      native: native[op],
      wasm: wasm && (await rate(op, wasm)).opsPerSec,
      peer: measured[0]?.opsPerSec,
      peerName: measured[0]?.name ?? '—',
    });
  }
  await suite.dispose?.();
}

const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '—');
console.log(`handoffkit benchmark ${new Date().toISOString()} node ${process.version}; medians of 7 rounds`);
console.log('| operation | native | wasm (Node) | peer (Node) | peer | native/peer | wasm/peer |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  if (r.cells) console.log(`| ${r.op} | ${r.cells.join(' | ')} |`);
  else console.log(`| ${r.op} | ${fmt(r.native)} | ${fmt(r.wasm)} | ${fmt(r.peer)} | ${r.peerName} | ${ratio(r.native, r.peer)} | ${ratio(r.wasm, r.peer)} |`);
for (const n of notes) console.log(`- ${n}`);
