import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../app/app.js';
import { createChannels } from '../../app/channels.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { buildServer } from '../../app/server.js';
import { ERRORS } from '../../contracts/errors.js';
import type { Channel } from '../../integrations/channels/channel.js';
import { SlackStandIn, slackEnv } from '../support/slack.js';

type Operation = {
  summary?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Every channel on (Slack against its local stand-in); each channel's routes recorded with onRoute
// in the scope the server gives it, so a route added later without docs fails here.
let slack: SlackStandIn;
let app: App;
let server: FastifyInstance;
let dataDir: string;
const routes: RouteOptions[] = [];

/** The channel, with an onRoute hook in its scope before its routes. */
function recording(channel: Channel): Channel {
  const routesOf = channel.routes;
  if (!routesOf) return channel;
  return Object.assign(Object.create(channel) as Channel, {
    async routes(scope: FastifyInstance) {
      scope.addHook('onRoute', (r) => void routes.push(r));
      await routesOf.call(channel, scope);
    },
  });
}

beforeAll(async () => {
  slack = await SlackStandIn.start();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-openapi-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SANDBOX_PORT: '0',
    BOTFRAMEWORK_ANONYMOUS: 'true',
    ...slackEnv(slack),
    DATA_DIR: dataDir,
  });
  const logger = createLogger('silent');
  app = await createApp(config, logger);
  const channels = (await createChannels(app)).map(recording);
  expect(channels.map((c) => c.name).sort()).toEqual(['botframework', 'slack', 'widget']);
  server = await buildServer(app, { logger, channels });
  await server.ready();
});
afterAll(async () => {
  await server?.close();
  await slack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const documentOf = async (): Promise<Document> => {
  const res = await server.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  return res.json() as Document;
};

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is OpenAPI 3 in structure: info, paths, operations with responses, declared path parameters', async () => {
    const doc = await documentOf();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('refund-assistant');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    for (const [p, item] of Object.entries(doc.paths)) {
      expect(p.startsWith('/'), p).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS, `${p}: ${method}`).toContain(method);
        const responses = Object.entries(op.responses ?? {});
        expect(responses.length, `${method} ${p} has responses`).toBeGreaterThan(0);
        for (const [status, r] of responses) {
          expect(status, `${method} ${p}`).toMatch(/^([1-5]\d\d|default)$/);
          expect(typeof r.description, `${method} ${p} ${status}`).toBe('string');
        }
        for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          const param = op.parameters?.find((x) => x.in === 'path' && x.name === name);
          expect(param?.required, `${method} ${p} declares {${name}}`).toBe(true);
        }
      }
    }
  });

  it('has every route the channels and the server register, each with a summary', async () => {
    const doc = await documentOf();
    const registered = routes
      .filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide)
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => [m, r.url] as const))
      .filter(([m]) => m !== 'HEAD');
    const own = [
      ['GET', '/healthz'],
      ['GET', '/metrics'],
    ] as const;
    expect(registered.map(([m, u]) => `${m} ${u}`)).toEqual(
      expect.arrayContaining([
        'POST /api/chat',
        'POST /api/upload',
        'GET /api/conversations/:id/messages',
        'GET /api/welcome',
        'GET /kb/:lang/:id',
        'GET /files/:id',
        'POST /slack/events',
        'POST /api/messages',
      ]),
    );
    for (const [method, url] of [...registered, ...own]) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect(op, `${method} ${url} is in the document`).toBeDefined();
      expect(op?.summary, `${method} ${url} has a summary`).toBeTruthy();
    }
  });

  it('gives request bodies from the zod schemas and the error shape with its codes', async () => {
    const doc = await documentOf();
    const chat = doc.paths['/api/chat']?.post as Operation & {
      requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(Object.keys(chat.requestBody?.content['application/json']?.schema.properties ?? {})).toEqual(
      expect.arrayContaining(['conversationId', 'text', 'action', 'locale', 'clientId', 'token']),
    );
    const bad = chat.responses?.['400']?.content?.['application/json']?.schema as {
      properties: { error: { properties: { code: { enum: string[] } } } };
    };
    expect(bad.properties.error.properties.code.enum).toEqual(['BAD_JSON', 'BAD_REQUEST']);
    // every code any response names is one of the registry's, at the registry's status
    for (const [p, item] of Object.entries(doc.paths))
      for (const op of Object.values(item))
        for (const [status, r] of Object.entries(op.responses ?? {})) {
          const schema = r.content?.['application/json']?.schema as
            | { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }
            | undefined;
          for (const code of schema?.properties?.error?.properties?.code?.enum ?? []) {
            expect(Object.keys(ERRORS), `${p} ${status}`).toContain(code);
            expect(String(ERRORS[code as keyof typeof ERRORS].status), `${p} ${code}`).toBe(status);
          }
        }
  });

  it('is browsable at /docs, from assets served here', async () => {
    const page = await server.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const script = await server.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(unpkg|cdn)/);
  });
});
