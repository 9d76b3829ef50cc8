// The judge: the official adaptivecards SDK, bundled by Vite with the packed handoffkit package.
// Exposes window.judge for tests/browser/cards.test.mjs.
import * as AC from 'adaptivecards';
import { init } from 'handoffkit';

const versionOf = (v) => AC.Versions[`v${v.replace('.', '_')}`];

// adaptivecards says "sideEffects": false, so a bundler drops table.js and carousel.js (whose
// side effect registers Table and Carousel) unless something uses them: the page does.
document.documentElement.dataset.sdkModules = [AC.Table, AC.Carousel].map((c) => typeof c).join(' ');

// Every parse and validation event the SDK raises for `card` at `version`.
function events(card, version) {
  const sdkCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(versionOf(version));
  sdkCard.parse(card, context);
  const out = [];
  for (let i = 0; i < context.eventCount; i++) out.push(`${context.getEventAt(i).event}: ${context.getEventAt(i).message}`);
  for (const e of sdkCard.validateProperties().validationEvents) out.push(`${e.event}: ${e.message}`);
  return { sdkCard, events: out };
}

// Renders `card`, clicks its first action button and returns the url the SDK hands the host.
function renderAndClick(card, version) {
  const { sdkCard } = events(card, version);
  let opened = null;
  sdkCard.onExecuteAction = (action) => {
    opened = action.url;
  };
  const root = document.getElementById('card');
  root.replaceChildren(sdkCard.render());
  const button = root.querySelector('[role="link"]');
  button?.click();
  return { opened, buttonText: button?.textContent ?? null };
}

window.judge = {
  hk: await init(),
  events: (card, version = '1.5') => events(card, version).events,
  renderAndClick,
};
document.body.dataset.ready = 'true';

// ---- the SDK's own property tables, one card per property (tests/browser/cards.test.mjs) ----

const versions = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'];
const before = (v) => versions[versions.indexOf(v) - 1];
const later = (a, b) => (versions.indexOf(a) >= versions.indexOf(b) ? a : b);
const https = 'https://contoso.com/x.png';

// What a card needs besides the property under test, per type (schema 1.6.0 "required").
const minimal = {
  TextBlock: { text: 'x' }, Image: { url: https }, Container: { items: [] }, FactSet: { facts: [{ title: 'a', value: 'b' }] },
  ImageSet: { images: [{ type: 'Image', url: https }] }, Media: { sources: [{ mimeType: 'video/mp4', url: 'https://contoso.com/v.mp4' }] },
  ActionSet: { actions: [{ type: 'Action.OpenUrl', url: 'https://contoso.com/' }] }, RichTextBlock: { inlines: ['x'] },
  'Input.Text': { id: 'in' }, 'Input.Number': { id: 'in' }, 'Input.Date': { id: 'in' }, 'Input.Time': { id: 'in' },
  'Input.ChoiceSet': { id: 'in' }, 'Input.Toggle': { id: 'in', title: 'x' }, 'Action.OpenUrl': { url: 'https://contoso.com/' },
  'Action.ToggleVisibility': { targetElements: ['x'] }, TextRun: { text: 'x' },
};

// A value the SDK accepts for the property at `version` (its first enum value valid there). The
// bundle is minified, so property classes are told apart with instanceof, not by name.
function sample(type, prop, version) {
  const name = prop.name;
  const is = (cls) => prop instanceof cls;
  if (prop.values) {
    const v = prop.values.find((x) => (x.targetVersion ?? prop.targetVersion).compareTo(versionOf(version)) <= 0) ?? prop.values[0];
    return prop.enumType ? prop.enumType[v.value] : v.value;
  }
  if (is(AC.BoolProperty)) return true;
  if (is(AC.NumProperty)) return 1;
  if (is(AC.PixelSizeProperty) || (type === 'Image' && (name === 'width' || name === 'height'))) return '50px';
  if (is(AC.TimeProperty)) return '10:00';
  if (is(AC.StringArrayProperty)) return ['u1'];
  if (is(AC.RefreshActionProperty)) return { type: 'Action.Execute' };
  if (is(AC.ActionProperty)) return { type: 'Action.OpenUrl', url: 'https://contoso.com/' };
  if (is(AC.SerializableObjectCollectionProperty)) {
    const items = new Map([
      [AC.Image, { type: 'Image', url: https }], [AC.Fact, { title: 'a', value: 'b' }],
      [AC.MediaSource, { mimeType: 'video/mp4', url: 'https://contoso.com/v.mp4' }],
      [AC.CaptionSource, { mimeType: 'vtt', url: 'https://contoso.com/c.vtt', label: 'en' }],
      [AC.Choice, { title: 'a', value: 'a' }], [AC.TableColumnDefinition, { width: 1 }],
    ]);
    return [items.get(prop.objectType)];
  }
  if (is(AC.SerializableObjectProperty)) {
    const objects = new Map([
      [AC.HostCapabilities, { adaptiveCards: '1.0' }], [AC.BackgroundImage, { url: https }],
      [AC.RefreshDefinition, { action: { type: 'Action.Execute' } }], [AC.Authentication, { text: 'x' }],
      [AC.ChoiceSetInputDataQuery, { type: 'Data.Query', dataset: 'd' }],
    ]);
    return objects.get(prop.objectType);
  }
  if (is(AC.CustomProperty)) return { targetElements: ['x'], labelWidth: 30, associatedInputs: 'auto', width: 'auto' }[name];
  if (name === 'data') return { k: 'v' };
  if (name === 'backgroundColor') return '#FF0000';
  if (['url', 'iconUrl', 'poster'].includes(name)) return type === 'Action.OpenUrl' ? 'https://contoso.com/' : https;
  return 'x';
}

