// The Northwind products bot: a Teams message extension on the Microsoft 365 Agents SDK whose search
// results each carry a fresh handoff (a continuation token with the product in its context), and
// whose handoff handler continues the conversation with that product's details.
//
//   composeExtension/query "cha"  ->  result cards, one per product, each with a "Continue in Teams"
//                                     button opening the handoff deep link
//   handoff/action (the user clicked it; Copilot or Teams sends the token)
//                                 ->  200 at once, then "Continuing…", typing, "Let's continue with
//                                     Chai.", then onHandoff: the product's details
//
// createNorthwindBot is the whole bot; server.mjs puts it on HTTP.
import { readFileSync } from 'node:fs';
import { AgentApplication, CloudAdapter } from '@microsoft/agents-hosting';
import { addHandoffRoute } from 'handoffkit/agents';

export const products = JSON.parse(readFileSync(new URL('./products.json', import.meta.url), 'utf8'));

// What the user is told after the redemption (the token's context names the product): the same
// file `handoffkit serve --messages` reads when the host stands in front of this bot.
export const messages = JSON.parse(readFileSync(new URL('./messages.json', import.meta.url), 'utf8'));

const isInvoke = (name) => async (context) => context.activity.type === 'invoke' && context.activity.name === name;

// The search text of a composeExtension/query ('' on the initial run: everything).
function queryText(activity) {
  const parameters = activity.value?.parameters ?? [];
  const first = parameters.find((p) => p.name !== 'initialRun');
  return typeof first?.value === 'string' ? first.value.trim().toLowerCase() : '';
}

const money = (n) => n.toFixed(2);

/** One search result: the handoff's card, and the preview Teams lists it with. */
async function resultFor(hk, product, { botId, keys, store, user }) {
  const handoff = await hk.createHandoff({
    botId,
    user,
    ctx: { productId: product.id, product: product.name },
    ttl: 600,
    title: product.name,
    text: `${product.category}: ${product.quantityPerUnit}, ${money(product.unitPrice)} each. Continue in a chat with the Northwind bot.`,
  }, keys, store);
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: handoff.card,
    preview: {
      contentType: 'application/vnd.microsoft.card.thumbnail',
      content: { title: product.name, text: `${product.category}, ${money(product.unitPrice)}` },
    },
  };
}

/**
 * The bot: an AgentApplication on a CloudAdapter (anonymous unless `authConfig` has credentials),
 * its message-extension search, and the handoff route.
 * options: { hk, botId, keys, store, deliveryKey?, authConfig?, onError? }
 */
export async function createNorthwindBot({ hk, botId, keys, store, deliveryKey, authConfig, onError }) {
  const adapter = new CloudAdapter(authConfig);
  const app = new AgentApplication({ adapter });

  app.addRoute(isInvoke('composeExtension/query'), async (context) => {
    const text = queryText(context.activity);
    const found = products.filter((p) => p.name.toLowerCase().includes(text)).slice(0, 8);
    const user = context.activity.from?.aadObjectId;
    const attachments = await Promise.all(found.map((p) => resultFor(hk, p, { botId, keys, store, user })));
    await context.sendActivity({
      type: 'invokeResponse',
      value: { status: 200, body: { composeExtension: { type: 'result', attachmentLayout: 'list', attachments } } },
    });
  }, true);

  const handoff = await addHandoffRoute(app, {
    hk, botId, keys, store, messages, deliveryKey, onError,
    // The conversation continues where the search left off: with the product the token names.
    onHandoff: async (context, { context: ctx }) => {
      const product = products.find((p) => p.id === ctx?.productId);
      if (!product) return context.sendActivity("I couldn't find that product any more. What are you looking for?");
      return context.sendActivity(`${product.name} (${product.category}): ${product.quantityPerUnit}, ` +
        `${money(product.unitPrice)} each, ${product.unitsInStock} in stock. How many would you like?`);
    },
  });

  app.onActivity('message', async (context) => {
    await context.sendActivity('Search Northwind products from the compose box (the "Search products" message extension), ' +
      'then press "Continue in Teams" on a result to talk about it here.');
  });

  return { adapter, app, handoff };
}
