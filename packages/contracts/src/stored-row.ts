import { fromBinary, type DescEnum, type DescField, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampDate, timestampMs } from '@bufbuild/protobuf/wkt';
import { OrganisationKind, type Envelope } from './gen/homeward/common/v1/envelope_pb';

/**
 * A stored event taken back from its message on its service's topic (docs/operations/backup-restore.md).
 *
 * By ADR 3 the stored row holds what the message is made of, so the message itself says almost all of the
 * row: the envelope gives the stream, version, event id, type, timestamps and metadata, and the payload the
 * data. {@link rowOfMessage} reads the row off any service's message by reflection over its protobuf schema;
 * what it reads differently from the stored row (a domain code that is not the proto enum's name, a
 * field the proto does not carry, an absent field that the proto sends as '') travels beside the message
 * as a *residue*, a patch from the row read off the message to the stored row, in the header
 * {@link STORED_RESIDUE_HEADER}. For most events the residue is empty.
 *
 * Why a generic reading plus a residue rather than an exact inverse written for each of the four services'
 * sixty-odd event types: the residue is computed by the relay from the very row it publishes, so taking
 * the row back is exact by construction whatever the reading gets wrong; a hand-written inverse that lost a
 * field the message does not depend on (`registeredOn`, '' against absent) would pass catch-up's check
 * that the row maps back to its message and silently store something else. The reading and the patch
 * format are part of the message format: change them only in ways that read old messages the same.
 */
export const STORED_RESIDUE_HEADER = 'homeward_stored';

