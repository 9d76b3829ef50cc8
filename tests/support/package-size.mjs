// What the npm package weighs on the wire: gzip -9 of every file a runtime loads (the wasm, its
// glue and web/lib's JS). One measure for the benchmark's table and the size test.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from './paths.mjs';

/// The ceiling for that total, in bytes (tests/package checks it, the benchmark reports against
/// it). Issue 15 set 200 KB; raising it needs a line in docs/benchmarks.md saying what the growth
/// bought (the notes there: 288 KB for the handoff pipeline in wasm, eligibility's names, CSV and
/// plans, the cards' schema table).
export const sizeCeiling = 288 * 1024;

/// { files: { path: gzip bytes }, total } for the package laid out under `root` (the repository,
/// or an installed node_modules/handoffkit).
export function packageSize(root = repoRoot) {
  const files = ['dist/handoffkit.wasm', 'dist/handoffkit.mjs',
    ...readdirSync(join(root, 'web/lib')).filter((f) => /\.(mjs|cjs|js)$/.test(f)).map((f) => `web/lib/${f}`)];
  const sizes = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(join(root, f)), { level: 9 }).length]));
  return { files: sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) };
}
