#!/usr/bin/env node
// Generates core/schema/adaptive_cards.json, the Adaptive Cards schema table the card validator
// is driven by (docs/cards.md says how it is read). Run it again when a source changes; the
// output is committed as data and compiled into the core (cmake/embed_ruleset.cmake).
//
// Sources, all npm packages:
//   adaptivecards 3.0.6 (node_modules): the official SDK's registered element and action types and
//     every property each declares, with the version that introduced it and its value kind;
//   adaptivecards-designer 2.4.4 (`npm pack adaptivecards-designer@2.4.4`, unpacked; pass its
//     folder): lib/adaptive-card-schema.js, whose every property must be in the table at 1.0, and
//     lib/hostConfigs/microsoft-teams-light.json, the Teams host config (maxActions);
// plus SUPPLEMENT below: what the SDK parses by hand rather than declaring (body, items, fallback,
// …), the required properties and the Teams extensions, each with the document it comes from.
//
// Usage: node scripts/gen-card-schema.mjs DESIGNER_PACKAGE_DIR [--check]
//   --check: exit 1 when the committed table differs from what the sources give.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const designerDir = args.find((a) => !a.startsWith('--'));
if (!designerDir) {
  console.error('usage: node scripts/gen-card-schema.mjs DESIGNER_PACKAGE_DIR [--check]');
  process.exit(2);
}
const AC = require(join(repo, 'node_modules/adaptivecards/dist/adaptivecards.js'));
const sdkVersion = require(join(repo, 'node_modules/adaptivecards/package.json')).version;
const designer = require(join(designerDir, 'lib/adaptive-card-schema.js')).adaptiveCardSchema;
const designerVersion = require(join(designerDir, 'package.json')).version;
const teamsHostConfig = JSON.parse(readFileSync(join(designerDir, 'lib/hostConfigs/microsoft-teams-light.json'), 'utf8'));

const SOURCES = {
  sdk: `adaptivecards ${sdkVersion} (npm), lib/card-elements.js, lib/table.js, lib/carousel.js: GlobalRegistry's element and action types and each type's getSchema() properties (name, targetVersion, kind)`,
  designer: `adaptivecards-designer ${designerVersion} (npm), lib/adaptive-card-schema.js (the 1.0 JSON schema)`,
  teamsHostConfig: `adaptivecards-designer ${designerVersion} (npm), lib/hostConfigs/microsoft-teams-light.json`,
  schema: 'Adaptive Cards schema 1.6.0, http://adaptivecards.io/schemas/adaptive-card.json (microsoft/AdaptiveCards schemas/1.6.0/adaptive-card.json)',
  teams: 'Microsoft Learn, Teams: "Card formatting" (msteams width, mention entities, Stageview images) and "Card actions" (Action.Submit data.msteams), learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format and …/cards-actions',
  copilot: 'Microsoft Learn, "Guidelines to create or upgrade Copilot extensions" (message extensions as Copilot plugins), learn.microsoft.com/microsoftteams/platform/messaging-extensions/high-quality-message-extension, section "Adaptive Card response"',
  messageExtension: 'Microsoft Learn, "Build message extensions using Bot Framework", learn.microsoft.com/microsoftteams/platform/messaging-extensions/build-bot-based-message-extension',
  teamsLimits: 'Microsoft Learn, Teams: "Format cards in Microsoft Teams" and "Create an Incoming Webhook": a bot message up to 100 KB (80 % warns), an incoming webhook or connector message up to 28 KB',
};

// ---- from the SDK -----------------------------------------------------------------------------

