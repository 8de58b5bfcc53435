import { randomBytes } from 'node:crypto';
import { create, toBinary, fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate, timestampDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, OrganisationKind, type Envelope } from './gen/homeward/common/v1/envelope_pb';
import { useNodeTextEncoding } from './text-encoding';

export { EnvelopeSchema, OrganisationKind, type Envelope };
export { create, toBinary, fromBinary, timestampFromDate, timestampDate };
export type { DescMessage, MessageShape };
export { nodeTextEncoding, useNodeTextEncoding } from './text-encoding';
export { binaryEncoder, binaryEncoderFallbacks } from './binary-encoder';

// Every process that encodes or decodes events imports this module (envelopes, CloudEvents headers):
// protobuf-es's strings go through Node's Buffer from here on, the same bytes at less cost.
useNodeTextEncoding();

/** The one topic each service publishes its events to; retention is forever. */
export function eventsTopic(service: string, namespace = ''): string {
  return `${namespace}homeward.${service}.events.v1`;
}

/**
 * The registration service's directory of people (docs/adr/0004): compacted, keyed by worker id, each
 * worker's latest identity sealed with the directory key, or a tombstone once their data is erased.
 */
export function registrationDirectoryTopic(namespace = ''): string {
  return `${namespace}homeward.registration.directory.v1`;
}

/**
 * The JSON sealed in a `DirectoryEntry`'s identity: who a worker is, as far as finding them needs (no
 * contacts, no case notes). Dates are ISO calendar dates.
 */
export interface DirectoryIdentity {
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: string;
  readonly nationalId?: string;
  readonly passportNumber?: string;
}

/**
 * One element of the JSON array sealed in a `DirectoryEntry`'s employers (docs/adr/0006): the employer a
 * departure or a change of employer named, at that event's stream version.
 */
export interface DirectoryEmployer {
  readonly streamVersion: number;
  readonly cycleNumber: number;
  readonly employerName: string;
}

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version and variant bits, 74 random bits.
 * Time-ordered ids keep B-tree inserts at the right edge of the index.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  randomInto(bytes);
  bytes[0] = Math.floor(now / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(now / 2 ** 32) & 0xff;
  bytes[2] = Math.floor(now / 2 ** 24) & 0xff;
  bytes[3] = Math.floor(now / 2 ** 16) & 0xff;
  bytes[4] = Math.floor(now / 2 ** 8) & 0xff;
  bytes[5] = now & 0xff;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Random bytes are drawn from the operating system 4 KiB at a time (as `crypto.randomUUID` does) rather
 * than with one system call per id: the bytes are the same cryptographic randomness, each used once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function randomInto(target: Buffer): void {
  if (poolOffset + target.length > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  pool.copy(target, 0, poolOffset, poolOffset + target.length);
  // Used bytes are overwritten so that no id's randomness lingers in the pool.
  pool.fill(0, poolOffset, poolOffset + target.length);
  poolOffset += target.length;
}

/** CloudEvents 1.0 binary-mode Kafka headers, so that any CloudEvents-aware consumer can read our messages. */
export interface CloudEventHeaders {
  ce_specversion: '1.0';
  ce_id: string;
  ce_type: string;
  ce_source: string;
  ce_time: string;
  ce_subject: string;
  'content-type': 'application/protobuf';
  ce_dataschema: string;
}

export function cloudEventHeaders(envelope: Envelope, source: string, dataSchema: string): CloudEventHeaders {
  const occurred = envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0);
  return {
    ce_specversion: '1.0',
    ce_id: envelope.eventId,
    ce_type: envelope.eventType,
    ce_source: source,
    ce_time: occurred.toISOString(),
    ce_subject: envelope.streamId,
    'content-type': 'application/protobuf',
    ce_dataschema: dataSchema,
  };
}

/** Who recorded an event: the organisation, its kind, and the user within it. */
export interface EnvelopeActor {
  readonly organisationId: string;
  readonly kind: 'agency' | 'mission' | 'statistics' | 'employer' | 'system';
  readonly userId: string;
}

/** Everything an event's envelope says besides its type: the stored event's columns and metadata. */
export interface EnvelopeFields {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly actor: EnvelopeActor;
  readonly originCountry: string;
  /** The destination country the event concerns ('' for none): what lets a mission's read model keep its own. */
  readonly destinationCountry: string;
  readonly correlationId: string;
  readonly causationId: string;
}

const kindToProto: Record<EnvelopeActor['kind'], OrganisationKind> = {
  agency: OrganisationKind.AGENCY,
  mission: OrganisationKind.MISSION,
  statistics: OrganisationKind.STATISTICS,
  employer: OrganisationKind.EMPLOYER,
  system: OrganisationKind.SYSTEM,
};

/** The envelope of an event of the fully-qualified proto type `eventType`, e.g. `homeward.registration.v1.WorkerRegistered`. */
export function toEnvelope(eventType: string, fields: EnvelopeFields): Envelope {
  return create(EnvelopeSchema, {
    eventId: fields.eventId,
    eventType,
    streamId: fields.streamId,
    streamVersion: BigInt(fields.streamVersion),
    occurredAt: timestampFromDate(fields.occurredAt),
    recordedAt: timestampFromDate(fields.recordedAt),
    actor: { organisationId: fields.actor.organisationId, kind: kindToProto[fields.actor.kind], userId: fields.actor.userId },
    jurisdiction: { originCountry: fields.originCountry, destinationCountry: fields.destinationCountry },
    correlationId: fields.correlationId,
    causationId: fields.causationId,
    schemaVersion: 1,
  });
}
