import { fromBinary, type DescEnum, type DescField, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
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
   * could be brute-forced offline): they are left out of the residue too, and an event that had one
   * cannot be taken back from its message.
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
const kindCode = (kind: OrganisationKind) => OrganisationKind[kind]?.toLowerCase() ?? String(kind);

function scalar(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return base64(value);
  return value;
}

function seal(value: { keyId: string; nonce: Uint8Array; ciphertext: Uint8Array }) {
  return { keyId: value.keyId, nonce: base64(value.nonce), ciphertext: base64(value.ciphertext) };
}

function enumCode(format: StoredRowFormat, desc: DescEnum, value: number): unknown {
  return format.enumCodes?.[desc.typeName]?.[value] ?? desc.values.find((v) => v.number === value)?.localName.toLowerCase() ?? value;
}

function single(field: DescField, value: unknown, format: StoredRowFormat): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalar(value);
    case 'enum':
      return enumCode(format, field.enum, value as number);
    case 'message':
      return field.message.typeName === SEAL_TYPE ? seal(value as Parameters<typeof seal>[0]) : plain(field.message, value, format);
    case 'list':
      return (value as unknown[]).map((item) =>
        field.listKind === 'enum'
          ? enumCode(format, field.enum, item as number)
          : field.listKind === 'message'
            ? plain(field.message, item, format)
            : scalar(item),
      );
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          field.mapKind === 'enum'
            ? enumCode(format, field.enum, v as number)
            : field.mapKind === 'message'
              ? plain(field.message, v, format)
              : scalar(v),
        ]),
      );
  }
}

/** A protobuf message as the JSON the domain stores: proto field names, domain codes for enums, '' as absent. */
function plain(desc: DescMessage, message: unknown, format: StoredRowFormat): Record<string, unknown> {
  const source = message as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const sealed: Record<string, unknown> = {};
  const put = (field: DescField, value: unknown) => {
    // Proto3 sends an absent string as '' and an absent code as its enum's 0 (…_UNSPECIFIED).
    if (value === undefined || value === '' || (field.fieldKind === 'enum' && value === 0)) return;
    if (field.fieldKind === 'message' && field.message.typeName === SEAL_TYPE && format.seals === 'under-sealed') {
      const name = field.localName.replace(/^sealed([A-Z])/, (_, first: string) => first.toLowerCase());
      sealed[name] = single(field, value, format);
      return;
    }
    const json = format.jsonFields?.[desc.typeName]?.[field.localName];
    if (json !== undefined && typeof value === 'string') {
      out[json] = JSON.parse(value);
      return;
    }
    out[format.fieldNames?.[desc.typeName]?.[field.localName] ?? field.localName] = single(field, value, format);
  };
  for (const member of desc.members) {
    if (member.kind === 'oneof') {
      const chosen = source[member.localName] as { case?: string; value?: unknown } | undefined;
      const field = member.fields.find((f) => f.localName === chosen?.case);
      if (field) put(field, chosen!.value);
    } else {
      put(member, source[member.localName]);
    }
  }
  if (Object.keys(sealed).length > 0) out.sealed = sealed;
  return out;
}

/** The stored row that a service's event message says, without any residue. */
export function rowOfMessage(format: StoredRowFormat, message: MessageShape<DescMessage>): StoredRowJson {
  const source = message as unknown as { envelope?: Envelope; event?: { case?: string; value?: unknown } };
  const envelope = source.envelope;
  if (!envelope) throw new Error('the message has no envelope');
  const eventOneof = format.schema.oneofs.find((o) => o.localName === 'event');
  const field = eventOneof?.fields.find((f) => f.localName === source.event?.case);
  if (!field || field.fieldKind !== 'message') throw new Error(`the message carries no event (${String(source.event?.case)})`);
  const date = (t: Envelope['occurredAt']) => (t ? timestampDate(t) : new Date(0)).toISOString();
  return {
    streamId: envelope.streamId,
    streamVersion: Number(envelope.streamVersion),
    eventId: envelope.eventId,
    type: envelope.eventType.slice(envelope.eventType.lastIndexOf('.') + 1),
    data: plain(field.message, source.event!.value, format),
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
type Patch = readonly ['=', unknown] | readonly ['-'] | { readonly [key: string]: Patch };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function diff(from: unknown, to: unknown): Patch | undefined {
  if (from === to) return undefined;
  const bothArrays = Array.isArray(from) && Array.isArray(to) && from.length === to.length;
  if (bothArrays || (isObject(from) && isObject(to))) {
    const a = from as Record<string, unknown>;
    const b = to as Record<string, unknown>;
    // A key set to undefined is absent, as in the JSON the store keeps.
    const has = (o: Record<string, unknown>, key: string) => o[key] !== undefined;
    const patch: Record<string, Patch> = {};
    for (const key of Object.keys(b)) {
      if (!has(b, key)) continue;
      const p = has(a, key) ? diff(a[key], b[key]) : (['=', b[key]] as const);
      if (p !== undefined) patch[key] = p;
    }
    if (!bothArrays) for (const key of Object.keys(a)) if (has(a, key) && !has(b, key)) patch[key] = ['-'];
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  return ['=', to];
}

function apply(value: unknown, patch: Patch): unknown {
  if (Array.isArray(patch)) return patch[0] === '=' ? patch[1] : REMOVED;
  const target: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  for (const [key, p] of Object.entries(patch as Record<string, Patch>)) {
    const next = apply((target as Record<string, unknown>)[key], p);
    if (next === REMOVED) delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = next;
  }
  return target;
}
const REMOVED = Symbol('removed');

/** What the residue header holds: the patch, and the withheld fields the stored row had (never their values). */
interface Residue {
  readonly p?: Patch;
  readonly w?: readonly string[];
}

/**
 * The residue header of a stored event's message (`message` is the protobuf message the relay encodes):
 * an empty value when the message says the whole row, which is the rule.
 */
export function storedResidueHeader(
  format: StoredRowFormat,
  stored: StoredRowJson,
  message: MessageShape<DescMessage>,
): Record<typeof STORED_RESIDUE_HEADER, string> {
  let row: StoredRowJson = stored;
  const withheld = (format.withheld ?? []).filter((f) => isObject(stored.data) && f in stored.data);
  if (withheld.length > 0) {
    const data = { ...(stored.data as Record<string, unknown>) };
    for (const f of withheld) delete data[f];
    row = { ...stored, data };
  }
  const patch = diff(rowOfMessage(format, message), row);
  const residue: Residue = { ...(patch ? { p: patch } : {}), ...(withheld.length > 0 ? { w: withheld } : {}) };
  return { [STORED_RESIDUE_HEADER]: patch || withheld.length > 0 ? JSON.stringify(residue) : '' };
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
export function storedRowJson(stored: {
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  data: unknown;
  metadata: unknown;
  occurredAt: Date;
  recordedAt: Date;
}): StoredRowJson {
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
