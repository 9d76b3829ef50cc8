// Writes each fuzz target's seed corpus from tests/vectors/ (one file per case).
// Usage: node tests/fuzz/seed-corpus.mjs OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
const corpora = {
  deeplink_validate: vectors('deeplinks.json').validate.map((c) => c.url),
  deeplink_build: vectors('deeplinks.json').build.map((c) => JSON.stringify(c.request)),
};
for (const [target, seeds] of Object.entries(corpora)) {
  const dir = join(out, target);
  mkdirSync(dir, { recursive: true });
  seeds.forEach((seed, i) => writeFileSync(join(dir, `seed-${i}`), seed));
}
