// Keyv's own (de)serialiser (@keyv/serialize) walks every value in JavaScript, building the string
// piece by piece, and parses with a reviver called for every value: for a conversation of a few
// dozen messages (20–100 KB) that was a sixth of a continuing turn's CPU. These write and read the
// very same format with the engine's JSON alone whenever they can.
//
// The format: JSON, with a string that starts with ":" written with one more ":" in front (so
// ":base64:…" can mean a Buffer). Our records are JSON values (never Buffers), so the only thing to
// take care of is such a string, and the output shows where one could be: a string value begins
// with `":`, right after `:` (an object's value), `[` or `,` (an array's element), or at the start.

/** Where the JSON may hold a string that starts with ":" (or a key that does: harmless, just slower). */
const COLON_STRING = /(?:^|[:,[])":/;

const escapeColon = (_key: string, value: unknown) =>
  typeof value === 'string' && value.startsWith(':') ? `:${value}` : value;

const unescapeColon = (_key: string, value: unknown) => {
  if (typeof value !== 'string' || !value.startsWith(':')) return value;
  return value.startsWith(':base64:') ? Buffer.from(value.slice(8), 'base64') : value.slice(1);
};

export function serializeRecord(data: unknown): string {
  const plain = JSON.stringify(data);
  return COLON_STRING.test(plain) ? JSON.stringify(data, escapeColon) : plain;
}

export function deserializeRecord<T>(raw: string): T {
  return (COLON_STRING.test(raw) ? JSON.parse(raw, unescapeColon) : JSON.parse(raw)) as T;
}
