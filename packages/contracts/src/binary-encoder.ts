import { toBinary, ScalarType, type DescEnum, type DescField, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

/**
 * A message's protobuf encoding, compiled once per schema from its descriptor: the same bytes as
 * protobuf-es's `toBinary`, several times faster.
 *
 * Why: the relays encode every event they publish, and the directory entries beside them. `toBinary`
 * walks each message through protobuf-es's reflection (a wrapper object per message and list, a
 * descriptor switch per field) and a writer that collects bytes one by one in a JavaScript array; that
 * was the largest single cost a relay paid per event. This writes straight into one reused buffer,
 * with the fields' order, presence rules and wire types worked out once.
 *
 * The bytes are `toBinary`'s, checked by a property test over generated messages of every service's
 * schema (test/binary-encoder.unit.spec.ts). Whatever this does not take as plainly valid — a number its
 * field cannot hold, a value of another type, a foreign message, unknown fields, a field kind none of
 * our contracts uses (maps, groups, fixed-width and zigzag integers, floats) — is left to `toBinary`
 * itself for the whole message, so that its errors and its edge cases stay exactly its own.
 */
export function binaryEncoder<Desc extends DescMessage>(schema: Desc): (message: MessageShape<Desc>) => Uint8Array {
  const write = messageWriter(schema);
  return (message) => {
    pos = 0;
    let bytes: Uint8Array | undefined;
    if (write(message) !== FALLBACK) {
      // A plain Uint8Array, as toBinary gives (a Buffer's subarray is a Buffer, and so would be the
      // bytes fields read back from it), over memory from Node's pool rather than zero-filled.
      const out = Buffer.allocUnsafe(pos);
      buf.copy(out, 0, 0, pos);
      bytes = new Uint8Array(out.buffer, out.byteOffset, pos);
    }
    // A buffer grown for one large message is not kept for all the small ones after it.
    if (buf.length > KEPT_BYTES) buf = Buffer.allocUnsafe(KEPT_BYTES);
    if (bytes) return bytes;
    fallbacks++;
    return toBinary(schema, message);
  };
}

let fallbacks = 0;
/** How many messages this process's encoders have handed to toBinary: a test's way to see the fast path taken. */
export function binaryEncoderFallbacks(): number {
  return fallbacks;
}

/*
 * One buffer, reused by every encoding in the process (JavaScript runs them one at a time), grown as
 * needed; `pos` is where the next byte goes. The writers below return FALLBACK when a message is not
 * theirs to encode.
 */
const KEPT_BYTES = 64 * 1024;
let buf = Buffer.allocUnsafe(KEPT_BYTES);
let pos = 0;
const FALLBACK = -1;
const DONE = 0;
const NOT_SET = Symbol('not set');

function room(bytes: number): void {
  if (pos + bytes <= buf.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + bytes));
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}

