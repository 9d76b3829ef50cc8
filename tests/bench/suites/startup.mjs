// Size and start-up of the npm package (size ceiling: wasm + JS at most 200 KB gzip; instantiation
// in Chromium under 30 ms). Size: tests/support/package-size.mjs. Start-up:
// medians of 7 fresh starts, in Node (a new process each: import to a first call) and in headless
// Chromium (a new browser context each: instantiation with the wasm bytes in hand, and the whole
// way from import over loopback; see startup/page.html).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../support/browser.mjs';
import { serveStatic } from '../../support/server.mjs';
import { packageSize, sizeCeiling } from '../../support/package-size.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function nodeStartup() {
  const script = `const t=performance.now(); const {init}=await import(${JSON.stringify(join(root, 'web/lib/node.mjs'))});
const hk=await init(); hk.buildHandoffLink({botId:'00000000-0000-0000-0000-000000000000',continuation:'x'});
console.log(performance.now()-t);`;
  return median(Array.from({ length: 7 }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))));
}

async function chromiumStartup() {
  const server = await serveStatic({ '/': join(root, 'tests/bench/startup'), '/web/lib/': join(root, 'web/lib'), '/dist/': join(root, 'dist') });
  const browser = await launchChromium();
  try {
    const runs = [];
    for (let i = 0; i < 7; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}/page.html`);
      runs.push(await page.waitForFunction(() => window.startup, null, { timeout: 20000 }).then((h) => h.jsonValue()));
      await context.close();
    }
    return { instantiation: median(runs.map((r) => r.instantiationMs)), fromImport: median(runs.map((r) => r.fromImportMs)) };
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function rows(only) {
  if (!('startup'.startsWith(only) || only.startsWith('startup') || 'size'.startsWith(only))) return [];
  const size = packageSize();
  const node = nodeStartup();
  const chromium = await chromiumStartup();
  const detail = Object.entries(size.files).map(([f, n]) => `${f} ${kb(n)}`).join(', ');
  return [
    { op: 'package size, gzip', cells: ['—', kb(size.total), `ceiling ${kb(sizeCeiling)}`, '—', '—', `${(size.total / sizeCeiling).toFixed(2)}x ceiling`],
      note: `package size: ${detail}` },
    { op: 'start-up, Node (import to first call)', cells: ['—', `${node.toFixed(1)} ms`, '—', '—', '—', '—'] },
    { op: 'start-up, Chromium (instantiate to first call)', cells: ['—', `${chromium.instantiation.toFixed(1)} ms`, 'target 30 ms', '—', '—', '—'] },
    { op: 'start-up, Chromium (import over loopback to first call)', cells: ['—', `${chromium.fromImport.toFixed(1)} ms`, '—', '—', '—', '—'],
      note: 'start-up, Chromium: instantiation has the wasm bytes in hand (init compiles, instantiates, then one call); from import adds fetching 4 files from the benchmark\'s Node server' },
  ];
}