// Sub-objects that are not registered types, by the JSON type name the schema gives them.
const OBJECT_CLASSES = {
  Column: 'Column', Fact: 'Fact', 'Input.Choice': 'Choice', MediaSource: 'MediaSource', CaptionSource: 'CaptionSource',
  BackgroundImage: 'BackgroundImage', Refresh: 'RefreshDefinition', Authentication: 'Authentication',
  TokenExchangeResource: 'TokenExchangeResource', AuthCardButton: 'AuthCardButton',
  TableColumnDefinition: 'TableColumnDefinition', TableRow: 'TableRow', TableCell: 'TableCell',
  'Data.Query': 'ChoiceSetInputDataQuery', CarouselPage: 'CarouselPage',
};
const OBJECT_OF_CLASS = Object.fromEntries(Object.entries(OBJECT_CLASSES).map(([t, c]) => [c, t]));
// The SDK class of a collection's items, by (owner, property), where the SDK names it.
const URL_KINDS = { // properties whose string is a URL, and which URL policy applies
  'Action.OpenUrl.url': 'url', 'Image.url': 'image', 'Action.*.iconUrl': 'image', 'BackgroundImage.url': 'image',
  'Media.poster': 'image', 'MediaSource.url': 'media', 'CaptionSource.url': 'media', 'AuthCardButton.image': 'image',
};
const versionOf = (v) => v.toString();
const typeToken = (owner, name, prop) => {
  const cls = prop.constructor.name;
  const key = `${owner}.${name}`;
  const urlKind = URL_KINDS[key] ?? (owner.startsWith('Action.') ? URL_KINDS[`Action.*.${name}`] : undefined);
  if (urlKind) return urlKind;
  if (name === 'id' && owner !== 'TokenExchangeResource') return 'id';
  if (key === 'Image.backgroundColor') return 'color';
  if (name === 'requires') return 'requires';
  if (name === 'version') return 'version';
  if (name === 'backgroundImage') return 'backgroundImage';
  switch (cls) {
    case 'StringProperty': return 'string';
    case 'BoolProperty': return 'bool';
    case 'NumProperty': return ['maxLines', 'maxLength', 'count', 'skip', 'timer', 'initialPage'].includes(name) ? 'count' : 'number';
    case 'EnumProperty': case 'ValueSetProperty': case 'ContainerStyleProperty': return `enum:${enumName(owner, name, prop)}`;
    case 'ActionProperty': return 'action';
    case 'RefreshActionProperty': return 'execute';
    case 'PixelSizeProperty': return 'pixels';
    case 'ImageDimensionProperty': return 'dimension';
    case 'TimeProperty': return 'time';
    case 'StringArrayProperty': return 'strings';
    case 'PropertyDefinition': return name === 'data' ? (owner === 'Action.Submit' ? 'data:TeamsSubmitData' : 'data') : 'any';
    case 'SerializableObjectProperty': return `object:${OBJECT_OF_CLASS[prop.objectType?.name] ?? fail(key)}`;
    case 'SerializableObjectCollectionProperty': {
      const cls2 = prop.objectType?.name;
      return `objects:${cls2 === 'Image' ? 'Image' : OBJECT_OF_CLASS[cls2] ?? fail(key)}`;
    }
    case 'CustomProperty': return { targetElements: 'targets', width: 'columnWidth', labelWidth: 'labelWidth', associatedInputs: 'enum:associatedInputs', $schema: 'string' }[name] ?? fail(key);
    default: return fail(`${key} (${cls})`);
  }
};
function fail(what) {
  throw new Error(`gen-card-schema: no value kind for ${what}`);
}

// Enum value sets, named once and shared; values keep the case the schema writes them in.
const enums = {};
const enumKeys = new Map();
const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
function enumName(owner, name, prop) {
  if (name === 'associatedInputs') return 'associatedInputs';
  const values = prop.values.map((v) => {
    const text = lowerFirst(prop.enumType ? prop.enumType[v.value] : v.value);
    return v.targetVersion && v.targetVersion.toString() !== versionOf(prop.targetVersion) && v.targetVersion.compareTo(AC.Versions.v1_0) > 0
      ? `${text}@${v.targetVersion}` : text;
  });
  const key = JSON.stringify(values);
  if (enumKeys.has(key)) return enumKeys.get(key);
  const named = { 'Image.size': 'imageSize', 'ImageSet.imageSize': 'imageSetSize', 'TextBlock.size': 'fontSize',
    'TextBlock.weight': 'fontWeight', 'Container.verticalContentAlignment': 'verticalAlignment' }[`${owner}.${name}`];
  let enumId = named ?? { height: 'blockHeight', style: `${lowerFirst(owner.replace(/^(Action|Input)\./, ''))}Style` }[name] ?? name;
  if (/^action|^openUrl|^submit|^showCard|^toggleVisibility|^execute/.test(enumId) && name === 'style') enumId = 'actionStyle';
  if (name === 'style' && prop.constructor.name === 'ContainerStyleProperty') enumId = 'containerStyle';
  while (enums[enumId]) enumId += '2';
  enums[enumId] = values;
  enumKeys.set(key, enumId);
  return enumId;
}

