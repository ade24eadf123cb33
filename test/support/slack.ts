import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { Waiters } from './waiters.js';

export const TEAM = 'T0REFUND';
export const OTHER_TEAM = 'T0STRANGER';
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-test-token';
export const SIGNING_SECRET = 'test-signing-secret';
export const SUPPORT_CHANNEL = 'C0SUPPORT';
export const BOT_USER = 'U0BOT';
export const BOT_ID = 'B0BOT';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** What the stand-in answered. */
  result?: Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

function parseForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // the Web API client sends blocks and other objects as JSON inside the form
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Slack's Web API as a local server: it answers the methods the app calls the way Slack does,
 * and records every call, every response_url post, and (Socket Mode) the WebSocket envelopes.
 */
export class SlackStandIn {
  readonly calls: ApiCall[] = [];
  readonly responses: Array<{ id: string; body: Record<string, unknown> }> = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly failures = new Map<string, number>();
  private ts = 0;
  private sockets = new Set<WebSocket>();
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private readonly waiters = new Waiters();

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly users: Record<string, string>,
  ) {}

  static async start(
    users: Record<string, string> = { U0WANG: '小王', U0LI: '小李' },
  ): Promise<SlackStandIn> {
    const wss = new WebSocketServer({ noServer: true });
    let self: SlackStandIn | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const raw = await read(req);
        const url = new URL(req.url ?? '/', 'http://x');
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const s = self as SlackStandIn;
        if (url.pathname.startsWith('/respond/')) {
          s.responses.push({ id: url.pathname.slice(9), body: JSON.parse(raw) });
          reply(200, { ok: true });
          s.changed();
          return;
        }
        const method = url.pathname.replace(/^\/api\//, '');
        const args = (req.headers['content-type'] ?? '').includes('json')
          ? (JSON.parse(raw || '{}') as Record<string, unknown>)
          : parseForm(raw);
        const auth = req.headers.authorization ?? '';
        const expected = method === 'apps.connections.open' ? APP_TOKEN : BOT_TOKEN;
        if (auth !== `Bearer ${expected}`) {
          reply(200, { ok: false, error: 'invalid_auth' });
          return;
        }
        const call: ApiCall = { method, args };
        s.calls.push(call);
        const failing = s.failures.get(method) ?? 0;
        if (failing > 0) {
          s.failures.set(method, failing - 1);
          reply(500, { ok: false, error: 'internal_error' });
          return;
        }
        const handler = s.handlers.get(method) ?? s.builtIn(method, url);
        call.result = handler ? handler(args) : { ok: false, error: 'unknown_method' };
        reply(200, call.result);
        s.changed();
      })();
    });
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const s = self as SlackStandIn;
        s.sockets.add(ws);
        ws.on('close', () => s.sockets.delete(ws));
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (m.envelope_id) s.acks.get(m.envelope_id)?.(m.payload);
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0APP' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new SlackStandIn(server, wss, users);
    return self;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** SLACK_API_URL for the app. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A response_url like the one Slack puts in a command or button payload. */
  responseUrl(): string {
    return `${this.base}/respond/${randomUUID()}`;
  }

  /** Answer `method` this way from now on. */
  on(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  /** The next `times` calls of `method` fail with a 500 (0: they succeed again). */
  fail(method: string, times = 1): void {
    this.failures.set(method, times);
  }

  /** Drops what `method` was called with so far: the next waitFor sees only newer calls. */
  forget(method: string): void {
    for (let i = this.calls.length - 1; i >= 0; i--)
      if (this.calls[i]?.method === method) this.calls.splice(i, 1);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until a recorded call of `method` passes `test`. */
  /** Waits until a call of `method` that passes `test` has been answered successfully. */
  async waitFor(method: string, test: (args: Record<string, unknown>) => boolean = () => true, ms = 5000) {
    return this.until(
      () => this.callsOf(method).find((c) => c.result?.ok === true && test(c.args))?.args,
      `${method} call`,
      ms,
    );
  }

  /** The ts Slack gave the message posted with these args. */
  tsOf(args: Record<string, unknown>): string {
    const ts = this.calls.find((c) => c.args === args)?.result?.ts;
    if (typeof ts !== 'string') throw new Error('that message was not posted');
    return ts;
  }

  async waitForResponse(test: (body: Record<string, unknown>) => boolean = () => true, ms = 5000) {
    return this.until(() => this.responses.find((r) => test(r.body))?.body, 'response_url post', ms);
  }

  get socketConnected(): boolean {
    return this.sockets.size > 0;
  }

  /** Socket Mode: sends an envelope to the app and resolves with its ack's payload. */
  envelope(type: string, payload: Record<string, unknown>, ms = 5000): Promise<unknown> {
    const [ws] = this.sockets;
    if (!ws) throw new Error('no Socket Mode connection');
    const envelope_id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${type}`)), ms);
      this.acks.set(envelope_id, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
      ws.send(
        JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api' }),
      );
    });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private changed(): void {
    this.waiters.notify();
  }

  private until<T>(find: () => T | undefined, what: string, ms: number): Promise<T> {
    return this.waiters.until(
      find,
      () => `no ${what} within ${ms} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`,
      ms,
    );
  }

  private builtIn(method: string, _url: URL): Handler | undefined {
    switch (method) {
      case 'auth.test':
        return () => ({
          ok: true,
          url: 'https://refund-test.slack.com/',
          team: 'Refund Support',
          team_id: TEAM,
          user: 'refund-assistant',
          user_id: BOT_USER,
          bot_id: BOT_ID,
        });
      case 'chat.postMessage':
        return (a) => {
          const ts = `1764043200.${String(++this.ts).padStart(6, '0')}`;
          return { ok: true, channel: a.channel, ts, message: { ...a, ts, bot_id: BOT_ID } };
        };
      case 'chat.postEphemeral':
        return () => ({ ok: true, message_ts: `1764043200.${String(++this.ts).padStart(6, '0')}` });
      case 'chat.update':
        return (a) => ({ ok: true, channel: a.channel, ts: a.ts });
      case 'views.publish':
        return () => ({ ok: true, view: { id: 'V0HOME' } });
      case 'views.open':
        return (a) => ({ ok: true, view: { id: `V0MODAL${++this.ts}`, ...(a.view as object) } });
      case 'reactions.add':
        return () => ({ ok: true });
      case 'users.info':
        return (a) => {
          const id = String(a.user);
          const name = this.users[id];
          return name
            ? {
                ok: true,
                user: { id, name: id.toLowerCase(), real_name: name, profile: { display_name: name } },
              }
            : { ok: false, error: 'user_not_found' };
        };
      case 'apps.connections.open':
        return () => ({ ok: true, url: `${this.base.replace('http', 'ws')}/link` });
      default:
        return undefined;
    }
  }
}

/** The environment that connects an app to this stand-in over HTTP mode, handoffs on. */
export function slackEnv(slack: SlackStandIn): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_SUPPORT_CHANNEL: SUPPORT_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  };
}

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A slash command's body, as Slack posts it. */
export function commandBody(
  command: string,
  text: string,
  responseUrl: string,
  who: { team?: string; user?: string; channel?: string } = {},
): string {
  return form({
    token: 'deprecated',
    team_id: who.team ?? TEAM,
    team_domain: 'refund-test',
    channel_id: who.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: who.user ?? 'U0WANG',
    user_name: 'wang',
    command,
    text,
    api_app_id: 'A0APP',
    response_url: responseUrl,
    trigger_id: `trigger.${randomUUID()}`,
  });
}

/** An Events API callback's body. */
export function eventBody(event: Record<string, unknown>, team = TEAM): string {
  return JSON.stringify({
    token: 'deprecated',
    team_id: team,
    api_app_id: 'A0APP',
    event,
    type: 'event_callback',
    event_id: `Ev${randomUUID().slice(0, 8)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: team, user_id: BOT_USER, is_bot: true }],
  });
}

