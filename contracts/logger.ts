// The logger every layer writes to. Only the type lives here: app/ creates the one instance (pino,
// with card and phone numbers masked in every line) and hands it down.
export type { Logger } from 'pino';
