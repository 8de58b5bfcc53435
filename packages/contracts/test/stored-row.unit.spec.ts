import { create, toBinary, ScalarType, type DescEnum, type DescField, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { EmploymentEventSchema } from '@homeward/contracts/employment/v1';
import { FundEventSchema } from '@homeward/contracts/fund/v1';
import { RegistrationEventSchema, SexSchema } from '@homeward/contracts/registration/v1';
import { SkillsEventSchema } from '@homeward/contracts/skills/v1';
import {
  apply,
  diff,
  rowOfMessage,
  saysStoredRow,
  STORED_RESIDUE_HEADER,
  storedResidueHeader,
  storedRowFromMessage,
  storedRowJson,
  type StoredRowFormat,
  type StoredRowJson,
  type StoredRowSource,
} from '@homeward/contracts/stored-row';
import { random, type Random } from './seeded-random';

// The residue's patch takes the row read off a message to the stored row, whatever the two JSON values are:
// taking a row back from its message is exact by construction, however the reading differs from the store.

describe('the residue patch', () => {
  it('takes any JSON value to any other, and is nothing between equal values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (from, to) => {
        const patch = diff(from, to);
        expect(patch === undefined ? from : apply(from, patch)).toEqual(to);
        expect(diff(to, structuredClone(to))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('says only what differs, down to the field and the list position', () => {
    const row = { data: { a: 1, list: [{ x: 'same' }, { x: 'read' }], gone: true }, type: 'T' };
    const stored = { data: { a: 1, list: [{ x: 'same' }, { x: 'stored' }], added: '' }, type: 'T' };
    expect(diff(row, stored)).toEqual({ data: { list: { 1: { x: ['=', 'stored'] } }, gone: ['-'], added: ['=', ''] } });
    expect(apply(row, diff(row, stored)!)).toEqual(stored);
  });

  it('survives JSON, as in a header: what it sets, nulls included', () => {
    const patch = diff({ a: 1 }, { a: null, b: [null] })!;
    expect(apply({ a: 1 }, JSON.parse(JSON.stringify(patch)))).toEqual({ a: null, b: [null] });
  });
});

// The relay's residue header, checked field by field before it builds any row (saysStoredRow), must be
// the one the full reading gives: the row read off the message, diffed against the stored row. Over
// random messages of every service's schema, and stored rows that are the message's own row or that row
// changed anywhere (a value, a type, a key too many or too few, a date by a millisecond).

const formats: Record<string, StoredRowFormat> = {
  registration: {
    schema: RegistrationEventSchema,
    seals: 'under-sealed',
    enumCodes: { [SexSchema.typeName]: { 0: 'U', 1: 'F', 2: 'M', 3: 'O' } },
  },
  skills: {
    schema: SkillsEventSchema,
    seals: 'under-sealed',
    withheld: ['verificationCodeHash'],
    fieldNames: { 'homeward.skills.v1.EvidenceAdded': { contentHashSha256: 'contentHash' } },
  },
  employment: { schema: EmploymentEventSchema, seals: 'in-place' },
  fund: {
    schema: FundEventSchema,
    seals: 'in-place',
    jsonFields: { 'homeward.fund.v1.RuleOutcome': { expectedJson: 'expected', actualJson: 'actual' } },
  },
};

const STRINGS = ['', 'a', 'PH', 'F', 'female', 'x y', 'sealed', '__proto__', 'é ü', '2026-12-07', '{"a":1}', '[1]', '0'];

function scalarValue(type: ScalarType, longAsString: boolean, r: Random): unknown {
  switch (type) {
    case ScalarType.STRING:
      return r.pick(STRINGS);
    case ScalarType.BOOL:
      return r.chance(0.5);
    case ScalarType.BYTES:
      return new Uint8Array(r.int(0, 6)).map(() => r.int(0, 255));
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return r.pick([0, 1, 1.5, -2, 1024]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64: {
      const n = BigInt(r.pick([0, 1, -1, 150_000, 2 ** 40]));
      return longAsString ? String(n) : n;
    }
    case ScalarType.UINT64:
    case ScalarType.FIXED64: {
      const n = BigInt(r.pick([0, 1, 150_000, 2 ** 40]));
      return longAsString ? String(n) : n;
    }
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return r.pick([0, 1, 7, 2 ** 31]);
    default:
      return r.pick([0, 1, -1, 2026, 2 ** 30]);
  }
}

function itemValue(field: DescField, kind: 'scalar' | 'enum' | 'message', r: Random, depth: number): unknown {
  const f = field as DescField & { scalar?: ScalarType; enum?: DescEnum; message?: DescMessage; longAsString?: boolean };
  if (kind === 'enum') return r.pick(f.enum!.values).number;
  if (kind === 'message') return randomMessage(f.message!, r, depth + 1);
  return scalarValue(f.scalar!, f.longAsString ?? false, r);
}

function fieldValue(field: DescField, r: Random, depth: number): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      // A JSON field holds JSON (the fund's rule outcomes): the relay never sends anything else there.
      return /Json$/.test(field.localName) ? r.pick(['1', '"a"', '{"a":[1,null]}', 'null', '[]']) : itemValue(field, 'scalar', r, depth);
    case 'enum':
    case 'message':
      return itemValue(field, field.fieldKind, r, depth);
    case 'list':
      return Array.from({ length: r.int(0, 3) }, () => itemValue(field, field.listKind, r, depth));
    case 'map':
      return Object.fromEntries(
        Array.from({ length: r.int(0, 2) }, () => [r.pick(['k', 'PH', '1', 'sealed']), itemValue(field, field.mapKind, r, depth)]),
      );
  }
}

function randomMessage(desc: DescMessage, r: Random, depth = 0): object {
  if (desc.typeName === 'google.protobuf.Timestamp')
    return create(desc, {
      seconds: BigInt(r.int(0, 4_000_000_000)),
      nanos: r.chance(0.7) ? r.int(0, 999) * 1_000_000 : r.int(0, 999_999_999),
    });
  const init: Record<string, unknown> = {};
  if (depth > 3) return create(desc);
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      if (depth > 0 && r.chance(0.3)) continue;
      const chosen = r.pick(member.fields);
      init[member.localName] = { case: chosen.localName, value: fieldValue(chosen, r, depth) };
    } else if (depth === 0 || r.chance(0.7)) {
      init[member.localName] = fieldValue(member, r, depth);
    }
  }
  return create(desc, init as never);
}

