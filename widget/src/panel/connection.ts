// The line to the assistant: a WebSocket at /api/ws that reconnects and resumes from the last
// message number seen; messages typed while offline wait in a queue and go out on reconnect (a
// resend carries the same clientId, so the server answers it once). Where WebSockets do not work,
// POST /api/chat carries the messages and a poll brings what others (an agent) write.

import type { ChatMessage } from '../../../contracts/messages.js';
import type { Reply } from '../../../contracts/replies.js';
import type { ClientFrame, ServerFrame } from '../../../contracts/socket.js';

/** A message of the conversation as the server numbers and masks it. */
export type ServerMessage = ChatMessage;

// the server's channel-neutral replies, as the core defines them
export type { Reply };

export interface Outgoing {
  clientId: string;
  text?: string;
  action?: string;
}

export interface ConnectionEvents {
  welcome(conversationId: string | null, messages: ServerMessage[], mode: 'merchant' | 'consumer'): void;
  messages(messages: ServerMessage[]): void;
  acked(clientId: string, conversationId: string): void;
  typing(): void;
  notice(message: string): void;
  failed(clientId: string, message: string): void;
  status(online: boolean): void;
}

export interface ConnectionState {
  conversationId: string | null;
  lastSeen: number;
  locale: 'zh' | 'en';
  token?: string | undefined;
}

const WS_FAILURES_BEFORE_HTTP = 3;
/** The server's close code for "I am restarting": another instance is there, reconnect now. */
const SERVICE_RESTART = 1012;
const POLL_MS = 4000;

