import { create, toBinary, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, ValueSchema } from '@bufbuild/protobuf/wkt';
import fc from 'fast-check';
import { binaryEncoder, binaryEncoderFallbacks } from '@homeward/contracts';
import { EnvelopeSchema } from '@homeward/contracts/common/v1';
import { EmploymentEventSchema } from '@homeward/contracts/employment/v1';
import { FundEventSchema } from '@homeward/contracts/fund/v1';
import { RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { DirectoryEntrySchema } from '@homeward/contracts/registration/v1/directory';
import { SkillsEventSchema } from '@homeward/contracts/skills/v1';
import { random, type Random } from './seeded-random';

// The compiled encoder must give toBinary's bytes for every message, and toBinary's refusal for every
// message toBinary refuses: over generated messages of every schema the relays encode, with the values
// where encodings differ (negative and 64-bit integers, -0, NaN, long and non-ASCII strings, lone
// surrogates, nested messages over 127 bytes, unknown enum numbers) and, now and then, a value no
// field may hold (1.5 as an int32, a string as a bool, a foreign message, unknown fields).

const schemas: Record<string, DescMessage> = {
  registration: RegistrationEventSchema,
  directory: DirectoryEntrySchema,
  skills: SkillsEventSchema,
  employment: EmploymentEventSchema,
  fund: FundEventSchema,
  envelope: EnvelopeSchema,
  // Two of protobuf's own, for what our contracts do not have (yet) and the encoder must still get right:
  // scalars in a oneof, zero values included, and a map (left to toBinary) in google.protobuf.Value;
  // proto2's explicit presence, and fields declared out of their numbers' order, in FieldDescriptorProto.
  'google.protobuf.Value': ValueSchema,
  'google.protobuf.FieldDescriptorProto': FieldDescriptorProtoSchema,
};

const STRINGS = [
  '',
  'a',
  '\u0080',
  '\u07ff\u0800',
  'PH',
  'homeward.registration.v1.WorkerRegistered',
  'é ü',
  'ñ'.repeat(70),
  '\ud800',
  'a\udfffb',
  '😀',
  '0',
];

/** A message's generation: whether it may get wrong values, and whether it got one (or anything toBinary must handle). */
interface Gen {
  readonly r: Random;
  readonly wrongs: boolean;
  unusual: boolean;
}

function text(r: Random): string {
  if (r.chance(0.7)) return r.pick(STRINGS);
  // Any UTF-16 code units, lone surrogates included, up to past one and two varint bytes of length.
  const length = r.chance(0.01) ? 20_000 : r.pick([1, 20, 63, 64, 127, 128, 300]);
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(r.chance(0.8) ? r.int(0x20, 0x7e) : r.int(0, 0xffff));
  return out;
}

/** A value no field of the type may hold, as a bug in a mapper could set it. */
const WRONG: unknown[] = [undefined, null, 1.5, -1, 2 ** 32, 2 ** 53, '3', 'x', true, 1n, NaN, Infinity, {}, [], new Uint8Array(1)];

function scalar(type: ScalarType, g: Gen): unknown {
  const r = g.r;
  if (g.wrongs && r.chance(0.05)) {
    g.unusual = true;
    return r.pick(WRONG);
  }
  switch (type) {
    case ScalarType.STRING:
      return text(r);
    case ScalarType.BOOL:
      return r.chance(0.5);
    case ScalarType.BYTES:
      return r.chance(0.2)
        ? Buffer.from([1, 2, 3])
        : new Uint8Array(r.chance(0.01) ? 70_000 : r.pick([0, 1, 12, 127, 128, 200])).map(() => r.int(0, 255));
    case ScalarType.DOUBLE:
      return r.pick([0, -0, 1, 0.1, -2.5, 1e300, -Infinity, Infinity, NaN, Number.MIN_VALUE, 2 ** 53 + 2]);
    case ScalarType.INT64:
      return g.wrongs && r.chance(0.1)
        ? ((g.unusual = true), r.pick([2n ** 63n, -(2n ** 63n) - 1n]))
        : r.pick([0n, 1n, -1n, 127n, 128n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)]);
    case ScalarType.UINT64:
      return g.wrongs && r.chance(0.1)
        ? ((g.unusual = true), r.pick([2n ** 64n, -1n]))
        : r.pick([0n, 1n, 127n, 128n, 300n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 1n]);
    case ScalarType.UINT32:
      return r.pick([0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 - 1, -0]);
    default:
      return r.pick([0, 1, -1, 127, 128, 2026, 2 ** 31 - 1, -(2 ** 31), -0]);
  }
}

function item(field: DescField, kind: 'scalar' | 'enum' | 'message', g: Gen, depth: number): unknown {
  const f = field as DescField & { scalar?: ScalarType; enum?: { values: { number: number }[] }; message?: DescMessage };
  if (kind === 'enum') {
    // Open enums: a number the enum does not name is still an int32.
    if (g.wrongs && g.r.chance(0.05)) return ((g.unusual = true), g.r.pick([1.5, '1', '0', 0n, 2 ** 31]));
    return g.r.chance(0.1) ? g.r.pick([-1, 99, 2 ** 31 - 1]) : g.r.pick(f.enum!.values).number;
  }
  if (kind === 'message') return message(f.message!, g, depth + 1);
  return scalar(f.scalar!, g);
}