/** A stored row as JSON: the event store's columns and its data and metadata. */
export interface StoredRowJson {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

/** How a service's events sit in its store, as far as reading them off their messages needs. */
export interface StoredRowFormat {
  /** The service's event message (`RegistrationEvent`, …): an `envelope` and a oneof `event`. */
  readonly schema: DescMessage;
  /**
   * Where the data keeps its seals: under `data.sealed.<field>` (registration, skills; a proto field
   * `sealed_issuer` is `sealed.issuer`) or in place, as the field itself (the fund).
   */
  readonly seals: 'under-sealed' | 'in-place';
  /**
   * Data fields the service keeps and never publishes (skills' certificate verification-code hash, which
   * could be brute-forced offline): they are left out of the residue too (which only names them), and an
   * event that had one is taken back from its message only if the service derives the field again (the
   * catch-up's `restore`, `@homeward/messaging/store-catch-up`).
   */
  readonly withheld?: readonly string[];
  /**
   * Domain codes of the proto enums (by type name) whose codes are not their values' names in lower case
   * (registration's sex: F, M, O, U). Not needed for correctness (the residue says them), only for size.
   */
  readonly enumCodes?: Readonly<Record<string, Readonly<Record<number, string>>>>;
  /** Stored names of proto fields named otherwise, by message type name (skills' `contentHashSha256` is `contentHash`); for size too. */
  readonly fieldNames?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Proto string fields that carry a stored value as JSON, by message type name: their stored names (the fund's rule outcomes). */
  readonly jsonFields?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const SEAL_TYPE = 'homeward.common.v1.SealedPersonalData';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
/** An organisation kind's stored code: its enum value's name in lower case (made once per known value). */
const KIND_CODES = new Map(
  Object.values(OrganisationKind).flatMap((v) => (typeof v === 'number' ? [[v, OrganisationKind[v]!.toLowerCase()] as const] : [])),
);
const kindCode = (kind: OrganisationKind) => KIND_CODES.get(kind) ?? String(kind);

function scalar(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return base64(value);
  return value;
}

function seal(value: { keyId: string; nonce: Uint8Array; ciphertext: Uint8Array }) {
  return { keyId: value.keyId, nonce: base64(value.nonce), ciphertext: base64(value.ciphertext) };
}

type Convert = (value: unknown) => unknown;
/** Reads one field of a message into the stored JSON (`out`, or `sealed` for seals kept under `data.sealed`). */
type Reader = (source: Record<string, unknown>, out: Record<string, unknown>, sealed: Record<string, unknown>) => void;

/**
 * The readers of a message type, made once per format and type from its descriptor: the relay reads every
 * message it sends, and walking the descriptor each time cost as much as the rest of the residue.
 */
const compiled = new WeakMap<StoredRowFormat, Map<string, Reader[]>>();

function readersOf(format: StoredRowFormat, desc: DescMessage): Reader[] {
  let byType = compiled.get(format);
  if (!byType) compiled.set(format, (byType = new Map()));
  let readers = byType.get(desc.typeName);
  if (readers) return readers;
  readers = [];
  // Set before the fields are read, so that a recursive type finds itself.
  byType.set(desc.typeName, readers);
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      const cases = new Map(member.fields.map((f) => [f.localName, fieldReader(format, desc, f)]));
      const oneof = member.localName;
      readers.push((source, out, sealed) => {
        const chosen = source[oneof] as { case?: string; value?: unknown } | undefined;
        const read = chosen?.case === undefined ? undefined : cases.get(chosen.case);
        if (read) read({ [chosen!.case!]: chosen!.value }, out, sealed);
      });
    } else {
      readers.push(fieldReader(format, desc, member));
    }
  }
  return readers;
}

function enumConverter(format: StoredRowFormat, desc: DescEnum): Convert {
  const codes = new Map<number, string>(desc.values.map((v) => [v.number, v.localName.toLowerCase()]));
  for (const [number, code] of Object.entries(format.enumCodes?.[desc.typeName] ?? {})) codes.set(Number(number), code);
  return (value) => codes.get(value as number) ?? value;
}

function messageConverter(format: StoredRowFormat, desc: DescMessage): Convert {
  if (desc.typeName === SEAL_TYPE) return (value) => seal(value as Parameters<typeof seal>[0]);
  return (value) => plain(format, desc, value);
}

/**
 * Where the reading puts a field of a message, the same for the reading and for the check below: a seal
 * kept under `data.sealed` (by its name without `sealed`), a JSON field (parsed, under its stored name), or
 * any other field (under its stored name); and what counts as absent: proto3 sends an absent string as ''
 * and an absent code as its enum's 0 (…_UNSPECIFIED).
 */
interface FieldPlan {
  readonly name: string;
  readonly place: 'sealed' | 'json' | 'out';
  readonly key: string;
  readonly absent: (value: unknown) => boolean;
}

function fieldPlan(format: StoredRowFormat, parent: DescMessage, field: DescField): FieldPlan {
  const name = field.localName;
  const absent = field.fieldKind === 'enum' ? (v: unknown) => v === undefined || v === 0 : (v: unknown) => v === undefined || v === '';
  if (field.fieldKind === 'message' && field.message.typeName === SEAL_TYPE && format.seals === 'under-sealed')
    return { name, place: 'sealed', key: name.replace(/^sealed([A-Z])/, (_, first: string) => first.toLowerCase()), absent };
  const json = format.jsonFields?.[parent.typeName]?.[name];
  if (json !== undefined) return { name, place: 'json', key: json, absent };
  return { name, place: 'out', key: format.fieldNames?.[parent.typeName]?.[name] ?? name, absent };
}

/** The handler of a field's value, or of its list's or map's items, by their kind. */
function perItem<T>(field: DescField, handlers: { scalar: T; enum: (desc: DescEnum) => T; message: (desc: DescMessage) => T }): T {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
  if (kind === 'enum') return handlers.enum((field as { enum: DescEnum }).enum);
  if (kind === 'message') return handlers.message((field as { message: DescMessage }).message);
  return handlers.scalar;
}

function fieldReader(format: StoredRowFormat, parent: DescMessage, field: DescField): Reader {
  const item = perItem<Convert>(field, {
    scalar,
    enum: (desc) => enumConverter(format, desc),
    message: (desc) => messageConverter(format, desc),
  });
  const convert: Convert =
    field.fieldKind === 'list'
      ? (value) => (value as unknown[]).map(item)
      : field.fieldKind === 'map'
        ? (value) => Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, item(v)]))
        : item;
  const { name, place, key, absent } = fieldPlan(format, parent, field);
  if (place === 'sealed')
    return (source, _out, sealed) => {
      const value = source[name];
      if (!absent(value)) sealed[key] = convert(value);
    };
  if (place === 'json')
    return (source, out) => {
      const value = source[name];
      if (!absent(value)) out[key] = JSON.parse(value as string);
    };
  return (source, out) => {
    const value = source[name];
    if (!absent(value)) out[key] = convert(value);
  };
}

