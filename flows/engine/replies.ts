// The flows speak the core's channel-neutral replies.
export type { Choice, Reply } from '../../bot/replies.js';
export { choices, text } from '../../bot/replies.js';
