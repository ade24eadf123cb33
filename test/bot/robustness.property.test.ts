import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MAX_MESSAGE_CHARS: '500' });
});
afterAll(() => t.close());

// Strings a user, a broken client or an attacker might send: any Unicode (lone surrogates
// included), mixed with the domain's own words and the characters parsers care about.
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc
    .array(
      fc.constantFrom(
        '退款',
        '撤销',
        '参考号',
        '¥',
        '12.5',
        '元',
        '十二块五',
        '尾号',
        '上周三',
        'refund',
        '<b>',
        '\u0000',
        '😀',
        '　',
        '123456789012',
        '..',
        '$',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
);

describe('nothing a user types breaks the assistant', () => {
  it('understanding returns a valid result for any string', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const { understanding, decision, articles } = t.app.assistant.understand(text);
        expect(understanding.intent.confidence).toBeGreaterThanOrEqual(0);
        expect(understanding.intent.confidence).toBeLessThanOrEqual(1);
        expect(['answer', 'smalltalk', 'out_of_scope', 'clarify', 'no_match']).toContain(decision.kind);
        expect(articles.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 400 },
    );
  });

  it('POST /api/chat answers 200 with replies for any text, and 400 for any non-string', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.option(fc.string({ maxLength: 40 })), async (text, conversationId) => {
        const res = await t.server.inject({
          method: 'POST',
          url: '/api/chat',
          payload: { text, ...(conversationId !== null && { conversationId }) },
        });
        expect(res.statusCode).toBe(200);
        const body = res.json() as { replies: unknown[] };
        expect(body.replies.length).toBeGreaterThan(0);
        expect(res.body).not.toMatch(/<script|<b>/i);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object()),
        async (text) => {
          const res = await t.server.inject({ method: 'POST', url: '/api/chat', payload: { text } });
          expect(res.statusCode).toBe(400);
        },
      ),
      { numRuns: 60 },
    );
  });
});
