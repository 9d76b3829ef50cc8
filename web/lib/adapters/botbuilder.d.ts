// handoffkit/botbuilder: the handoff on botbuilder 4.23 (TeamsActivityHandler over a CloudAdapter).
import type { CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import type { HandoffAdapter, HandoffAdapterOptions } from './common.js';

export type { DeliveryAnswer, DeliveryAnswerCode, HandoffAdapter, HandoffAdapterOptions, HandoffErrorInfo } from './common.js';

/** onHandoff gets the TurnContext of `adapter.continueConversationAsync` in the handoff's conversation. */
export type BotbuilderHandoffOptions = HandoffAdapterOptions<TurnContext>;
export type BotbuilderHandoff = HandoffAdapter<TurnContext, InvokeResponse>;

/**
 * The handoff for a botbuilder bot on `adapter` (a CloudAdapter made with a
 * ConfigurationBotFrameworkAuthentication): return `(await handoff.invoke(context)) ??
 * super.onInvokeActivity(context)` from TeamsActivityHandler.onInvokeActivity. Registers the
 * middleware that starts the follow-ups and onHandoff once the turn is done.
 * @throws HandoffKitError INVALID_ARGUMENT, and those of hk.handoffHandler
 */
export declare function botbuilderHandoff(adapter: CloudAdapter, options: BotbuilderHandoffOptions): Promise<BotbuilderHandoff>;
