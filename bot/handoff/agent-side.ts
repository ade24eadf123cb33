import { maskSensitive } from '../../contracts/masking.js';
import type { ChatMessage } from '../../contracts/messages.js';
import type { Reply } from '../../contracts/replies.js';
import type { Conversation } from '../conversations/store.js';
import { type AgentActionResult, type Changed, type HandoffContext, strip } from './context.js';
import type { Agent, Handoff } from './state.js';

/** What agents do at the desk: claim a conversation, reply, send the suggested article, resolve. */
export class AgentSide {
  constructor(private readonly ctx: HandoffContext) {}

  /**
   * An agent takes the conversation; the user sees them join. `thread` (where the agent acted) must
   * be this handoff's ticket: a button or reply in an older, resolved thread reaches nobody.
   */
  async claim(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    const result = await this.ctx.change(conversationId, thread, (c, h) => {
      if (h.status === 'claimed') {
        if (h.agent?.id === agent.id) return { conversation: c, entries: [] };
        return { refused: 'taken' as const, by: h.agent };
      }
      return this.claimedBy(c, h, agent, []);
    });
    return this.afterAgent('claim', conversationId, agent, result);
  }

  /** An agent's reply reaches the user; replying to a waiting conversation claims it. */
  async reply(
    conversationId: string,
    agent: Agent,
    message: string,
    thread?: string,
  ): Promise<AgentActionResult> {
    // an agent's words enter here (from Slack): masked like the user's, before they are kept or sent
    const text = maskSensitive(message.slice(0, 4000));
    return this.agentSays(conversationId, agent, { text }, 'reply', thread);
  }

  /** The bot's suggested article, sent as the agent's answer. */
  async sendArticle(
    conversationId: string,
    agent: Agent,
    articleId: string,
    thread?: string,
  ): Promise<AgentActionResult> {
    const c = await this.ctx.deps.store.load(conversationId);
    const replies = c && this.ctx.deps.answers.article(articleId, c.lang);
    if (!replies) return { ok: false, reason: 'gone' };
    return this.agentSays(
      conversationId,
      agent,
      { replies: replies.filter((r) => r.type !== 'choices') },
      'send_suggestion',
      thread,
    );
  }

  /** The agents are done: the bot is back and asks whether it was solved. */
  async resolve(conversationId: string, agent: Agent, thread?: string): Promise<AgentActionResult> {
    const { say, answers } = this.ctx.deps;
    let was: Handoff | undefined;
    const result = await this.ctx.change(conversationId, thread, (c, h) => {
      was = h;
      const question = answers.solvedQuestion(c.lang);
      return {
        conversation: { ...c, handoff: undefined, awaitingSolved: 'handoff', offered: question[1].choices },
        entries: [
          { at: this.ctx.now(), from: 'system', text: say('agent_left', c.lang, { name: agent.name }) },
          { at: this.ctx.now(), from: 'bot', replies: question },
        ],
      };
    });
    if (result.ok) {
      this.ctx.progress.delete(conversationId);
      await this.ctx.deps.registry.closed(conversationId, 'resolved');
      await this.ctx.tellDesk(result.ticket, conversationId, { kind: 'resolved', agent });
      const opened = was ? Date.parse(was.openedAt) : Number.NaN;
      this.ctx.deps.insights?.record({
        kind: 'handoff_resolved',
        conversationId,
        channel: result.channel,
        lang: result.conversation.lang,
        durationMs: this.ctx.deps.clock().getTime() - opened,
      });
    }
    await this.ctx.audit('resolve', conversationId, agent, result);
    return strip(result);
  }

  async agentSays(
    conversationId: string,
    agent: Agent,
    said: { text?: string; replies?: Reply[] },
    action: string,
    thread: string | undefined,
  ): Promise<AgentActionResult> {
    const result = await this.ctx.change(conversationId, thread, (c, h) => {
      const message: Omit<ChatMessage, 'id'> = {
        at: this.ctx.now(),
        from: 'agent',
        author: agent.name,
        ...said,
      };
      if (h.status === 'claimed') return { conversation: c, entries: [message] };
      return this.claimedBy(c, h, agent, [message]);
    });
    return this.afterAgent(action, conversationId, agent, result);
  }

  /** A waiting conversation becomes the agent's: the user sees them join, then `then`. */
  claimedBy(
    c: Conversation,
    h: Handoff,
    agent: Agent,
    then: Array<Omit<ChatMessage, 'id'>>,
  ): { conversation: Conversation; entries: Array<Omit<ChatMessage, 'id'>> } {
    const joined: Omit<ChatMessage, 'id'> = {
      at: this.ctx.now(),
      from: 'system',
      text: this.ctx.deps.say('agent_joined', c.lang, { name: agent.name }),
    };
    return {
      conversation: { ...c, handoff: { ...h, status: 'claimed', agent, claimedAt: this.ctx.now() } },
      entries: [joined, ...then],
    };
  }

  /** After an agent's claim or message: the desk's list and ticket learn of a claim; audited. */
  async afterAgent(
    action: string,
    conversationId: string,
    agent: Agent,
    result: Changed,
  ): Promise<AgentActionResult> {
    // audited before the desk hears of it: the audit trail's order is the order things happened,
    // even when the agent's next action arrives the moment the thread shows the claim
    await this.ctx.audit(action, conversationId, agent, result);
    if (result.ok && result.claimedNow) {
      const h = result.conversation.handoff;
      this.ctx.deps.insights?.record({
        kind: 'handoff_claimed',
        conversationId,
        channel: result.channel,
        lang: result.conversation.lang,
        ...(h?.claimedAt && { durationMs: Date.parse(h.claimedAt) - Date.parse(h.openedAt) }),
      });
      await this.ctx.deps.registry.claimed(conversationId, agent);
      await this.ctx.tellDesk(result.ticket, conversationId, { kind: 'claimed', agent });
    }
    return strip(result);
  }
}
