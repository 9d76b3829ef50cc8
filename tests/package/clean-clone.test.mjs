// `npm pack` in a fresh clone of the repository (what a release or a git dependency does) gives a
// package that works: the prepack script (package.json) builds the wasm module first. Before it,
// a clone packed no dist/ at all, silently (issue 15 section 5). The clone is of the committed
// tree (HEAD), with no build folder and no node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.mjs';

test('npm pack in a clean clone builds the wasm and packs a package that works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'handoffkit-clone-'));
  try {
    const clone = join(dir, 'repo');
    execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, clone], { stdio: 'pipe' });
    // prepack writes its build output to stderr, so stdout is npm's JSON alone.
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [packed] = JSON.parse(out);
    const files = Object.fromEntries(packed.files.map((f) => [f.path, f.size]));
    assert.ok(files['dist/handoffkit.wasm'] > 100_000, `no wasm module packed: ${Object.keys(files)}`);
    assert.ok(files['dist/handoffkit.mjs'] > 10_000, 'no wasm glue packed');

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, packed.filename)], { cwd: app, stdio: 'ignore' });
    writeFileSync(join(app, 'smoke.mjs'), `import { init } from 'handoffkit';
const hk = await init();
const keys = { keys: [{ kty: 'oct', kid: 'k', k: Buffer.alloc(32, 7).toString('base64url') }] };
const { token } = hk.issueToken({ botId: '28:00000000-0000-0000-0000-000000000000', ctx: { a: 1 } }, keys);
const verified = hk.verifyToken(token, keys, { botId: '28:00000000-0000-0000-0000-000000000000' });
console.log(hk.buildHandoffLink({ botId: '00000000-0000-0000-0000-000000000000', continuation: 'a b' }), JSON.stringify(verified.ctx));`);
    const smoke = execFileSync(process.execPath, ['smoke.mjs'], { cwd: app, encoding: 'utf8' }).trim();
    assert.equal(smoke, 'https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-000000000000&continuation=a%20b {"a":1}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
