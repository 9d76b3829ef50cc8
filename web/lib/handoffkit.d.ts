// Hand-written types for the npm package `handoffkit` (the JS contract; see README "npm API").

/**
 * The codes, one union per area of the C++ core (core/include/handoffkit/codes.hpp, whose tables
 * tests/node/codes.test.mjs compares with these unions both ways).
 */
/** What any entry point checks on what it is given (JSON text, UTF-8, sizes, arguments), and INTERNAL. */
export type InputCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_JSON'
  | 'INVALID_UTF8'
  | 'DUPLICATE_KEY'
  | 'INPUT_TOO_LARGE'
  | 'NESTING_TOO_DEEP'
  | 'MESSAGES_INVALID'
  | 'INTERNAL';
/** Deep links built and validated. */
export type LinkCode =
  | 'URL_TOO_LONG'
  | 'URL_MALFORMED'
  | 'NOT_HTTPS'
  | 'HOST_NOT_ALLOWED'
  | 'CREDENTIALS_PRESENT'
  | 'PORT_PRESENT'
  | 'FRAGMENT_PRESENT'
  | 'UNKNOWN_PATH'
  | 'KIND_MISMATCH'
  | 'PARAM_DUPLICATED'
  | 'PARAM_NAME_CASE'
  | 'PARAM_UNKNOWN'
  | 'PLUS_AS_SPACE'
  | 'CONTROL_CHARACTER'
  | 'SCRIPT_INJECTION'
  | 'USERS_MISSING'
  | 'USERS_EMPTY'
  | 'BOT_ID_INVALID'
  | 'CONTINUATION_MISSING'
  | 'CONTINUATION_EMPTY'
  | 'TIME_INVALID'
  | 'WITH_VIDEO_INVALID'
  | 'APP_ID_INVALID'
  | 'ENTITY_ID_EMPTY'
  | 'WEB_URL_INVALID'
  | 'CONTEXT_INVALID';
/** Adaptive Cards built and validated. */
export type CardCode =
  | 'CARD_TYPE_INVALID'
  | 'VERSION_MISSING'
  | 'VERSION_UNKNOWN'
  | 'VERSION_NEWER_THAN_TARGET'
  | 'PROPERTY_MISSING'
  | 'PROPERTY_TYPE_INVALID'
  | 'PROPERTY_VALUE_INVALID'
  | 'UNKNOWN_ELEMENT_TYPE'
  | 'UNKNOWN_ACTION_TYPE'
  | 'ACTION_NOT_ALLOWED'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_PROPERTY'
  | 'PROPERTY_CASE_MISMATCH'
  | 'UNSUPPORTED_PROPERTY'
  | 'UNSUPPORTED_TYPE'
  | 'UNSUPPORTED_VALUE'
  | 'NEWER_THAN_CARD_VERSION'
  | 'URL_SCHEME_FORBIDDEN'
  | 'URL_SCHEME_NOT_ALLOWED'
  | 'DEEP_LINK_INVALID'
  | 'STYLE_NOT_RENDERED'
  | 'TOO_MANY_ACTIONS'
  | 'COPILOT_ACTION_COUNT'
  | 'COPILOT_ACTION_UNSUPPORTED'
  | 'COPILOT_ACTION_NOT_RECOMMENDED'
  | 'COPILOT_ALT_TEXT_MISSING'
  | 'PAYLOAD_TOO_LARGE'
  | 'PAYLOAD_NEAR_LIMIT';
/** Continuation tokens, their keys, the redemption and its store. */
export type TokenCode =
  | 'TOKEN_TOO_LONG'
  | 'MALFORMED'
  | 'UNSUPPORTED_ALG'
  | 'UNSUPPORTED_TYPE'
  | 'UNSUPPORTED_HEADER'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'LIFETIME_TOO_LONG'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'WRONG_USER'
  | 'CONTEXT_NOT_FOUND'
  | 'REPLAYED'
  | 'STORE_UNAVAILABLE'
  | 'CONTEXT_INVALID'
  | 'CONTEXT_TOO_LARGE'
  | 'KEYS_INVALID'
  | 'KEY_TOO_SHORT';
/** Eligibility environments, rulesets and reports (the codes of the rules themselves are data of the ruleset). */
export type EligibilityCode =
  | 'ENVIRONMENT_INVALID'
  | 'RULESET_INVALID'
  | 'REPORT_INVALID'
  | 'UNKNOWN_LICENSE'
  | 'UNKNOWN_PRIVILEGE'
  | 'UNKNOWN_ROLE';
