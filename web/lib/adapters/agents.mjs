// handoffkit/agents: the handoff on the Microsoft 365 Agents SDK (@microsoft/agents-hosting 1.8).
//
// The CloudAdapter writes an invoke's answer only once the whole turn has returned, and the turn
// context is revoked then. So the turn only decides (the core's pipeline) and answers; the
// follow-ups and the app's onHandoff run after it, through adapter.continueConversation with the
// conversation reference, started from an adapter middleware once the turn is over (from inside
// the route they could overtake the answer: later parts of the turn may still do I/O).
// Nothing here imports the SDK: it drives the app's own adapter objects.
import { argumentError, handoffRuntime } from './runtime.mjs';

const workKey = Symbol.for('handoffkit.afterTurn');
const withMiddleware = new WeakSet();

const isHandoffAction = (activity) => activity?.type === 'invoke' && activity?.name === 'handoff/action';

// Runs what a turn left in its turnState once the turn (and so its answer) is done.
function installAfterTurn(adapter) {
  if (withMiddleware.has(adapter)) return;
  adapter.use(async (context, next) => {
    await next();
    const work = context.turnState.get(workKey);
    if (work) setImmediate(work);
  });
  withMiddleware.add(adapter);
}

function requireAdapter(adapter, options, where) {
  if (!adapter || typeof adapter.use !== 'function' || typeof adapter.continueConversation !== 'function')
    throw argumentError(options?.hk, `${where}: pass the CloudAdapter the app runs on`);
  return adapter;
}

// What the endpoint's authentication established: a verified Bot Connector token has an audience;
// the anonymous identity (no credentials configured: the SDK then replies without a token) has none.
// The SDK's own serviceurl check compares hosts only and by default just logs a mismatch.
function inboundOf(identity) {
  if (!identity || typeof identity.aud !== 'string') return { credentials: false };
  return { authenticated: true, serviceUrl: typeof identity.serviceurl === 'string' ? identity.serviceurl : undefined };
}

// What the pipeline reads of the activity (core invoke.cpp parse_activity reads only these
// members), as JSON: the SDK has parsed and kept the rest. The SDK's Activity keeps its channelId
// as `_channelId` behind a `channelId` getter, so the whole object does not serialize as it came;
// its own toJsonString copies and serializes every member (entities, channelData, timestamps…),
// 3-4x the cost of these few. (ACTIVITY_TOO_LARGE so counts these members only.)
const pipelineMembers = ['type', 'name', 'id', 'channelId', 'serviceUrl', 'locale', 'from', 'recipient', 'conversation', 'value'];

function wireText(activity) {
  const read = {};
  for (const name of pipelineMembers) if (activity[name] !== undefined) read[name] = activity[name];
  return JSON.stringify(read);
}

// The Agents SDK names the bot `agent` in a reference (a `bot` one fails at send).
function agentsReference({ bot, ...reference }) {
  return { ...reference, agent: bot };
}

function handoffOn(adapter, options, where) {
  requireAdapter(adapter, options, where);
  const runtime = handoffRuntime(options, where);
  installAfterTurn(adapter);

  // Posts like the native host does (to the conversation, not as replies to the invoke). An error
  // of the logic is carried out of the turn: inside it the SDK would hand it to onTurnError, which
  // posts "The agent encountered an error" into the user's chat.
  const continueWith = (identity) => async (reference, logic) => {
    let failure;
    await adapter.continueConversation(identity, agentsReference(reference), async (context) => {
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
  // The inbound identity when there was one (it carries the audience the outbound token is for),
  // else the app id: without credentials configured either sends no Authorization header.
  const identityOf = (context) => (context.identity && Object.keys(context.identity).length ? context.identity : runtime.options.appId);

  async function invoke(context) {
    if (!isHandoffAction(context.activity)) return undefined;
    const { response, work } = await runtime.decide(wireText(context.activity), inboundOf(context.identity));
    if (work) {
      const go = continueWith(identityOf(context));
      context.turnState.set(workKey, () => runtime.after(work, go));
    }
    return response;
  }

  return Object.freeze({
    invoke,
    receiveDelivery: (rawBody, signature) => runtime.receiveDelivery(rawBody, signature, continueWith(runtime.options.appId)),
    deliveryListener: runtime.deliveryListener(continueWith(runtime.options.appId)),
    idle: runtime.idle,
  });
}

/**
 * Registers the handoff/action invoke route on an AgentApplication (and the after-turn
 * middleware on its adapter).
 */
export async function addHandoffRoute(app, options) {
  if (!app || typeof app.addRoute !== 'function') throw argumentError(options?.hk, 'addHandoffRoute: pass the AgentApplication');
  const handoff = handoffOn(app.adapter, options, 'addHandoffRoute');
  app.addRoute(async (context) => isHandoffAction(context.activity), async (context) => {
    await context.sendActivity({ type: 'invokeResponse', value: await handoff.invoke(context) });
  }, true);
  return handoff;
}

/** The same for an ActivityHandler bot: call `invoke(context)` from its onInvokeActivity. */
export async function agentsHandoff(adapter, options) {
  return handoffOn(adapter, options, 'agentsHandoff');
}
