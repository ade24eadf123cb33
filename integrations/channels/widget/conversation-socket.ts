import type { ChannelHost } from '../../../bot/host.js';
import type { Unsubscribe } from '../../../bot/ports.js';
import { ApiError, unavailableIn } from '../../../contracts/errors.js';
import type { Logger } from '../../../contracts/logger.js';
import type { ChatMessage } from '../../../contracts/messages.js';
import { type ClientFrame, clientFrameSchema, type ServerFrame } from '../../../contracts/socket.js';
import type { MerchantTokens } from './merchant-token.js';
import type { PerMinute } from './origins.js';

/** The transport under a conversation socket: the adapter (ws today) gives these, nothing more. */
export interface SocketLine {
  send(frame: ServerFrame): void;
  /** Ends the line with a WebSocket close code (1012: reconnect now, elsewhere; 1013: try again later). */
  close(code: number, reason: string): void;
  /** The client's network address, for limits and lock-outs. */
  readonly address: string;
}

export interface ConversationSocketDeps {
  assistant: ChannelHost['assistant'];
  events: ChannelHost['events'];
  tokens: MerchantTokens;
  limiter: PerMinute;
  logger: Logger;
}

/** The server is restarting: reconnect at once (another instance takes the conversation on). */
export const CLOSE_SERVICE_RESTART = 1012;
/** A dependency did not answer when the socket said hello: reconnect after a backoff. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

const errorFrame = (code: 'BAD_FRAME' | 'RATE_LIMITED' | 'INTERNAL', detail: string, clientId?: string) => {
  const e = new ApiError(code, { detail });
  return { type: 'error' as const, code, message: e.message, ...(clientId && { clientId }) };
};

/**
 * One widget's conversation over a socket, whatever carries the frames: `hello` resumes from the
 * last message number the client has, `message` is acknowledged once stored (a resend with the same
 * clientId is answered once), `feedback` rates an answer. New messages of the conversation, from
 * this turn or from anyone else (another tab, an agent in Slack via the bus), go out as `messages`,
 * each message number once per socket. Frames are handled one at a time, in the order they came.
 * A turn that fails is answered with an `error` frame carrying the message's clientId (the widget
 * offers to send it again): UNAVAILABLE, in the user's language, when a store did not answer.
 */
export class ConversationSocket {
  private conversationId: string | undefined;
  private merchantNo: string | undefined;
  private lang: 'zh' | 'en' | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private closed = false;
  private draining = false;
  // A turn's messages reach this socket twice (straight from the turn, and from the bus that
  // carries them to other tabs and instances); each message number goes out once.
  private readonly delivered = new Set<number>();
  private queue = Promise.resolve();

  constructor(
    private readonly deps: ConversationSocketDeps,
    private readonly line: SocketLine,
  ) {}

