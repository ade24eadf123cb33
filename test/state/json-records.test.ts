import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeRecord, serializeRecord } from '../../integrations/stores/json-records.js';

// The fast record format must be Keyv's own, byte for byte, both ways: records written before it
// are read as they were, and records written with it read back by Keyv's default alike.
const colonish = fc.oneof(
  fc.string(),
  fc.constantFrom(':', '::', ':a', ':base64:', 'a:', '":', '[":', ',":'),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    colonish,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(colonish, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('conversation records (Keyv format)', () => {
  it('are written exactly as Keyv writes them', () => {
    fc.assert(
      fc.property(json, (value) => {
        const record = { value, expires: 1 };
        expect(serializeRecord(record)).toBe(defaultSerialize(record));
      }),
      { numRuns: 2000 },
    );
  });

  it('are read exactly as Keyv reads them, whoever wrote them', () => {
    fc.assert(
      fc.property(json, (value) => {
        const written = defaultSerialize({ value });
        expect(deserializeRecord(written)).toEqual(defaultDeserialize(written));
        expect(deserializeRecord<{ value: unknown }>(serializeRecord({ value })).value).toEqual(
          defaultDeserialize<{ value: unknown }>(written).value,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('a string that starts with ":" keeps it, however deep', () => {
    const record = { value: { said: [':-)', 'ok'], note: ':base64:not really', n: { m: ':' } } };
    expect(deserializeRecord(serializeRecord(record))).toEqual(record);
  });
});
