// handoffkit/botbuilder: the handoff on botbuilder 4.23 (TeamsActivityHandler / ActivityHandler
// over a CloudAdapter).
//
// Like the Agents SDK, botbuilder's CloudAdapter writes the invoke's answer once the turn has
// returned and revokes the turn context then: onInvokeActivity returns the InvokeResponse at
// once, and the follow-ups and the app's onHandoff run after the turn, through
// adapter.continueConversationAsync with the conversation reference, started from an adapter
// middleware. Nothing here imports botbuilder: it drives the app's own adapter.
import { argumentError, handoffRuntime } from './runtime.mjs';

const workKey = Symbol.for('handoffkit.afterTurn');
const withMiddleware = new WeakSet();

const isHandoffAction = (activity) => activity?.type === 'invoke' && activity?.name === 'handoff/action';

function installAfterTurn(adapter) {
  if (withMiddleware.has(adapter)) return;
  adapter.use({
    onTurn: async (context, next) => {
      await next();
      const work = context.turnState.get(workKey);
      if (work) setImmediate(work);
    },
  });
  withMiddleware.add(adapter);
}

// botbuilder's ClaimsIdentity: with authentication disabled it is the 'anonymous' one, with no
// claims (and the adapter replies without a token); a verified Bot Connector token names the
// serviceUrl it was issued for.
function inboundOf(identity) {
  if (!identity || !identity.isAuthenticated || identity.authenticationType === 'anonymous') return { credentials: false };
  const serviceUrl = identity.claims?.find((c) => c.type === 'serviceurl')?.value;
  return { authenticated: true, serviceUrl: typeof serviceUrl === 'string' ? serviceUrl : undefined };
}

/**
 * The handoff for a botbuilder bot: call `invoke(context)` from onInvokeActivity; it answers
 * handoff/action and gives undefined for every other invoke.
 */
export async function botbuilderHandoff(adapter, options) {
  if (!adapter || typeof adapter.use !== 'function' || typeof adapter.continueConversationAsync !== 'function')
    throw argumentError(options?.hk, 'botbuilderHandoff: pass the CloudAdapter the bot runs on');
  const runtime = handoffRuntime(options, 'botbuilderHandoff');
  installAfterTurn(adapter);
  const appId = runtime.options.appId;

  // Posts like the native host does (to the conversation: botbuilder's continuation would reply
  // to a fresh random activity id). An error of the logic is carried out of the turn: inside it
  // botbuilder would hand it to onTurnError.
  const continueWith = async (reference, logic) => {
    let failure;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      context.onSendActivities(async (_c, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      try {
        await logic((activity) => context.sendActivity(activity), context);
      } catch (e) {
        failure = { e };
      }
    });
    if (failure) throw failure.e;
  };

  async function invoke(context) {
    if (!isHandoffAction(context.activity)) return undefined;
    const identity = context.turnState.get(context.adapter?.BotIdentityKey ?? adapter.BotIdentityKey);
    const { response, work } = await runtime.decide(context.activity, inboundOf(identity));
    if (work) context.turnState.set(workKey, () => runtime.after(work, continueWith));
    return response;
  }

  return Object.freeze({
    invoke,
    receiveDelivery: (rawBody, signature) => runtime.receiveDelivery(rawBody, signature, continueWith),
    deliveryListener: runtime.deliveryListener(continueWith),
    idle: runtime.idle,
  });
}
