// The packed package in headless Chromium: a plain page imports it and runs every shared suite.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage } from '../support/browser.mjs';
import { packedDir } from '../support/pack.mjs';
import { serveStatic } from '../support/server.mjs';
import { vectorsDir } from '../support/paths.mjs';

const server = await serveStatic({
  '/': fileURLToPath(new URL('./pages/', import.meta.url)),
  '/pkg/': join(packedDir(), 'node_modules', 'handoffkit'),
  '/support/': fileURLToPath(new URL('../support/', import.meta.url)),
  '/vectors/': vectorsDir,
});
const browser = await launchChromium();
after(async () => {
  await browser.close();
  await server.close();
});

test('shared vectors in Chromium, from the packed package', async () => {
  const page = await openPage(browser, `${server.url}/vectors.html`);
  const result = await page.waitForFunction(() => window.handoffkitResult, null, { timeout: 20000 }).then((h) => h.jsonValue());
  assert.deepEqual(page.errors, []);
  assert.deepEqual(result.deeplinks.failures, []);
  assert.ok(result.deeplinks.checks > 80, `only ${result.deeplinks.checks} deep-link checks ran`);
  assert.deepEqual(result.tokens.failures, []);
  assert.ok(result.tokens.checks >= 100, `only ${result.tokens.checks} token checks ran`);
  assert.deepEqual(result.eligibility.failures, []);
  assert.ok(result.eligibility.checks >= 400, `only ${result.eligibility.checks} eligibility checks ran`);
  assert.deepEqual(result.badInputs.failures, []);
  assert.ok(result.badInputs.checks >= 70, `only ${result.badInputs.checks} bad-input checks ran`);
  assert.equal(result.sample, 'https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-000000000000&continuation=a%20b');
});