const types = {};
function addSdkType(name, kind, since, instance) {
  const schema = instance.getSchema();
  const props = {};
  for (let i = 0; i < schema.getCount(); i++) {
    const p = schema.getItemAt(i);
    // `type` names the object (checked by the validator), except on a sign-in button (its kind).
    if ((p.name === 'type' && name !== 'AuthCardButton') || p.isSerializationEnabled === false) continue;
    props[p.name] = { since: versionOf(p.targetVersion), kind: typeToken(name, p.name, p), src: 'sdk' };
  }
  types[name] = { kind, since, props };
}
for (const [registry, kind] of [[AC.GlobalRegistry.defaultElements, 'element'], [AC.GlobalRegistry.defaultActions, 'action']]) {
  for (let i = 0; i < registry.getItemCount(); i++) {
    const r = registry.getItemAt(i);
    // TextRun is registered as an element so that RichTextBlock can create it; it is an inline.
    addSdkType(r.typeName, r.typeName === 'TextRun' ? 'inline' : kind, versionOf(r.schemaVersion), new r.objectType());
  }
}
addSdkType('AdaptiveCard', 'card', '1.0', new AC.AdaptiveCard());
for (const [name, cls] of Object.entries(OBJECT_CLASSES)) addSdkType(name, 'object', '1.0', new AC[cls]());

// ---- what the SDK does not declare ----------------------------------------------------------

// [type, property, since, kind, source]; `!` after the kind: required. Types the SDK lacks come
// with their own kind and version first ([type, '=', kind, since, source]).
const SUPPLEMENT = [
  ['AdaptiveCard', 'body', '1.0', 'elements', 'schema'],
  ['AdaptiveCard', 'actions', '1.0', 'actions', 'schema'],
  ['AdaptiveCard', 'metadata', '1.6', 'object:Metadata', 'schema'],
  ['AdaptiveCard', 'minVersion', '1.0', 'string', 'designer'],
  ['AdaptiveCard', 'msteams', '1.0', 'object:TeamsCard', 'teams'],
  ['Container', 'items', '1.0', 'elements!', 'schema'],
  ['Column', 'items', '1.0', 'elements', 'schema'],
  ['Column', 'fallback', '1.2', 'fallback', 'schema'],
  ['ColumnSet', 'columns', '1.0', 'objects:Column', 'schema'],
  ['ActionSet', 'actions', '1.2', 'actions!', 'schema'],
  ['RichTextBlock', 'inlines', '1.2', 'inlines!', 'schema'],
  ['Table', 'rows', '1.5', 'objects:TableRow', 'schema'],
  ['Table', 'firstRowAsHeader', '1.5', 'bool', 'schema'],
  ['TableRow', 'cells', '1.5', 'objects:TableCell', 'schema'],
  ['TableCell', 'items', '1.5', 'elements!', 'schema'],
  ['Carousel', 'pages', '1.6', 'objects:CarouselPage', 'sdk'],
  ['CarouselPage', 'items', '1.6', 'elements', 'sdk'],
  ['Action.ShowCard', 'card', '1.0', 'card', 'schema'],
  ['Refresh', 'expires', '1.6', 'string', 'schema'],
  ['Image', 'msteams', '1.0', 'object:TeamsImage', 'teams'],
  ['Metadata', '=', 'object', '1.6', 'schema'],
  ['Metadata', 'webUrl', '1.6', 'url', 'schema'],
  ['TargetElement', '=', 'object', '1.2', 'schema'],
  ['TargetElement', 'elementId', '1.2', 'string!', 'schema'],
  ['TargetElement', 'isVisible', '1.2', 'bool', 'schema'],
  ['TeamsCard', '=', 'object', '1.0', 'teams'],
  ['TeamsCard', 'width', '1.0', 'enum:teamsWidth', 'teams'],
  ['TeamsCard', 'entities', '1.0', 'objects:TeamsMention', 'teams'],
  ['TeamsMention', '=', 'object', '1.0', 'teams'],
  ['TeamsMention', 'type', '1.0', 'enum:teamsEntity!', 'teams'],
  ['TeamsMention', 'text', '1.0', 'string!', 'teams'],
  ['TeamsMention', 'mentioned', '1.0', 'object:TeamsMentioned!', 'teams'],
  ['TeamsMentioned', '=', 'object', '1.0', 'teams'],
  ['TeamsMentioned', 'id', '1.0', 'string!', 'teams'],
  ['TeamsMentioned', 'name', '1.0', 'string!', 'teams'],
  ['TeamsImage', '=', 'object', '1.0', 'teams'],
  ['TeamsImage', 'allowExpand', '1.0', 'bool', 'teams'],
  ['TeamsSubmitData', '=', 'object', '1.0', 'teams'],
  ['TeamsSubmitData', 'type', '1.0', 'enum:teamsSubmit!', 'teams'],
  ['TeamsSubmitData', 'displayText', '1.0', 'string', 'teams'],
  ['TeamsSubmitData', 'text', '1.0', 'string', 'teams'],
  ['TeamsSubmitData', 'value', '1.0', 'any', 'teams'],
];
// Every element and action may name a fallback (schema 1.6.0, Extendable.Element/.Action).
const FALLBACK_SINCE = '1.2';
// Required properties (schema 1.6.0 "required"), beyond those SUPPLEMENT marks.
const REQUIRED = {
  'Action.OpenUrl': ['url'], 'Action.ToggleVisibility': ['targetElements'], TextBlock: ['text'], Image: ['url'],
  FactSet: ['facts'], ImageSet: ['images'], Media: ['sources'], 'Input.Toggle': ['title'], Fact: ['title', 'value'],
  'Input.Choice': ['title', 'value'], MediaSource: ['url'], CaptionSource: ['mimeType', 'url', 'label'],
  BackgroundImage: ['url'], TokenExchangeResource: ['id', 'uri', 'providerId'], AuthCardButton: ['type', 'value'],
  'Data.Query': ['dataset'], TextRun: ['text'],
};
const INPUTS_REQUIRE = ['id'];  // Extendable.Input
Object.assign(enums, { associatedInputs: ['auto', 'none'], teamsWidth: ['full'], teamsEntity: ['mention'], teamsSubmit: ['messageBack', 'imBack', 'signin', 'invoke', 'task/fetch'] });

