import { WebSocket } from 'ws';
import type { ChatMessage } from '../../contracts/messages.js';
import { buttonFor, flatten, type Turn, turnOf } from './transcript.js';
import { Waiters } from './waiters.js';

export type Frame = { type: string; [k: string]: unknown };

export interface WidgetSocket {
  frames: Frame[];
  send(frame: object): void;
  /** Sends raw text, as a broken client might. */
  sendRaw(data: string): void;
  /** Waits for the first frame that passes `test` (or for `test` to hold of the frames so far). */
  until(test: (f: Frame) => boolean, ms?: number): Promise<Frame>;
  /** Every conversation message this socket has received, in order. */
  messages(): ChatMessage[];
  /** Waits for a received message that passes `test`. */
  message(test: (m: ChatMessage) => boolean, ms?: number): Promise<ChatMessage>;
  close(): void;
}

/** A widget's WebSocket to /api/ws: sends frames, collects what comes back. */
export async function widgetSocket(url: string, headers: Record<string, string> = {}): Promise<WidgetSocket> {
  const s = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters = new Waiters();
  s.on('message', (raw) => {
    frames.push(JSON.parse(String(raw)) as Frame);
    waiters.notify();
  });
  await new Promise<void>((resolve, reject) => {
    s.once('open', () => resolve());
    s.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    s.once('error', reject);
  });
  const messages = () =>
    frames.flatMap((f) =>
      f.type === 'messages' || f.type === 'welcome' ? ((f.messages as ChatMessage[] | undefined) ?? []) : [],
    );
  return {
    frames,
    send: (f) => s.send(JSON.stringify(f)),
    sendRaw: (data) => s.send(data),
    until: (test, ms = 5000) =>
      waiters.until(
        () => frames.find(test),
        () => `no such frame among ${JSON.stringify(frames.map((f) => f.type))}`,
        ms,
      ),
    messages,
    message: (test, ms = 5000) =>
      waiters.until(
        () => messages().find(test),
        () => `no such message among ${JSON.stringify(messages().map((m) => [m.from, m.text ?? m.label]))}`,
        ms,
      ),
    close: () => s.close(),
  };
}

/**
 * A user of the widget over its WebSocket, read like a transcript (the HTTP ChatUser's twin): each
 * `says` waits for its ack and the assistant's answer to it; `told` waits for what arrives later by
 * itself (a reviewer's decision, an executed refund).
 */
export class SocketUser {
  private n = 0;
  // clientIds unique to this socket: a user who reconnects to the conversation does not repeat them
  private readonly prefix = `c${Math.random().toString(36).slice(2, 8)}-`;

  private constructor(readonly socket: WidgetSocket) {}

  /**
   * Opens /api/ws and says hello (a merchant portal's token signs the merchant in); with a
   * conversationId, resumes that conversation after message number `after` (0: all of it).
   */
  static async open(
    url: string,
    hello: { token?: string; locale?: string; conversationId?: string; after?: number } = {},
  ): Promise<SocketUser> {
    const socket = await widgetSocket(url);
    socket.send({ type: 'hello', ...hello });
    await socket.until((f) => f.type === 'welcome');
    return new SocketUser(socket);
  }

  get conversationId(): string | undefined {
    return [...this.socket.frames].reverse().find((f) => f.type === 'ack')?.conversationId as
      | string
      | undefined;
  }

  says(text: string): Promise<Turn> {
    return this.send({ text });
  }

  presses(turn: Turn, label: string): Promise<Turn> {
    return this.send({ action: buttonFor(turn, label) });
  }

  /** Waits for a message from the assistant (or an agent) the user did not ask for just now. */
  async told(test: (said: string) => boolean, ms = 10_000): Promise<string> {
    const m = await this.socket.message(
      (x) => x.from !== 'user' && test(flatten(x.replies ?? []) || (x.text ?? '')),
      ms,
    );
    return flatten(m.replies ?? []) || (m.text ?? '');
  }

  close(): void {
    this.socket.close();
  }

  private async send(body: { text?: string; action?: string }): Promise<Turn> {
    const clientId = `${this.prefix}${++this.n}`;
    const before = this.socket.frames.length;
    this.socket.send({ type: 'message', clientId, ...body });
    const ack = await this.socket.until((f) => f.type === 'ack' && f.clientId === clientId);
    // the answer: the assistant's messages right after the user's own (others may arrive meanwhile,
    // e.g. an upload's receipt by the bus)
    const own = Number(ack.id ?? 0);
    const answer = (m: ChatMessage) => m.from === 'bot' && m.id > own;
    const frame = await this.socket.until(
      (f) =>
        this.socket.frames.indexOf(f) >= before &&
        f.type === 'messages' &&
        ((f.messages as ChatMessage[] | undefined) ?? []).some(answer),
    );
    const replies = ((frame.messages as ChatMessage[]) ?? []).filter(answer).flatMap((m) => m.replies ?? []);
    return turnOf(replies);
  }
}
