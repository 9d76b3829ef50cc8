// Adaptive Cards: the handoff card built and a card validated, beside the official adaptivecards
// SDK's object model doing the same in Node (its UMD build needs no DOM until render()).
import { createRequire } from 'node:module';

const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

export const peer = 'adaptivecards 3.0.6';

export async function operations(hk, workload) {
  const options = { ...workload.handoffCard, botId: workload.botId, continuation: workload.continuation };
  const cardText = JSON.stringify(hk.buildHandoffCard(options));

  // What a developer would write with the SDK: the link by URL, the card by its object model.
  const sdkBuild = () => {
    const url = new URL('https://teams.microsoft.com/l/chat/0/0');
    url.searchParams.set('users', `28:${workload.botId}`);
    url.searchParams.set('continuation', workload.continuation);
    const card = new AC.AdaptiveCard();
    card.version = AC.Versions.v1_5;
    const title = new AC.TextBlock();
    title.text = options.title;
    title.size = AC.TextSize.Medium;
    title.weight = AC.TextWeight.Bolder;
    title.wrap = true;
    const text = new AC.TextBlock();
    text.text = options.text;
    text.wrap = true;
    card.addItem(title);
    card.addItem(text);
    const action = new AC.OpenUrlAction();
    action.url = url.href;
    action.title = options.buttonTitle;
    card.addAction(action);
    return card.toJSON();
  };
  // The SDK's validation of the same JSON text: parse at 1.5, then validateProperties.
  const sdkValidate = () => {
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    card.parse(JSON.parse(cardText), context);
    return context.eventCount + card.validateProperties().validationEvents.length === 0;
  };
  return {
    'card.build': { wasm: () => hk.buildHandoffCard(options), peer: sdkBuild },
    'card.validate': { wasm: () => hk.validateCard(cardText).valid, peer: sdkValidate },
  };
}
