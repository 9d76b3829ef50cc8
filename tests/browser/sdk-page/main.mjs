// The judge: the official adaptivecards SDK, bundled by Vite with the packed handoffkit package.
// Exposes window.judge for tests/browser/cards.test.mjs.
import * as AC from 'adaptivecards';
import { init } from 'handoffkit';

const versionOf = (v) => AC.Versions[`v${v.replace('.', '_')}`];

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
