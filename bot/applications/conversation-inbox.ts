import type { Logger } from '../../contracts/logger.js';
import { append, type ChatMessage, maskReplies } from '../../contracts/messages.js';
import type { Reply } from '../../contracts/replies.js';
import type { FlowRunner } from '../../flows/engine/index.js';
import type { ConversationStore } from '../conversations/store.js';
import type { EventBus } from '../ports.js';
import type { MerchantInbox } from './inbox.js';
import type { Application, ApplicationEvent } from './model.js';
import { type NoticeDeps, noticeFor } from './notices.js';

export const ANSWER_FLOW = 'application_answer';

/**
 * Tells the merchant in the conversation the application came from: a bot message (kept in the
 * history, so it is there when they come back) published to every open client. A reviewer's
 * question also opens the answer flow there, so the merchant's next message is the answer.
 */
export class ConversationInbox implements MerchantInbox {
  constructor(
    private readonly deps: {
      store: ConversationStore;
      bus: EventBus;
      runner: () => FlowRunner;
      notices: NoticeDeps;
      logger: Logger;
      clock: () => Date;
    },
  ) {}

  async tell(application: Application, event: ApplicationEvent): Promise<void> {
    const replies = noticeFor(application, event, this.deps.notices);
    if (!replies) return;
    let added: ChatMessage[] = [];
    await this.deps.store.update(application.conversationId, async (c) => {
      let out: Reply[] = replies;
      let flow = c.flow;
      if (event.kind === 'info_requested') {
        const runner = this.deps.runner();
        const answer = runner.flow(ANSWER_FLOW);
        if (answer) {
          const step = await runner.start(
            answer,
            {},
            {
              lang: c.lang,
              requester: {
                channel: application.channel,
                conversationId: c.id,
                merchantNo: application.merchantNo,
              },
            },
          );
          if (step.state) {
            flow = {
              ...step.state,
              facts: { ...step.state.facts, 'application.number': application.number },
            };
            out = [...replies, ...step.replies];
          }
        }
      }
      const log = append(c, [
        { at: this.deps.clock().toISOString(), from: 'bot', replies: maskReplies(out) },
      ]);
      added = log.added;
      return { ...c, flow, seq: log.seq, messages: log.messages };
    });
    if (added.length)
      await this.deps.bus
        .publish({ conversationId: application.conversationId, messages: added })
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not publish the application notice'));
  }
}
