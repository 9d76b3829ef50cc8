// handoffkit/teams: the handoff on teams.ts (@microsoft/teams.apps 2.x).
import type { App } from '@microsoft/teams.apps';
import type { InvokeResponse } from '@microsoft/teams.api';
import type { HandoffConversationReference } from '../handoffkit.js';
import type { HandoffAdapter, HandoffAdapterOptions } from './common.js';

export type { DeliveryAnswer, DeliveryAnswerCode, HandoffAdapter, HandoffAdapterOptions, HandoffErrorInfo } from './common.js';

/** The conversation onHandoff continues: send posts into it with the app's own HTTP client. */
export interface TeamsHandoffConversation {
  readonly app: App;
  readonly reference: HandoffConversationReference;
  /** Posts a message (a text, or an activity such as `{ type: 'message', attachments }`) into the conversation. */
  send(activity: string | Record<string, unknown>): Promise<unknown>;
}

export type TeamsHandoffOptions = HandoffAdapterOptions<TeamsHandoffConversation>;
export type TeamsHandoff = HandoffAdapter<{ activity: unknown }, InvokeResponse>;

/**
 * Registers `app.on('handoff.action', …)` on a teams.ts App (without it teams.ts answers every
 * handoff 200, unchecked): the handler returns the pipeline's InvokeResponse, and the follow-ups and
 * onHandoff start once it has been written. Without credentials they carry no Authorization header.
 * teams.ts does not show the handler the inbound token, so the pipeline's serviceUrl binding is
 * teams.ts' own JWT validation here.
 * @throws HandoffKitError INVALID_ARGUMENT (not an App; teams.apps not installed), and those of hk.handoffHandler
 */
export declare function teamsHandoff(app: App, options: TeamsHandoffOptions): Promise<TeamsHandoff>;