/** The handoff pipeline's answers (handoff.hpp has each one's status). */
export type HandoffCode =
  | 'OK'
  | 'NOT_INVOKE'
  | 'UNKNOWN_INVOKE'
  | 'ACTIVITY_MALFORMED'
  | 'ACTIVITY_TOO_LARGE'
  | 'AUTH_SERVICE_URL_MISSING'
  | 'AUTH_SERVICE_URL_MISMATCH'
  | 'AUTH_CHANNEL_NOT_ENDORSED'
  | 'CONTINUATION_MISSING'
  | 'CONTINUATION_TOO_LONG'
  | 'WRONG_RECIPIENT'
  | 'SERVICE_URL_INVALID'
  | 'SERVICE_URL_NOT_ALLOWED'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_BAD_SIGNATURE'
  | 'TOKEN_WRONG_AUDIENCE'
  | 'TOKEN_WRONG_USER'
  | 'TOKEN_REPLAYED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_CONTEXT_NOT_FOUND'
  | 'REDEEM_FAILED';
/** Every code a `HandoffKitError` may carry. */
export type ErrorCode = InputCode | LinkCode | CardCode | TokenCode | EligibilityCode | HandoffCode;

/** Every failure handoffkit reports, with a stable UPPER_SNAKE `code` (same codes as C++ and the CLI). */
export declare class HandoffKitError extends Error {
  readonly name: 'HandoffKitError';
  readonly code: ErrorCode;
  /** Where the input went wrong, as a JSON Pointer (eligibility errors), e.g. `/representatives/2/surface`. */
  readonly field?: string;
  constructor(code: ErrorCode, message: string, field?: string);
}

export interface HandoffLinkOptions {
  /** A GUID (gets the `28:` prefix) or an id already prefixed `28:`. */
  botId: string;
  /** Non-empty; percent-encoded into the link. */
  continuation: string;
}

export type DeepLinkOptions =
  | ({ kind: 'handoff' } & HandoffLinkOptions)
  | { kind: 'chat'; users: string[]; topicName?: string; message?: string }
  | { kind: 'call'; users: string[]; withVideo?: boolean; source?: string }
  | {
      kind: 'meeting';
      subject?: string;
      /** ISO 8601 */
      startTime?: string;
      /** ISO 8601 */
      endTime?: string;
      content?: string;
      attendees?: string[];
    }
  | { kind: 'app'; appId: string }
  | {
      kind: 'entity';
      appId: string;
      entityId: string;
      webUrl?: string;
      label?: string;
      /** A JSON object, or its text. */
      context?: Record<string, unknown> | string;
    };

export type LinkKind = 'handoff' | 'chat' | 'call' | 'meeting' | 'app' | 'entity' | 'unknown';

/** What a link report's problem may say: a link code, or the input's size or encoding. */
export type LinkProblemCode = LinkCode | 'INPUT_TOO_LARGE' | 'INVALID_UTF8';
/** What a card report's problem may say: a card code, a URL's link code, or an input code. */
export type CardProblemCode = CardCode | 'URL_MALFORMED' | 'SCRIPT_INJECTION' | InputCode;

export interface Problem<Code extends string = LinkProblemCode> {
  /** Stable UPPER_SNAKE code, e.g. `NOT_HTTPS`. */
  code: Code;
  severity: 'error' | 'warning';
  message: string;
}

export interface LinkReport {
  /** True when no problem has severity `error`. */
  valid: boolean;
  kind: LinkKind;
  /** Decoded parameters (first occurrence of each); `appId`/`entityId` for app and entity links. */
  params: Record<string, string>;
  problems: Problem[];
}

export interface ValidateLinkOptions {
  /** Hosts accepted, case-insensitive. Default `["teams.microsoft.com"]`. */
  allowedHosts?: string[];
  /** When set, a link of another kind is an error (`CONTINUATION_MISSING` for a chat link when `handoff`). */
  expectKind?: Exclude<LinkKind, 'unknown'>;
}

export type CardVersion = '1.0' | '1.1' | '1.2' | '1.3' | '1.4' | '1.5' | '1.6';

/** Action.OpenUrl properties; each is allowed only from the card version that introduced it. */
export interface OpenUrlActionOptions {
  url: string;
  title?: string;
  id?: string;
  /** 1.1+ */
  iconUrl?: string;
  /** 1.2+: default | positive | destructive (Teams renders only default). */
  style?: string;
  /** 1.2+ */
  fallback?: 'drop' | Record<string, unknown>;
  /** 1.2+ */
  requires?: Record<string, string>;
  /** 1.5+ */
  tooltip?: string;
  /** 1.5+ */
  isEnabled?: boolean;
  /** 1.5+: primary | secondary */
  mode?: string;
}

/** An Adaptive Card as JSON (keys sorted at every level). */
export type AdaptiveCard = { type: 'AdaptiveCard'; version: string; [property: string]: unknown };

/**
 * Where a card goes. bot: 100 KB (warning above 80 KB); webhook: 28 KB (incoming webhooks,
 * connectors); copilot: a message-extension result shown in Microsoft 365 Copilot (28 KB, version
 * at most 1.5, 1 to 4 action buttons, no imBack/messageBack, images with altText). All three allow
 * at most 6 actions per actions array (the Teams host config's maxActions; 4 for copilot).
 */
export type CardTarget = 'bot' | 'webhook' | 'copilot';

