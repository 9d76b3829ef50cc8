// The whole handoff in JS, on the core's pipeline (core/include/handoffkit/handoff.hpp):
// createHandoff for the plugin side, handoffHandler for the bot side. The core decides; this file
// only performs the store steps the core asks for, with a bounded wait for each.
import { requireStore, withTimeout } from './stores.mjs';

const defaultTimeoutMs = 2000;

// The conversation reference the SDKs continue a conversation with (Bot Framework
// ConversationReference), from the fields the core read from the activity.
function conversationReference(a) {
  return {
    activityId: a.id || undefined,
    user: { id: a.from.id, aadObjectId: a.from.aadObjectId || undefined, name: a.from.name || undefined },
    bot: { id: a.recipient.id, name: a.recipient.name || undefined },
    conversation: {
      id: a.conversation.id,
      conversationType: a.conversation.conversationType || undefined,
      tenantId: a.conversation.tenantId || undefined,
    },
    channelId: a.channelId || undefined,
    serviceUrl: a.serviceUrl,
    locale: a.locale || undefined,
  };
}

function result(outcome) {
  const a = outcome.activity;
  return {
    status: outcome.status,
    code: outcome.code,
    body: outcome.body,
    redeemed: outcome.redeemed,
    retry: outcome.retry,
    forTheApp: outcome.forTheApp,
    jti: outcome.jti || undefined,
    context: outcome.context ?? undefined,
    user: { id: a.from.id, aadObjectId: a.from.aadObjectId || undefined, name: a.from.name || undefined },
    conversation: conversationReference(a),
    followups: outcome.followups,
    handoff: outcome.handoff ?? undefined,
  };
}

