// What the three SDK adapters share (handoffkit/agents, /botbuilder, /teams): the answer to a
// handoff/action invoke from the core's pipeline (hk.handoffHandler), the work after the answer
// (the pipeline's follow-ups, then the app's onHandoff) and the receiving side of the host's
// delivery webhook. Each adapter supplies only what its SDK does differently: how a turn answers,
// when "after the answer" is, and how to continue a conversation from a reference.
//
// A continuation, as each adapter gives it: continueWith(reference, logic) runs
// logic(send, context) in that conversation, where send(activity) posts one activity and context
// is what onHandoff receives (the SDK's TurnContext, or teams.ts' conversation object).
import { withTimeout } from '../stores.mjs';

const defaults = Object.freeze({
  followups: true,
  sendTimeoutMs: 10_000,
  handoffTimeoutMs: 60_000,
  deliveryKeepSeconds: 7 * 24 * 3600,
});
// The host's webhook body is one handoff (a few hundred bytes): anything near this is not one.
export const deliveryBodyLimit = 64 * 1024;
export const signatureHeader = 'x-handoffkit-signature';

const handlerOptionNames = ['botId', 'keys', 'store', 'issuer', 'leeway', 'maxLifetime', 'messages', 'serviceUrls', 'timeoutMs'];
const adapterOptionNames = ['hk', 'onHandoff', 'onError', 'followups', 'appId', 'sendTimeoutMs', 'handoffTimeoutMs',
  'deliveryKey', 'deliveryKeepSeconds'];

/** An INVALID_ARGUMENT HandoffKitError (of `hk` when it is one). */
export function argumentError(hk, message) {
  const E = hk?.HandoffKitError;
  if (typeof E === 'function') return new E('INVALID_ARGUMENT', message);
  return Object.assign(new Error(message), { name: 'HandoffKitError', code: 'INVALID_ARGUMENT' });
}

function positiveInteger(hk, value, name) {
  if (!Number.isInteger(value) || value < 1) throw argumentError(hk, `${name} must be a positive integer`);
  return value;
}

// The adapter options, checked once: unknown names refused, each value of the right kind.
function checkOptions(options, where) {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw argumentError(undefined, `${where} takes an options object`);
  const { hk } = options;
  if (!hk || typeof hk.handoffHandler !== 'function' || typeof hk.verifyHandoffDelivery !== 'function')
    throw argumentError(hk, `${where}: hk must be the object init() from 'handoffkit' resolves to`);
  const unknown = Object.keys(options).filter((k) => !handlerOptionNames.includes(k) && !adapterOptionNames.includes(k));
  if (unknown.length) throw argumentError(hk, `${where}: unknown option '${unknown[0]}'`);
  const o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  for (const name of ['onHandoff', 'onError'])
    if (o[name] !== undefined && typeof o[name] !== 'function') throw argumentError(hk, `${where}: ${name} must be a function`);
  if (typeof o.followups !== 'boolean') throw argumentError(hk, `${where}: followups must be true or false`);
  for (const name of ['sendTimeoutMs', 'handoffTimeoutMs', 'deliveryKeepSeconds']) positiveInteger(hk, o[name], `${where}: ${name}`);
  if (o.deliveryKey !== undefined && (typeof o.deliveryKey !== 'string' || o.deliveryKey === ''))
    throw argumentError(hk, `${where}: deliveryKey must be a non-empty string`);
  if (typeof o.botId === 'string' && o.appId === undefined) o.appId = o.botId.replace(/^28:/, '');
  if (o.appId !== undefined && (typeof o.appId !== 'string' || o.appId === ''))
    throw argumentError(hk, `${where}: appId must be a non-empty string`);
  o.onError ??= (error, info) => console.error(`handoffkit: ${info.stage} failed${info.jti ? ` (jti ${info.jti})` : ''}: ${error?.message ?? error}`);
  return o;
}

// A Bot Framework ConversationReference (botbuilder's shape, `bot` for the bot) from the handoff
// the pipeline or the host's webhook gives, without the members it left empty.
export function referenceOfHandoff(h) {
  const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return clean({
    activityId: h.activityId,
    user: clean({ id: h.user.id, aadObjectId: h.user.aadObjectId, name: h.user.name }),
    bot: clean({ id: h.bot.id, name: h.bot.name }),
    conversation: clean({ id: h.conversation.id, conversationType: h.conversation.conversationType,
      tenantId: h.conversation.tenantId }),
    channelId: h.channelId,
    serviceUrl: h.conversation.serviceUrl,
    locale: h.locale,
  });
}

