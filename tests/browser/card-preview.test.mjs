// The handoff card preview page (web/pages/card-preview.html, built into build/pages) in headless
// Chromium: what it shows equals what the npm API builds, the official renderer draws the card,
// clicking opens exactly the deep link, bad input is a coded error, markup stays text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pagesSite } from '../support/pages.mjs';
import { artifactsDir } from '../support/paths.mjs';
import { init } from '../../web/lib/node.mjs';

const site = await pagesSite();
const hk = await init();
const openPreview = () => site.open('card-preview.html');

test('card preview: link and JSON as the npm API builds them; the rendered button opens the link', async () => {
  const page = await openPreview();
  const options = { botId: '28:f47ac10b-58cc-4372-a567-0e02b2c3d479', continuation: 'tok en/+&=', title: 'Need more help?',
    text: 'Continue with Contoso', buttonTitle: 'Open Teams', version: '1.4' };
  for (const [field, value] of Object.entries(options))
    await (field === 'version' ? page.selectOption('#version', value) : page.fill(`#${field}`, value));
  const link = hk.buildHandoffLink({ botId: options.botId, continuation: options.continuation });
  assert.equal(await page.textContent('#link'), link);
  assert.deepEqual(JSON.parse(await page.textContent('#json')), hk.buildHandoffCard(options));
  assert.match(await page.textContent('#verdict'), /^Valid Adaptive Card 1\.4; the renderer raised no events/);

  const button = page.locator('#card [role="link"]');
  assert.equal(await button.count(), 1);
  assert.equal((await button.textContent()).trim(), 'Open Teams');
  await button.click();
  assert.equal(await page.textContent('#clicked'), link);
  assert.equal(new URL(page.url()).pathname, '/card-preview.html', 'the page stayed');
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(artifactsDir, 'card-preview.png'), fullPage: true });
});

test('card preview: a bad bot id is the coded error, and nothing stale stays on screen', async () => {
  const page = await openPreview();
  await page.fill('#botId', 'not-a-guid');
  assert.match(await page.textContent('#verdict'), /^BOT_ID_INVALID: /);
  assert.equal(await page.textContent('#link'), '');
  assert.equal(await page.locator('#card [role="link"]').count(), 0);
  await page.fill('#botId', '00000000-0000-0000-0000-000000000000');
  assert.match(await page.textContent('#verdict'), /^Valid/);
});

test('card preview: markup in the text is shown as text, never run', async () => {
  const page = await openPreview();
  const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
  await page.fill('#text', evil);
  await page.fill('#title', evil);
  const shown = await page.$$eval('#card .ac-textBlock', (blocks) => blocks.map((b) => b.textContent));
  assert.ok(shown.some((t) => t.includes('<img src=x')), `text not shown literally: ${shown}`);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(page.errors, []);
});