export function handoffApi({ module, write, unwrap, HandoffKitError, toJson, keysText, randomHex }) {
  const argumentError = (message) => new HandoffKitError('INVALID_ARGUMENT', message);

  // Each store step, answered as the core reads it: {value} or {error}.
  async function perform(store, step, timeoutMs) {
    try {
      const pending =
        step.op === 'load'
          ? store.get(step.key)
          : store.claim(step.key, step.value, step.keepUntil * 1000);
      const value = await withTimeout(pending, timeoutMs, 'the store');
      if (value !== null && typeof value !== 'string') return { error: 'the store answered with a non-string' };
      return { value };
    } catch (e) {
      return { error: String(e?.message ?? e) };
    }
  }

  async function createHandoff(options, keys, store) {
    if (options === null || typeof options !== 'object' || Array.isArray(options))
      throw argumentError('options must be an object');
    const request = { ...options };
    request.now ??= Math.floor(Date.now() / 1000);
    request.random ??= randomHex(16);
    const created = unwrap(module.createHandoff(...write([toJson(request, 'options'), keysText(keys)])));
    const { store: keep, ...handoff } = created;
    if (keep) {
      // Reference mode: the token is handed out only once its context is safely kept.
      if (store === undefined) throw argumentError('reference mode needs a store to keep the context');
      requireStore(store, HandoffKitError);
      try {
        await withTimeout(store.put(keep.key, keep.value, keep.keepUntil * 1000), defaultTimeoutMs, 'the store');
      } catch (e) {
        throw new HandoffKitError('STORE_UNAVAILABLE', `the store could not keep the context: ${e?.message ?? e}`);
      }
    }
    return handoff;
  }

  // The serviceUrl rule (core service_url.hpp, as the native host applies it): {allow?, credentials?}
  // checked here for its shape; the core reads it. No `allow`: Microsoft's public-cloud hosts.
  function serviceUrlPolicy(option = {}) {
    if (option === null || typeof option !== 'object' || Array.isArray(option))
      throw argumentError('serviceUrls must be an object: { allow?: [hosts], credentials?: boolean }');
    const { allow, credentials, ...unknown } = option;
    const extra = Object.keys(unknown);
    if (extra.length) throw argumentError(`serviceUrls: unknown option '${extra[0]}'`);
    if (allow !== undefined && (!Array.isArray(allow) || !allow.every((h) => typeof h === 'string' && /^[^\s/@?#]+$/.test(h))))
      throw argumentError('serviceUrls.allow must be an array of host names (e.g. "smba.trafficmanager.net", "*.botframework.com")');
    if (credentials !== undefined && typeof credentials !== 'boolean') throw argumentError('serviceUrls.credentials must be true or false');
    const policy = {};
    if (allow !== undefined) policy.allow = [...allow];
    if (credentials !== undefined) policy.credentials = credentials;
    return policy;
  }

  function handoffHandler(config) {
    if (config === null || typeof config !== 'object') throw argumentError('handoffHandler takes an options object');
    const { botId, keys, store, issuer, leeway, maxLifetime, messages, serviceUrls, followups, handoff,
      timeoutMs = defaultTimeoutMs, ...unknown } = config;
    const extra = Object.keys(unknown);
    if (extra.length) throw argumentError(`unknown option '${extra[0]}'`);
    if (typeof botId !== 'string' || !botId) throw argumentError('botId is required');
    requireStore(store, HandoffKitError);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw argumentError('timeoutMs must be a positive integer');
    const keyText = keysText(keys);
    const base = { botId };
    if (issuer !== undefined) base.issuer = issuer;
    if (leeway !== undefined) base.leeway = leeway;
    if (maxLifetime !== undefined) base.maxLifetime = maxLifetime;
    if (messages !== undefined) base.messages = messages;
    // What the caller will not use is not built in the core (nor parsed here).
    for (const [name, value] of [['followups', followups], ['handoff', handoff]]) {
      if (value === undefined) continue;
      if (typeof value !== 'boolean') throw argumentError(`${name} must be true or false`);
      if (!value) base[name] = false;
    }
    const policy = serviceUrlPolicy(serviceUrls);
    // Checked now, so a bad configuration fails at start rather than at the first handoff.
    runOnce('{}', { ...base, now: 0, serviceUrls: policy }).session.delete();

    function runOnce(activityText, options) {
      const session = new module.HandoffSession();
      try {
        return { session, first: unwrap(session.start(...write([activityText, keyText, JSON.stringify(options)]))) };
      } catch (e) {
        session.delete();
        throw e;
      }
    }

    return Object.freeze({
      /**
       * One activity through the pipeline. `inbound` says what the endpoint's authentication
       * established: {authenticated, serviceUrl} (the Bot Connector token's serviceurl claim), and
       * `credentials: false` when the SDK replies without a bearer token (it has no credentials).
       */
      async handle(activity, inbound = {}) {
        const text = typeof activity === 'string' ? activity : JSON.stringify(activity);
        if (typeof text !== 'string') throw argumentError('activity must be an object or its JSON text');
        if (inbound.credentials !== undefined && typeof inbound.credentials !== 'boolean')
          throw argumentError('inbound.credentials must be true or false');
        const options = { ...base, now: Math.floor(Date.now() / 1000) };
        if (inbound.authenticated !== undefined) options.authenticated = inbound.authenticated;
        if (inbound.serviceUrl !== undefined) options.serviceUrl = inbound.serviceUrl;
        // Unless the app says, the bot replies with its bearer token (the strict rule) except where
        // the adapter knows its SDK runs without credentials (inbound.credentials false).
        options.serviceUrls = { ...policy, credentials: policy.credentials ?? inbound.credentials ?? true };
        const { session, first } = runOnce(text, options);
        try {
          let r = first;
          for (let steps = 0; r.step; steps += 1) {
            if (steps > 4) throw new HandoffKitError('INTERNAL', 'the redemption did not finish');
            const answer = await perform(store, r.step, timeoutMs);
            r = unwrap(session.answer(...write([JSON.stringify(answer)])));
          }
          return result(r.outcome);
        } finally {
          session.delete();
        }
      },
    });
  }

  return { createHandoff, handoffHandler };
}
