// Types the three SDK adapters share (handoffkit/agents, handoffkit/botbuilder, handoffkit/teams).
import type { Handoff, HandoffHandlerOptions, HandoffKit } from '../handoffkit.js';

/** Where the work after an answer failed, for `onError`. */
export interface HandoffErrorInfo {
  /** 'follow-ups', 'onHandoff', 'continuation', 'delivery', 'handoff/action' or 'after the answer'. */
  stage: string;
  /** The handoff's jti, when one is concerned. */
  jti?: string;
}

/**
 * An adapter's options: those of `hk.handoffHandler` (botId, keys, store, issuer, leeway,
 * maxLifetime, messages, serviceUrls, timeoutMs) and what the adapter does after answering. Unknown names are
 * refused (INVALID_ARGUMENT).
 */
export interface HandoffAdapterOptions<Context> extends Omit<HandoffHandlerOptions, 'handoff'> {
  /** The object `init()` from 'handoffkit' resolves to. */
  hk: HandoffKit;
  /**
   * The app's continuation: called once per handoff, after the answer and the follow-ups, with a
   * context of the handoff's conversation (to send to) and the handoff (its verified `context`,
   * user, conversation and jti). Also what a delivery from the native host runs. Without it,
   * only the follow-ups are sent and deliveries cannot be received.
   */
  onHandoff?: (context: Context, handoff: Handoff) => unknown;
  /**
   * Told of every failure after an answer (a follow-up the Bot Connector refused, onHandoff
   * throwing, a delivery marker the store could not keep). Default: one line on console.error.
   */
  onError?: (error: unknown, info: HandoffErrorInfo) => void;
  /** Send the pipeline's follow-ups (progress messages; after a replay or expiry, "start a new conversation"). Default true. */
  followups?: boolean;
  /** The bot's Entra app id that proactive messages are sent as. Default: the GUID of `botId`. */
  appId?: string;
  /** How long each follow-up may take to post, ms. Default 10000. */
  sendTimeoutMs?: number;
  /**
   * How long onHandoff may take, ms, default 60000: a delivery is answered 503 HANDOFF_TIMEOUT after
   * it (the host tries again later; the run goes on). A delivery still running after twice this is
   * presumed lost (its process died) and may run again.
   */
  handoffTimeoutMs?: number;
  /** The key the native host signs its deliveries with (`--on-redeemed-key-file`): needed to receive them. */
  deliveryKey?: string;
  /** How long the store remembers that a jti was handed to onHandoff (de-duplicating deliveries), s. Default 7 days. */
  deliveryKeepSeconds?: number;
}

/** What the delivery receiver answers the host: only 2xx tells it the handoff was delivered. */
export type DeliveryAnswerCode =
  | 'OK'
  | 'DUPLICATE'
  | 'DELIVERY_TOO_LARGE'
  | 'DELIVERY_MALFORMED'
  | 'DELIVERY_BAD_SIGNATURE'
  | 'STORE_UNAVAILABLE'
  | 'DELIVERY_IN_PROGRESS'
  | 'HANDOFF_TIMEOUT'
  | 'HANDOFF_FAILED'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL';

export interface DeliveryAnswer {
  /**
   * 200 (OK: onHandoff ran; DUPLICATE: it had run for this jti), 400 DELIVERY_MALFORMED,
   * 401 DELIVERY_BAD_SIGNATURE, 409 DELIVERY_IN_PROGRESS, 413 DELIVERY_TOO_LARGE,
   * 500 HANDOFF_FAILED (onHandoff threw; the next attempt runs it again), 503 STORE_UNAVAILABLE or
   * HANDOFF_TIMEOUT.
   */
  status: number;
  code: DeliveryAnswerCode;
  /** `{"error":{"code","message"}}` for every answer but 200. */
  body?: { error: { code: DeliveryAnswerCode; message: string } };
}

/** The request side of a node:http (or Express) listener, as the delivery receiver reads it. */
export interface DeliveryRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  /** A raw body already read (express.raw: a Buffer), else the listener reads the stream. */
  body?: unknown;
  readableEnded?: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
  resume(): unknown;
}

/** The response side of a node:http (or Express) listener. */
export interface DeliveryResponse {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(data?: string): unknown;
}

/** What every adapter gives back. */
export interface HandoffAdapter<InvokeContext, Answer> {
  /**
   * The answer to a handoff/action invoke in this turn (200 with no body, or a coded 4xx/5xx
   * with `{"error":{"code","message"}}`); the follow-ups and onHandoff run after the turn.
   * Resolves undefined for any other activity (the app answers it).
   */
  invoke(context: InvokeContext): Promise<Answer | undefined>;
  /**
   * The receiving side of the native host's delivery webhook: checks `X-Handoffkit-Signature`
   * over the RAW body (as received: not re-serialized JSON), then runs onHandoff at most once per
   * jti (de-duplicated in the store under `delivery:<jti>`), whichever runtime redeemed the token.
   * @throws HandoffKitError INVALID_ARGUMENT: no deliveryKey or onHandoff configured, or a parsed body given
   */
  receiveDelivery(rawBody: string | Uint8Array, signature: string | undefined): Promise<DeliveryAnswer>;
  /**
   * receiveDelivery as a node:http / Express listener (e.g. `POST /api/handoffs`): reads the raw
   * body itself (at most 64 KiB), or takes it from express.raw(). Mount it before any JSON parser.
   */
  deliveryListener(req: DeliveryRequest, res: DeliveryResponse): void;
  /** Resolves once all work started after answers (follow-ups, onHandoff) has settled: for tests and a graceful stop. */
  idle(): Promise<void>;
}
