// The readiness report: an environment (and optionally its representatives as CSV) in; the fix
// plan, and a representatives × features matrix whose cells explain themselves, out. Ticking fixes
// shows the matrix as it would be after them. Evaluations run in readiness.worker.mjs, so the page
// stays responsive with 50,000 representatives; the matrix shows a page of rows at a time.
// Text only: nothing from the environment reaches innerHTML.
import example from '../../examples/eligibility-environment.json';
import { idRuns, placeOf, planToCsv, planToMarkdown } from './readiness.export.mjs';
import { connectTeams, routeLinks } from './readiness.teams.mjs';

const $ = (id) => document.getElementById(id);
const pageSize = 100;
const powerPlatformAdminCenter = 'https://admin.powerplatform.microsoft.com/';

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
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

// ---- talking to the worker --------------------------------------------------------------------

const worker = new Worker(new URL('./readiness.worker.mjs', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 0;

worker.addEventListener('message', ({ data }) => {
  const waiting = pending.get(data.id);
  if (!waiting) return;
  if (data.type === 'progress') return showProgress(data);
  pending.delete(data.id);
  if (data.type === 'error') waiting.reject(Object.assign(new Error(data.message), { code: data.code, field: data.field }));
  else waiting.resolve(data);
});

/** One request to the worker; the page says it is busy (and how far along) until the answer. */
function ask(message) {
  const id = ++nextId;
  document.body.dataset.busy = 'true';
  startWorking();
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id, limit: pageSize });
  }).finally(() => {
    if (pending.size === 0) {
      stopWorking();
      document.body.dataset.busy = 'false';
    }
  });
}

