import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ChannelUser } from '../support/botframework.js';

// With an app registration configured, every request must carry a channel token the SDK's
// CloudAdapter accepts: signed by a key the identity provider publishes, for our app id. The
// provider's key set is a local stand-in (the authority is configurable, as for national clouds).
const APP_ID = '00000000-0000-4000-8000-00000000a11d';
const TENANT = 'tenant-test';

let jwks: Server;
let authority: string;
let good: CryptoKey;
let stranger: CryptoKey;
let t: TestApp;
let base: string;

beforeAll(async () => {
  const published = await generateKeyPair('RS256', { extractable: true });
  good = published.privateKey;
  stranger = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'key-1', use: 'sig', alg: 'RS256' };
  jwks = createServer((req, res) => {
    if (req.url === `/${TENANT}/discovery/v2.0/keys`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  authority = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/${TENANT}`;
  t = await startTestApp({
    connections__serviceConnection__settings__clientId: APP_ID,
    connections__serviceConnection__settings__clientSecret: 'not-used-in-these-tests',
    connections__serviceConnection__settings__tenantId: TENANT,
    connections__serviceConnection__settings__authorityEndpoint: authority,
  });
  base = await t.server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => jwks.close(() => r()));
});

const token = (key: CryptoKey, claims: { aud?: string; kid?: string; exp?: string } = {}) =>
  new SignJWT({ appid: 'channel', serviceurl: 'https://smba.trafficmanager.net/emea/' })
    .setProtectedHeader({ alg: 'RS256', kid: claims.kid ?? 'key-1' })
    .setIssuer(`${authority}/v2.0`)
    .setAudience(claims.aud ?? APP_ID)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '5m')
    .sign(key);

const as = (authorization?: string) =>
  new ChannelUser(base, authorization ? { headers: { authorization } } : {});

describe('/api/messages with an app registration', () => {
  it('answers a request with a valid channel token', async () => {
    const r = await as(`Bearer ${await token(good)}`).say('退款要手续费吗');
    expect(r.status).toBe(200);
    expect(r.replies[0]?.text).toContain('手续费');
  });

  it('refuses, with 401 and no side effect: no token, a malformed header, a forged or wrong token', async () => {
    const cases = [
      undefined,
      'Basic dXNlcjpwYXNz',
      'Bearer not.a.jwt',
      `Bearer ${await token(stranger)}`, // signed by a key the provider does not publish
      `Bearer ${await token(good, { kid: 'key-2' })}`, // a key id nobody published
      `Bearer ${await token(good, { aud: 'someone-else' })}`,
      `Bearer ${await token(good, { exp: '-10m' })}`,
    ];
    for (const authorization of cases) {
      const user = as(authorization);
      const r = await user.say('转人工');
      expect(r.status, authorization ?? 'no token').toBe(401);
      expect(
        await t.app.state.keyValue('bf-conversation').get(`webchat:${user.conversationId}`),
      ).toBeUndefined();
    }
  });
});

describe('where replies may go', () => {
  it('a valid token with a serviceUrl off Microsoft’s hosts is refused: the bot posts nowhere it is told', async () => {
    const user = as(`Bearer ${await token(good)}`);
    const r = await user.post(
      user.activity({ text: '你好', serviceUrl: 'http://127.0.0.1:9/steal', deliveryMode: 'normal' }),
    );
    expect(r.status).toBe(400);
  });
});

describe('/api/messages without an app registration', () => {
  it('refuses anonymous requests unless BOTFRAMEWORK_ANONYMOUS is set, and then from this machine only', {
    timeout: 60_000,
  }, async () => {
    const closed = await startTestApp({ BOTFRAMEWORK_ANONYMOUS: 'false' });
    try {
      const url = await closed.server.listen({ port: 0, host: '127.0.0.1' });
      const user = new ChannelUser(url);
      const r = await user.say('你好');
      expect(r.status).toBe(401);
    } finally {
      await closed.close();
    }
    const open = await startTestApp({ BOTFRAMEWORK_ANONYMOUS: 'true', RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const activity = {
        type: 'message',
        text: '你好',
        channelId: 'emulator',
        from: { id: 'u1' },
        conversation: { id: 'c1' },
        recipient: { id: 'bot' },
        serviceUrl: 'http://127.0.0.1:9',
      };
      const remote = await open.server.inject({
        method: 'POST',
        url: '/api/messages',
        remoteAddress: '203.0.113.5',
        headers: { 'x-forwarded-for': '127.0.0.1' },
        payload: activity,
      });
      expect(remote.statusCode).toBe(401);
      // and the same limit per address as every route
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          (
            await open.server.inject({
              method: 'POST',
              url: '/api/messages',
              remoteAddress: '203.0.113.6',
              payload: activity,
            })
          ).statusCode,
        );
      expect(codes.at(-1)).toBe(429);
    } finally {
      await open.close();
    }
  });
});

describe('/api/messages in production without an app registration', () => {
  it('refuses every request', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production' });
    try {
      const url = await prod.server.listen({ port: 0, host: '127.0.0.1' });
      const user = new ChannelUser(url);
      expect((await user.join()).status).toBe(401);
      expect((await user.say('你好')).status).toBe(401);
    } finally {
      await prod.close();
    }
  });
});