/** A varint of a non-negative integer below 2^53 (a length, a tag, or an unsigned value). */
function varint(value: number): void {
  while (value > 0x7f) {
    buf[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[pos++] = value;
}

/** A varint of a 64-bit two's complement value. */
function varint64(value: bigint): void {
  let v = BigInt.asUintN(64, value);
  while (v > 0x7fn) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
}

/** A signed 32-bit value: a negative one is sign-extended to ten bytes, as protobuf says. */
function varintInt32(value: number): void {
  if (value >= 0) varint(value);
  else varint64(BigInt(value));
}

const varintSize = (value: number) => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);

/**
 * Length-delimited content written by `body` after a one-byte length, moved on when its length takes more
 * (a nested message over 127 bytes, a long string): most are short, and a move is one memmove.
 */
function delimited<T>(body: (arg: T) => number, arg: T): number {
  room(1);
  const start = ++pos;
  if (body(arg) === FALLBACK) return FALLBACK;
  const length = pos - start;
  const extra = varintSize(length) - 1;
  if (extra > 0) {
    room(extra);
    buf.copy(buf, start + extra, start, pos);
  }
  pos = start - 1;
  varint(length);
  pos += length;
  return DONE;
}

function utf8(text: string): number {
  // A short ASCII string by hand; anything else by Node (a lone surrogate becomes U+FFFD, as TextEncoder makes it).
  const n = text.length;
  room(5 + 3 * n);
  if (n < 64) {
    const start = pos + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
    if (i === n) {
      buf[pos] = n;
      pos = start + n;
      return DONE;
    }
  }
  return delimited(writeUtf8, text);
}

function writeUtf8(text: string): number {
  pos += buf.write(text, pos, 'utf8');
  return DONE;
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Writes one value of a field after its tag (already written); FALLBACK if the value is not plainly valid. */
type ValueWriter = (value: unknown) => number;
/** Whether a value of a field with implicit presence is its zero value, which is not written. */
type Zero = (value: unknown) => boolean;

const WIRE_VARINT = 0;
const WIRE_BIT64 = 1;
const WIRE_DELIMITED = 2;

interface ScalarPlan {
  readonly wire: number;
  readonly write: ValueWriter;
  /** protobuf-es's zero test for the type (reflect's isScalarZeroValue). */
  readonly zero: Zero;
  /** Whether a list of it is packed when the field says so (numbers, not strings or bytes). */
  readonly packable: boolean;
}

const looseZero: Zero = (value) => value == 0; // as protobuf-es: 0, -0, 0n and "0"

function scalarPlan(type: ScalarType): ScalarPlan | undefined {
  switch (type) {
    case ScalarType.STRING:
      return {
        wire: WIRE_DELIMITED,
        zero: (v) => v === '',
        packable: false,
        write: (v) => (typeof v === 'string' ? utf8(v) : FALLBACK),
      };
    case ScalarType.BYTES:
      return {
        wire: WIRE_DELIMITED,
        zero: (v) => v instanceof Uint8Array && v.byteLength === 0,
        packable: false,
        write: (v) => {
          if (!(v instanceof Uint8Array)) return FALLBACK;
          room(5 + v.byteLength);
          varint(v.byteLength);
          buf.set(v, pos);
          pos += v.byteLength;
          return DONE;
        },
      };
    case ScalarType.BOOL:
      return {
        wire: WIRE_VARINT,
        zero: (v) => v === false,
        packable: true,
        write: (v) => {
          if (typeof v !== 'boolean') return FALLBACK;
          room(1);
          buf[pos++] = v ? 1 : 0;
          return DONE;
        },
      };
    case ScalarType.INT32:
      return { wire: WIRE_VARINT, zero: looseZero, packable: true, write: int32Writer };
    case ScalarType.UINT32:
      return {
        wire: WIRE_VARINT,
        zero: looseZero,
        packable: true,
        write: (v) => {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT32_MAX) return FALLBACK;
          room(5);
          varint(v);
          return DONE;
        },
      };
    case ScalarType.INT64:
      return { wire: WIRE_VARINT, zero: looseZero, packable: true, write: int64Writer(INT64_MIN, INT64_MAX) };
    case ScalarType.UINT64:
      return { wire: WIRE_VARINT, zero: looseZero, packable: true, write: int64Writer(0n, UINT64_MAX) };
    case ScalarType.DOUBLE:
      return {
        wire: WIRE_BIT64,
        zero: (v) => Object.is(v, 0),
        packable: true,
        write: (v) => {
          if (typeof v !== 'number') return FALLBACK;
          room(8);
          pos = buf.writeDoubleLE(v, pos);
          return DONE;
        },
      };
    default:
      // float, fixed and zigzag integers: none of our contracts has them; toBinary encodes them.
      return undefined;
  }
}

function int32Writer(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) return FALLBACK;
  room(10);
  varintInt32(v);
  return DONE;
}

function int64Writer(min: bigint, max: bigint): ValueWriter {
  return (v) => {
    // A bigint, as protobuf-es gives 64-bit fields unless a field asks for strings (jstype), left to toBinary.
    if (typeof v !== 'bigint' || v < min || v > max) return FALLBACK;
    room(10);
    if (v >= 0n && v <= 0x1fffffffffffffn) varint(Number(v));
    else varint64(v);
    return DONE;
  };
}

/** A message's writer: its fields in the order of their numbers, as toBinary writes them. */
type MessageWriter = (message: unknown) => number;

const writers = new WeakMap<DescMessage, MessageWriter>();

function messageWriter(desc: DescMessage): MessageWriter {
  const known = writers.get(desc);
  if (known) return known;
  const fields: ((message: Record<string, unknown>) => number)[] = [];
  const typeName = desc.typeName;
  const write: MessageWriter = (message) => {
    const m = message as Record<string, unknown> | undefined;
    if (typeof m !== 'object' || m === null || m.$typeName !== typeName) return FALLBACK;
    const unknown = m.$unknown as unknown[] | undefined;
    if (unknown !== undefined && unknown.length > 0) return FALLBACK;
    for (let i = 0; i < fields.length; i++) if (fields[i]!(m) === FALLBACK) return FALLBACK;
    return DONE;
  };
  // Set before the fields are compiled, so that a recursive type finds itself.
  writers.set(desc, write);
  for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) {
    const compiled = fieldWriter(field);
    if (!compiled) {
      const unsupported: MessageWriter = () => FALLBACK;
      writers.set(desc, unsupported);
      return unsupported;
    }
    fields.push(compiled);
  }
  return write;
}

