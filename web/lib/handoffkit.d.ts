// Hand-written types for the npm package `handoffkit` (the JS contract; see README "npm API").

/** Every failure handoffkit reports, with a stable UPPER_SNAKE `code` (same codes as C++ and the CLI). */
export declare class HandoffKitError extends Error {
  readonly name: 'HandoffKitError';
  readonly code: string;
  constructor(code: string, message: string);
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

export interface Problem {
  /** Stable UPPER_SNAKE code, e.g. `NOT_HTTPS`. */
  code: string;
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
}

export interface InitOptions {
  /** The wasm bytes, when the default location does not suit (Node reads them from the package). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where the browser fetches `handoffkit.wasm` from. */
  locateFile?: (path: string, prefix: string) => string;
}

/** Instantiates the wasm module (once per call; keep the result). */
export declare function init(options?: InitOptions): Promise<HandoffKit>;
