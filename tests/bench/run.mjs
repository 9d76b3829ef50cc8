// One benchmark run: native (the C++ bench binary), wasm in Node (the npm package) and the JS
// peer doing the same work, in the same run, as medians and ratios.
// Usage: node tests/bench/run.mjs [--native PATH] [operation-prefix]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { init } from '../../web/lib/node.mjs';
import { measure } from './harness.mjs';

const args = process.argv.slice(2);
const nativeAt = args.indexOf('--native');
const nativeBin = nativeAt >= 0 ? args.splice(nativeAt, 2)[1] : new URL('../../build/native/tests/handoffkit_bench', import.meta.url).pathname;
const only = args[0] ?? '';
const workload = JSON.parse(readFileSync(new URL('./workload.json', import.meta.url), 'utf8'));

const guid = /^28:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// What a developer would write with Node's own URL and URLSearchParams.
const peers = {
  'link.build': () => {
    const u = new URL('https://teams.microsoft.com/l/chat/0/0');
    u.searchParams.set('users', `28:${workload.botId}`);
    u.searchParams.set('continuation', workload.continuation);
    return u.href;
  },
  'link.validate': (link) => {
    const u = new URL(link);
    const users = u.searchParams.get('users');
    const token = u.searchParams.get('continuation');
    return u.protocol === 'https:' && u.hostname === 'teams.microsoft.com' && u.pathname === '/l/chat/0/0' &&
      guid.test(users ?? '') && !!token && link.length <= 2048;
  },
};

const hk = await init();
const link = hk.buildHandoffLink({ botId: workload.botId, continuation: workload.continuation });
const wasmOps = {
  'link.build': () => hk.buildHandoffLink({ botId: workload.botId, continuation: workload.continuation }),
  'link.validate': () => hk.validateDeepLink(link).valid,
};

const native = Object.fromEntries(
  execFileSync(nativeBin, [only], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
    .map((line) => JSON.parse(line)).map((f) => [f.op, f.opsPerSec]),
);

const rows = [];
for (const op of Object.keys(wasmOps).filter((o) => o.startsWith(only))) {
  const peerArg = op === 'link.validate' ? link : undefined;
  const wasm = measure(op, wasmOps[op]).opsPerSec;
  const peer = measure(op, () => peers[op](peerArg)).opsPerSec;
  rows.push({ op, native: native[op], wasm, peer });
}

const fmt = (n) => (n === undefined ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(1)} k/s`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '—');
console.log(`handoffkit benchmark ${new Date().toISOString()} node ${process.version}; medians of 7 rounds; peer = Node URL/URLSearchParams`);
console.log('| operation | native | wasm (Node) | peer (Node) | native/peer | wasm/peer |');
console.log('|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.op} | ${fmt(r.native)} | ${fmt(r.wasm)} | ${fmt(r.peer)} | ${ratio(r.native, r.peer)} | ${ratio(r.wasm, r.peer)} |`);
