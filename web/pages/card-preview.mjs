// Handoff card preview: options in; the deep link, the card JSON (deterministic) and the card as
// the official adaptivecards renderer draws it out. Clicking the button shows the url the SDK
// would open instead of leaving the page. Text only: input never reaches innerHTML.
import { AdaptiveCard, SerializationContext, Versions } from 'adaptivecards';
import { init } from 'handoffkit';
import { renderProblems } from './problems.mjs';

const hk = await init();
const $ = (id) => document.getElementById(id);
const fields = ['botId', 'continuation', 'title', 'text', 'buttonTitle', 'version'];

function options() {
  const o = {};
  for (const f of fields) if ($(f).value !== '') o[f] = $(f).value;
  return o;
}

// The SDK's parse and validation events for `card`, and its rendering with clicks captured.
function render(card, version) {
  const sdkCard = new AdaptiveCard();
  const context = new SerializationContext(Versions[`v${version.replace('.', '_')}`]);
  sdkCard.parse(card, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i).message);
  for (const e of sdkCard.validateProperties().validationEvents) events.push(e.message);
  sdkCard.onExecuteAction = (action) => {
    $('clicked').textContent = action.url;
  };
  $('card').replaceChildren(sdkCard.render());
  return events;
}

function clear() {
  for (const id of ['link', 'json', 'card']) $(id).replaceChildren();
  for (const id of ['linkProblems', 'cardProblems']) $(id).replaceChildren();
}

function update() {
  const o = options();
  $('clicked').textContent = '(nothing yet)';
  try {
    const link = hk.buildHandoffLink({ botId: o.botId ?? '', continuation: o.continuation ?? '' });
    const card = hk.buildHandoffCard(o);
    $('link').textContent = link;
    renderProblems($('linkProblems'), hk.validateDeepLink(link, { expectKind: 'handoff' }).problems);
    $('json').textContent = JSON.stringify(card, null, 2);
    const report = hk.validateCard(card, { version: o.version });
    renderProblems($('cardProblems'), report.problems);
    const events = render(card, o.version);
    $('verdict').className = report.valid && events.length === 0 ? 'ok' : 'error';
    $('verdict').textContent = report.valid && events.length === 0
      ? `Valid Adaptive Card ${o.version}; the renderer raised no events`
      : `Problems: ${[...report.problems.map((p) => p.code), ...events].join('; ')}`;
  } catch (e) {
    if (!(e instanceof hk.HandoffKitError)) throw e;
    clear();
    $('verdict').className = 'error';
    $('verdict').textContent = `${e.code}: ${e.message}`;
  }
}

for (const f of fields) $(f).addEventListener('input', update);
update();
document.body.dataset.ready = 'true';