export class Connection {
  private ws: WebSocket | undefined;
  private readonly queue: Outgoing[] = [];
  private attempts = 0;
  private everOpened = false;
  private httpMode = typeof WebSocket === 'undefined';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poller: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(
    private readonly server: string,
    private readonly state: ConnectionState,
    private readonly on: ConnectionEvents,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.httpMode) void this.startHttp();
    else this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.poller);
    this.ws?.close();
  }

  /** Sends now if connected, else keeps it until the line is back. */
  send(m: Outgoing): void {
    this.queue.push(m);
    this.flush();
  }

  feedback(messageId: number, value: 'up' | 'down'): void {
    if (this.ws?.readyState === WebSocket.OPEN) {
      this.sendFrame(this.ws, { type: 'feedback', messageId, value });
    } else if (this.state.conversationId) {
      void fetch(
        `${this.server}/api/conversations/${encodeURIComponent(this.state.conversationId)}/messages/${messageId}/feedback`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value }),
        },
      ).catch(() => undefined);
    }
  }

  /** After the server refuses a token: carry on as a guest. */
  forgetToken(): void {
    this.state.token = undefined;
  }

  /** A deliberate reconnect (a new token, the network is back): at once, not after a backoff. */
  reconnect(): void {
    if (this.httpMode) return;
    this.immediate = true;
    if (this.ws) this.ws.close();
    else this.open();
  }

  private immediate = false;

  private open(): void {
    const url = `${this.server.replace(/^http/, 'ws')}/api/ws`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.everOpened = true;
      this.attempts = 0;
      this.sendFrame(ws, {
        type: 'hello',
        ...(this.state.conversationId && { conversationId: this.state.conversationId }),
        after: this.state.lastSeen,
        locale: this.state.locale,
        ...(this.state.token && { token: this.state.token }),
      });
    };
    ws.onmessage = (e) => this.receive(String(e.data));
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      if (this.immediate) {
        this.immediate = false;
        this.open();
        return;
      }
      if (e.code === SERVICE_RESTART) {
        // nothing to show the user unless it fails: back within a moment, resuming where we were
        // (spread over half a second, so a page of widgets does not land in the same instant)
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.open(), 100 + Math.random() * 400);
        return;
      }
      this.on.status(false);
      this.retry();
    };
    ws.onerror = () => ws.close();
  }

  private retry(): void {
    this.attempts++;
    if (!this.everOpened && this.attempts >= WS_FAILURES_BEFORE_HTTP) {
      this.httpMode = true;
      void this.startHttp();
      return;
    }
    const delay = Math.min(10_000, 500 * 2 ** Math.min(this.attempts, 5)) * (0.75 + Math.random() / 2);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  private sendFrame(ws: WebSocket, frame: ClientFrame): void {
    ws.send(JSON.stringify(frame));
  }

  private receive(raw: string): void {
    let f: ServerFrame;
    try {
      f = JSON.parse(raw) as ServerFrame;
    } catch {
      return;
    }
    switch (f.type) {
      case 'welcome':
        this.on.welcome(f.conversationId ?? this.state.conversationId, f.messages ?? [], f.mode);
        this.on.status(true);
        this.flush();
        break;
      case 'messages':
        this.on.messages(f.messages);
        break;
      case 'ack':
        this.drop(f.clientId);
        this.on.acked(f.clientId, f.conversationId);
        break;
      case 'typing':
        this.on.typing();
        break;
      case 'notice':
        if (f.code === 'TOKEN_REFUSED') this.forgetToken();
        this.on.notice(String(f.message ?? ''));
        break;
      case 'error':
        if (typeof f.clientId === 'string') {
          this.drop(f.clientId);
          this.on.failed(f.clientId, String(f.message ?? ''));
        }
        break;
    }
  }

  private drop(clientId: string): void {
    const i = this.queue.findIndex((q) => q.clientId === clientId);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private flush(): void {
    if (this.httpMode) {
      void this.flushHttp();
      return;
    }
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // unacknowledged ones go again after a reconnect; the server recognises their clientId
    for (const m of this.queue) this.sendFrame(ws, { type: 'message', ...m, locale: this.state.locale });
  }

  // ---- the HTTP fallback ----

  private sendingHttp = false;

  private async flushHttp(): Promise<void> {
    if (this.sendingHttp) return;
    this.sendingHttp = true;
    try {
      while (this.queue.length) {
        const m = this.queue[0] as Outgoing;
        this.on.typing();
        const res = await fetch(`${this.server}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            ...(this.state.conversationId && { conversationId: this.state.conversationId }),
            ...m,
            locale: this.state.locale,
            ...(this.state.token && { token: this.state.token }),
          }),
        }).catch(() => undefined);
        if (!res) {
          this.on.status(false);
          setTimeout(() => void this.flushHttp(), 3000);
          return;
        }
        const body = (await res.json().catch(() => ({}))) as {
          conversationId?: string;
          messages?: ServerMessage[];
          error?: { code: string; message: string };
        };
        if (res.status === 401 && body.error?.code === 'TOKEN_INVALID') {
          this.forgetToken();
          this.on.notice(body.error.message);
          continue; // the same message again, as a guest
        }
        this.queue.shift();
        if (!res.ok || !body.conversationId) {
          this.on.failed(m.clientId, body.error?.message ?? String(res.status));
          continue;
        }
        this.on.status(true);
        this.on.acked(m.clientId, body.conversationId);
        this.on.messages(body.messages ?? []);
      }
    } finally {
      this.sendingHttp = false;
    }
  }

  private async startHttp(): Promise<void> {
    this.on.welcome(this.state.conversationId, await this.fetchAfter(), 'consumer');
    this.on.status(true);
    clearInterval(this.poller);
    this.poller = setInterval(() => {
      void this.fetchAfter().then((m) => m.length && this.on.messages(m));
    }, POLL_MS);
    void this.flushHttp();
  }

  private async fetchAfter(): Promise<ServerMessage[]> {
    if (!this.state.conversationId) return [];
    const res = await fetch(
      `${this.server}/api/conversations/${encodeURIComponent(this.state.conversationId)}/messages?after=${this.state.lastSeen}`,
    ).catch(() => undefined);
    if (!res?.ok) return [];
    const body = (await res.json().catch(() => ({}))) as { messages?: ServerMessage[] };
    return body.messages ?? [];
  }
}
