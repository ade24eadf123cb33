/**
 * JSON with <, > and & written as \u escapes: the same data once parsed, but a user's "<script>"
 * never appears as such in a response body or a frame, whatever renders it.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
