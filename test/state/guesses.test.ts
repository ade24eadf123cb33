import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../app/logger.js';
import { Lockouts } from '../../bot/lookups/lockout.js';
import { StateStore } from '../../integrations/stores/keyv.js';
import { REDIS_KEY_PREFIX, REDIS_URL, redisAvailable } from '../support/redis.js';

// A burst of guesses at one card's proof (amount or last four), all at once, each from a
// conversation and an address of its own: exactly the configured number get their proof checked,
// whichever store counts them. (Reading the counts first and counting the misses after let all
// 280 through: the counter was atomic, the check around it was not.)

const logger = createLogger('silent');
const haveRedis = await redisAvailable();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-guesses-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const run = `guesses-${Math.random().toString(36).slice(2)}`;

const stores = [
  { name: 'SQLite', skip: false, open: () => StateStore.open({ dataDir, logger }) },
  {
    name: 'Redis',
    skip: !haveRedis,
    open: () => StateStore.open({ dataDir, redisUrl: REDIS_URL, keyPrefix: REDIS_KEY_PREFIX, logger }),
  },
];

const LIMIT = 5;
const GUESSES = 280;

describe.each(stores)('$name counters', ({ open, skip }) => {
  it.skipIf(skip)(
    `${GUESSES} concurrent guesses against one card: exactly ${LIMIT} proofs are checked, the rest are locked`,
    async () => {
      const store = await open();
      try {
        const lockouts = new Lockouts({
          counters: store.counters(`${run}:lockout`),
          maxFailures: LIMIT,
          maxAddressFailures: 50,
          windowMs: 15 * 60_000,
        });
        let checked = 0;
        const outcomes = await Promise.all(
          Array.from({ length: GUESSES }, async (_, i) => {
            // as LookupService does it: refused early if locked already, else a try is taken first
            const attempt = {
              conversationId: `guess-${i}`,
              reference: '123456789012',
              address: `10.9.${i >> 8}.${i & 255}`,
            };
            if (await lockouts.locked(attempt)) return 'locked';
            const tried = await lockouts.take(attempt);
            if (tried === 'locked') return 'locked';
            checked++; // the proof is compared with the payment: a wrong amount
            return tried === 'last' ? 'locked' : 'denied';
          }),
        );
        expect(checked).toBe(LIMIT);
        expect(outcomes.filter((o) => o === 'denied')).toHaveLength(LIMIT - 1);
        // the card stays locked for the next one, and the count is the number of proofs checked
        const next = { conversationId: 'guess-next', reference: '123456789012' };
        expect(await lockouts.locked(next)).toBe(true);
        expect(await store.counters(`${run}:lockout`).get('reference:123456789012')).toBe(LIMIT);
      } finally {
        await store.close();
      }
    },
    60_000,
  );

  it.skipIf(skip)(
    'a matched proof gives its try back; a try that could not be checked too',
    async () => {
      const store = await open();
      try {
        const counters = store.counters(`${run}:matched`);
        const lockouts = new Lockouts({
          counters,
          maxFailures: LIMIT,
          maxAddressFailures: 50,
          windowMs: 60_000,
        });
        const a = { conversationId: 'owner-1', reference: '999988887777', address: '10.8.0.1' };
        expect(await lockouts.take(a)).toBe('ok');
        await lockouts.giveBack(a);
        expect(await counters.get('reference:999988887777')).toBe(0);
        expect(await lockouts.take(a)).toBe('ok');
        await lockouts.matched(a);
        expect(await counters.get('reference:999988887777')).toBe(0);
        expect(await counters.get('address:10.8.0.1')).toBe(0);
        expect(await counters.get('conversation:owner-1')).toBe(0);
      } finally {
        await store.close();
      }
    },
    60_000,
  );
});