// A follow-up as the core renders it, without what the SDK fills in from the reference it
// continues (the conversation, both parties, the channel, where it goes, what it replies to).
export function outgoing(followup) {
  const { channelId, conversation, from, recipient, replyToId, serviceUrl, ...activity } = followup;
  return activity;
}

const errorBody = (code, message) => ({ error: { code, message } });

// What the receiver answers the host: 2xx means "delivered" to it, anything else "try again".
const answers = {
  delivered: () => ({ status: 200, code: 'OK' }),
  duplicate: () => ({ status: 200, code: 'DUPLICATE' }),
  bad: (status, code, message) => ({ status, code, body: errorBody(code, message) }),
};

function isHandoff(h) {
  const text = (v) => typeof v === 'string' && v !== '';
  return h !== null && typeof h === 'object' && h.type === 'handoff' && text(h.jti) && h.user && text(h.user.id) &&
    h.bot && text(h.bot.id) && h.conversation && text(h.conversation.id) && text(h.conversation.serviceUrl);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function handoffRuntime(options, where) {
  const o = checkOptions(options, where);
  const { hk } = o;
  // The handler builds only what this adapter uses: follow-ups when it sends them, the handoff
  // when there is an onHandoff to give it to.
  const handler = hk.handoffHandler({
    ...Object.fromEntries(handlerOptionNames.filter((n) => o[n] !== undefined).map((n) => [n, o[n]])),
    followups: o.followups,
    handoff: o.onHandoff !== undefined,
  });
  const store = o.store;
  const pending = new Set();
  const report = (error, info) => {
    try {
      o.onError(error, info);
    } catch {
      // an onError that throws must not turn into an unhandled rejection
    }
  };

  // Work that runs after an answer: kept so idle() can wait for it (tests, a graceful stop).
  function track(work) {
    const p = Promise.resolve().then(work).catch((e) => report(e, { stage: 'after the answer' }));
    pending.add(p);
    p.finally(() => pending.delete(p));
    return p;
  }

  /**
   * The answer to one activity (an InvokeResponse: {status} or {status, body}) and the work to do
   * once it is written, or no work. `inbound`: what the SDK's authentication established.
   */
  async function decide(activity, inbound) {
    let r;
    try {
      r = await handler.handle(activity, inbound);
    } catch (e) {
      report(e, { stage: 'handoff/action' });
      return { response: { status: 500, body: errorBody('INTERNAL', 'the handoff could not be processed') } };
    }
    const response = r.status === 200 || !r.body ? { status: r.status } : { status: r.status, body: JSON.parse(r.body) };
    const followups = o.followups ? r.followups : [];
    const handoff = r.redeemed && !r.retry && o.onHandoff ? r.handoff : undefined;
    if (!followups.length && !handoff) return { response, result: r };
    return { response, result: r, work: { reference: r.conversation, followups, handoff } };
  }

  // Sends each follow-up, then hands the handoff to the app; each step bounded, each failure reported.
  async function continueAfter(work, continueWith) {
    const jti = work.handoff?.jti;
    const bound = o.sendTimeoutMs * (work.followups.length + 1) + (work.handoff ? o.handoffTimeoutMs : 0);
    await withTimeout(continueWith(work.reference, async (send, context) => {
      try {
        for (const f of work.followups) await withTimeout(send(outgoing(f)), o.sendTimeoutMs, 'the Bot Connector');
      } catch (e) {
        report(e, { stage: 'follow-ups', jti });
      }
      if (work.handoff) {
        try {
          await withTimeout(o.onHandoff(context, work.handoff), o.handoffTimeoutMs, 'onHandoff');
        } catch (e) {
          report(e, { stage: 'onHandoff', jti });
        }
      }
    }), bound, 'the continuation').catch((e) => report(e, { stage: 'continuation', jti }));
  }

  /** Runs `work` (from decide) through `continueWith` once the current answer is out. */
  function after(work, continueWith) {
    return track(() => continueAfter(work, continueWith));
  }

  const deliveryKey = (jti) => `delivery:${jti}`;
  const storeStep = (p) => withTimeout(p, o.timeoutMs ?? 2000, 'the store');

  // One delivery of the host's webhook: the signature over the raw bytes, then at most one run of
  // onHandoff per jti ("running" while it runs, "done" once it ran, released when it failed so the
  // host's next attempt runs it again). Only 2xx tells the host it has been delivered.
  async function receiveDelivery(rawBody, signature, continueWith) {
    if (!o.deliveryKey) throw argumentError(hk, `${where}: receiving deliveries needs the deliveryKey option`);
    if (!o.onHandoff) throw argumentError(hk, `${where}: receiving deliveries needs the onHandoff option`);
    let text = rawBody;
    if (rawBody instanceof Uint8Array) {
      if (rawBody.length > deliveryBodyLimit) return answers.bad(413, 'DELIVERY_TOO_LARGE', 'the delivery is too large');
      try {
        text = utf8.decode(rawBody);
      } catch {
        return answers.bad(400, 'DELIVERY_MALFORMED', 'the delivery is not UTF-8');
      }
    } else if (typeof rawBody !== 'string') {
      throw argumentError(hk, `${where}: pass the delivery's raw body (a string or bytes), as received: its signature is over those bytes`);
    }
    if (text.length > deliveryBodyLimit) return answers.bad(413, 'DELIVERY_TOO_LARGE', 'the delivery is too large');
    if (!hk.verifyHandoffDelivery(text, typeof signature === 'string' ? signature : '', o.deliveryKey))
      return answers.bad(401, 'DELIVERY_BAD_SIGNATURE', 'the delivery signature does not verify');
    let handoff;
    try {
      handoff = JSON.parse(text);
    } catch {
      handoff = undefined;
    }
    if (!isHandoff(handoff)) return answers.bad(400, 'DELIVERY_MALFORMED', 'the delivery is not a handoff');

    const key = deliveryKey(handoff.jti);
    let found;
    try {
      // A run that outlives twice its bound is presumed dead (a crash): then the host's next
      // attempt may run it again.
      found = await storeStep(store.claim(key, 'running', Date.now() + 2 * o.handoffTimeoutMs));
    } catch (e) {
      report(e, { stage: 'delivery', jti: handoff.jti });
      return answers.bad(503, 'STORE_UNAVAILABLE', 'the store cannot answer; nothing was run');
    }
    if (found === 'done') return answers.duplicate();
    if (found !== null) return answers.bad(409, 'DELIVERY_IN_PROGRESS', 'this handoff is being handed to the app');

    const mark = (value, until) => storeStep(store.put(key, value, until)).catch((e) => report(e, { stage: 'delivery', jti: handoff.jti }));
    // Never rejects: 'done', or 'failed' once the marker is released (expires at once), so the
    // host's next attempt runs onHandoff again.
    const settled = Promise.resolve()
      .then(() => continueWith(referenceOfHandoff(handoff), (_send, context) => o.onHandoff(context, handoff)))
      .then(
        () => mark('done', Date.now() + o.deliveryKeepSeconds * 1000).then(() => 'done'),
        (e) => {
          report(e, { stage: 'onHandoff', jti: handoff.jti });
          return mark('failed', Date.now()).then(() => 'failed');
        });
    track(() => settled);
    const outcome = await withTimeout(settled, o.handoffTimeoutMs, 'onHandoff').catch(() => 'late');
    if (outcome === 'done') return answers.delivered();
    if (outcome === 'late') return answers.bad(503, 'HANDOFF_TIMEOUT', 'the app is still handling this handoff');
    return answers.bad(500, 'HANDOFF_FAILED', 'the app could not handle this handoff');
  }

  // A node:http (or Express) listener for the webhook: reads the raw body itself, unless a raw
  // body parser (express.raw) already did. A JSON parser before it has lost the bytes signed.
  function deliveryListener(continueWith) {
    return (req, res) => {
      const answer = ({ status, body }) => {
        res.statusCode = status;
        if (body === undefined) return res.end();
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify(body));
      };
      const fail = (e) => {
        report(e, { stage: 'delivery' });
        if (!res.headersSent) answer(answers.bad(500, 'INTERNAL', e?.message ?? 'the delivery could not be processed'));
      };
      if (req.method !== 'POST') return answer(answers.bad(405, 'METHOD_NOT_ALLOWED', 'deliveries are POSTed'));
      const signature = req.headers[signatureHeader];
      const handle = (raw) => receiveDelivery(raw, signature, continueWith).then(answer, fail);
      if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return handle(req.body);
      if (req.body !== undefined || req.readableEnded)
        return fail(argumentError(hk, 'the delivery body was parsed before the receiver; mount it before any JSON body parser, or after express.raw()'));
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > deliveryBodyLimit) {
          req.removeAllListeners('data');
          req.resume();
          answer(answers.bad(413, 'DELIVERY_TOO_LARGE', 'the delivery is too large'));
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (size <= deliveryBodyLimit) handle(Buffer.concat(chunks));
      });
      req.on('error', fail);
    };
  }

  return Object.freeze({
    options: o,
    decide,
    after,
    receiveDelivery,
    deliveryListener,
    /** Resolves once every piece of work started after an answer has settled. */
    idle: async () => {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  });
}
