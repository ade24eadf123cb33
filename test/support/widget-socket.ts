import { WebSocket } from 'ws';
import type { ChatMessage } from '../../contracts/messages.js';
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
