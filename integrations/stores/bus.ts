import { EventEmitter } from 'node:events';
import type { Logger } from '../../app/logger.js';
import type { ChatMessage } from '../../contracts/messages.js';
import type { Redis } from './redis.js';

/** Something that happened in a conversation that open clients should see now. */
export interface ConversationEvent {
  conversationId: string;
  messages: ChatMessage[];
}

export type Unsubscribe = () => Promise<void>;

/**
 * Carries new messages to every client of a conversation, whichever instance it is connected to:
 * in-process by default, Redis pub/sub when REDIS_URL is set (an agent's reply arriving through
 * Slack on one instance reaches the widget held open on another).
 */
export interface EventBus {
  publish(event: ConversationEvent): Promise<void>;
  subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: ConversationEvent): Promise<void> {
    this.emitter.emit(event.conversationId, event);
  }

  async subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe> {
    this.emitter.on(conversationId, handler);
    return async () => {
      this.emitter.off(conversationId, handler);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = (id: string) => `refund-assistant:conversation:${id}`;

export class RedisBus implements EventBus {
  private readonly local = new InProcessBus();
  private readonly counts = new Map<string, number>();

  /** `subscriber` must be a connection of its own: a subscribed Redis connection does nothing else. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
  ) {}

  async publish(event: ConversationEvent): Promise<void> {
    await this.publisher.publish(CHANNEL(event.conversationId), JSON.stringify(event));
  }

  async subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe> {
    const unsubscribeLocal = await this.local.subscribe(conversationId, handler);
    const n = this.counts.get(conversationId) ?? 0;
    this.counts.set(conversationId, n + 1);
    if (n === 0) {
      await this.subscriber.subscribe(CHANNEL(conversationId), (raw) => {
        try {
          void this.local.publish(JSON.parse(raw) as ConversationEvent);
        } catch (err) {
          this.logger.warn({ err }, 'unreadable event on the bus');
        }
      });
    }
    return async () => {
      await unsubscribeLocal();
      const left = (this.counts.get(conversationId) ?? 1) - 1;
      if (left > 0) {
        this.counts.set(conversationId, left);
        return;
      }
      this.counts.delete(conversationId);
      await this.subscriber.unsubscribe(CHANNEL(conversationId)).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.subscriber.isOpen) await this.subscriber.close().catch(() => undefined);
  }
}
