import type { SealedData } from '@homeward/personal-data';
import type { EnvelopeFields } from '../messaging/worker-event.proto-mapper';

/**
 * How a worker event sits in the event store. Its data is the domain event's data with every personal
 * field replaced by its seal under `sealed`; its metadata says who recorded it, where, and which
 * destination country it concerns. The stream (`worker-<id>`), version, event id, occurred-at and
 * recorded-at are the row's own columns. Together they are everything the event's message on the
 * registration topic is made of, so that the relay can build it from the row alone.
 */
export interface StoredMetadata {
  readonly actor: EnvelopeFields['actor'];
  readonly originCountry: string;
  /** The destination country the event concerns ('' for none): what lets a mission's read model keep its own. */
  readonly destinationCountry: string;
  readonly correlationId: string;
  readonly causationId: string;
}

/** How sealed personal data sits in a stored event's JSON. */
export interface StoredSeal {
  readonly keyId: string;
  readonly nonce: string;
  readonly ciphertext: string;
}

export const toStoredSeal = (s: SealedData): StoredSeal => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce).toString('base64'),
  ciphertext: Buffer.from(s.ciphertext).toString('base64'),
});

export const fromStoredSeal = (s: StoredSeal): SealedData => ({
  keyId: s.keyId,
  nonce: Buffer.from(s.nonce, 'base64'),
  ciphertext: Buffer.from(s.ciphertext, 'base64'),
});
