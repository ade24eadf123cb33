import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';
import { ChatUser } from '../support/transcript.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-durable-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const useRedis = await redisAvailable();

for (const store of ['SQLite', 'Redis'] as const) {
  const env: Record<string, string> =
    store === 'SQLite' ? { DATA_DIR: dataDir } : { REDIS_URL, REDIS_KEY_PREFIX };
  describe.skipIf(store === 'Redis' && !useRedis)(`conversation state in ${store}`, () => {
    it('a flow carries on where it was after the server restarts', async () => {
      const before = await startTestApp(env);
      const user = new ChatUser(before.server);
      await user.says('退款还没到账');
      const date = await user.says('信用卡');
      expect(date.said).toContain('退款是哪天办理的');
      await before.close();

      const after = await startTestApp(env);
      try {
        const carryOn = new ChatUser(after.server);
        carryOn.conversationId = user.conversationId;
        const estimate = await carryOn.says('昨天');
        expect(estimate.said).toContain('11月27日（周五）');
        expect(carryOn.conversationId).toBe(user.conversationId);
      } finally {
        await after.close();
      }
    });

    it('ten messages at once on one conversation: all taken, none lost, state intact', async () => {
      const a = await startTestApp(env);
      // with Redis, half the requests go to a second instance sharing the store
      const b = store === 'Redis' ? await startTestApp(env) : a;
      try {
        const user = new ChatUser(a.server);
        await user.says('你好');
        const id = user.conversationId as string;
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? b : a).server.inject({
              method: 'POST',
              url: '/api/chat',
              payload: { conversationId: id, text: `谢谢 ${i}` },
            }),
          ),
        );
        expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
        expect(new Set(results.map((r) => r.json().conversationId))).toEqual(new Set([id]));
        const saved = await a.app.store.load(id);
        expect(saved?.turns).toBe(11);
        const said = (saved?.messages ?? []).filter((e) => e.from === 'user').map((e) => e.text);
        for (let i = 0; i < 10; i++) expect(said).toContain(`谢谢 ${i}`);
      } finally {
        if (b !== a) await b.close();
        await a.close();
      }
    });
  });
}