for (const [type, prop, a, b, src] of SUPPLEMENT) {
  if (prop === '=') {
    types[type] = { kind: a, since: b, props: {}, src };
    continue;
  }
  const required = a.endsWith('!') || b.endsWith('!');
  const kind = b.replace(/!$/, '');
  const t = types[type] ?? fail(`supplement type ${type}`);
  if (t.props[prop]?.src === 'sdk') fail(`supplement ${type}.${prop}: the SDK declares it`);
  t.props[prop] = { since: a, kind, src, required };
}
for (const [name, t] of Object.entries(types)) {
  if ((t.kind === 'element' || t.kind === 'action') && !t.props.fallback) t.props.fallback = { since: FALLBACK_SINCE, kind: 'fallback', src: 'schema' };
  const required = [...(REQUIRED[name] ?? []), ...(name.startsWith('Input.') && t.kind === 'element' ? INPUTS_REQUIRE : [])];
  for (const p of required) {
    (t.props[p] ?? fail(`required ${name}.${p} is not a property`)).required = true;
  }
}

// ---- cross-checks ---------------------------------------------------------------------------

// Every property of the designer's 1.0 schema must be in the table at 1.0 (for the 1.0 types).
const designerProblems = [];
for (const [name, def] of Object.entries(designer.definitions)) {
  if (!def.properties || !types[name]) continue;
  for (const p of Object.keys(def.properties)) {
    if (p === 'type') continue;
    const known = types[name].props[p];
    if (!known) designerProblems.push(`${name}.${p} is in the designer's schema but not in the table`);
  }
}
if (designerProblems.length) fail(designerProblems.join('; '));

// Where the SDK dates a property earlier than schema 1.6.0 does: the table follows the SDK (the
// renderer Teams' clients are built on), and lists the pair here so docs/cards.md can say so.
const DISAGREEMENTS = [
  ['AdaptiveCard.backgroundImage', '1.0', '1.2 (the 1.0 schema had it as a URL string)'],
  ['Container.backgroundImage', '1.0', '1.2'], ['Column.backgroundImage', '1.0', '1.2'], ['TableCell.backgroundImage', '1.0', '1.2'],
  ['AdaptiveCard.rtl', '1.0', '1.5'], ['Container.rtl', '1.0', '1.5'], ['Column.rtl', '1.0', '1.5'], ['TableCell.rtl', '1.0', '1.5'],
  ['ColumnSet.style', '1.0', '1.2'], ['Input.Text.inlineAction', '1.0', '1.2'], ['AdaptiveCard.lang', '1.1', '1.0'],
  ['Table.firstRowAsHeaders', '1.5', 'absent: the schema names it firstRowAsHeader (both are in the table)'],
].map(([pair, sdk, schema]) => ({ pair, sdk, schema }));
for (const d of DISAGREEMENTS) {
  const [type, ...rest] = d.pair.split('.');
  const name = rest.join('.');
  const t = types[type] ?? types[`${type}.${rest[0]}`];
  const prop = t?.props[name] ?? types[`${type}.${rest[0]}`]?.props[rest[1]];
  if (!prop || prop.since !== d.sdk) fail(`disagreement ${d.pair}: the table says ${prop?.since}`);
}

