import { EventEmitter } from 'node:events';
import type { ConversationEvent, EventBus, Unsubscribe } from '../../bot/ports.js';
import type { Logger } from '../../contracts/logger.js';
import type { Redis } from './redis.js';

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

export class RedisBus implements EventBus {
  private readonly local = new InProcessBus();
  private readonly counts = new Map<string, number>();

  /** `subscriber` must be a connection of its own: a subscribed Redis connection does nothing else. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
    /** The deployment's key prefix (StateStore's): another deployment on the same Redis hears nothing. */
    private readonly prefix = '',
  ) {}

  private channel(conversationId: string): string {
    return `${this.prefix}refund-assistant:conversation:${conversationId}`;
  }

  async publish(event: ConversationEvent): Promise<void> {
    await this.publisher.publish(this.channel(event.conversationId), JSON.stringify(event));
  }

  async subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe> {
    const unsubscribeLocal = await this.local.subscribe(conversationId, handler);
    const n = this.counts.get(conversationId) ?? 0;
    this.counts.set(conversationId, n + 1);
    if (n === 0) {
      await this.subscriber.subscribe(this.channel(conversationId), (raw) => {
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
      await this.subscriber.unsubscribe(this.channel(conversationId)).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.subscriber.isOpen) await this.subscriber.close().catch(() => undefined);
  }
}
