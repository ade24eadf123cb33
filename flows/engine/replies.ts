// The flows speak the core's channel-neutral replies.
export type { Choice, Reply } from '../../contracts/replies.js';
export { choices, text } from '../../contracts/replies.js';