// ---- targets --------------------------------------------------------------------------------

const maxActions = teamsHostConfig.actions?.maxActions ?? fail('maxActions in the Teams host config');
const TARGETS = {
  bot: { maxBytes: 100 * 1024, warnBytes: 80 * 1024, maxActions, sources: ['teamsLimits', 'teamsHostConfig'] },
  webhook: { maxBytes: 28 * 1024, warnBytes: Math.floor(28 * 1024 * 8 / 10), maxActions, sources: ['teamsLimits', 'teamsHostConfig'] },
  copilot: {
    maxVersion: '1.5', maxBytes: 28 * 1024, warnBytes: Math.floor(28 * 1024 * 8 / 10), maxActions: 4, minButtons: 1, maxButtons: 4,
    unsupportedSubmitTypes: ['imBack', 'messageBack'],
    recommendedActions: ['Action.OpenUrl', 'Action.ToggleVisibility', 'Action.Execute', 'Action.Submit'],
    sources: ['copilot', 'messageExtension'],
    rules: [
      { code: 'VERSION_NEWER_THAN_TARGET', source: 'copilot', quote: 'Adaptive Card response template example: "type": "AdaptiveCard", "version": "1.5"' },
      { code: 'COPILOT_ACTION_COUNT', source: 'copilot', quote: 'An Adaptive Card must contain at least one action button, but not more than four action buttons. [Mandatory]' },
      { code: 'COPILOT_ACTION_UNSUPPORTED', source: 'copilot', quote: 'Action types imBack, messageBack aren\'t supported in a data object.' },
      { code: 'COPILOT_ACTION_NOT_RECOMMENDED', source: 'copilot', quote: 'The following action types are recommended: Action.OpenUrl, Action.ToggleVisibility, Action.Execute, Action.Submit: Opens a dialog or Stageview using type invoke in data object.' },
      { code: 'COPILOT_ALT_TEXT_MISSING', source: 'copilot', quote: 'Apart from thumbnails, any image in an Adaptive Card must have an alt-text. [Recommended]' },
      { code: 'PAYLOAD_TOO_LARGE', source: 'messageExtension', quote: 'The result card size limit is 28 KB. The card isn\'t sent if its size exceeds 28 KB.' },
    ],
  },
};

// ---- output ---------------------------------------------------------------------------------

const sortKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
const propText = (p) => `${p.since} ${p.kind}${p.required ? '!' : ''}${p.src === 'sdk' ? '' : ` ${p.src}`}`;
const table = {
  $comment: 'Generated by scripts/gen-card-schema.mjs from the sources below: do not edit. types: name -> {kind: card|element|action|inline|object, since, props}; a property is "SINCE KIND[!] [SOURCE]" (! = required; SOURCE when not the SDK). Kinds: docs/cards.md. enums: value sets, "value@V" where a value came later than its property. disagreements: pairs the SDK dates earlier than schema 1.6.0 (the table follows the SDK). targets: the limits and rules per host.',
  sources: SOURCES,
  enums: sortKeys(enums),
  types: sortKeys(Object.fromEntries(Object.entries(types).map(([n, t]) => [n, {
    kind: t.kind, since: t.since, ...(t.src ? { src: t.src } : {}),
    props: sortKeys(Object.fromEntries(Object.entries(t.props).map(([k, p]) => [k, propText(p)]))),
  }]))),
  disagreements: DISAGREEMENTS,
  targets: TARGETS,
};
// One line per value set and per type: compact for the wasm module, and a diff names the type.
const block = (o) => `{\n${Object.entries(o).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}`;
const text = `{\n${Object.entries(table).map(([k, v]) =>
  `${JSON.stringify(k)}: ${k === 'types' || k === 'enums' ? block(v) : JSON.stringify(v)}`).join(',\n')}\n}\n`;
const out = join(repo, 'core/schema/adaptive_cards.json');
if (args.includes('--check')) {
  const same = readFileSync(out, 'utf8') === text;
  console.log(same ? 'core/schema/adaptive_cards.json is up to date' : 'core/schema/adaptive_cards.json differs from its sources');
  process.exit(same ? 0 : 1);
}
writeFileSync(out, text);
const pairs = Object.values(types).reduce((n, t) => n + Object.keys(t.props).length, 0);
console.log(`wrote ${out}: ${Object.keys(types).length} types, ${pairs} properties, ${Object.keys(enums).length} value sets`);