export interface HandoffCardOptions extends HandoffLinkOptions {
  title?: string;
  text?: string;
  /** Default "Continue in Teams". */
  buttonTitle?: string;
  /** Default 1.5, the highest Teams supports for bots. */
  version?: CardVersion;
  /** The built card is checked against this target (default bot). */
  target?: CardTarget;
}

export interface ValidateCardOptions {
  /** The version the host renders; default 1.5 (copilot: at most 1.5 whatever this says). */
  version?: CardVersion;
  /** Default bot. */
  target?: CardTarget;
  /** Default ["https", "msteams"]; javascript:, vbscript:, file: and data: are always refused. */
  allowedSchemes?: string[];
}

/**
 * A card problem. Besides the URL, version and size codes, every property is checked against the
 * schema table: `UNKNOWN_PROPERTY` (warning, names the closest known property), `PROPERTY_CASE_MISMATCH`
 * (error: `URL` for `url`), `PROPERTY_TYPE_INVALID` / `PROPERTY_VALUE_INVALID`, `UNSUPPORTED_PROPERTY`
 * / `UNSUPPORTED_TYPE` / `UNSUPPORTED_VALUE` (newer than the target), `TOO_MANY_ACTIONS`, and for
 * copilot `COPILOT_ACTION_COUNT`, `COPILOT_ACTION_UNSUPPORTED`, `COPILOT_ACTION_NOT_RECOMMENDED`,
 * `COPILOT_ALT_TEXT_MISSING`.
 */
export interface CardProblem extends Problem<CardProblemCode> {
  /** JSON pointer into the card ("" = the whole card). */
  path: string;
}

export interface CardReport {
  valid: boolean;
  problems: CardProblem[];
}

/** A JWK Set of `"kty":"oct"` keys (>= 256 bits each), as an object or its JSON text. */
export type KeySet =
  | { keys: Array<{ kty: 'oct'; kid: string; k: string; [extra: string]: unknown }>; activeKid?: string }
  | string;

export interface IssueTokenOptions {
  /** The bot the token is for (`aud`), e.g. `28:<guid>`. */
  botId: string;
  /** AAD object id of the only user allowed to redeem it (`sub`). */
  user?: string;
  /** `iss`, default `handoffkit`. */
  issuer?: string;
  /** Lifetime in seconds, 1-86400, default 600. */
  ttl?: number;
  /** Small JSON context (at most 256 bytes compact). */
  ctx?: Record<string, unknown>;
  /** Keep ctx server-side (in a replay guard); the token carries only its id. Use `ReplayGuard.issueToken`. */
  reference?: boolean;
  /** Unix seconds; default now. */
  now?: number;
  /** 16-32 random bytes as hex; default from `crypto.getRandomValues`. */
  random?: string;
}

export interface IssuedToken {
  token: string;
  jti: string;
  kid: string;
  iat: number;
  exp: number;
}

export interface VerifyTokenOptions {
  /** Expected audience (the bot id). */
  botId: string;
  /** The redeeming user's AAD object id; required when the token is bound to one. */
  user?: string;
  issuer?: string;
  /** Clock skew allowed, seconds (0-300). */
  leeway?: number;
  /** Longest lifetime accepted, seconds. */
  maxLifetime?: number;
  /** Unix seconds; default now. */
  now?: number;
}

export interface VerifiedToken {
  verified: true;
  redeemed: boolean;
  kid: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  ctx: Record<string, unknown> | null;
}

