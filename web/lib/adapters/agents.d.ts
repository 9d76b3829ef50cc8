// handoffkit/agents: the handoff on the Microsoft 365 Agents SDK (@microsoft/agents-hosting 1.8).
import type { AgentApplication, CloudAdapter, InvokeResponse, TurnContext, TurnState } from '@microsoft/agents-hosting';
import type { HandoffAdapter, HandoffAdapterOptions } from './common.js';

export type { DeliveryAnswer, DeliveryAnswerCode, HandoffAdapter, HandoffAdapterOptions, HandoffErrorInfo } from './common.js';

/** onHandoff gets the TurnContext of a proactive continuation of the handoff's conversation. */
export type AgentsHandoffOptions = HandoffAdapterOptions<TurnContext>;
export type AgentsHandoff = HandoffAdapter<TurnContext, InvokeResponse>;

/**
 * Registers the handoff/action invoke route on an AgentApplication, and on its adapter the
 * middleware that starts the follow-ups and onHandoff once the turn (and so its answer) is done;
 * they go out through `adapter.continueConversation` (no Authorization header when no
 * credentials are configured). Register it before other middleware that does I/O after the turn.
 * @throws HandoffKitError INVALID_ARGUMENT, and those of hk.handoffHandler
 */
export declare function addHandoffRoute<TState extends TurnState>(app: AgentApplication<TState>, options: AgentsHandoffOptions): Promise<AgentsHandoff>;

/**
 * The same for an ActivityHandler bot on `adapter`: return `(await handoff.invoke(context)) ??
 * super.onInvokeActivity(context)` from its onInvokeActivity.
 * @throws HandoffKitError INVALID_ARGUMENT, and those of hk.handoffHandler
 */
export declare function agentsHandoff(adapter: CloudAdapter, options: AgentsHandoffOptions): Promise<AgentsHandoff>;