/** A protobuf message as the JSON the domain stores: proto field names, domain codes for enums, '' as absent. */
function plain(format: StoredRowFormat, desc: DescMessage, message: unknown): Record<string, unknown> {
  const source = message as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const sealed: Record<string, unknown> = {};
  for (const read of readersOf(format, desc)) read(source, out, sealed);
  for (const _ in sealed) {
    out.sealed = sealed;
    break;
  }
  return out;
}

/** The stored row that a service's event message says, without any residue. */
export function rowOfMessage(format: StoredRowFormat, message: MessageShape<DescMessage>): StoredRowJson {
  const source = message as unknown as { envelope?: Envelope; event?: { case?: string; value?: unknown } };
  const envelope = source.envelope;
  if (!envelope) throw new Error('the message has no envelope');
  const payload = payloadType(format, source.event?.case);
  if (!payload) throw new Error(`the message carries no event (${String(source.event?.case)})`);
  const date = (t: Envelope['occurredAt']) => (t ? timestampDate(t) : new Date(0)).toISOString();
  return {
    streamId: envelope.streamId,
    streamVersion: Number(envelope.streamVersion),
    eventId: envelope.eventId,
    type: envelope.eventType.slice(envelope.eventType.lastIndexOf('.') + 1),
    data: plain(format, payload, source.event!.value),
    metadata: {
      actor: {
        organisationId: envelope.actor?.organisationId ?? '',
        kind: kindCode(envelope.actor?.kind ?? OrganisationKind.UNSPECIFIED),
        userId: envelope.actor?.userId ?? '',
      },
      originCountry: envelope.jurisdiction?.originCountry ?? '',
      destinationCountry: envelope.jurisdiction?.destinationCountry ?? '',
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
    },
    occurredAt: date(envelope.occurredAt),
    recordedAt: date(envelope.recordedAt),
  };
}

/*
 * The residue: a patch from one JSON value to another. `["=", v]` sets v, `["-"]` removes the key, and an
 * object patches the keys it names (of an object, or by index of an array of the same length). Nothing
 * (undefined) when the two are equal.
 */
export type Patch = readonly ['=', unknown] | readonly ['-'] | { readonly [key: string]: Patch };