  /** A frame as it arrived: text (JSON) or binary. */
  receive(raw: string | Buffer, { binary }: { binary: boolean }): void {
    // stopping: a message is not taken on (nor acknowledged), so the widget sends it again after
    // it reconnects, to an instance that stays
    if (this.draining) return;
    this.queue = this.queue.then(async () => {
      if (binary) return this.line.send(errorFrame('BAD_FRAME', 'send JSON text frames'));
      let data: unknown;
      try {
        data = JSON.parse(raw.toString());
      } catch {
        return this.line.send(errorFrame('BAD_FRAME', 'a frame must be JSON'));
      }
      const parsed = clientFrameSchema.safeParse(data);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        return this.line.send(errorFrame('BAD_FRAME', detail));
      }
      try {
        await this.handle(parsed.data);
      } catch (err) {
        this.failed(parsed.data, err);
      }
    });
  }

  /** Takes no new frames; resolves when the ones already here are handled (a turn under way included). */
  drain(): Promise<void> {
    this.draining = true;
    return this.queue;
  }

  private failed(f: ClientFrame, err: unknown): void {
    const clientId = f.type === 'message' ? f.clientId : undefined;
    const unavailable = unavailableIn(err);
    if (!unavailable) {
      this.deps.logger.error({ err }, 'websocket turn failed');
      this.line.send(errorFrame('INTERNAL', 'the turn failed', clientId));
      return;
    }
    this.deps.logger.warn(
      { dependency: unavailable.dependency, err: unavailable.cause, frame: f.type },
      'websocket frame refused: a dependency did not answer',
    );
    const lang = (f.type !== 'feedback' && f.locale) || this.lang || 'zh';
    const message = this.deps.assistant.say('something_wrong', lang);
    // without a welcome the widget has nothing to go on: let it reconnect after a while instead
    if (f.type === 'hello') this.line.close(CLOSE_TRY_AGAIN_LATER, 'try again later');
    else this.line.send({ type: 'error', code: 'UNAVAILABLE', message, ...(clientId && { clientId }) });
  }

  close(): void {
    this.closed = true;
    void this.unsubscribe?.();
  }

  private deliver(messages: readonly ChatMessage[]): void {
    const fresh = messages.filter((m) => !this.delivered.has(m.id));
    if (!fresh.length) return;
    for (const m of fresh) this.delivered.add(m.id);
    if (this.delivered.size > 1000) {
      const oldest = [...this.delivered].sort((a, b) => a - b).slice(0, this.delivered.size - 500);
      for (const id of oldest) this.delivered.delete(id);
    }
    this.line.send({ type: 'messages', messages: fresh });
  }

  private async follow(id: string): Promise<void> {
    if (this.conversationId === id && this.unsubscribe) return;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.conversationId !== id) this.delivered.clear();
    this.conversationId = id;
    const stop = await this.deps.events.subscribe(id, (event) => this.deliver(event.messages));
    // the socket may have closed while this frame was being handled
    if (this.closed) await stop();
    else this.unsubscribe = stop;
  }

  private async handle(f: ClientFrame): Promise<void> {
    const { assistant } = this.deps;
    if (f.type === 'hello') return this.hello(f);
    if (f.type === 'feedback') {
      if (this.conversationId) await assistant.rate(this.conversationId, f.messageId, f.value);
      return;
    }
    if (!this.deps.limiter.allow(this.conversationId ?? this.line.address)) {
      const e = new ApiError('RATE_LIMITED');
      this.line.send({ type: 'error', code: 'RATE_LIMITED', message: e.message, clientId: f.clientId });
      return;
    }
    this.line.send({ type: 'typing' });
    const result = await assistant.turn({
      conversationId: this.conversationId,
      text: f.action === undefined ? (f.text ?? '') : undefined,
      action: f.action,
      locale: f.locale ?? this.lang,
      clientId: f.clientId,
      channel: 'widget',
      merchantNo: this.merchantNo,
      address: this.line.address,
    });
    await this.follow(result.conversationId);
    const own = result.messages.find((m) => m.from === 'user');
    this.line.send({
      type: 'ack',
      clientId: f.clientId,
      conversationId: result.conversationId,
      ...(own && { id: own.id }),
    });
    this.deliver(result.messages);
  }

  private async hello(f: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
    const { assistant, tokens } = this.deps;
    this.lang = f.locale ?? this.lang;
    if (f.token) {
      const check = await tokens.verify(f.token);
      if (check.ok) this.merchantNo = check.merchantNo;
      else
        this.line.send({
          type: 'notice',
          code: 'TOKEN_REFUSED',
          message: assistant.say('token_refused', this.lang ?? 'zh'),
        });
    }
    // listen first, then read the history: a message published in between comes by the bus (and
    // is sent once), instead of falling between the two
    if (f.conversationId) await this.follow(f.conversationId);
    const history = f.conversationId ? await assistant.history(f.conversationId, f.after ?? 0) : undefined;
    if (history) for (const m of history.messages) this.delivered.add(m.id);
    else if (f.conversationId) {
      await this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.conversationId = undefined;
    }
    this.line.send({
      type: 'welcome',
      conversationId: history?.conversationId ?? null,
      seq: history?.seq ?? 0,
      messages: history?.messages ?? [],
      mode: this.merchantNo ? 'merchant' : 'consumer',
    });
  }
}