// Progress as the worker reports its steps, and the time spent: the clock keeps moving because the
// page's own thread is free while the worker evaluates.
let clock = null;
function startWorking() {
  const started = performance.now();
  $('working').hidden = false;
  $('progress').value = 0;
  clearInterval(clock);
  clock = setInterval(() => { $('elapsed').textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`; }, 100);
}
function stopWorking() {
  clearInterval(clock);
  $('working').hidden = true;
}
function showProgress({ step, steps, text }) {
  $('progress').max = steps;
  $('progress').value = step;
  $('progress-text').textContent = `Step ${step} of ${steps}: ${text}`;
  document.body.dataset.progress = `${step}/${steps}`;
}

// ---- state ------------------------------------------------------------------------------------

let report = null; // the overview of the last evaluation: plan, features, rules, counts, …
let csv = null; // {name, text} when representatives come from a CSV
let page = null;
let filter = 'all';
const ticked = new Set();

// ---- the plan ---------------------------------------------------------------------------------

// A fix's label (which names its role or profile); for one made on representatives, who they are.
function fixLabel(fix) {
  const out = element('div', null, element('span', 'label', fix.label));
  if (fix.change.representatives) {
    const details = element('details', null, element('summary', null, placeOf(fix.change)));
    details.append(element('div', 'missing', fix.change.representatives.join(', ')));
    out.append(details);
  }
  if (fix.change.input === 'dataMovementEnabled') {
    const link = element('a', 'external', 'Power Platform admin center');
    link.href = powerPlatformAdminCenter;
    link.target = '_blank';
    link.rel = 'noopener';
    out.append(' · ', link);
  }
  const rule = report.rules[fix.rules[0]];
  if (rule) out.title = rule.source;
  return out;
}

function fixRow(fix) {
  const box = element('input');
  box.type = 'checkbox';
  box.dataset.fix = fix.id;
  box.checked = ticked.has(fix.id);
  box.setAttribute('aria-label', `${fix.id}: ${fix.label}`);
  box.addEventListener('change', () => {
    if (box.checked) ticked.add(fix.id);
    else ticked.delete(fix.id);
    whatIf();
  });
  const tr = element('tr', null, element('td', null, box), element('th', 'id', fix.id));
  if ('unblocks' in fix) tr.append(element('td', 'n', String(fix.unblocks)), element('td', 'n', String(fix.unblocksWithOthers)));
  tr.append(element('td', null, fixLabel(fix)));
  tr.dataset.fix = fix.id;
  return tr;
}

function renderPlan() {
  const plan = report.plan;
  const { unavailable, unblockable, withoutFix } = plan.cells;
  $('plan-summary').textContent = unavailable === 0
    ? 'No cell is unavailable: nothing to fix.'
    : `${unavailable} representative × feature cells are unavailable; these fixes unblock ${unblockable} of them` +
      (withoutFix ? `, ${withoutFix} have no fix the ruleset knows.` : '.');

  const list = (id, heading, items) => {
    $(id).replaceChildren(...(items.length ? [element('h3', null, heading), element('ul', 'notes', ...items)] : []));
  };
  list('assumed', 'Assumed: the environment does not say, and the source documents the default',
    plan.assumed.map((a) => element('li', null, element('span', 'code', a.field), ` = ${JSON.stringify(a.value)}: “${a.source}”`)));
  list('input-warnings', 'Check these names', plan.inputWarnings.map((w) =>
    element('li', 'warning', element('span', 'code', w.code), ` ${w.message}${w.count > 1 ? ` (${w.count} times)` : ''}`)));

  const adminRows = plan.administrator.map(fixRow);
  $('admin-fixes').replaceChildren(...(adminRows.length
    ? [element('h3', null, 'First, for the setup itself'), element('table', 'fixes', element('tbody', null, ...adminRows))] : []));

  const head = element('tr', null, element('th', null, ''), element('th', null, 'Fix'), element('th', 'n', 'Unblocks alone'),
    element('th', 'n', 'With others'), element('th', null, 'Change'));
  $('fixes').replaceChildren(...(plan.fixes.length ? [element('thead', null, head), element('tbody', null, ...plan.fixes.map(fixRow))] : []));

  const sets = plan.together.map((t) => {
    const tick = element('button', 'link', 'tick these');
    tick.type = 'button';
    tick.addEventListener('click', () => {
      for (const id of t.fixes) ticked.add(id);
      syncBoxes();
      whatIf();
    });
    const li = element('li', null, element('span', 'code', idRuns(t.fixes)), `: ${t.unblocks} cell${t.unblocks === 1 ? '' : 's'} `, tick);
    li.dataset.fixes = t.fixes.join(' ');
    return li;
  });
  $('together').replaceChildren(...(sets.length
    ? [element('h3', null, 'Must come together (none of them alone unblocks these cells)'), element('ul', 'notes', ...sets)] : []));
  $('to-decide').textContent = plan.cells.unknown
    ? `${plan.cells.unknown} cells are undecided; to decide them, supply ${plan.toDecide.join(', ')}.` : '';
  $('what-if').textContent = '';
  $('plan-section').hidden = false;
}

function syncBoxes() {
  for (const box of document.querySelectorAll('input[data-fix]')) box.checked = ticked.has(box.dataset.fix);
}

function tickedChanges() {
  return [...report.plan.administrator, ...report.plan.fixes].filter((f) => ticked.has(f.id)).map((f) => f.change);
}

async function whatIf() {
  try {
    const answer = await ask({ type: 'whatIf', changes: tickedChanges(), filter });
    page = answer.page;
    renderMatrix(answer.administrator);
    const ids = [...report.plan.administrator, ...report.plan.fixes].filter((f) => ticked.has(f.id)).map((f) => f.id);
    $('what-if').textContent = ids.length === 0 ? '' :
      `After ${idRuns(ids)}: ${answer.unblocked} cell${answer.unblocked === 1 ? '' : 's'} unblocked, ` +
      `${answer.counts.unavailable} still unavailable (of ${report.counts.unavailable}); outcome ${answer.outcome}.`;
    document.body.dataset.whatIf = ids.join(' ');
  } catch (e) {
    showError(e);
  }
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = element('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- the matrix -------------------------------------------------------------------------------

// One gate as a list item: its code, what to change, and what it found missing.
function gateItem(gate, kind) {
  const rule = report.rules[gate.rule] ?? {};
  const item = element('li', kind, element('span', 'code', gate.code));
  if (kind === 'unknown') item.append(` — supply ${gate.missingInputs.join(', ')} to decide.`);
  else if (rule.remediation) item.append(` — ${rule.remediation}`);
  if (gate.missing?.length) item.append(element('div', 'missing', `missing: ${gate.missing.join(', ')}`));
  item.title = rule.source ?? '';
  return item;
}

// A cell: status and stage at a glance; the reasons in a <details> the reader opens.
function cellOf(cell, heading, before) {
  const td = element('td', `cell ${cell.status}`);
  td.dataset.status = cell.status;
  const stage = cell.stage && cell.stage !== 'unspecified' ? ` · ${cell.stage === 'ga' ? 'GA' : cell.stage}` : '';
  td.append(element('span', 'status', `${statusLabel[cell.status]}${stage}`));
  if (before) {
    td.classList.add('changed');
    td.dataset.before = before;
    td.append(element('div', 'was', `was ${statusLabel[before]}`));
  }
  const gates = [
    ...cell.failed.map((g) => gateItem(g, 'error')),
    ...cell.warnings.map((g) => gateItem(g, 'warning')),
    ...cell.unknown.map((g) => gateItem(g, 'unknown')),
  ];
  if (cell.stageMissingInputs) gates.push(element('li', 'unknown', element('span', 'code', 'STAGE'), ` — supply ${cell.stageMissingInputs.join(', ')} to decide the stage.`));
  if (gates.length) {
    const details = element('details', null, element('summary', null, gates.length === 1 ? 'why' : `why (${gates.length})`));
    details.setAttribute('aria-label', heading);
    details.append(element('ul', 'gates', ...gates));
    td.append(details);
  }
  return td;
}

function renderMatrix(administrator = report.administrator) {
  const head = element('tr', null, element('th', null, 'Representative'),
    ...report.features.map((f) => {
      const th = element('th', null, f.name);
      th.dataset.feature = f.id;
      return th;
    }));
  const rows = page.rows.map((rep) => {
    const tr = element('tr', null, element('th', 'rep', rep.id));
    tr.dataset.representative = rep.id;
    for (const f of report.features) {
      const td = cellOf(rep.features[f.id], `${rep.id}, ${f.name}`, rep.before[f.id]);
      td.dataset.feature = f.id;
      tr.append(td);
    }
    return tr;
  });
  const admin = element('tr', 'admin', element('th', 'rep', 'Administrator actions'));
  const adminCell = cellOf(administrator, 'Administrator actions');
  adminCell.colSpan = report.features.length;
  admin.append(adminCell);
  $('matrix').replaceChildren(element('thead', null, head), element('tbody', null, ...rows, admin));
  const last = Math.min(page.offset + pageSize, page.total);
  $('rows-shown').textContent = page.total === 0 ? 'no representatives' : `${page.offset + 1}–${last} of ${page.total.toLocaleString('en')}`;
  $('previous').disabled = page.offset === 0;
  $('next').disabled = last >= page.total;
  $('ruleset').textContent = `Ruleset: ${report.ruleset.name} ${report.ruleset.version}. Each gate's source sentence shows on hover.`;
}

async function showRows(offset) {
  try {
    page = (await ask({ type: 'rows', offset, filter })).page;
    renderMatrix();
  } catch (e) {
    showError(e);
  }
}

// ---- evaluating -------------------------------------------------------------------------------

function showError(e) {
  const where = e.field !== undefined ? ` at ${e.field || '/'}` : '';
  $('verdict').className = 'error';
  $('verdict').textContent = `${e.code ?? 'ERROR'}${where}: ${e.message}`;
  $('matrix').replaceChildren();
  $('plan-section').hidden = true;
}

async function evaluate() {
  ticked.clear();
  try {
    const answer = await ask({ type: 'evaluate', environment: $('environment').value, csv: csv?.text ?? null });
    report = answer;
    page = answer.page;
    filter = 'all';
    $('filter').value = 'all';
    renderPlan();
    renderMatrix();
    $('verdict').className = 'ok';
    $('verdict').textContent = `${report.representativeCount} representatives × ${report.features.length} features: ` +
      Object.entries(report.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${statusLabel[k]}`).join(', ') +
      `; outcome ${report.outcome}`;
    document.body.dataset.whatIf = '';
  } catch (e) {
    if (e.code === undefined) throw e;
    showError(e);
  }
}

$('environment').value = JSON.stringify(example, null, 2);
$('evaluate').addEventListener('click', evaluate);
// Reading a chosen file is the first step of the work: the page says it is busy from there.
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (!file) return;
  document.body.dataset.busy = 'true';
  $('environment').value = await file.text();
  evaluate();
});
$('csv').addEventListener('change', async () => {
  const file = $('csv').files[0];
  if (!file) return;
  document.body.dataset.busy = 'true';
  csv = { name: file.name, text: await file.text() };
  $('csv-status').textContent = `From ${file.name}: they replace the environment's representatives.`;
  $('csv-clear').hidden = false;
  evaluate();
});
$('csv-clear').addEventListener('click', () => {
  csv = null;
  $('csv').value = '';
  $('csv-status').textContent = "None: the environment's own representatives are used.";
  $('csv-clear').hidden = true;
  evaluate();
});
$('untick').addEventListener('click', () => {
  ticked.clear();
  syncBoxes();
  whatIf();
});
$('filter').addEventListener('change', () => {
  filter = $('filter').value;
  showRows(0);
});
$('previous').addEventListener('click', () => showRows(Math.max(0, page.offset - pageSize)));
$('next').addEventListener('click', () => showRows(page.offset + pageSize));
$('export-md').addEventListener('click', () =>
  download('readiness-plan.md', 'text/markdown', planToMarkdown(report.plan, { representatives: report.representativeCount })));
$('export-csv').addEventListener('click', () => download('readiness-plan.csv', 'text/csv', planToCsv(report.plan)));

routeLinks(await connectTeams());
await evaluate();
document.body.dataset.ready = 'true';
