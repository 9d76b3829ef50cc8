// The pages the host serves (web/pages, built into build/pages), driven in headless Chromium as a
// person would use them. Screenshots go to artifacts/ (kept by CI, never committed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pagesSite } from '../support/pages.mjs';
import { artifactsDir } from '../support/paths.mjs';

const site = await pagesSite();

test('index: checking a deep link explains every problem', async () => {
  const page = await site.open('index.html');
  assert.match(await page.textContent('#verdict'), /^Valid handoff link/);

  await page.fill('#url', 'http://evil.example/l/chat/0/0?users=28:x&continuation=a+b');
  const codes = await page.$$eval('#problems .code', (els) => els.map((e) => e.textContent));
  assert.deepEqual(codes, ['ERROR NOT_HTTPS', 'ERROR HOST_NOT_ALLOWED', 'WARNING PLUS_AS_SPACE', 'ERROR BOT_ID_INVALID']);
  assert.match(await page.textContent('#verdict'), /^Not a valid link/);

  // Markup in the input is shown as text, never run.
  await page.fill('#url', 'https://teams.microsoft.com/l/chat/0/0?users=a&message=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(artifactsDir, 'index.png'), fullPage: true });
});
