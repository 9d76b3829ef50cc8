// The readiness page's evaluations, off the page's thread: an organization of 50,000
// representatives is a report of over 100 MB, and evaluating and reading it takes seconds. The
// page keeps only what it shows (the plan, the counts, a page of rows); the reports stay here.
//
// Messages in:  {type: 'evaluate', id, environment: text, csv: text|null}
//               {type: 'whatIf', id, changes: [CHANGE…]}   (the base evaluation with these made)
//               {type: 'rows', id, offset, limit, filter: 'all'|'unavailable'|'changed'}
// Messages out: {type: 'progress', id, step, steps, text}, {type: 'evaluated'|'whatIf'|'rows', id, …},
//               {type: 'error', id, code, message, field}
import { init } from 'handoffkit';

const ready = init();
let base = null; // {environment, csv, report}
let current = null; // the report shown: base.report, or the one with changes made

function progress(id, step, steps, text) {
  self.postMessage({ type: 'progress', id, step, steps, text });
}

/** The counts the page shows above the matrix, by status over every cell. */
function counts(report) {
  const total = { available: 0, available_with_warnings: 0, unavailable: 0, unknown: 0, not_applicable: 0 };
  for (const perStatus of Object.values(report.summary)) for (const [k, n] of Object.entries(perStatus)) total[k] += n;
  return total;
}

function evaluate(hk, changes, plan) {
  const options = { plan };
  if (base.csv !== null) options.representativesCsv = base.csv;
  if (changes.length) options.apply = changes;
  return hk.evaluateEligibility(base.environment, options);
}

// Which representatives a filter keeps, as indices (computed once per filter and report).
let filtered = { key: null, indices: null };
function indicesFor(filter) {
  if (filter === 'all') return null;
  if (filtered.key === filter && filtered.report === current) return filtered.indices;
  const indices = [];
  current.representatives.forEach((rep, i) => {
    const cells = Object.entries(rep.features);
    const keep = filter === 'unavailable'
      ? cells.some(([, c]) => c.status === 'unavailable')
      : cells.some(([f, c]) => c.status !== base.report.representatives[i].features[f].status);
    if (keep) indices.push(i);
  });
  filtered = { key: filter, report: current, indices };
  return indices;
}

/** A page of rows; each cell with the status it had before the changes, when it differs. */
function rows(offset, limit, filter) {
  const indices = indicesFor(filter);
  const total = indices ? indices.length : current.representatives.length;
  const page = [];
  for (let k = offset; k < Math.min(offset + limit, total); k++) {
    const i = indices ? indices[k] : k;
    const rep = current.representatives[i];
    const before = {};
    for (const [f, cell] of Object.entries(rep.features)) {
      const was = base.report.representatives[i].features[f].status;
      if (was !== cell.status) before[f] = was;
    }
    page.push({ index: i, id: rep.id, features: rep.features, before });
  }
  return { offset, total, rows: page };
}

// What the page needs of a report besides its rows.
function overview(report) {
  const { representatives, ...rest } = report;
  return { ...rest, representativeCount: representatives.length, counts: counts(report) };
}

async function handle(message) {
  const hk = await ready;
  const { id } = message;
  if (message.type === 'evaluate') {
    const steps = 3;
    progress(id, 1, steps, message.csv === null ? 'Evaluating the environment…' : 'Reading the representatives CSV and evaluating…');
    base = { environment: message.environment, csv: message.csv, report: null };
    base.report = evaluate(hk, [], true);
    current = base.report;
    progress(id, 2, steps, `Planning fixes for ${base.report.representatives.length.toLocaleString('en')} representatives…`);
    const result = { type: 'evaluated', id, ...overview(base.report), page: rows(0, message.limit, 'all') };
    progress(id, 3, steps, 'Drawing the matrix…');
    self.postMessage(result);
    return;
  }
  if (!base) throw Object.assign(new Error('nothing evaluated yet'), { code: 'INVALID_ARGUMENT' });
  if (message.type === 'whatIf') {
    progress(id, 1, 2, `Evaluating again with ${message.changes.length} change(s)…`);
    current = message.changes.length ? evaluate(hk, message.changes, false) : base.report;
    let unblocked = 0, blocked = 0;
    current.representatives.forEach((rep, i) => {
      for (const [f, cell] of Object.entries(rep.features)) {
        const was = base.report.representatives[i].features[f].status === 'unavailable';
        const is = cell.status === 'unavailable';
        if (was && !is) unblocked++;
        if (!was && is) blocked++;
      }
    });
    progress(id, 2, 2, 'Drawing the matrix…');
    self.postMessage({ type: 'whatIf', id, counts: counts(current), outcome: current.outcome, unblocked, blocked,
      administrator: current.administrator, page: rows(0, message.limit, message.filter) });
    return;
  }
  if (message.type === 'rows') self.postMessage({ type: 'rows', id, page: rows(message.offset, message.limit, message.filter) });
}

self.addEventListener('message', (event) => {
  handle(event.data).catch((e) => {
    self.postMessage({ type: 'error', id: event.data.id, code: e.code ?? 'INTERNAL', message: e.message, field: e.field });
  });
});