/** A key's own value: JSON can name `valueOf` or `__proto__`, which a plain read or write would take for the prototype's. */
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
const define = (o: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

/** The residue's patch from `from` to `to` (JSON values): undefined when they are equal. */
export function diff(from: unknown, to: unknown): Patch | undefined {
  if (from === to) return undefined;
  if (typeof from !== 'object' || typeof to !== 'object' || from === null || to === null) return ['=', to];
  const arrays = Array.isArray(from);
  if (arrays !== Array.isArray(to) || (arrays && (from as unknown[]).length !== (to as unknown[]).length)) return ['=', to];
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  // A key set to undefined is absent, as in the JSON the store keeps. (The relay runs this for every
  // message: plain loops, and no patch object unless something differs.)
  let patch: Record<string, Patch> | undefined;
  for (const key of Object.keys(b)) {
    const value = b[key];
    if (value === undefined) continue;
    const before = own(a, key);
    const p = before === undefined ? (['=', value] as const) : diff(before, value);
    if (p !== undefined) define((patch ??= {}), key, p);
  }
  if (!arrays) for (const key of Object.keys(a)) if (a[key] !== undefined && own(b, key) === undefined) define((patch ??= {}), key, ['-']);
  return patch;
}

/** `value` with `patch` applied. */
export function apply(value: unknown, patch: Patch): unknown {
  if (Array.isArray(patch)) return patch[0] === '=' ? patch[1] : REMOVED;
  const target: Record<string, unknown> = Array.isArray(value)
    ? ([...value] as unknown as Record<string, unknown>)
    : { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(patch)) {
    const next = apply(own(target, key), (patch as Record<string, Patch>)[key]!);
    if (next === REMOVED) delete target[key];
    else define(target, key, next);
  }
  return target;
}
const REMOVED = Symbol('removed');

/** What the residue header holds: the patch, and the withheld fields the stored row had (never their values). */
interface Residue {
  readonly p?: Patch;
  readonly w?: readonly string[];
}

/** A stored event as the relay has it: the event store's columns, with its timestamps as dates. */
export interface StoredRowSource {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
}

/**
 * The residue header of a stored event's message (`message` is the protobuf message the relay encodes):
 * an empty value when the message says the whole row, which is the rule. Read off the message before it
 * is encoded, which reads as its bytes will: protobuf-es refuses to encode a number its field cannot hold
 * (1.5 or 2^33 as an int32), and the store holds no text that UTF-8 would change (jsonb refuses lone
 * surrogates).
 *
 * The rule is checked first, field by field ({@link saysStoredRow}); only a message that does not say its
 * row is read into one and diffed, so the header is the same either way.
 */
export function storedResidueHeader(
  format: StoredRowFormat,
  stored: StoredRowSource,
  message: MessageShape<DescMessage>,
): Record<typeof STORED_RESIDUE_HEADER, string> {
  const payload = saysAllButData(format, stored, message);
  if (payload) {
    // The patch of the row is then that of its data, as `diff` would find it over the whole row.
    const value = (message as unknown as { event: { value: unknown } }).event.value;
    if (messageEqual(format, payload)(value, stored.data)) return { [STORED_RESIDUE_HEADER]: '' };
    const patch = diff(plain(format, payload, value), stored.data);
    return { [STORED_RESIDUE_HEADER]: patch ? JSON.stringify({ p: { data: patch } } satisfies Residue) : '' };
  }
  let row = storedRowJson(stored);
  const data = row.data as Record<string, unknown> | null;
  const withheld = format.withheld?.filter((f) => typeof data === 'object' && data !== null && data[f] !== undefined) ?? [];
  if (withheld.length > 0) {
    const data = { ...(row.data as Record<string, unknown>) };
    for (const f of withheld) delete data[f];
    row = { ...row, data };
  }
  const patch = diff(rowOfMessage(format, message), row);
  const residue: Residue = { ...(patch ? { p: patch } : {}), ...(withheld.length > 0 ? { w: withheld } : {}) };
  return { [STORED_RESIDUE_HEADER]: patch || withheld.length > 0 ? JSON.stringify(residue) : '' };
}

/*
 * Whether a message says its stored row exactly, that is whether `diff(rowOfMessage(format, message), row)`
 * is nothing, answered without building the row or its ISO dates: the relay asks it of every message it
 * sends, and building the row back and diffing two trees was most of a message's residue. It compares as
 * the reading reads (the same absent values, domain codes, stored names and base64), and says no whenever
 * it is unsure (a type whose fields would write one key twice, withheld fields, anything not plain JSON):
 * a no only costs the full reading. Checked against the full reading over generated messages and rows
 * (test/stored-row.unit.spec.ts).
 */

/** A value read off a message (never absent) against its stored JSON: equal as `diff` sees it. */
type Equal = (value: unknown, stored: unknown) => boolean;
/**
 * One field of a message against the stored object (and its `sealed` object): -1 if it differs, else 0
 * when it reads as absent (and is absent from the store), 1 when it is a key of the object, 2 when a key
 * of `sealed`.
 */
type FieldMatch = (source: Record<string, unknown>, stored: Record<string, unknown>, sealed: Record<string, unknown> | undefined) => number;
const OUT_KEY = 1;
const SEALED_KEY = 2;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The keys of a JSON object that `diff` counts: those not set to undefined. */
function definedKeys(o: Record<string, unknown>): number {
  let n = 0;
  for (const key of Object.keys(o)) if (o[key] !== undefined) n++;
  return n;
}

const matchers = new WeakMap<StoredRowFormat, Map<string, Equal>>();

const scalarEqual: Equal = (value, stored) =>
  typeof value === 'bigint' ? stored === Number(value) : value instanceof Uint8Array ? stored === base64(value) : stored === value;

function enumEqual(format: StoredRowFormat, desc: DescEnum): Equal {
  const convert = enumConverter(format, desc);
  return (value, stored) => stored === convert(value);
}

function sealEqual(value: unknown, stored: unknown): boolean {
  const v = value as { keyId: string; nonce: Uint8Array; ciphertext: Uint8Array };
  return (
    isObject(stored) &&
    definedKeys(stored) === 3 &&
    own(stored, 'keyId') === v.keyId &&
    own(stored, 'nonce') === base64(v.nonce) &&
    own(stored, 'ciphertext') === base64(v.ciphertext)
  );
}

function messageEqual(format: StoredRowFormat, desc: DescMessage): Equal {
  if (desc.typeName === SEAL_TYPE) return sealEqual;
  let byType = matchers.get(format);
  if (!byType) matchers.set(format, (byType = new Map()));
  const known = byType.get(desc.typeName);
  if (known) return known;
  const fields: FieldMatch[] = [];
  // Set before the fields are compiled, so that a recursive type finds itself.
  const equal: Equal = (value, stored) => {
    if (!isObject(stored)) return false;
    const source = value as Record<string, unknown>;
    const sealedStored = own(stored, 'sealed');
    const sealed = isObject(sealedStored) ? sealedStored : undefined;
    let outKeys = 0;
    let sealedKeys = 0;
    for (const field of fields) {
      const n = field(source, stored, sealed);
      if (n < 0) return false;
      if (n === OUT_KEY) outKeys++;
      else if (n === SEALED_KEY) sealedKeys++;
    }
    // Every key the reading writes is in the store and equal; the store has no other (a key set to
    // undefined is absent, as in diff). The seals, if any, are one more key: `sealed`.
    if (sealedKeys > 0 && (sealed === undefined || definedKeys(sealed) !== sealedKeys)) return false;
    return definedKeys(stored) === outKeys + (sealedKeys > 0 ? 1 : 0);
  };
  byType.set(desc.typeName, equal);
  const outNames: string[] = [];
  const sealedNames: string[] = [];
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      // The cases not chosen write nothing: a store that has one of them has a key too many.
      const cases = new Map(member.fields.map((f) => [f.localName, fieldMatch(format, desc, f, outNames, sealedNames)]));
      const oneof = member.localName;
      fields.push((source, stored, sealed) => {
        const chosen = source[oneof] as { case?: string; value?: unknown } | undefined;
        const match = chosen?.case === undefined ? undefined : cases.get(chosen.case);
        return match ? match({ [chosen!.case!]: chosen!.value }, stored, sealed) : 0;
      });
    } else {
      fields.push(fieldMatch(format, desc, member, outNames, sealedNames));
    }
  }
  // A type whose reading writes a key twice (a field stored as `sealed` beside seals, two fields of one
  // stored name) is left to the full reading.
  const clash = (names: string[]) => new Set(names).size !== names.length;
  if (clash(outNames) || clash(sealedNames) || (sealedNames.length > 0 && outNames.includes('sealed')))
    fields.splice(0, fields.length, () => -1);
  return equal;
}

