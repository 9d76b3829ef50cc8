// handoffkit/teams: the handoff on teams.ts (@microsoft/teams.apps 2.x).
//
// teams.ts routes the invoke to app.on('handoff.action') with the raw, unverified continuation and
// answers 200 whatever a handler does not say, and also when no handler is registered: so the
// handler must be registered, and it returns the pipeline's InvokeResponse. The answer is written
// as soon as the handler returns (nothing of the turn is left that does I/O), so the follow-ups and
// the app's onHandoff start from the next macrotask, posted to the reference's conversation with
// the app's own HTTP client. Without credentials that is the client without a token: teams.apps
// 2.0.x would otherwise send `Authorization: Bearer null` (its bug, fixed in 2.1).
import { createRequire } from 'node:module';
import { argumentError, handoffRuntime } from './runtime.mjs';

const require = createRequire(import.meta.url);

// teams.api's Client, as the app's own teams.apps resolves it (a dependency of teams.apps).
function teamsApiFor(hk) {
  try {
    const apps = require.resolve('@microsoft/teams.apps');
    return createRequire(apps)('@microsoft/teams.api');
  } catch (e) {
    throw argumentError(hk, `teamsHandoff: @microsoft/teams.apps (and its @microsoft/teams.api) must be installed: ${e.message}`);
  }
}

/**
 * The handoff for a teams.ts App: registers app.on('handoff.action'). onHandoff gets a
 * conversation object: { app, reference, send(activity | text) }.
 */
export async function teamsHandoff(app, options) {
  if (!app || typeof app.on !== 'function' || !app.api || !app.client)
    throw argumentError(options?.hk, 'teamsHandoff: pass the teams.ts App');
  const runtime = handoffRuntime(options, 'teamsHandoff');
  const { Client } = teamsApiFor(options.hk);

  // One conversation, to send into from a stored reference (the app's api client is bound to
  // one serviceUrl: this one is made for the reference's).
  function conversation(reference) {
    const http = app.credentials ? app.api.http : app.client;
    const api = new Client(reference.serviceUrl.replace(/\/+$/, ''), http);
    const send = (activity) => {
      const a = typeof activity === 'string' ? { type: 'message', text: activity } : activity;
      return api.conversations.activities(reference.conversation.id)
        .create({ ...a, from: reference.bot, conversation: reference.conversation });
    };
    return Object.freeze({ app, reference, send });
  }
  const continueWith = async (reference, logic) => {
    const c = conversation(reference);
    await logic(c.send, c);
  };

  async function invoke(context) {
    const activity = context.activity;
    if (activity?.type !== 'invoke' || activity?.name !== 'handoff/action') return undefined;
    // teams.ts checks an authenticated request's serviceurl claim itself (against the activity's,
    // and the context does not carry the claim); a bearer token goes out when the app has credentials.
    const { response, work } = await runtime.decide(activity, { credentials: Boolean(app.credentials) });
    if (work) setImmediate(() => runtime.after(work, continueWith));
    return response;
  }
  app.on('handoff.action', invoke);

  return Object.freeze({
    invoke,
    receiveDelivery: (rawBody, signature) => runtime.receiveDelivery(rawBody, signature, continueWith),
    deliveryListener: runtime.deliveryListener(continueWith),
    idle: runtime.idle,
  });
}
