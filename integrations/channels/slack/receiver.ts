import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type App,
  type Logger as BoltLogger,
  HTTPResponseAck,
  HTTPModuleFunctions as http,
  type Receiver,
} from '@slack/bolt';

import type { FastifyPluginAsync } from 'fastify';

/**
 * Bolt's HTTP receiver, mounted on our fastify server instead of a server of its own: the same
 * steps as Bolt's HTTPReceiver (its signature check with the five-minute replay window, ssl_check,
 * url_verification, ack as the HTTP response, retry headers), through Bolt's own exported functions.
 */
export class FastifyReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: { signingSecret: string; logger: BoltLogger; bodyLimit?: number }) {}

  init(app: App): void {
    this.app = app;
  }

  /** The route is served by fastify; nothing to start or stop here. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  get ready(): boolean {
    return this.app !== undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger } = this.options;
    let buffered: Awaited<ReturnType<typeof http.parseAndVerifyHTTPRequest>>;
    try {
      buffered = await http.parseAndVerifyHTTPRequest(
        {
          enabled: true,
          signingSecret: this.options.signingSecret,
          bodyLimit: this.options.bodyLimit ?? http.defaultBodyLimit,
        },
        req,
      );
    } catch (err) {
      if (http.isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413)) {
        logger.warn('slack request body too large');
        http.buildNoBodyResponse(res, 413);
        return;
      }
      logger.warn(`slack request refused: ${(err as Error).message}`);
      http.buildNoBodyResponse(res, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = http.parseHTTPRequestBody(buffered);
    } catch (err) {
      logger.warn(`malformed slack request body: ${(err as Error).message}`);
      http.buildNoBodyResponse(res, 400);
      return;
    }
    if (body.ssl_check === '1') {
      http.buildSSLCheckResponse(res);
      return;
    }
    if (body.type === 'url_verification') {
      http.buildUrlVerificationResponse(res, body);
      return;
    }
    if (!this.app) {
      // Slack's own identity check has not succeeded yet (see SlackChannel.start); Slack retries
      http.buildNoBodyResponse(res, 503);
      return;
    }
    const ack = new HTTPResponseAck({
      logger,
      processBeforeResponse: false,
      unhandledRequestHandler: http.defaultUnhandledRequestHandler,
      unhandledRequestTimeoutMillis: 3001,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    try {
      await this.app.processEvent({
        body,
        ack: ack.bind(),
        retryNum: http.extractRetryNumFromHTTPRequest(req),
        retryReason: http.extractRetryReasonFromHTTPRequest(req),
      });
    } catch (error) {
      const acknowledged = await http.defaultProcessEventErrorHandler({
        error: error as Error,
        logger,
        request: req,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (acknowledged) ack.ack();
    }
  }
}

/**
 * POST /slack/events for commands, events and interactivity. The body is left unread for Bolt:
 * the signature is over the raw bytes.
 */
export const slackRoute: FastifyPluginAsync<{ receiver: FastifyReceiver }> = async (scope, { receiver }) => {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
  scope.post('/slack/events', async (request, reply) => {
    reply.hijack();
    await receiver.handle(request.raw, reply.raw);
  });
};