export interface InspectedToken {
  /** Always false: inspection decodes without checking anything. */
  verified: false;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Exactly-once redemption within this JS realm (an in-memory store). */
export interface ReplayGuard {
  /** Like `issueToken`, and with `reference: true` keeps ctx in this guard. */
  issueToken(options: IssueTokenOptions, keys: KeySet): IssuedToken;
  /**
   * Verifies, then marks the token used. A failed check consumes nothing.
   * @throws HandoffKitError REPLAYED, plus every `verifyToken` code
   */
  redeemToken(token: string, keys: KeySet, options: VerifyTokenOptions): VerifiedToken;
  /** Frees the guard's wasm memory. */
  dispose(): void;
}

/**
 * What the handoff pipeline answers, as `HandoffResult.code` (and the `error.code` of its body): the
 * same codes the native host answers with (core/include/handoffkit/handoff.hpp).
 */
export type HandoffAnswerCode = HandoffCode | 'STORE_UNAVAILABLE' | 'INTERNAL';

/**
 * Where the handoff handler keeps "this token was redeemed" (and a reference-mode context): three
 * async operations, each of which must settle within the handler's `timeoutMs` or the redemption
 * fails closed (STORE_UNAVAILABLE, 503) and consumes nothing. `memoryStore()` and `redisStore()`
 * are the two handoffkit ships; any object with these three methods works.
 */
export interface HandoffStore {
  /**
   * Keeps `value` under `key` until `expiresAt` (unix milliseconds) unless a live value is already
   * there. Resolves `null` when it was kept, else the live value found (unchanged).
   */
  claim(key: string, value: string, expiresAt: number): Promise<string | null>;
  /** The live value under `key`, or `null`. */
  get(key: string): Promise<string | null>;
  /** Keeps `value` under `key` until `expiresAt` (unix milliseconds), overwriting. */
  put(key: string, value: string, expiresAt: number): Promise<void>;
}

export interface MemoryStoreOptions {
  /** Live entries kept at most; a write beyond it rejects (the redemption is then STORE_UNAVAILABLE). Default 1,000,000. */
  maxEntries?: number;
}

/** The in-process store: one Node process or one page. Several instances of a bot need `redisStore`. */
export interface MemoryStore extends HandoffStore {
  /** Live entries (expired ones are dropped as they are met and in periodic sweeps). */
  readonly size: number;
}

/**
 * A Redis client the app already has: ioredis (has `call` and `status`) or node-redis v4+ (has
 * `sendCommand` and `isReady`). Neither is a dependency of handoffkit. A command is sent only while
 * the client is ready (else it fails at once, consuming nothing); give node-redis an `error` listener,
 * or a dropped connection ends the process.
 */
export type RedisClient =
  | { call(command: string, ...args: string[]): Promise<unknown>; readonly status: string }
  | { sendCommand(args: string[]): Promise<unknown>; readonly isReady: boolean };

export interface RedisStoreOptions {
  /** Key prefix, default `handoffkit:` (the native host's, so a Node bot and `handoffkit serve` can share one Redis). */
  prefix?: string;
}

/** The plugin side of a handoff: what `createHandoff` issues. */
export interface CreateHandoffOptions {
  /** The bot the token is for: a GUID or `28:<GUID>` (the token's `aud` is `28:<GUID>`). */
  botId: string;
  /** AAD object id of the only user allowed to redeem it. */
  user?: string;
  /** Small JSON context the bot continues from (at most 256 bytes compact). */
  ctx?: Record<string, unknown>;
  /** Keep `ctx` in the store, not in the token: the token carries only its id. Needs the `store` argument. */
  reference?: boolean;
  /** Lifetime in seconds, 1-86400, default 600. */
  ttl?: number;
  /** `iss`, default `handoffkit`. */
  issuer?: string;
  /** The card's title. */
  title?: string;
  /** The card's text. */
  text?: string;
  /** The card's button, default "Continue in Teams". */
  buttonTitle?: string;
  /** The card's version, default 1.5. */
  version?: CardVersion;
  /** Unix seconds; default now. */
  now?: number;
  /** 16-32 random bytes as hex (the jti); default from `crypto.getRandomValues`. */
  random?: string;
}

/** A fresh handoff: the token, the deep link that carries it and the card whose button opens that link. */
export interface CreatedHandoff {
  /** The continuation token (JWS compact). */
  token: string;
  /** Its id: the key of its redemption and of its delivery to the app. */
  jti: string;
  /** The key that signed it. */
  kid: string;
  /** Issued at, unix seconds. */
  iat: number;
  /** Expires at, unix seconds. */
  exp: number;
  /** The handoff deep link (`https://teams.microsoft.com/l/chat/0/0?users=28:<bot>&continuation=<token>`). */
  link: string;
  /** The Adaptive Card with one Action.OpenUrl opening `link`. */
  card: AdaptiveCard;
}

/**
 * The follow-up texts per locale (the host's `--messages FILE` schema): `{"en": {…}, "de-DE": {…}}`,
 * each text a string or a non-empty list of alternatives, where `{name}` names a top-level string or
 * number of the token's context and the first alternative whose names the context all has is sent.
 * A locale is chosen by the activity's `locale`: the exact tag, then its language, then `en`.
 */
export type HandoffMessages = Record<string, {
  /** Sent first after a redemption. */
  continuing?: string | string[];
  /** Sent last after a redemption (after a typing indicator). */
  result?: string | string[];
  /** Sent after a replay (409): asks the user to start a new conversation. */
  replayed?: string | string[];
  /** Sent after an expired token (410): asks the user to start a new conversation. */
  expired?: string | string[];
}>;

export interface HandoffHandlerOptions {
  /** The bot's app id: a GUID or `28:<GUID>`; the activity's `recipient.id` and the token's audience. */
  botId: string;
  /** The JWK Set that verifies the tokens. */
  keys: KeySet;
  /** Where redemptions are kept (memoryStore, redisStore, or your own). */
  store: HandoffStore;
  /** Expected `iss`, default `handoffkit`. */
  issuer?: string;
  /** Clock skew allowed, seconds (0-300), default 0. */
  leeway?: number;
  /** Longest token lifetime accepted, seconds, default 86400. */
  maxLifetime?: number;
  /** The follow-up texts, default the built-in English ones. */
  messages?: HandoffMessages;
  /** How long each store operation may take before the redemption fails closed (503), ms, default 2000. */
  timeoutMs?: number;
  /**
   * Where follow-ups (and so the bot's bearer token) may go: a handoff/action whose serviceUrl is
   * not allowed is refused before its token is looked at (403 SERVICE_URL_NOT_ALLOWED, 400
   * SERVICE_URL_INVALID; nothing consumed). The native host's rule (docs/security.md).
   */
  serviceUrls?: HandoffServiceUrlPolicy;
  /** Build the follow-up activities (default true); false: `followups` is always empty. */
  followups?: boolean;
  /** Build the `handoff` of a fresh redemption (default true); false: it is left out. */
  handoff?: boolean;
}

/** The serviceUrl rule of `handoffHandler` and the adapters. */
export interface HandoffServiceUrlPolicy {
  /**
   * Allowed hosts, matched case-insensitively and exactly; `*.example.com` matches every name
   * under example.com. Default: Microsoft's public-cloud Bot Connector hosts,
   * `smba.trafficmanager.net` and `*.botframework.com`. Loopback must be listed unless the bot
   * has no credentials.
   */
  allow?: string[];
  /**
   * The bot replies with its app credentials (a bearer token). Default: `HandoffInbound.credentials`
   * (the adapters set it false when their SDK runs without credentials), else true. Without
   * credentials loopback serviceUrls (local emulators) are allowed too, and follow-ups go only to
   * loopback (`followups` is empty for any other serviceUrl).
   */
  credentials?: boolean;
}

/** A Bot Framework ChannelAccount, as the pipeline read it. */
export interface HandoffAccount {
  id: string;
  /** The user's AAD object id (users only). */
  aadObjectId?: string;
  name?: string;
}

/**
 * A Bot Framework ConversationReference (botbuilder's shape: the bot is `bot`; the Agents SDK calls
 * it `agent`, which handoffkit/agents converts): what a bot continues the conversation with.
 */
export interface HandoffConversationReference {
  /** The activity that presented the token. */
  activityId?: string;
  user: HandoffAccount;
  bot: HandoffAccount;
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelId?: string;
  /** Where the Bot Connector of this conversation is. */
  serviceUrl: string;
  locale?: string;
}

/**
 * The handoff the app continues from, once per redemption: the npm handler's `result.handoff`, the
 * body of the native host's delivery webhook (signed: see `verifyHandoffDelivery`), and what the
 * SDK adapters pass to `onHandoff`. Members as core's handoff_json writes them (empty strings where
 * the activity had nothing).
 */
export interface Handoff {
  type: 'handoff';
  /** The token's id: the idempotency key of its delivery. */
  jti: string;
  /** When it was redeemed, unix seconds. */
  redeemedAt: number;
  /** The token's context (embedded, or loaded from the store in reference mode), or null. */
  context: Record<string, unknown> | null;
  /** The activity that redeemed it. */
  activityId: string;
  channelId: string;
  locale: string;
  bot: { id: string; name: string };
  user: { id: string; aadObjectId: string; name: string };
  conversation: { id: string; conversationType: string; tenantId: string; serviceUrl: string };
}

/** A Bot Framework activity the bot sends after answering (a message or a typing indicator). */
export interface FollowupActivity {
  type: 'message' | 'typing';
  /** The message's text (messages only). */
  text?: string;
  locale?: string;
  channelId?: string;
  conversation: { id: string };
  from: { id: string; name?: string };
  recipient: { id: string };
  /** The activity that presented the token. */
  replyToId?: string;
}

/** What the pipeline decided for one activity. */
export interface HandoffResult {
  /** The HTTP status to answer with: 200 (with an EMPTY body), or a coded 4xx/5xx. */
  status: number;
  code: HandoffAnswerCode;
  /** The answer's body: '' on 200, else `{"error":{"code","message"}}` (never the token). */
  body: string;
  /** A token was redeemed, by this activity or (retry) an earlier delivery of it. */
  redeemed: boolean;
  /** The same activity again (Teams re-sent it): answered as before, nothing to do twice. */
  retry: boolean;
  /** Not a handoff/action (a message, composeExtension/query, …): the app's to answer. */
  forTheApp: boolean;
  /** The token's id, when the token was read. */
  jti?: string;
  /** The token's context, when redeemed and it has one. */
  context?: Record<string, unknown>;
  /** Who presented it. */
  user: HandoffAccount;
  /** Where to continue the conversation (Bot Framework ConversationReference). */
  conversation: HandoffConversationReference;
  /** What to send the user after answering, in order (progress messages; after a replay or expiry, "start a new conversation"). */
  followups: FollowupActivity[];
  /** A fresh redemption (not a retry): the handoff the app continues from. */
  handoff?: Handoff;
}

/** What the endpoint's inbound authentication established (the SDK's Bot Framework JWT check). */
export interface HandoffInbound {
  /** A verified Bot Connector token came with the request. */
  authenticated?: boolean;
  /** That token's `serviceurl` claim: the activity's serviceUrl must be the same (AUTH_SERVICE_URL_MISMATCH otherwise). */
  serviceUrl?: string;
  /**
   * False when the SDK replies without a bearer token (it has no app credentials: local
   * development); see HandoffServiceUrlPolicy.credentials. Default true.
   */
  credentials?: boolean;
}

/** The bot side: one activity at a time through the core's pipeline. */
export interface HandoffHandler {
  /**
   * Takes one activity (an object or its JSON text) to the pipeline's decision, performing the
   * store steps it asks for. Never throws for what an activity says; every refusal is a result.
   * @throws HandoffKitError INVALID_ARGUMENT (not an object or JSON text), INTERNAL
   */
  handle(activity: object | string, inbound?: HandoffInbound): Promise<HandoffResult>;
}

/**
 * Every entry point that reads JSON (an options object, a card, key set or environment as text)
 * also throws INVALID_JSON, INVALID_UTF8 (text that is not UTF-8, or a string with a lone
 * surrogate), DUPLICATE_KEY (an object naming a key twice in JSON text) and INPUT_TOO_LARGE;
 * inside a token these are MALFORMED, inside a key set KEYS_INVALID. Validators report them as
 * problems instead of throwing.
 */
export interface HandoffKit {
  readonly HandoffKitError: typeof HandoffKitError;
  /**
   * The Copilot handoff deep link.
   * @throws HandoffKitError BOT_ID_INVALID, CONTINUATION_EMPTY, URL_TOO_LONG, INVALID_ARGUMENT
   */
  buildHandoffLink(options: HandoffLinkOptions): string;
  /**
   * Any documented Teams deep link.
   * @throws HandoffKitError USERS_EMPTY, TIME_INVALID, APP_ID_INVALID, ENTITY_ID_EMPTY, WEB_URL_INVALID, CONTEXT_INVALID, URL_TOO_LONG, INVALID_ARGUMENT, …
   */
  buildDeepLink(options: DeepLinkOptions): string;
  /** Reports every problem of `url`; never throws for a bad URL (only for bad options: INVALID_ARGUMENT). */
  validateDeepLink(url: string, options?: ValidateLinkOptions): LinkReport;
  /** @throws HandoffKitError UNSUPPORTED_PROPERTY, URL_SCHEME_FORBIDDEN, PROPERTY_MISSING, VERSION_UNKNOWN, INVALID_ARGUMENT, … */
  buildOpenUrlAction(options: OpenUrlActionOptions & { version?: CardVersion }): Record<string, unknown>;
  /** A card with text blocks and several Action.OpenUrl. */
  buildCard(options: { version?: CardVersion; target?: CardTarget; title?: string; text?: string; actions?: OpenUrlActionOptions[] }): AdaptiveCard;
  /** The handoff card: title, text and one button opening the handoff deep link. */
  buildHandoffCard(options: HandoffCardOptions): AdaptiveCard;
  /** Reports every problem of a card (object or JSON text); never throws for a bad card, only for bad options. */
  validateCard(card: unknown, options?: ValidateCardOptions): CardReport;
  /**
   * Signs a continuation token (JWS compact, HS256, typ `handoff+jwt`).
   * @throws HandoffKitError KEYS_INVALID, KEY_TOO_SHORT, CONTEXT_INVALID, CONTEXT_TOO_LARGE, INVALID_ARGUMENT
   */
  issueToken(options: IssueTokenOptions, keys: KeySet): IssuedToken;
  /**
   * Verifies without consuming. Checks in order: length, base64url, header, signature, time, audience, user.
   * @throws HandoffKitError TOKEN_TOO_LONG, MALFORMED, UNSUPPORTED_ALG, UNSUPPORTED_TYPE, UNKNOWN_KEY, BAD_SIGNATURE,
   *   EXPIRED, NOT_YET_VALID, LIFETIME_TOO_LONG, WRONG_ISSUER, WRONG_AUDIENCE, WRONG_USER, …
   */
  verifyToken(token: string, keys: KeySet, options: VerifyTokenOptions): VerifiedToken;
  /** Decodes header and claims WITHOUT verifying (for display). @throws HandoffKitError TOKEN_TOO_LONG, MALFORMED */
  inspectToken(token: string): InspectedToken;
  /** A new in-memory replay guard. */
  createReplayGuard(): ReplayGuard;
  /**
   * The plugin side of a handoff in one call: a fresh token, its deep link and the card carrying it
   * (the same core function as the host's `POST /v1/handoffs`). In reference mode the context is kept
   * in `store` before the token is handed out.
   * @throws HandoffKitError INVALID_ARGUMENT (also: reference mode without a store), BOT_ID_INVALID, KEYS_INVALID,
   *   CONTEXT_INVALID, CONTEXT_TOO_LARGE, URL_TOO_LONG, STORE_UNAVAILABLE, …
   */
  createHandoff(options: CreateHandoffOptions, keys: KeySet, store?: HandoffStore): Promise<CreatedHandoff>;
  /**
   * The bot side: a handler that takes a Bot Framework activity to the answer the native host
   * would give (the same core pipeline), its follow-ups and the redeemed context. The
   * configuration is checked now.
   * @throws HandoffKitError INVALID_ARGUMENT (unknown option, bad botId, no store, …), KEYS_INVALID, MESSAGES_INVALID
   */
  handoffHandler(options: HandoffHandlerOptions): HandoffHandler;
  /**
   * True when `signature` (the `X-Handoffkit-Signature` header, `sha256=<hex>`) is the HMAC-SHA256
   * of `body` (the RAW request body as received, not a re-serialization) with `key`, compared in
   * constant time. A missing signature or an empty key never verifies.
   * @throws HandoffKitError INVALID_ARGUMENT (body or key not a string)
   */
  verifyHandoffDelivery(body: string, signature: string | undefined, key: string): boolean;
  /** A new in-process store for handoffHandler. */
  memoryStore(options?: MemoryStoreOptions): MemoryStore;
  /**
   * A store over the app's own Redis client (ioredis or node-redis v4+): keys `handoffkit:jti:<jti>`
   * and `handoffkit:ctx:<jti>`, as the native host's Redis store.
   * @throws HandoffKitError INVALID_ARGUMENT (not such a client, prefix not a string)
   */
  redisStore(client: RedisClient, options?: RedisStoreOptions): HandoffStore;
  /**
   * Which Copilot features each representative can use, GA or preview, and when not, why and how to fix it.
   * Never throws for what an environment says; only for what it is.
   * @example hk.evaluateEligibility(env, { representativesCsv: csvText, plan: true }).plan.fixes[0].label
   * @throws HandoffKitError INVALID_JSON, INVALID_UTF8, DUPLICATE_KEY, INPUT_TOO_LARGE, INVALID_ARGUMENT (with `field`
   *   under /apply for a bad change), ENVIRONMENT_INVALID (with `field`; a CSV's row in the message), RULESET_INVALID (with `field`)
   */
  evaluateEligibility(environment: EligibilityEnvironment | string, options?: EligibilityOptions): EligibilityReport;
  /**
   * The fix plan of a report: the distinct changes that unblock something, what each unblocks alone, which must
   * come together, most useful first. The same plan `evaluateEligibility(env, { plan: true })` gives; reports
   * over 32 MiB (about 14,000 representatives) are INPUT_TOO_LARGE: ask for `plan` when evaluating instead.
   * @throws HandoffKitError INVALID_JSON, INPUT_TOO_LARGE, REPORT_INVALID (with `field`)
   */
  planEligibilityFixes(report: EligibilityReport | string): EligibilityPlan;
  /** The embedded default ruleset (versioned; every rule cites its source sentence). */
  defaultEligibilityRuleset(): { schema: string; name: string; version: string; features: object[]; rules: object[] } & Record<string, unknown>;
}

/**
 * An organization's setup for Copilot in Customer Service. Every field but `representatives` may be
 * omitted: what a rule needs but is missing makes that cell `unknown`, never a guess. Unknown fields
 * are refused (ENVIRONMENT_INVALID with `field`). See core/include/handoffkit/eligibility.hpp.
 */
export interface EligibilityEnvironment {
  /** A geography id or its words in any case ("United States"). */
  geography?: string;
  dataMovementEnabled?: boolean;
  capacityScenario?: 'sameRegion' | 'outsideTenantRegion' | 'fallbackToExternal';
  optIn?: { questionsAndEmails?: OptInState; summaries?: OptInState };
  administrator?: { roles?: string[] };
  surfaces?: { customerServiceHub?: { enabledFeatures?: string[] }; customApps?: { enabledFeatures?: string[] } };
  experienceProfiles?: { id: string; outOfTheBox?: boolean; copilotToggle?: boolean; features?: string[] }[];
  /** Privileges as `table:access` or as Dataverse names them, `prvReadmsdyn_aimodel`, in any case. */
  roles?: { name: string; privileges?: string[] }[];
  /** Required, unless `representativesCsv` gives them. */
  representatives?: EligibilityRepresentative[];
}
export type OptInState = 'optedIn' | 'optedOut' | 'notOptedIn';
export interface EligibilityRepresentative {
  id: string;
  /** The core also takes these words spaced and in any case ("Customer Service Hub"), as text from a file. */
  surface?: 'copilotServiceWorkspace' | 'customerServiceHub' | 'customApp';
  /** License ids or names ("Dynamics 365 Customer Service Enterprise", "Chat", "Digital Messaging", "Voice"). */
  licenses?: string[];
  roles?: string[];
  experienceProfile?: string;
}
export interface EligibilityOptions {
  /** A replacement ruleset (object or JSON text); default: the embedded, cited one. */
  ruleset?: object | string;
  /**
   * Representatives as a spreadsheet keeps them, replacing the environment's: CSV (RFC 4180) with a header row
   * naming id, surface, licenses, roles, experienceProfile; lists separated by `;`. A duplicate id is
   * ENVIRONMENT_INVALID naming its row.
   */
  representativesCsv?: string;
  /** Changes made before evaluating ("what if"): the `change` of plan fixes. */
  apply?: EligibilityChange[];
  /** Also plan the fixes: the report gains `plan`. */
  plan?: boolean;
}
export type EligibilityStatus = 'available' | 'available_with_warnings' | 'unavailable' | 'unknown' | 'not_applicable';
export interface EligibilityCell {
  status: EligibilityStatus;
  /** Absent on the administrator cell. `unspecified`: the source names no stage. */
  stage?: 'ga' | 'preview' | 'unknown' | 'unspecified';
  /** Every failing gate, in ruleset order; `missing` lists what a containsAll lacked (e.g. privileges). */
  failed: {
    code: string;
    rule: string;
    /** What a containsAll lacked, privileges in the form the environment's roles use. */
    missing?: string[];
    /** Where the gate's fix is made: into any of these roles (privileges), or this experience profile. */
    roles?: string[];
    profile?: string;
  }[];
  warnings: { code: string; rule: string }[];
  /** Rules that could not be decided, and the inputs that would decide them. */
  unknown: { code: string; rule: string; missingInputs: string[] }[];
  /** When the stage is `unknown`: the inputs that would decide it. */
  stageMissingInputs?: string[];
}
export interface EligibilityRule {
  code?: string;
  effect: 'block' | 'warn' | 'notApplicable' | 'stage';
  /** What to change (all effects but stage). */
  remediation?: string;
  /** The sentence of the source document this rule encodes. */
  source: string;
  stage?: 'ga' | 'preview';
  /** How to fix a block rule: alternatives, the first whose place the representative has being taken. */
  fix?: ({ input: string; value: boolean | string } | { input: string; add: string[] })[];
}
/** A documented default the evaluation took for an input the environment left out, with its sentence. */
export interface EligibilityAssumption {
  field: string;
  input: string;
  value: unknown;
  source: string;
  /** For an out-of-the-box experience profile's defaults. */
  profile?: string;
}
/** A license, privilege or role the ruleset does not know: kept, and said, with the closest known name. */
export interface EligibilityInputWarning {
  code: Extract<EligibilityCode, 'UNKNOWN_LICENSE' | 'UNKNOWN_PRIVILEGE' | 'UNKNOWN_ROLE'>;
  value: string;
  /** Its first place (later ones are counted). */
  field: string;
  count: number;
  message: string;
  didYouMean?: string;
}
/** `available`: every cell decided, none unavailable (CLI exit 0); `unavailable` (3); `incomplete`: some unknown (4). */
export type EligibilityOutcome = 'available' | 'unavailable' | 'incomplete';
/** One change to an environment: a value set or added, and where. */
export interface EligibilityChange {
  input: string;
  value?: boolean | string;
  add?: string;
  representatives?: string[];
  role?: string;
  profile?: string;
}
export interface EligibilityFix {
  /** F1, F2, … in plan order (A1, … for the administrator's). */
  id: string;
  /** "Enable data movement across regions in the Power Platform admin center", "Add privilege P to role 'R'", … */
  label: string;
  change: EligibilityChange;
  /** The rules it clears. */
  rules: string[];
  /** Representative × feature cells it unblocks by itself (not on administrator fixes). */
  unblocks?: number;
  /** Cells it is one of several fixes for. */
  unblocksWithOthers?: number;
}
export interface EligibilityPlan {
  fixes: EligibilityFix[];
  /** Fixes that must come together: none of them alone unblocks these cells. */
  together: { fixes: string[]; unblocks: number }[];
  administrator: EligibilityFix[];
  cells: { unavailable: number; unblockable: number; withoutFix: number; unknown: number };
  /** What the unknown cells need supplied. */
  toDecide: string[];
  assumed: EligibilityAssumption[];
  inputWarnings: EligibilityInputWarning[];
  outcome: EligibilityOutcome;
  ruleset: { name: string; schema: string; version: string };
}
export interface EligibilityReport {
  administrator: EligibilityCell;
  assumed: EligibilityAssumption[];
  inputWarnings: EligibilityInputWarning[];
  licenses: { id: string; name: string }[];
  outcome: EligibilityOutcome;
  /** With `{ plan: true }`. */
  plan?: EligibilityPlan;
  /** The matrix columns, in ruleset order. */
  features: { id: string; name: string }[];
  /** The matrix rows, in input order. */
  representatives: { id: string; features: Record<string, EligibilityCell> }[];
  /** A gate's remediation and source: `rules[gate.rule]`. */
  rules: Record<string, EligibilityRule>;
  ruleset: { name: string; schema: string; version: string };
  summary: Record<string, Record<EligibilityStatus, number>>;
}

export interface InitOptions {
  /** The wasm bytes, when the default location does not suit (Node reads them from the package). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the browser fetches `handoffkit.wasm` from. */
  locateFile?: (path: string, prefix: string) => string;
}

/** Instantiates the wasm module (once per call; keep the result). */
export declare function init(options?: InitOptions): Promise<HandoffKit>;
