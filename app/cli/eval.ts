import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Assistant } from '../../bot/assistant.js';
import { THRESHOLDS } from '../../bot/route.js';

export interface EvalLine {
  text: string | null;
  intent?: string;
  confidence?: number;
  entities?: {
    reference?: string;
    /** What `reference` is (pos_reference, voucher, wechat_transaction, merchant_order, …). */
    reference_kind?: string;
    amount?: number;
    date?: string;
    card_last4?: string;
    /** How long the user says they have waited, in days ("三天了"). */
    elapsed_days?: number;
  };
  articles?: string[];
  error?: string;
}

/** One input line → one output line; a bad line gets an `error`, never a gap in the output. */
export function evaluateLine(assistant: Assistant, line: string, lineNo: number): EvalLine {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { text: null, error: `line ${lineNo}: not valid JSON` };
  }
  const text = (input as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { text: null, error: `line ${lineNo}: "text" must be a string` };
  const { understanding: u, articles } = assistant.understand(text);
  const guessing = u.intent.coverage < THRESHOLDS.coverage;
  const e = u.entities;
  return {
    text,
    intent: guessing ? 'out_of_scope' : u.intent.intent,
    confidence: Math.round((guessing ? 1 - u.intent.coverage : u.intent.confidence) * 1000) / 1000,
    entities: {
      ...(e.reference && { reference: e.reference }),
      ...(e.referenceKind && { reference_kind: e.referenceKind }),
      ...(e.amount && { amount: e.amount.fen / 100 }),
      ...(e.date && { date: e.date }),
      ...(e.cardLast4 && { card_last4: e.cardLast4 }),
      ...(e.elapsedDays !== undefined && { elapsed_days: e.elapsedDays }),
    },
    articles,
  };
}

export async function runEval(
  assistant: Assistant,
  file: string,
  out: NodeJS.WritableStream,
): Promise<number> {
  const lines = createInterface({
    input: file === '-' ? process.stdin : createReadStream(file),
    crlfDelay: Infinity,
  });
  let n = 0;
  let buffer = '';
  for await (const line of lines) {
    n++;
    if (line.trim() === '') {
      buffer += `${JSON.stringify({ text: null, error: `line ${n}: empty` })}\n`;
    } else {
      buffer += `${JSON.stringify(evaluateLine(assistant, line, n))}\n`;
    }
    if (buffer.length > 64 * 1024) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  if (buffer) out.write(buffer);
  return n;
}
