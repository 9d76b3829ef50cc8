// The readiness report page (web/pages/readiness.html, built into build/pages) in headless
// Chromium: the example environment's matrix, a cell explaining itself, bad input, and injection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pagesSite } from '../support/pages.mjs';
import { artifactsDir, repoRoot } from '../support/paths.mjs';
import { init } from '../../web/lib/node.mjs';

const site = await pagesSite();

const hk = await init();
const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'eligibility-environment.json'), 'utf8'));
const expected = hk.evaluateEligibility(example);

const openReadiness = () => site.open('readiness.html');

test('readiness: the example environment as a matrix whose cells match the report', async () => {
  const page = await openReadiness();
  const header = await page.$$eval('#matrix thead th[data-feature]', (ths) => ths.map((th) => th.dataset.feature));
  assert.deepEqual(header, expected.features.map((f) => f.id));
  const rows = await page.$$eval('#matrix tbody tr[data-representative]', (trs) => trs.map((tr) => ({
    id: tr.dataset.representative,
    statuses: [...tr.querySelectorAll('td')].map((td) => td.dataset.status),
  })));
  assert.deepEqual(rows, expected.representatives.map((r) => ({
    id: r.id,
    statuses: expected.features.map((f) => r.features[f.id].status),
  })));
  // Every status the example exercises gets its own color class.
  const colors = await page.$$eval('#matrix td.cell', (tds) => [...new Set(tds.map((td) => getComputedStyle(td).backgroundColor))]);
  assert.ok(colors.length >= 4, `only ${colors.length} cell colors`);
  assert.deepEqual(page.errors, []);
  await page.screenshot({ path: join(artifactsDir, 'readiness.png'), fullPage: true });
});

test('readiness: an unavailable cell explains why and what to change', async () => {
  const page = await openReadiness();
  const cell = expected.representatives.find((r) => r.id === 'chiara@contoso.eu').features.writeEmail;
  assert.equal(cell.status, 'unavailable');
  const selector = '#matrix tr[data-representative="chiara@contoso.eu"] td[data-feature="writeEmail"]';
  await page.click(`${selector} summary`);
  const items = await page.$$eval(`${selector} .gates li`, (lis) => lis.map((li) => li.textContent));
  assert.equal(items.length, cell.failed.length + cell.warnings.length + cell.unknown.length);
  cell.failed.forEach((gate, i) => {
    assert.ok(items[i].startsWith(gate.code), `${items[i]} is not ${gate.code}`);
    assert.ok(items[i].includes(expected.rules[gate.rule].remediation), `${gate.code} lacks its remediation`);
  });
  const privileges = cell.failed.find((g) => g.code === 'ROLE_PRIVILEGES_MISSING');
  assert.ok(items.some((t) => t.includes(privileges.missing[0])), 'the missing privileges are listed');
});

test('readiness: bad input is a coded error naming the field, and markup stays text', async () => {
  const page = await openReadiness();
  await page.fill('#environment', '{"representatives": [');
  await page.click('#evaluate');
  assert.match(await page.textContent('#verdict'), /^INVALID_JSON/);
  assert.equal(await page.$$eval('#matrix tr', (trs) => trs.length), 0);

  await page.fill('#environment', JSON.stringify({ representatives: [{ id: 'a', surface: 'web' }] }));
  await page.click('#evaluate');
  assert.match(await page.textContent('#verdict'), /^ENVIRONMENT_INVALID at \/representatives\/0\/surface/);

  const evil = '<img src=x onerror="window.pwned=1">';
  await page.fill('#environment', JSON.stringify({ representatives: [{ id: evil }] }));
  await page.click('#evaluate');
  assert.equal(await page.textContent('#matrix tr[data-representative] th'), evil);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(page.errors, []);
});

test('readiness: an environment loaded from a file', async () => {
  const page = await openReadiness();
  await page.setInputFiles('#file', {
    name: 'env.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ geography: 'unitedStates', representatives: [{ id: 'zoe' }] })),
  });
  await page.waitForSelector('#matrix tr[data-representative="zoe"]');
  assert.match(await page.textContent('#verdict'), /^1 representatives × 7 features/);
});
