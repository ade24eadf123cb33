import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import { fmt, percentile } from '../shared.js';

/** A look-up turn through the bot against the sandbox, and what signing and verifying cost. */
export async function lookupsSection(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-bench-'));
  // no cache: every look-up goes over signed HTTP to the sandbox
  const app = await createApp(
    loadConfig({ DATA_DIR: dataDir, SANDBOX_PORT: '0', LOOKUP_CACHE_SECONDS: '0' }),
    createLogger('silent'),
  );
  const fixtures = app.acquirer.sandbox?.instance.fixtures() ?? [];
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const f = fixtures[i % fixtures.length];
    if (!f) break;
    const first = await app.assistant.turn({
      text: `查一下参考号${f.reference}`,
      channel: 'bench',
      address: `10.1.${i >> 8}.${i & 255}`,
    });
    const t0 = performance.now();
    await app.assistant.turn({
      conversationId: first.conversationId,
      text: `${f.amountFen / 100}元`,
      channel: 'bench',
      address: `10.1.${i >> 8}.${i & 255}`,
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    '\nLook-ups (consumer proves with the amount; the bot calls the sandbox over signed HTTP, no cache)',
  );
  console.log(
    `  look-up turn through the bot: p50 ${fmt(percentile(times, 50))}  p99 ${fmt(percentile(times, 99))}  (${times.length} turns, 2 acquirer calls each)`,
  );

  const { authorizationHeader, loadPrivateKey, loadPublicKey, responseHeaders, verifyResponse } =
    await import('../../integrations/connectors/lakala/signing.js');
  const { sandboxKeys } = await import('../../integrations/connectors/sandbox/index.js');
  const keys = sandboxKeys(path.join(dataDir, 'sandbox'));
  const merchant = {
    appId: 'OP00000003',
    serialNo: keys.merchant.serialNo,
    privateKey: loadPrivateKey(keys.merchant.privateKeyPem),
  };
  const platform = {
    appId: 'OP00000003',
    serialNo: keys.platform.serialNo,
    privateKey: loadPrivateKey(keys.platform.privateKeyPem),
  };
  const platformKey = loadPublicKey(keys.platform.certificatePem);
  const body = JSON.stringify({
    code: 'BBS00000',
    msg: '成功',
    resp_data: { trade_no: '2026112566261120000001', total_amount: '26800' },
  });
  const headers = Object.fromEntries(
    Object.entries(responseHeaders(platform, body)).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const n = 2000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) authorizationHeader(merchant, body);
  const signUs = ((performance.now() - t0) * 1000) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) verifyResponse(headers, body, platformKey);
  const verifyUs = ((performance.now() - t0) * 1000) / n;
  console.log(
    `  connector overhead per call: signing ${signUs.toFixed(0)} µs + verifying the response ${verifyUs.toFixed(0)} µs (RSA-2048)`,
  );
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
