import { type Logger, pino } from 'pino';
import { maskSensitive } from '../contracts/masking.js';

export type { Logger };

// Redaction works on the serialised line, not on known paths: a card number can hide in any field
// (a user's message, an upstream error text), and a path list would miss it.
export function createLogger(level: string, destination?: pino.DestinationStream, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'refund-assistant' },
      // ISO time, not epoch milliseconds: a 13-digit number is what a card number looks like to
      // the redaction below
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: (line) => maskSensitive(line) },
    },
    destination ?? pino.destination({ fd, sync: fd === 2 }),
  );
}
