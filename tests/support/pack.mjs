// `npm pack` the repository and install the tarball into an empty folder, as a user would.
// scripts/test.sh does this once and passes the folder in HANDOFFKIT_PACKED_DIR; a test run on
// its own packs for itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

export function packAndInstall() {
  const dir = mkdtempSync(join(tmpdir(), 'handoffkit-packed-'));
  // The prepack script (package.json) builds the wasm module, its output on stderr.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: dir, stdio: 'ignore' });
  return dir;
}

let cached;
/** The folder whose node_modules/handoffkit is the installed tarball. */
export function packedDir() {
  cached ??= process.env.HANDOFFKIT_PACKED_DIR || packAndInstall();
  return cached;
}