/** A button click's body (block_actions), form-encoded as `payload=`. */
export function actionBody(
  actionId: string,
  value: string,
  responseUrl: string,
  where: { user?: string; team?: string; channel?: string; threadTs?: string; messageTs?: string } = {},
): string {
  const channel = where.channel ?? SUPPORT_CHANNEL;
  return form({
    payload: JSON.stringify({
      type: 'block_actions',
      team: { id: where.team ?? TEAM, domain: 'refund-test' },
      user: { id: where.user ?? 'U0WANG', username: 'wang', name: 'wang', team_id: where.team ?? TEAM },
      api_app_id: 'A0APP',
      token: 'deprecated',
      container: { type: 'message', message_ts: where.messageTs ?? '1764043200.000001', channel_id: channel },
      trigger_id: `trigger.${randomUUID()}`,
      channel: { id: channel, name: 'support' },
      message: {
        type: 'message',
        ts: where.messageTs ?? '1764043200.000001',
        ...(where.threadTs && { thread_ts: where.threadTs }),
        text: '',
      },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'b',
          value,
          action_ts: String(Date.now() / 1000),
          text: { type: 'plain_text', text: actionId },
        },
      ],
    }),
  });
}

/**
 * A modal's submission (view_submission), form-encoded as `payload=`: `values` is block id → the
 * typed text, or `{ selected: value }` for a select.
 */
