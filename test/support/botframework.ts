import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Waiters } from './waiters.js';

/** What the bot posted to the channel's connector service. */
export interface Posted {
  conversationId: string;
  replyToId?: string;
  activity: Activity;
}

export interface Activity {
  type: string;
  id?: string;
  text?: string;
  textFormat?: string;
  locale?: string;
  value?: unknown;
  replyToId?: string;
  attachments?: Array<{ contentType: string; content: Record<string, unknown> }>;
  suggestedActions?: { actions: Array<{ type: string; title: string; value?: unknown }> };
  [k: string]: unknown;
}

/**
 * A channel's connector service (the `serviceUrl` of Bot Framework activities) on loopback: it
 * takes what the bot posts to /v3/conversations/{id}/activities[/{replyToId}] and records it.
 */
export class ConnectorStandIn {
  readonly posted: Posted[] = [];
  private readonly waiters = new Waiters();
  private n = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ConnectorStandIn> {
    let self: ConnectorStandIn | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = self as ConnectorStandIn;
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) {
          res.writeHead(404).end();
          return;
        }
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Activity;
        s.posted.push({
          conversationId: decodeURIComponent(m[1] ?? ''),
          ...(m[2] && { replyToId: decodeURIComponent(m[2]) }),
          activity,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `posted-${++s.n}` }));
        s.waiters.notify();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new ConnectorStandIn(server);
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until what was posted to a conversation passes `test`. */
  until(test: (posted: Posted[]) => boolean, ms = 5000): Promise<Posted[]> {
    return this.waiters.until(
      () => (test(this.posted) ? this.posted : undefined),
      () => `not posted in time; have ${JSON.stringify(this.posted.map((p) => p.activity.type))}`,
      ms,
    );
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The words of an activity a person would read: its text, its cards' text, its buttons. */
export function readable(a: Activity): string {
  const cards = (a.attachments ?? []).map((x) => JSON.stringify(x.content));
  const buttons = (a.suggestedActions?.actions ?? []).map((b) => b.title);
  return [a.text ?? '', ...cards, ...buttons].join(' ');
}

/**
 * A user on a Bot Framework channel: posts activities to /api/messages as the channel would, and
 * reads the bot's replies (from the response with expectReplies, or from the connector stand-in).
 */
export class ChannelUser {
  conversationId = `conv-${randomUUID()}`;
  private userId = `user-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly base: string,
    private readonly options: {
      channelId?: string;
      locale?: string;
      /** Replies in the HTTP response (expectReplies), or posted to this connector. */
      connector?: ConnectorStandIn;
      headers?: Record<string, string>;
    } = {},
  ) {}

  /** The same user in the same conversation, posting to another instance's address. */
  via(base: string): ChannelUser {
    const u = new ChannelUser(base, this.options);
    u.conversationId = this.conversationId;
    u.userId = this.userId;
    return u;
  }

  activity(fields: Partial<Activity>): Activity {
    return {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: this.options.channelId ?? 'webchat',
      from: { id: this.userId, name: 'user' },
      recipient: { id: 'refund-assistant', name: 'refund-assistant' },
      conversation: { id: this.conversationId },
      ...(this.options.locale && { locale: this.options.locale }),
      ...(this.options.connector
        ? { serviceUrl: this.options.connector.url }
        : { deliveryMode: 'expectReplies' }),
      ...fields,
    };
  }

  /** Posts one activity; returns the HTTP status and the bot's replies to it. */
  async post(activity: Activity): Promise<{ status: number; replies: Activity[] }> {
    const res = await fetch(`${this.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    const connector = this.options.connector;
    if (!connector || res.status !== 200) {
      const body = text ? (JSON.parse(text) as { activities?: Activity[] }) : {};
      return { status: res.status, replies: body.activities ?? [] };
    }
    // normal delivery: the replies were posted to the connector before the response
    const replies = connector.posted
      .filter((p) => p.conversationId === this.conversationId && p.replyToId === activity.id)
      .map((p) => p.activity);
    return { status: res.status, replies };
  }

  say(text: string) {
    return this.post(this.activity({ text }));
  }

  /** A suggested action (messageBack) or an Adaptive Card's Action.Submit: `{action}` in value. */
  press(action: string, label = '') {
    return this.post(this.activity({ text: label || undefined, value: { action } }));
  }

  join() {
    return this.post(
      this.activity({
        type: 'conversationUpdate',
        membersAdded: [{ id: this.userId, name: 'user' }, { id: 'refund-assistant' }],
      }),
    );
  }
}
