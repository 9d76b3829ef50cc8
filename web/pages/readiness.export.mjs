// The fix plan as files an admin keeps or forwards: Markdown (a ticket, a wiki page) and CSV (a
// spreadsheet). Pure functions of a plan (core/include/handoffkit/eligibility.hpp, "The fix plan"),
// so they run in the page and in Node tests alike.

/** "F8-F27 + F36": fix ids with runs of consecutive ones shortened, as the CLI prints them. */
export function idRuns(ids) {
  const parsed = ids.map((id) => ({ prefix: id[0], n: Number(id.slice(1)) }));
  const out = [];
  for (let i = 0; i < parsed.length; ) {
    let j = i;
    while (j + 1 < parsed.length && parsed[j + 1].prefix === parsed[i].prefix && parsed[j + 1].n === parsed[j].n + 1) j++;
    const first = `${parsed[i].prefix}${parsed[i].n}`;
    const last = `${parsed[j].prefix}${parsed[j].n}`;
    out.push(j === i ? first : j === i + 1 ? `${first} + ${last}` : `${first}-${last}`);
    i = j + 1;
  }
  return out.join(' + ');
}

/** Where a change is made, as words: the role, the profile, or the representatives (the first few). */
export function placeOf(change, shown = 5) {
  if (change.role) return `role ${change.role}`;
  if (change.profile) return `experience profile ${change.profile}`;
  const reps = change.representatives;
  if (!reps) return '';
  const more = reps.length > shown ? `, and ${reps.length - shown} more` : '';
  return `${reps.slice(0, shown).join(', ')}${more}`;
}

// Markdown table cells: one line, pipes escaped, and the characters that start markup neutralized
// (a role name is input, not formatting).
function mdCell(text) {
  return String(text).replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** The plan as Markdown: what was assumed, names to check, the fixes, which come together. */
export function planToMarkdown(plan, { title = 'Copilot in Customer Service: fix plan', representatives } = {}) {
  const lines = [`# ${mdCell(title)}`, ''];
  const who = representatives === undefined ? '' : `${plural(representatives, 'representative', 'representatives')}; `;
  lines.push(`Ruleset ${mdCell(plan.ruleset.name)} ${mdCell(plan.ruleset.version)}; ${who}outcome: ${plan.outcome}.`,
    `${plan.cells.unavailable} representative × feature cells are unavailable; the fixes below unblock ${plan.cells.unblockable}` +
    `${plan.cells.withoutFix ? `, ${plan.cells.withoutFix} have no fix the ruleset knows` : ''}.`, '');
  if (plan.assumed.length) {
    lines.push('## Assumed (the environment does not say; the source documents the default)', '');
    for (const a of plan.assumed) lines.push(`- ${mdCell(a.field)} = ${mdCell(JSON.stringify(a.value))}: “${mdCell(a.source)}”`);
    lines.push('');
  }
  if (plan.inputWarnings.length) {
    lines.push('## Check these names', '');
    for (const w of plan.inputWarnings) lines.push(`- ${w.code}: ${mdCell(w.message)}${w.count > 1 ? ` (${w.count} times)` : ''}`);
    lines.push('');
  }
  if (plan.administrator.length) {
    lines.push('## First, for the setup itself', '');
    for (const f of plan.administrator) lines.push(`- ${f.id}: ${mdCell(f.label)}`);
    lines.push('');
  }
  if (plan.fixes.length) {
    lines.push('## Fixes, most cells unblocked first', '', '| Fix | Unblocks alone | With others | Change | Where |', '|---|---:|---:|---|---|');
    for (const f of plan.fixes)
      lines.push(`| ${f.id} | ${f.unblocks} | ${f.unblocksWithOthers} | ${mdCell(f.label)} | ${mdCell(placeOf(f.change))} |`);
    lines.push('');
  }
  if (plan.together.length) {
    lines.push('## Must come together (none of them alone unblocks these cells)', '');
    for (const t of plan.together) lines.push(`- ${idRuns(t.fixes)}: ${plural(t.unblocks, 'cell', 'cells')}`);
    lines.push('');
  }
  if (plan.cells.unknown) lines.push(`Undecided: ${plural(plan.cells.unknown, 'cell', 'cells')}; to decide them, supply ${plan.toDecide.join(', ')}.`, '');
  return lines.join('\n');
}

// One CSV field (RFC 4180). A field that a spreadsheet would run as a formula (=, +, -, @, or a
// tab or carriage return first) is prefixed with a quote mark, so opening the file runs nothing.
function csvField(value) {
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The plan as CSV: one row per fix (administrator's first), then one per set that comes together. */
export function planToCsv(plan) {
  const rows = [['id', 'unblocks', 'unblocksWithOthers', 'change', 'input', 'value', 'role', 'profile', 'representatives', 'rules', 'together']];
  const fixRow = (f) => [f.id, f.unblocks ?? '', f.unblocksWithOthers ?? '', f.label, f.change.input,
    'add' in f.change ? f.change.add : JSON.stringify(f.change.value), f.change.role ?? '', f.change.profile ?? '',
    (f.change.representatives ?? []).join(';'), f.rules.join(';'), ''];
  for (const f of [...plan.administrator, ...plan.fixes]) rows.push(fixRow(f));
  plan.together.forEach((t, i) => rows.push([`T${i + 1}`, t.unblocks, '', 'must come together', '', '', '', '', '', '', t.fixes.join(';')]));
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
