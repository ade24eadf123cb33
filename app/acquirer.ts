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
export interface AcquirerOptions {
  clock?: (() => Date) | undefined;
  /**
   * Use the sandbox a running server already has on SANDBOX_PORT (same DATA_DIR, same keys), and
   * start one only if none answers: the operator's CLI must see the refunds that server executed.
   */
  joinRunningSandbox?: boolean;
}

export async function createAcquirer(
  config: Config,
  logger: Logger,
  { clock, joinRunningSandbox = false }: AcquirerOptions = {},
): Promise<Acquirer> {
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
  const sandboxGateway = (url: string) =>
    new LakalaGateway({
      baseUrl: url,
      appId: SANDBOX_APP_ID,
      serialNo: keys.merchant.serialNo,
      privateKeyPem: keys.merchant.privateKeyPem,
      platformCertPem: keys.platform.certificatePem,
      timeoutMs: config.LAKALA_TIMEOUT_MS,
      logger,
      ...(clock && { clock }),
    });
  if (joinRunningSandbox) {
    const running = `http://127.0.0.1:${config.SANDBOX_PORT}`;
    if (await isOurSandbox(running, keys.platform.serialNo)) {
      logger.info({ url: running }, 'using the running sandbox acquirer');
      return { gateway: sandboxGateway(running), close: async () => undefined };
    }
  }
  const instance = new Sandbox({ keys, appId: SANDBOX_APP_ID, ...(clock && { clock }) });
  const server = await instance.server();
  const url = await server.listen({
    port: joinRunningSandbox ? 0 : config.SANDBOX_PORT,
    host: '127.0.0.1',
  });
  const gateway = sandboxGateway(url);
  logger.info({ url }, 'sandbox acquirer listening');
  return { gateway, sandbox: { instance, server, url }, close: () => server.close() };
}

/**
 * A sandbox answering on `url` that signs with our DATA_DIR's platform key (not another one's). A
 * port nobody listens on is refused at once; a busy server gets two seconds (half a second was too
 * little on a loaded machine: the CLI then started a sandbox of its own and missed the server's refunds).
 */
async function isOurSandbox(url: string, serialNo: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { serialNo?: string };
    return res.ok && body.serialNo === serialNo;
  } catch {
    return false;
  }
}