export function viewSubmissionBody(
  view: Record<string, unknown>,
  values: Record<string, string | { selected: string }>,
  where: { user?: string; team?: string } = {},
): string {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [block, v] of Object.entries(values))
    state[block] = {
      value:
        typeof v === 'string'
          ? { type: 'plain_text_input', value: v }
          : {
              type: 'static_select',
              selected_option: { value: v.selected, text: { type: 'plain_text', text: v.selected } },
            },
    };
  return form({
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: where.team ?? TEAM, domain: 'refund-test' },
      user: { id: where.user ?? 'U0WANG', username: 'wang', name: 'wang', team_id: where.team ?? TEAM },
      api_app_id: 'A0APP',
      token: 'deprecated',
      trigger_id: `trigger.${randomUUID()}`,
      view: {
        id: 'V0MODAL',
        team_id: where.team ?? TEAM,
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata ?? '',
        blocks: view.blocks ?? [],
        state: { values: state },
        hash: 'h',
        app_id: 'A0APP',
        bot_id: BOT_ID,
      },
      response_urls: [],
    }),
  });
}

/** Slack's side of the app's /slack/events: signed posts of commands, events and clicks. */
export function slackSender(base: string) {
  const post = async (body: string, type: string, headers: Record<string, string> = sign(body)) => {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  let n = 0;
  return {
    post,
    command: (command: string, text: string, responseUrl: string, who?: Parameters<typeof commandBody>[3]) =>
      post(commandBody(command, text, responseUrl, who), 'application/x-www-form-urlencoded'),
    event: (event: Record<string, unknown>, team?: string) =>
      post(eventBody(event, team), 'application/json'),
    click: (actionId: string, value: string, responseUrl: string, where?: Parameters<typeof actionBody>[3]) =>
      post(actionBody(actionId, value, responseUrl, where), 'application/x-www-form-urlencoded'),
    /** A reviewer submits the modal the app opened (views.open's `view`). */
    submit: (
      view: Record<string, unknown>,
      values: Parameters<typeof viewSubmissionBody>[1],
      where?: Parameters<typeof viewSubmissionBody>[2],
    ) => post(viewSubmissionBody(view, values, where), 'application/x-www-form-urlencoded'),
    /** An agent's message in a thread of the support channel. */
    reply: (threadTs: string, text: string, user = 'U0WANG') => {
      const ts = `1764043300.${String(++n).padStart(6, '0')}`;
      return post(
        eventBody({
          type: 'message',
          channel: SUPPORT_CHANNEL,
          channel_type: 'channel',
          user,
          text,
          ts,
          thread_ts: threadTs,
          event_ts: ts,
        }),
        'application/json',
      );
    },
  };
}
