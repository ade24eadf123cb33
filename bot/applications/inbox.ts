import type { Application, ApplicationEvent } from './model.js';

/**
 * The merchant's side of a change: a message in the conversation the application came from
 * (live on every open client, and there when they come back), and for a reviewer's question the
 * conversation made ready for the answer. Implemented over the conversation store by the assistant.
 */
export interface MerchantInbox {
  tell(application: Application, event: ApplicationEvent): Promise<void>;
}
