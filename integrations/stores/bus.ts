import { EventEmitter } from 'node:events';
import type { ConversationEvent, EventBus, Unsubscribe } from '../../bot/ports.js';
import { Unavailable } from '../../contracts/errors.js';
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

  /** For /readyz: the subscriber's connection is up and answers (messages from other instances arrive). */
  async ping(): Promise<void> {
    if (!this.subscriber.isReady) throw new Unavailable('bus');
    await this.subscriber.ping();
  }

  async publish(event: ConversationEvent): Promise<void> {
    try {
      await this.publisher.publish(this.channel(event.conversationId), JSON.stringify(event));
    } catch (err) {
      throw new Unavailable('bus', { cause: err });
    }
  }

  async subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<Unsubscribe> {
    const unsubscribeLocal = await this.local.subscribe(conversationId, handler);
    const n = this.counts.get(conversationId) ?? 0;
    this.counts.set(conversationId, n + 1);
    if (n === 0) {
      const channel = this.channel(conversationId);
      const listener = (raw: string) => {
        try {
          void this.local.publish(JSON.parse(raw) as ConversationEvent);
        } catch (err) {
          this.logger.warn({ err }, 'unreadable event on the bus');
        }
      };
      try {
        // while the connection is down the client queues a subscription (to replay it when it is
        // back) instead of refusing it: refuse it here, or the caller waits for Redis to return
        if (!this.subscriber.isReady) throw new Error('the subscriber connection is down');
        await this.subscriber.subscribe(channel, listener);
      } catch (err) {
        // not listening after all: the next subscriber of this conversation tries again
        void this.subscriber.unsubscribe(channel, listener).catch(() => undefined);
        await unsubscribeLocal();
        const left = (this.counts.get(conversationId) ?? 1) - 1;
        if (left > 0) this.counts.set(conversationId, left);
        else this.counts.delete(conversationId);
        throw new Unavailable('bus', { cause: err });
      }
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