function fieldMatch(format: StoredRowFormat, parent: DescMessage, field: DescField, outNames: string[], sealedNames: string[]): FieldMatch {
  const item = perItem<Equal>(field, {
    scalar: scalarEqual,
    enum: (desc) => enumEqual(format, desc),
    message: (desc) => messageEqual(format, desc),
  });
  const equal: Equal =
    field.fieldKind === 'list'
      ? (value, stored) => {
          const list = value as unknown[];
          if (!Array.isArray(stored) || stored.length !== list.length) return false;
          for (let i = 0; i < list.length; i++) if (!item(list[i], stored[i])) return false;
          return true;
        }
      : field.fieldKind === 'map'
        ? (value, stored) => {
            if (!isObject(stored)) return false;
            const entries = Object.keys(value as Record<string, unknown>);
            if (definedKeys(stored) !== entries.length) return false;
            for (const key of entries) if (!item((value as Record<string, unknown>)[key], own(stored, key))) return false;
            return true;
          }
        : item;
  const { name, place, key, absent } = fieldPlan(format, parent, field);
  // A JSON field is compared as parsed; a seal kept under `sealed` is looked for there.
  const same: Equal = place === 'json' ? (value, stored) => diff(JSON.parse(value as string), stored) === undefined : equal;
  (place === 'sealed' ? sealedNames : outNames).push(key);
  const found = place === 'sealed' ? SEALED_KEY : OUT_KEY;
  return (source, stored, sealed) => {
    const value = source[name];
    const storedValue = place === 'sealed' ? (sealed === undefined ? undefined : own(sealed, key)) : own(stored, key);
    if (absent(value)) return storedValue === undefined ? 0 : -1;
    return storedValue !== undefined && same(value, storedValue) ? found : -1;
  };
}

const payloads = new WeakMap<StoredRowFormat, Map<string, DescMessage | undefined>>();

