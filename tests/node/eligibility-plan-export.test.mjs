// The readiness page's plan exports (web/pages/readiness.export.mjs) in Node: the files say what
// the plan says, and names from the environment stay data (no Markdown markup, no spreadsheet formula).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../web/lib/node.mjs';
import { idRuns, planToCsv, planToMarkdown } from '../../web/pages/readiness.export.mjs';
import { repoRoot } from '../support/paths.mjs';

const hk = await init();
const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'eligibility-environment.json'), 'utf8'));

/** RFC 4180 records of a CSV text (quoted fields, doubled quotes, CRLF). */
function parseCsv(text) {
  const records = [];
  let record = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += '"', i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), field = '';
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), record = [], field = '', i++;
    else field += c;
  }
  return records;
}

test('fix ids with runs of consecutive ones shortened', () => {
  assert.equal(idRuns(['F1']), 'F1');
  assert.equal(idRuns(['F1', 'F2']), 'F1 + F2');
  assert.equal(idRuns(['F8', 'F9', 'F10', 'F11', 'F36']), 'F8-F11 + F36');
  assert.equal(idRuns(['A1', 'F1', 'F2', 'F3']), 'A1 + F1-F3');
});

test('the CSV export has one row per fix and per set that comes together, as the plan says', () => {
  const { plan } = hk.evaluateEligibility(example, { plan: true });
  const [header, ...rows] = parseCsv(planToCsv(plan));
  assert.deepEqual(header, ['id', 'unblocks', 'unblocksWithOthers', 'change', 'input', 'value', 'role', 'profile', 'representatives', 'rules', 'together']);
  assert.equal(rows.length, plan.fixes.length + plan.together.length);
  plan.fixes.forEach((f, i) => {
    assert.deepEqual(rows[i].slice(0, 5), [f.id, String(f.unblocks), String(f.unblocksWithOthers), f.label, f.change.input]);
    assert.equal(rows[i][8], (f.change.representatives ?? []).join(';'));
  });
  plan.together.forEach((t, i) => assert.equal(rows[plan.fixes.length + i][10], t.fixes.join(';')));
});

test('names from the environment stay data in both exports', () => {
  const hostile = '=HYPERLINK("http://evil.example","x") | **bold** <b>';
  const { plan } = hk.evaluateEligibility({
    roles: [{ name: hostile, privileges: [] }],
    representatives: [{ id: '+1 rep, "quoted"', roles: [hostile], licenses: [] }],
  }, { plan: true });
  const privilegeFix = plan.fixes.find((f) => f.change.role === hostile);
  assert.ok(privilegeFix, 'a fix names the role');
  const rows = parseCsv(planToCsv(plan));
  const role = rows.find((r) => r[0] === privilegeFix.id)[6];
  assert.equal(role, `'${hostile}`, 'a cell a spreadsheet would run as a formula is quoted');
  const licenseRow = rows.find((r) => r[4] === 'licenses');
  assert.equal(licenseRow[8], `'+1 rep, "quoted"`);
  const md = planToMarkdown(plan);
  const line = md.split('\n').find((l) => l.startsWith(`| ${privilegeFix.id} |`));
  assert.equal(line.split(' | ').length, 5, 'the pipe in the role name does not add a column');
  assert.ok(line.includes('\\*\\*bold\\*\\*') && line.includes('\\<b\\>'), line);
});
