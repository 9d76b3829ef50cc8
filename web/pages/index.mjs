import { init } from 'handoffkit';
import { renderProblems } from './problems.mjs';

const hk = await init();
const $ = (id) => document.getElementById(id);

function check() {
  const options = $('expect').value ? { expectKind: $('expect').value } : {};
  const report = hk.validateDeepLink($('url').value.trim(), options);
  $('verdict').textContent = report.valid ? `Valid ${report.kind} link` : `Not a valid link (${report.kind})`;
  $('verdict').className = report.valid ? 'ok' : 'error';
  renderProblems($('problems'), report.problems);
  $('report').textContent = JSON.stringify(report, null, 2);
}

$('check').addEventListener('click', check);
$('url').addEventListener('input', check);
check();
document.body.dataset.ready = 'true';