const IMPLICIT = 2; // FeatureSet_FieldPresence.IMPLICIT: proto3's singular scalars and enums
const LEGACY_REQUIRED = 3; // FeatureSet_FieldPresence.LEGACY_REQUIRED: proto2's required

/** A field's tag (its number and wire type), as a varint. */
function tagWriter(number: number, wire: number): () => void {
  const tag = number * 8 + wire;
  return () => {
    room(5);
    varint(tag);
  };
}

/** The plan of a scalar or enum field's values, or of its list's items; undefined for a type left to toBinary. */
function valuePlan(field: DescField): ScalarPlan | undefined {
  const f = field as { enum?: DescEnum; scalar?: ScalarType };
  // An enum's value is an int32 varint, unset when it is the enum's first value (proto3's zero).
  if (f.enum) return enumPlan(f.enum.values[0]?.number ?? 0);
  return f.scalar === undefined ? undefined : scalarPlan(f.scalar);
}

/** A nested message's writer, looked up on first use (a recursive type is still being compiled when its fields are). */
function nestedWriter(desc: DescMessage): MessageWriter {
  let write: MessageWriter | undefined;
  return (message) => (write ??= messageWriter(desc))(message);
}

function fieldWriter(field: DescField): ((message: Record<string, unknown>) => number) | undefined {
  const name = field.localName;
  // The field's value, or NOT_SET, as protobuf-es's reflection tells a set field (unsafeIsSet): a oneof's
  // chosen case (whatever its value), an explicit field's own defined property. A field with implicit
  // presence is always read, and its zero value skipped; a list is always read.
  const oneof = field.oneof?.localName;
  const implicit = oneof === undefined && field.presence === IMPLICIT;
  // proto2's required field: toBinary refuses a message without it.
  const unset = field.presence === LEGACY_REQUIRED ? FALLBACK : DONE;
  let value: (m: Record<string, unknown>) => unknown;
  if (oneof !== undefined)
    value = (m) => {
      const chosen = m[oneof] as { case?: string; value?: unknown } | undefined;
      return chosen?.case === name ? chosen.value : NOT_SET;
    };
  else if (field.fieldKind === 'list' || implicit) value = (m) => m[name];
  else value = (m) => (Object.hasOwn(m, name) && m[name] !== undefined ? m[name] : NOT_SET);

  switch (field.fieldKind) {
    case 'scalar':
    case 'enum': {
      const plan = valuePlan(field);
      if (!plan) return undefined;
      const tag = tagWriter(field.number, plan.wire);
      const { write, zero } = plan;
      return (m) => {
        const v = value(m);
        if (v === NOT_SET) return unset;
        if (implicit && zero(v)) return DONE;
        tag();
        return write(v);
      };
    }
    case 'message': {
      if (field.delimitedEncoding) return undefined;
      const tag = tagWriter(field.number, WIRE_DELIMITED);
      const write = nestedWriter(field.message);
      return (m) => {
        const v = value(m);
        if (v === NOT_SET) return unset;
        tag();
        return delimited(write, v);
      };
    }
    case 'list': {
      if (field.listKind === 'message') {
        if (field.delimitedEncoding) return undefined;
        const tag = tagWriter(field.number, WIRE_DELIMITED);
        const write = nestedWriter(field.message);
        return (m) => {
          const list = value(m);
          if (!Array.isArray(list)) return FALLBACK;
          for (const item of list) {
            tag();
            if (delimited(write, item) === FALLBACK) return FALLBACK;
          }
          return DONE;
        };
      }
      const plan = valuePlan(field);
      if (!plan) return undefined;
      const { write } = plan;
      if (field.packed && plan.packable) {
        const tag = tagWriter(field.number, WIRE_DELIMITED);
        return (m) => {
          const list = value(m);
          if (!Array.isArray(list)) return FALLBACK;
          if (list.length === 0) return DONE;
          tag();
          return delimited(writeEach, { write, list });
        };
      }
      const tag = tagWriter(field.number, plan.wire);
      return (m) => {
        const list = value(m);
        if (!Array.isArray(list)) return FALLBACK;
        for (const item of list) {
          tag();
          if (write(item) === FALLBACK) return FALLBACK;
        }
        return DONE;
      };
    }
    default:
      // Maps: none of our contracts has one; toBinary encodes them.
      return undefined;
  }
}

function writeEach({ write, list }: { write: ValueWriter; list: readonly unknown[] }): number {
  for (const item of list) if (write(item) === FALLBACK) return FALLBACK;
  return DONE;
}

function enumPlan(first: number): ScalarPlan {
  return { wire: WIRE_VARINT, zero: (v) => v === first, packable: true, write: int32Writer };
}
