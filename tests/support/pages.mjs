// The built pages (build/pages) served on 127.0.0.1 with a headless Chromium to drive them, both
// stopped when the test file ends; `open(path)` waits until the page says it is ready.
import { after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, openPage } from './browser.mjs';
import { serveStatic } from './server.mjs';
import { artifactsDir, repoRoot } from './paths.mjs';

export async function pagesSite() {
  const server = await serveStatic({ '/': join(repoRoot, 'build', 'pages') });
  const browser = await launchChromium();
  mkdirSync(artifactsDir, { recursive: true });
  after(async () => {
    await browser.close();
    await server.close();
  });
  return {
    server,
    browser,
    async open(path) {
      const page = await openPage(browser, `${server.url}/${path}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
      return page;
    },
  };
}
