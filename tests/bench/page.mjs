// What writes docs/benchmarks.md shares (compare.mjs, the whole page; production.mjs here below,
// the production section alone): reading run.mjs's output, and the production section (issue 17).
// Figures only: the "met" column is computed from the measured cells, nothing passes or fails.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// run.mjs prints a markdown table (| op | native | wasm | peer | peer name | ratios |) and notes.
export function parse(output) {
  const rows = [];
  const notes = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('- ')) notes.push(line.slice(2));
    if (!line.startsWith('| ') || line.startsWith('| operation') || line.startsWith('|---')) continue;
    const cells = line.slice(2, -2).split(' | ');
    rows.push({ op: cells[0], native: cells[1], wasm: cells[2], peer: cells[3], peerName: cells[4], ratio: cells[5], line });
  }
  return { rows, notes };
}

// "72.5 k/s", "1.20 M/s", "31.2 /s", "66.8 k/s, p99 8.55 ms" -> operations per second.
export function rateOf(cell) {
  const m = /^([\d.]+) (M|k)?\/s/.exec(cell ?? '');
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
}
// "5.7 k/s, p50 5.80 ms, p99 11.3 ms" -> 11.3 (milliseconds).
export function p99Of(cell) {
  const m = /p99 ([\d.]+) (ms|s)\b/.exec(cell ?? '');
  return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : undefined;
}

const x = (r) => (r === undefined || Number.isNaN(r) ? '—' : `${r.toFixed(2)}x`);
export const productionHeading = '## Production setup (issue 17)';
const targets = [['host.prod.memory', 'Agents SDK host (Map)'], ['host.prod.redis', 'Agents SDK host (ioredis)']];

// "…, follow-ups 103656/103587" -> true: the connector counted at least the follow-ups due.
export function followupsArrived(cell) {
  const m = /follow-ups (\d+)\/(\d+)/.exec(cell ?? '');
  return m ? Number(m[1]) >= Number(m[2]) : undefined;
}

// The section: the 5x target per store (met: at least 5x the SDK host's redemptions/s, a lower
// p99, and every follow-up due arrived at the connector, from the cells), the rows as run.mjs
// printed them, and their notes (follow-ups per run, deliveries, the forward cost). `about` is
// the lines saying when and how it was measured.
export function productionSection(rows, notes, about) {
  const prod = rows.filter((r) => r.op.startsWith('host.prod'));
  if (!prod.length) return [];
  const row = (op) => prod.find((r) => r.op === op);
  const lines = [productionHeading, '', ...about, '',
    '| target | figures (redemptions/s, p50, p99, follow-ups the connector counted / due) | ratio | met |', '|---|---|---|---|'];
  for (const [op, peerName] of targets) {
    const r = row(op);
    if (!r) continue;
    // run.mjs's ratio (of the unrounded rates), else one of the cells'.
    const ratio = Number(/^([\d.]+)x$/.exec(r.ratio ?? '')?.[1] ?? rateOf(r.native) / rateOf(r.peer));
    const met = ratio >= 5 && p99Of(r.native) < p99Of(r.peer) && followupsArrived(r.native) === true;
    lines.push(`| ${op}: handoffkit serve at least 5x the ${peerName}'s redemptions/s, with a lower p99, every follow-up arrived | ` +
      `${r.native} against ${r.peer} | ${x(ratio)} | ${met ? 'yes' : '**no**'} |`);
  }
  lines.push('', '| operation | native | wasm (Node) | peer (Node) | peer | native/peer | wasm/peer |', '|---|---|---|---|---|---|---|',
    ...prod.map((r) => r.line), ...notes.filter((n) => n.startsWith('host.prod')).map((n) => `- ${n}`), '');
  return lines;
}

// Replaces the production section of the page (up to the next `## ` heading or the hand-written
// part), or puts it before the hand-written part when the page has none yet.
export function withSection(page, section, marker) {
  const lines = page.split('\n');
  const start = lines.indexOf(productionHeading);
  const endOf = (from) => {
    const i = lines.findIndex((l, at) => at > from && (l.startsWith('## ') || l === marker));
    return i < 0 ? lines.length : i;
  };
  if (start >= 0) lines.splice(start, endOf(start) - start, ...section);
  else {
    const at = lines.indexOf(marker);
    lines.splice(at < 0 ? lines.length : at, 0, ...section);
  }
  return lines.join('\n');
}

export const handWrittenMarker = '<!-- Written by hand below this line; scripts/bench.sh keeps it. -->';

// `scripts/bench.sh --production`: runs the host.prod operations of this tree (run.mjs) and
// rewrites only the production section of docs/benchmarks.md, so the figures of the production
// setup can be refreshed without the whole --base run (half an hour on these cores).
async function main() {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const started = new Date();
  const startLoad = loadavg();
  const output = execFileSync(process.execPath, [join(root, 'tests/bench/run.mjs'), '--native',
    join(root, 'build/native/tests/handoffkit_bench'), 'host.prod'],
  { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const endLoad = loadavg();
  process.stdout.write(output);
  const { rows, notes } = parse(output);
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
  const dirty = git('status', '--porcelain', '--', '.', ':!docs/benchmarks.md').length > 0;
  const cpu = cpus();
  const load = (l) => l.map((v) => v.toFixed(2)).join(' ');
  const section = productionSection(rows, notes, [
    `Written by \`scripts/bench.sh --production\` on ${started.toISOString()} (tree ${git('rev-parse', '--short', 'HEAD')}` +
      `${dirty ? ' with uncommitted changes' : ''}), Release build; ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; load average ${load(startLoad)} ` +
      `at the start, ${load(endLoad)} at the end (other sessions share these cores). The setup is described in ` +
      'tests/bench/host/production.mjs: inbound RS256 JWTs and follow-ups ON on both hosts, handoffkit forwarding to a ' +
      'trivial app.',
  ]);
  if (!section.length) throw new Error('bench --production: run.mjs printed no host.prod rows');
  const file = join(root, 'docs/benchmarks.md');
  const page = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${handWrittenMarker}\n`;
  writeFileSync(file, withSection(page, section, handWrittenMarker));
  console.error('bench --production: wrote the production section of docs/benchmarks.md');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