/** The payload type of the event oneof's case `name` in the format's schema (undefined if there is none). */
function payloadType(format: StoredRowFormat, name: string | undefined): DescMessage | undefined {
  let byCase = payloads.get(format);
  if (!byCase) payloads.set(format, (byCase = new Map()));
  if (name === undefined) return undefined;
  if (byCase.has(name)) return byCase.get(name);
  const field = format.schema.oneofs.find((o) => o.localName === 'event')?.fields.find((f) => f.localName === name);
  const payload = field?.fieldKind === 'message' ? field.message : undefined;
  byCase.set(name, payload);
  return payload;
}

/** Whether `message` says the stored row `stored` with nothing left over (see above): a no may be wrong, a yes never is. */
export function saysStoredRow(format: StoredRowFormat, stored: StoredRowSource, message: MessageShape<DescMessage>): boolean {
  const payload = saysAllButData(format, stored, message);
  return (
    payload !== undefined && messageEqual(format, payload)((message as unknown as { event: { value: unknown } }).event.value, stored.data)
  );
}

/**
 * The event's payload type when `message` says all of the stored row but its data: the columns, the
 * timestamps and the metadata (see above). Undefined when it may not, or when the row has withheld fields.
 */
function saysAllButData(format: StoredRowFormat, stored: StoredRowSource, message: MessageShape<DescMessage>): DescMessage | undefined {
  const source = message as unknown as { envelope?: Envelope; event?: { case?: string } };
  const envelope = source.envelope;
  if (!envelope || !isObject(stored.data)) return undefined;
  if (format.withheld?.some((f) => (stored.data as Record<string, unknown>)[f] !== undefined)) return undefined;
  const payload = payloadType(format, source.event?.case);
  if (!payload) return undefined;
  const ms = (t: Envelope['occurredAt']) => (t ? timestampMs(t) : 0);
  if (
    envelope.streamId !== stored.streamId ||
    Number(envelope.streamVersion) !== stored.streamVersion ||
    envelope.eventId !== stored.eventId ||
    envelope.eventType.slice(envelope.eventType.lastIndexOf('.') + 1) !== stored.type ||
    ms(envelope.occurredAt) !== stored.occurredAt.getTime() ||
    ms(envelope.recordedAt) !== stored.recordedAt.getTime()
  )
    return undefined;
  const metadata = stored.metadata;
  const actor = isObject(metadata) ? own(metadata, 'actor') : undefined;
  if (
    !isObject(metadata) ||
    !isObject(actor) ||
    definedKeys(metadata) !== 5 ||
    definedKeys(actor) !== 3 ||
    own(actor, 'organisationId') !== (envelope.actor?.organisationId ?? '') ||
    own(actor, 'kind') !== kindCode(envelope.actor?.kind ?? OrganisationKind.UNSPECIFIED) ||
    own(actor, 'userId') !== (envelope.actor?.userId ?? '') ||
    own(metadata, 'originCountry') !== (envelope.jurisdiction?.originCountry ?? '') ||
    own(metadata, 'destinationCountry') !== (envelope.jurisdiction?.destinationCountry ?? '') ||
    own(metadata, 'correlationId') !== envelope.correlationId ||
    own(metadata, 'causationId') !== envelope.causationId
  )
    return undefined;
  return payload;
}

/** A stored row taken back from its message: the row, and the withheld fields it lacks (none, as a rule). */
export interface RowFromMessage {
  readonly row: StoredRowJson;
  readonly withheld: readonly string[];
}

/** The stored row of a message that carries the residue header (`residue`, '' when empty). */
export function storedRowFromMessage(format: StoredRowFormat, value: Uint8Array, residue: string): RowFromMessage {
  const row = rowOfMessage(format, fromBinary(format.schema, value));
  if (residue === '') return { row, withheld: [] };
  const { p, w } = JSON.parse(residue) as Residue;
  return { row: (p ? apply(row, p) : row) as StoredRowJson, withheld: w ?? [] };
}

/** A stored event's JSON row, as the residue compares it. */
export function storedRowJson(stored: StoredRowSource): StoredRowJson {
  return {
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    eventId: stored.eventId,
    type: stored.type,
    data: stored.data,
    metadata: stored.metadata as Record<string, unknown>,
    occurredAt: stored.occurredAt.toISOString(),
    recordedAt: stored.recordedAt.toISOString(),
  };
}