function fieldValue(field: DescField, g: Gen, depth: number): unknown {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
    case 'message':
      return item(field, field.fieldKind, g, depth);
    case 'list':
      // A long list now and then, at the top (a list of a list of 150 messages would be 22,500).
      return Array.from({ length: depth === 0 && g.r.chance(0.05) ? 150 : g.r.pick([0, 1, 2, 3]) }, () =>
        item(field, field.listKind, g, depth),
      );
    case 'map':
      // Maps are toBinary's to encode (google.protobuf.Struct's fields).
      g.unusual = true;
      return Object.fromEntries(Array.from({ length: g.r.int(0, 2) }, () => [text(g.r), item(field, field.mapKind, g, depth)]));
  }
}

function message(desc: DescMessage, g: Gen, depth = 0): Record<string, unknown> {
  const r = g.r;
  const out = create(desc) as unknown as Record<string, unknown>;
  // A type with a map is toBinary's to encode, even when its map is empty.
  if (desc.fields.some((f) => f.fieldKind === 'map')) g.unusual = true;
  if (depth > 3) return out;
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      if (r.chance(0.2)) continue;
      const chosen = r.pick(member.fields);
      const missing = g.wrongs && r.chance(0.05);
      if (missing) g.unusual = true;
      out[member.localName] = { case: chosen.localName, value: missing ? undefined : fieldValue(chosen, g, depth) };
    } else if (r.chance(0.8)) {
      // Set as a mapper would set it, bypassing create's conversions, so that a wrong value stays wrong.
      out[member.localName] = fieldValue(member, g, depth);
    } else if (member.presence === LEGACY_REQUIRED) {
      g.unusual = true; // proto2's required field, unset: toBinary refuses it
    } else if (member.fieldKind === 'message' || (member.fieldKind !== 'list' && member.presence !== IMPLICIT)) {
      // An explicit field left out (undefined) is unset; a proto3 scalar set to undefined is wrong.
      if (r.chance(0.3)) out[member.localName] = undefined;
    } else if (member.fieldKind !== 'list' && g.wrongs && r.chance(0.1)) {
      g.unusual = true;
      out[member.localName] = undefined;
    }
  }
  if (g.wrongs && r.chance(0.05)) {
    g.unusual = true;
    if (r.chance(0.5)) out.$unknown = [{ no: 999, wireType: 0, data: new Uint8Array([5]) }];
    else out.$typeName = 'homeward.some.Other';
  }
  return out;
}

const IMPLICIT = 2; // proto3's singular scalars: no presence of their own
const LEGACY_REQUIRED = 3; // proto2's required

type Outcome = { bytes: Buffer } | { error: string };

function outcome(encode: () => Uint8Array): Outcome {
  try {
    const bytes = encode();
    return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('the compiled binary encoder', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`gives toBinary's bytes, or its error, for generated ${name} messages`, () => {
      const encode = binaryEncoder(schema);
      let encoded = 0;
      let plain = 0;
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const r = random(seed);
          const g: Gen = { r, wrongs: r.chance(0.3), unusual: false };
          const first = message(schema, g);
          const second = message(schema, { r, wrongs: false, unusual: false });
          const expected = outcome(() => toBinary(schema, first as never));
          const fallbacks = binaryEncoderFallbacks();
          const actual = outcome(() => encode(first as never));
          // (Buffers compared by equals: jest's deep equality walks them byte by byte.)
          if ('bytes' in actual && 'bytes' in expected) expect(actual.bytes.equals(expected.bytes)).toBe(true);
          else expect(actual).toEqual(expected);
          // A message with nothing unusual is the encoder's own, never handed to toBinary.
          if (!g.unusual) {
            plain++;
            expect(binaryEncoderFallbacks()).toBe(fallbacks);
          }
          if ('bytes' in actual) {
            encoded++;
            // The answer is the caller's: encoding the next message leaves it as it was.
            const kept = Buffer.from(actual.bytes);
            outcome(() => encode(second as never));
            expect(actual.bytes.equals(kept)).toBe(true);
          }
        }),
        { numRuns: 1000 },
      );
      // The runs cover both: messages the encoder takes, and messages toBinary encodes or refuses.
      expect(plain).toBeGreaterThan(200);
      expect(encoded).toBeGreaterThan(plain);
    });
  }

  it('encodes a realistic event itself, without handing it to toBinary', () => {
    const encode = binaryEncoder(RegistrationEventSchema);
    const event = create(RegistrationEventSchema, {
      envelope: {
        eventId: '0190f1c2-0000-7000-8000-000000000001',
        eventType: 'homeward.registration.v1.WorkerRegistered',
        streamId: 'worker-0190f1c2-0000-7000-8000-000000000002',
        streamVersion: 1n,
        occurredAt: { seconds: 1_796_684_507n, nanos: 762_000_000 },
        actor: { organisationId: 'agency-ph-dmw', kind: 1, userId: 'officer-7' },
        jurisdiction: { originCountry: 'PH', destinationCountry: 'SA' },
      },
      event: {
        case: 'workerRegistered',
        value: {
          workerId: '0190f1c2-0000-7000-8000-000000000002',
          sex: 1,
          birthYear: 1990,
          educationIsced: 3,
          languages: ['fil', 'en'],
          personalData: { keyId: 'k1', nonce: new Uint8Array(12).fill(7), ciphertext: new Uint8Array(300).fill(9) },
        },
      },
    });
    const before = binaryEncoderFallbacks();
    const bytes = encode(event);
    expect(binaryEncoderFallbacks()).toBe(before);
    // A Uint8Array as toBinary's, not a Buffer: bytes fields decoded from it are Uint8Arrays too.
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(Buffer.from(bytes).equals(Buffer.from(toBinary(RegistrationEventSchema, event)))).toBe(true);
  });
});
