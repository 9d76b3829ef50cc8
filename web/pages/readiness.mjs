// The readiness report: an environment in, a representatives × features matrix out, each cell
// explaining itself (failed gates with their remediation, warnings, undecided rules and the inputs
// that would decide them). Text only: nothing from the environment reaches innerHTML.
import { init } from 'handoffkit';
import example from '../../examples/eligibility-environment.json';

const hk = await init();
const $ = (id) => document.getElementById(id);

const statusLabel = {
  available: 'available',
  available_with_warnings: 'with warnings',
  unavailable: 'unavailable',
  unknown: 'unknown',
  not_applicable: 'not applicable',
};

function element(tag, className, ...children) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.append(...children);
  return e;
}

// One gate as a list item: its code, what to change, and what it found missing.
function gateItem(gate, report, kind) {
  const rule = report.rules[gate.rule] ?? {};
  const item = element('li', kind, element('span', 'code', gate.code));
  if (kind === 'unknown') item.append(` — supply ${gate.missingInputs.join(', ')} to decide.`);
  else if (rule.remediation) item.append(` — ${rule.remediation}`);
  if (gate.missing?.length) item.append(element('div', 'missing', `missing: ${gate.missing.join(', ')}`));
  item.title = rule.source ?? '';
  return item;
}

// A cell: status and stage at a glance; the reasons in a <details> the reader opens.
function cellOf(cell, report, heading) {
  const td = element('td', `cell ${cell.status}`);
  td.dataset.status = cell.status;
  const stage = cell.stage && cell.stage !== 'unspecified' ? ` · ${cell.stage === 'ga' ? 'GA' : cell.stage}` : '';
  td.append(element('span', 'status', `${statusLabel[cell.status]}${stage}`));
  const gates = [
    ...cell.failed.map((g) => gateItem(g, report, 'error')),
    ...cell.warnings.map((g) => gateItem(g, report, 'warning')),
    ...cell.unknown.map((g) => gateItem(g, report, 'unknown')),
  ];
  if (gates.length) {
    const details = element('details', null, element('summary', null, gates.length === 1 ? 'why' : `why (${gates.length})`));
    details.setAttribute('aria-label', heading);
    details.append(element('ul', 'gates', ...gates));
    td.append(details);
  }
  return td;
}

function renderMatrix(report) {
  const head = element('tr', null, element('th', null, 'Representative'),
    ...report.features.map((f) => {
      const th = element('th', null, f.name);
      th.dataset.feature = f.id;
      return th;
    }));
  const rows = report.representatives.map((rep) => {
    const tr = element('tr', null, element('th', 'rep', rep.id));
    tr.dataset.representative = rep.id;
    for (const f of report.features) {
      const td = cellOf(rep.features[f.id], report, `${rep.id}, ${f.name}`);
      td.dataset.feature = f.id;
      tr.append(td);
    }
    return tr;
  });
  const admin = element('tr', 'admin', element('th', 'rep', 'Administrator actions'));
  const adminCell = cellOf(report.administrator, report, 'Administrator actions');
  adminCell.colSpan = report.features.length;
  admin.append(adminCell);
  $('matrix').replaceChildren(element('thead', null, head), element('tbody', null, ...rows, admin));
  $('ruleset').textContent = `Ruleset: ${report.ruleset.name} ${report.ruleset.version}. Each gate's source sentence shows on hover.`;
}

function showError(e) {
  const where = e.field !== undefined ? ` at ${e.field || '/'}` : '';
  $('verdict').className = 'error';
  $('verdict').textContent = `${e.code ?? 'ERROR'}${where}: ${e.message}`;
  $('matrix').replaceChildren();
}

function evaluate() {
  try {
    const report = hk.evaluateEligibility($('environment').value);
    renderMatrix(report);
    const counts = Object.values(report.summary).reduce((acc, s) => {
      for (const [k, n] of Object.entries(s)) acc[k] = (acc[k] ?? 0) + n;
      return acc;
    }, {});
    $('verdict').className = 'ok';
    $('verdict').textContent = `${report.representatives.length} representatives × ${report.features.length} features: ` +
      Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${n} ${statusLabel[k]}`).join(', ');
  } catch (e) {
    if (!(e instanceof hk.HandoffKitError)) throw e;
    showError(e);
  }
}

$('environment').value = JSON.stringify(example, null, 2);
$('evaluate').addEventListener('click', evaluate);
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (!file) return;
  $('environment').value = await file.text();
  evaluate();
});
evaluate();
document.body.dataset.ready = 'true';