/** Every place in a JSON value, as paths of keys. */
function places(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => places(v, [...path, i], out));
  else if (typeof value === 'object' && value !== null)
    for (const k of Object.keys(value)) places((value as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

const OTHER_VALUES: unknown[] = [undefined, null, '', 'a', 0, 1, 150000, true, false, [], {}, [1], { keyId: '' }, '0', 'AA=='];

/** The stored row changed at one place: a value, a type, a key removed or added. */
function changed(row: Record<string, unknown>, r: Random): Record<string, unknown> {
  const copy = structuredClone(row);
  // The dates stay dates: the store's columns hold nothing else (they change apart, by a millisecond).
  const all = places(copy).filter((p) => p.length > 0 && p[0] !== 'occurredAt' && p[0] !== 'recordedAt');
  const path = r.pick(all);
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as Record<
    string | number,
    unknown
  >;
  const key = path.at(-1)!;
  const value = parent[key];
  const move = r.int(0, 5);
  if (move === 0 && !Array.isArray(parent)) delete parent[key];
  else if (move === 1 && typeof parent === 'object' && !Array.isArray(parent))
    Object.defineProperty(parent, r.pick(['sealed', 'extra', '__proto__', 'keyId', 'registeredOn']), {
      value: r.pick(OTHER_VALUES),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else if (move === 2 && typeof value === 'string') parent[key] = value === '' ? 'x' : value.slice(1);
  else if (move === 3 && typeof value === 'number') parent[key] = value + 1;
  else if (move === 4 && Array.isArray(value)) parent[key] = r.chance(0.5) ? value.slice(1) : Object.assign({}, value);
  // (A key set to undefined is absent; a list holds no undefined in JSON.)
  else parent[key] = r.pick(Array.isArray(parent) ? OTHER_VALUES.slice(1) : OTHER_VALUES);
  return copy;
}

/** The header by the full reading, as the relay made it before it checked the rule first. */
function fullReadingHeader(format: StoredRowFormat, stored: StoredRowSource, message: MessageShape<DescMessage>): string {
  let row = storedRowJson(stored);
  const data = row.data as Record<string, unknown> | null;
  const withheld = format.withheld?.filter((f) => typeof data === 'object' && data !== null && data[f] !== undefined) ?? [];
  if (withheld.length > 0) {
    const kept = { ...(row.data as Record<string, unknown>) };
    for (const f of withheld) delete kept[f];
    row = { ...row, data: kept };
  }
  const patch = diff(rowOfMessage(format, message), row);
  return patch || withheld.length > 0
    ? JSON.stringify({ ...(patch ? { p: patch } : {}), ...(withheld.length > 0 ? { w: withheld } : {}) })
    : '';
}

describe("the relay's residue header", () => {
  it.each(Object.keys(formats))(
    "is the full reading's for any %s message and any stored row, and empty without reading when the row is the message's",
    (name) => {
      const format = formats[name]!;
      let said = 0;
      let unsaid = 0;
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 0, max: 3 }), (seed, changes) => {
          const r = random(seed);
          const message = randomMessage(format.schema, r) as MessageShape<DescMessage>;
          let row: Record<string, unknown> = { ...rowOfMessage(format, message) };
          if (format.withheld && r.chance(0.2)) row = { ...row, data: { ...(row.data as object), [format.withheld[0]!]: 'hash' } };
          for (let i = 0; i < changes; i++) row = changed(row, r);
          const at = (field: 'occurredAt' | 'recordedAt') =>
            new Date(new Date(row[field] as string).getTime() + (changes > 0 && r.chance(0.1) ? r.pick([-1, 1]) : 0));
          const stored = { ...(row as unknown as StoredRowJson), occurredAt: at('occurredAt'), recordedAt: at('recordedAt') };
          const header = storedResidueHeader(format, stored, message)[STORED_RESIDUE_HEADER];
          expect(header).toBe(fullReadingHeader(format, stored, message));
          const says = saysStoredRow(format, stored, message);
          if (says) expect(header).toBe('');
          if (changes === 0 && (row.data as Record<string, unknown>)[format.withheld?.[0] ?? ''] === undefined) expect(says).toBe(true);
          if (says) said++;
          else unsaid++;
          // And the row comes back from the message's bytes with it (withheld fields aside).
          const { row: back } = storedRowFromMessage(format, toBinary(format.schema, message), header);
          // (As JSON, which is what the store and the header hold: a key set to undefined is no key.)
          const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
          const expected = json(storedRowJson(stored));
          for (const f of format.withheld ?? [])
            if (typeof expected.data === 'object' && expected.data !== null) delete (expected.data as Record<string, unknown>)[f];
          expect(json(back)).toEqual(expected);
        }),
        { numRuns: 1500 },
      );
      // Both answers came up often: the check neither always says yes nor always no.
      expect(said).toBeGreaterThan(200);
      expect(unsaid).toBeGreaterThan(200);
    },
  );
});