// The card holding `type` (with `prop` set) at `version`, and the JSON pointer of the property.
function cardWith(type, kind, prop, value, version) {
  const object = { type, ...minimal[type], [prop]: value };
  const card = { type: 'AdaptiveCard', version, body: [] };
  if (type === 'AdaptiveCard') return { card: { ...card, [prop]: value }, path: `/${prop}` };
  if (kind === 'action') return { card: { ...card, actions: [object] }, path: `/actions/0/${prop}` };
  if (type === 'TextRun') return { card: { ...card, body: [{ type: 'RichTextBlock', inlines: [object] }] }, path: `/body/0/inlines/0/${prop}` };
  return { card: { ...card, body: [object] }, path: `/body/0/${prop}` };
}

function sdkFlagsUnsupported(card, version, prop) {
  const sdkCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(versionOf(version));
  sdkCard.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    if (e.event === AC.ValidationEvent.UnsupportedProperty && e.message.includes(`"${prop}"`)) return true;
  }
  return false;
}

// Every (type, property) the SDK registers, judged by both at the version of introduction and
// the one before: [{type, prop, since, sdk: {at, before}, hk: {at, before}, hkKnows, hkValue}].
function propertyMatrix() {
  const hk = window.judge.hk;
  const rows = [];
  const types = [['AdaptiveCard', 'card', '1.0', new AC.AdaptiveCard()]];
  for (const [registry, kind] of [[AC.GlobalRegistry.defaultElements, 'element'], [AC.GlobalRegistry.defaultActions, 'action']])
    for (let i = 0; i < registry.getItemCount(); i++) {
      const r = registry.getItemAt(i);
      types.push([r.typeName, kind, r.schemaVersion.toString(), new r.objectType()]);
    }
  for (const [type, kind, typeSince, instance] of types) {
    const schema = instance.getSchema();
    for (let i = 0; i < schema.getCount(); i++) {
      const prop = schema.getItemAt(i);
      if (['type', 'version', '$schema'].includes(prop.name) || prop.isSerializationEnabled === false) continue;
      const since = prop.targetVersion.toString();
      const floor = type === 'TextRun' ? '1.2' : typeSince;  // a TextRun lives in a RichTextBlock (1.2)
      const judge = (version) => {
        const { card, path } = cardWith(type, kind, prop.name, sample(type, prop, version), version);
        const problems = hk.validateCard(card, { version }).problems.filter((p) => p.path === path);
        return {
          sdk: sdkFlagsUnsupported(card, version, prop.name),
          hk: problems.some((p) => p.code === 'UNSUPPORTED_PROPERTY'),
          unknown: problems.some((p) => p.code === 'UNKNOWN_PROPERTY' || p.code === 'PROPERTY_CASE_MISMATCH'),
          valueProblems: problems.filter((p) => p.code.startsWith('PROPERTY_') || p.code.startsWith('URL_')).map((p) => p.code),
        };
      };
      const at = judge(later(since, floor));
      const prev = before(since);
      const earlier = prev && versions.indexOf(prev) >= versions.indexOf(floor) ? judge(prev) : null;
      rows.push({ type, kind, prop: prop.name, since, at, before: earlier });
    }
  }
  return rows;
}

window.judge.propertyMatrix = propertyMatrix;
