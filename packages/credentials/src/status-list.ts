import { randomInt } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { VC_V2_CONTEXT } from './document-loader';

/**
 * W3C Bitstring Status List v1.0. One list per purpose: a credential carries an entry in the revocation
 * list and one in the suspension list (the same index in both), and setting its bit revokes or suspends
 * it. The list is published whole, so a verifier that downloads it learns nothing about which credential
 * it is checking (herd privacy); that only works if the list is large and the indexes are scattered, hence
 * at least 131,072 entries (16 KiB) and indexes drawn at random.
 */
export type StatusPurpose = 'revocation' | 'suspension';

export const MIN_STATUS_LIST_LENGTH = 131_072;

export class StatusListError extends Error {
  override readonly name = 'StatusListError';
}

/** Bit i is the i-th bit from the left: byte i >> 3, mask 0x80 >> (i & 7) (the spec's order). */
export class Bitstring {
  readonly bytes: Uint8Array;

  constructor(
    readonly length: number,
    bytes?: Uint8Array,
  ) {
    if (!Number.isInteger(length) || length <= 0 || length % 8 !== 0)
      throw new StatusListError('a status list length is a positive multiple of 8');
    if (bytes && bytes.length * 8 !== length) throw new StatusListError(`the list holds ${bytes.length * 8} bits, not ${length}`);
    this.bytes = bytes ?? new Uint8Array(length / 8);
  }

  get(index: number): boolean {
    this.check(index);
    return (this.bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0;
  }

  set(index: number, value: boolean): void {
    this.check(index);
    if (value) this.bytes[index >> 3]! |= 0x80 >> (index & 7);
    else this.bytes[index >> 3]! &= ~(0x80 >> (index & 7));
  }

  /** `encodedList`: multibase base64url (prefix `u`, no padding) of the GZIP-compressed bits. */
  encode(): string {
    return 'u' + gzipSync(this.bytes).toString('base64url');
  }

  static decode(encodedList: string): Bitstring {
    if (!encodedList.startsWith('u')) throw new StatusListError('encodedList is not multibase base64url (prefix "u")');
    let bytes: Buffer;
    try {
      bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
    } catch {
      throw new StatusListError('encodedList is not GZIP-compressed');
    }
    return new Bitstring(bytes.length * 8, new Uint8Array(bytes));
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new StatusListError(`status index ${index} is outside the list (0…${this.length - 1})`);
  }
}

/**
 * Hands out indexes of one list at random among those not yet used. The caller persists what it hands out
 * (the service records the index in its certificate-issued event) and, on restart, rebuilds the allocator
 * with `taken`. When the list is nearly full (more than `fill` of it used) it refuses, and the caller opens
 * the next list: a nearly full list would make random draws slow and shrink the crowd to hide in less than
 * the size suggests.
 */
export class StatusIndexAllocator {
  private readonly taken: Set<number>;

  constructor(
    readonly length: number = MIN_STATUS_LIST_LENGTH,
    taken: Iterable<number> = [],
    private readonly fill = 0.9,
    private readonly random: (max: number) => number = (max) => randomInt(max),
  ) {
    if (length < MIN_STATUS_LIST_LENGTH)
      throw new StatusListError(`a status list has at least ${MIN_STATUS_LIST_LENGTH} entries for herd privacy`);
    this.taken = new Set(taken);
  }

  get used(): number {
    return this.taken.size;
  }

  get full(): boolean {
    return this.taken.size >= Math.floor(this.length * this.fill);
  }

  allocate(): number {
    if (this.full) throw new StatusListError('the status list is full; open the next one');
    for (;;) {
      const index = this.random(this.length);
      if (!this.taken.has(index)) {
        this.taken.add(index);
        return index;
      }
    }
  }
}

export interface BitstringStatusListEntry {
  readonly id: string;
  readonly type: 'BitstringStatusListEntry';
  readonly statusPurpose: StatusPurpose;
  /** A decimal string, as the spec has it. */
  readonly statusListIndex: string;
  readonly statusListCredential: string;
}

/** The entry a credential carries for `purpose` at `index` of the list published at `listUrl`. */
export function statusEntry(listUrl: string, purpose: StatusPurpose, index: number): BitstringStatusListEntry {
  if (!Number.isInteger(index) || index < 0) throw new StatusListError(`bad status index ${index}`);
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}

export interface StatusListCredentialInput {
  /** The URL the list is published at, also its id. */
  readonly url: string;
  readonly purpose: StatusPurpose;
  readonly issuer: string;
  readonly bits: Bitstring;
  /** When this version of the list was made (validFrom). */
  readonly validFrom: Date;
  /** How long verifiers may cache it (validUntil); omitted: no limit. */
  readonly validUntil?: Date;
  /** Cache hint in milliseconds (the spec's `ttl`). */
  readonly ttl?: number;
}

/** The unsigned BitstringStatusListCredential; sign it with `signStatusList` (credentials.ts). */
export function statusListCredential(input: StatusListCredentialInput): Record<string, unknown> {
  if (input.bits.length < MIN_STATUS_LIST_LENGTH)
    throw new StatusListError(`a status list has at least ${MIN_STATUS_LIST_LENGTH} entries for herd privacy`);
  return {
    '@context': [VC_V2_CONTEXT],
    id: input.url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuer,
    validFrom: isoSeconds(input.validFrom),
    ...(input.validUntil ? { validUntil: isoSeconds(input.validUntil) } : {}),
    credentialSubject: {
      id: `${input.url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: input.purpose,
      encodedList: input.bits.encode(),
      ...(input.ttl !== undefined ? { ttl: input.ttl } : {}),
    },
  };
}

export function isoSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new StatusListError('invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
