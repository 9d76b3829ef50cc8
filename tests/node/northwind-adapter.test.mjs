// The Northwind sample's Teams app package (examples/northwind-handoff/appPackage): its manifest,
// with the placeholders filled, is valid against the latest v1.x manifest schema that npm
// @microsoft/app-manifest ships (JSON Schema draft-04, checked with ajv-draft-04 + ajv-formats as
// that package does), and its icons are the PNGs of the sizes Teams asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/paths.mjs';

const require = createRequire(import.meta.url);
const Ajv04 = require('ajv-draft-04');
const addFormats = require('ajv-formats');

const appPackage = join(repoRoot, 'examples', 'northwind-handoff', 'appPackage');
const template = readFileSync(join(appPackage, 'manifest.json'), 'utf8');
const schemas = join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
const ids = { TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', BOT_ID: '7e57b07d-0000-4000-8000-000000000001' };
const fill = (text) => JSON.parse(text.replace(/\$\{\{(\w+)\}\}/g, (_, name) => ids[name]));

// The newest v1.N the package ships (v1.30 in 1.1.2): the sample tracks it.
const latest = readdirSync(schemas).filter((d) => /^v1\.\d+$/.test(d)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3))).at(-1);
const schema = JSON.parse(readFileSync(join(schemas, latest, 'MicrosoftTeams.schema.json'), 'utf8'));
const ajv = new Ajv04({ allErrors: true, strictTypes: false });
addFormats(ajv, ['uri', 'email', 'regex']);
const validate = ajv.compile(schema);
const errors = (manifest) => (validate(manifest) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`));

test(`the manifest, placeholders filled, is valid against the latest schema (${latest})`, () => {
  const manifest = fill(template);
  assert.deepEqual(errors(manifest), []);
  assert.equal(`v${manifest.manifestVersion}`, latest);
  assert.equal(manifest.$schema, `https://developer.microsoft.com/json-schemas/teams/${latest}/MicrosoftTeams.schema.json`);
});

test('the manifest names the bot and its message-extension search, with the app id placeholders', () => {
  assert.match(template, /"id": "\$\{\{TEAMS_APP_ID\}\}"/);
  const manifest = fill(template);
  assert.deepEqual(manifest.bots.map((b) => [b.botId, b.scopes]), [[ids.BOT_ID, ['personal']]]);
  const [extension] = manifest.composeExtensions;
  assert.equal(extension.botId, ids.BOT_ID);
  assert.deepEqual(extension.commands.map((c) => [c.id, c.type, c.parameters.map((p) => p.name)]), [['searchProducts', 'query', ['productName']]]);
});

test('the schema check can fail: placeholders left in, or a bot without scopes', () => {
  assert.ok(errors(JSON.parse(template)).some((e) => e.startsWith('/id ')));
  const broken = fill(template);
  delete broken.bots[0].scopes;
  assert.deepEqual(errors(broken), ["/bots/0 must have required property 'scopes'"]);
});

// Width and height from a PNG's IHDR chunk, and whether it has an alpha channel.
function png(file) {
  const bytes = readFileSync(join(appPackage, file));
  assert.equal(bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is not a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), alpha: bytes[25] === 6 || bytes[25] === 4 };
}

test('the icons: color 192x192, outline 32x32 with transparency', () => {
  const manifest = fill(template);
  const color = png(manifest.icons.color);
  const outline = png(manifest.icons.outline);
  assert.deepEqual([color.width, color.height], [192, 192]);
  assert.deepEqual([outline.width, outline.height, outline.alpha], [32, 32, true]);
});
