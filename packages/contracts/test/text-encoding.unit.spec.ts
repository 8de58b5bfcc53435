import fc from 'fast-check';
import { configureTextEncoding, getTextEncoding } from '@bufbuild/protobuf/wire';
import { create, fromBinary, nodeTextEncoding, toBinary, useNodeTextEncoding } from '@homeward/contracts';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';

const standard = new TextEncoder();
const lenient = new TextDecoder();
const strict = new TextDecoder('utf-8', { fatal: true });

/** Text as it comes: any code points, lone surrogates (which UTF-8 cannot say) and byte-order marks among them. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constant(0xfeff), fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff)))
    .map((units) => String.fromCharCode(...units)),
);

/** Bytes as they come: valid UTF-8, random bytes (invalid as a rule), with or without a leading byte-order mark. */
const bytes = fc.oneof(
  text.map((t) => standard.encode(t)),
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 32 }).map((b) => new Uint8Array([0xef, 0xbb, 0xbf, ...b])),
);

describe("protobuf-es's strings on Node's Buffer", () => {
  it('is what protobuf-es uses once @homeward/contracts is loaded', () => {
    expect(getTextEncoding()).toBe(nodeTextEncoding);
  });

  it('encodes every string to the bytes TextEncoder gives', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(Buffer.from(nodeTextEncoding.encodeUtf8(t)).equals(Buffer.from(standard.encode(t)))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decodes any bytes to the string TextDecoder gives, and refuses invalid UTF-8 when strict as it does', () => {
    fc.assert(
      fc.property(bytes, fc.nat(4), (b, offset) => {
        // A view into a larger buffer, as the reader hands out.
        const within = new Uint8Array(b.length + offset + 2);
        within.set(b, offset);
        const view = within.subarray(offset, offset + b.length);
        expect(nodeTextEncoding.decodeUtf8(view, false)).toBe(lenient.decode(b));
        let decoded: { text: string } | { error: string };
        try {
          decoded = { text: strict.decode(b) };
        } catch (error) {
          // Node's own TypeError, from another realm than the test's: compared by its message.
          decoded = { error: (error as Error).message };
        }
        if ('error' in decoded) expect(() => nodeTextEncoding.decodeUtf8(view, true)).toThrow(decoded.error);
        else expect(nodeTextEncoding.decodeUtf8(view, true)).toBe(decoded.text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('encodes a message to the bytes the default gives, and decodes them to the message the default does', () => {
    const withDefault = <T>(work: () => T): T => {
      configureTextEncoding({
        encodeUtf8: (t) => standard.encode(t),
        decodeUtf8: (b, s) => (s ? strict : lenient).decode(b),
        checkUtf8: nodeTextEncoding.checkUtf8,
      });
      try {
        return work();
      } finally {
        useNodeTextEncoding();
      }
    };
    fc.assert(
      fc.property(text, text, (originArea, language) => {
        const message = create(RegistrationEventSchema, {
          event: { case: 'workerRegistered', value: { workerId: 'w-1', originArea, languages: [language] } },
        });
        const ours = toBinary(RegistrationEventSchema, message);
        const theirs = withDefault(() => toBinary(RegistrationEventSchema, message));
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
        expect(fromBinary(RegistrationEventSchema, ours)).toEqual(withDefault(() => fromBinary(RegistrationEventSchema, theirs)));
      }),
      { numRuns: 500 },
    );
    expect(getTextEncoding()).toBe(nodeTextEncoding);
  });
});
