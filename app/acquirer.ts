import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PaymentGateway } from '../bot/lookups/gateway.js';
import { LakalaGateway } from '../integrations/connectors/lakala/client.js';
import { SANDBOX_APP_ID, Sandbox, sandboxKeys } from '../integrations/connectors/sandbox/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface Acquirer {
  gateway: PaymentGateway;
  /** The embedded sandbox, when no real acquirer is configured. */
  sandbox?: { instance: Sandbox; server: FastifyInstance; url: string };
  close(): Promise<void>;
}

/**
 * The payment gateway the assistant looks things up in. With LAKALA_BASE_URL set: Lakala (or its
 * test host) with the configured credentials. Without it: the sandbox acquirer, started beside the
 * assistant on SANDBOX_PORT, with keys made under DATA_DIR/sandbox — the same connector and the same
 * signed HTTP either way.
 */
export async function createAcquirer(config: Config, logger: Logger, clock?: () => Date): Promise<Acquirer> {
  if (config.LAKALA_BASE_URL) {
    const read = (file: string | undefined) => readFileSync(path.resolve(file as string), 'utf8');
    const gateway = new LakalaGateway({
      baseUrl: config.LAKALA_BASE_URL,
      appId: config.LAKALA_APP_ID as string,
      serialNo: config.LAKALA_SERIAL_NO as string,
      privateKeyPem: read(config.LAKALA_PRIVATE_KEY_FILE),
      platformCertPem: read(config.LAKALA_PLATFORM_CERT_FILE),
      timeoutMs: config.LAKALA_TIMEOUT_MS,
      logger,
      ...(clock && { clock }),
    });
    return { gateway, close: async () => undefined };
  }
  const keys = sandboxKeys(path.join(config.dataDir, 'sandbox'));
  const instance = new Sandbox({ keys, appId: SANDBOX_APP_ID, ...(clock && { clock }) });
  const server = await instance.server();
  const url = await server.listen({ port: config.SANDBOX_PORT, host: '127.0.0.1' });
  const gateway = new LakalaGateway({
    baseUrl: url,
    appId: SANDBOX_APP_ID,
    serialNo: keys.merchant.serialNo,
    privateKeyPem: keys.merchant.privateKeyPem,
    platformCertPem: keys.platform.certificatePem,
    timeoutMs: config.LAKALA_TIMEOUT_MS,
    logger,
    ...(clock && { clock }),
  });
  logger.info({ url }, 'sandbox acquirer listening');
  return { gateway, sandbox: { instance, server, url }, close: () => server.close() };
}
