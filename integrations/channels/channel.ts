import type { FastifyInstance } from 'fastify';
import type { ChannelHost } from '../../bot/host.js';

/**
 * One way users or agents reach the assistant (the widget, Slack, Bot Framework; WeChat later). The
 * server registers every channel's routes in a scope of its own, starts them once it listens and
 * stops them before it closes; a new channel is a new folder with a `create`, not edits elsewhere.
 */
export interface Channel {
  readonly name: string;
  /** Its HTTP routes, registered in an encapsulated fastify scope. */
  routes?(server: FastifyInstance): Promise<void>;
  /** Once the server listens (connect to a remote API, warm an SDK). */
  start(): Promise<void>;
  /** Before the server closes. */
  stop(): Promise<void>;
}

export type CreateChannel<Options> = (host: ChannelHost, options: Options) => Channel;
