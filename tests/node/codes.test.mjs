// The d.ts code unions against the C++ tables: every code of an area is in the area's union, every
// literal of the union is a code of the area, and every code literal anywhere in handoffkit.d.ts is
// a code of the core. The tables are read from the one list per area that generates both the enum
// and its string table (core/include/handoffkit/codes.hpp), so what is compared is what C++ prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const header = readFileSync(new URL('core/include/handoffkit/codes.hpp', root), 'utf8');
const dts = readFileSync(new URL('web/lib/handoffkit.d.ts', root), 'utf8');

// area name ("token") -> its codes, in table order.
function cppTables(text) {
  const tables = new Map();
  const list = /#define HANDOFFKIT_(\w+)_CODES\(X\)([\s\S]*?)\nHANDOFFKIT_CODE_AREA\((\w+), "(\w+)", HANDOFFKIT_\1_CODES\)/g;
  for (const [, , body, , area] of text.matchAll(list)) {
    tables.set(area, [...body.matchAll(/X\(\w+, "([A-Z][A-Z0-9_]*)"\)/g)].map((m) => m[1]));
  }
  return tables;
}

// `export type Name = | 'A' | 'B';` -> ['A', 'B'] (only unions of literals).
function dtsUnion(text, name) {
  const m = new RegExp(`export type ${name} =([^;]*);`).exec(text);
  assert.ok(m, `handoffkit.d.ts declares ${name}`);
  const parts = m[1].split('|').map((p) => p.trim()).filter(Boolean);
  for (const p of parts) assert.match(p, /^'[A-Z][A-Z0-9_]*'$/, `${name} is a union of code literals`);
  return parts.map((p) => p.slice(1, -1));
}

const unions = {
  input: 'InputCode',
  link: 'LinkCode',
  card: 'CardCode',
  token: 'TokenCode',
  eligibility: 'EligibilityCode',
  handoff: 'HandoffCode',
};

const tables = cppTables(header);

test('codes: the C++ header has the areas the d.ts types, each non-empty and without repeats', () => {
  assert.deepEqual([...tables.keys()].sort(), Object.keys(unions).sort());
  for (const [area, codes] of tables) {
    assert.ok(codes.length > 0, area);
    assert.equal(new Set(codes).size, codes.length, `${area} lists a code twice`);
  }
});

test('codes: each area union of the d.ts is exactly the C++ table, both ways', () => {
  for (const [area, name] of Object.entries(unions)) {
    const cpp = tables.get(area);
    const ts = dtsUnion(dts, name);
    assert.deepEqual(cpp.filter((c) => !ts.includes(c)), [], `C++ ${area} codes missing from ${name}`);
    assert.deepEqual(ts.filter((c) => !cpp.includes(c)), [], `${name} literals that are no C++ ${area} code`);
  }
});

test('codes: every code literal in handoffkit.d.ts is a code of the core', () => {
  const known = new Set([...tables.values()].flat());
  const literals = [...dts.matchAll(/'([A-Z][A-Z0-9_]{3,})'/g)].map((m) => m[1]);
  assert.ok(literals.length > 100);
  assert.deepEqual([...new Set(literals.filter((c) => !known.has(c)))], []);
});
