import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * Personal data is sealed with a data key of its own per subject (a worker), and the data keys are
 * stored wrapped by a master key. Erasing a subject deletes their data key: every copy of their sealed
 * data — in the event store, on Kafka, in backups — becomes unreadable, while the log stays immutable.
 */
export interface SealedData {
  readonly keyId: string;
  /** 12-byte GCM nonce. */
  readonly nonce: Uint8Array;
  /** Ciphertext followed by the 16-byte authentication tag. */
  readonly ciphertext: Uint8Array;
}

/**
 * Wraps and unwraps data keys. The master-key implementation below keeps the master key in process
 * memory (from configuration); a KMS (AWS KMS, Vault transit, an HSM) implements the same two calls.
 */
export interface KeyWrapper {
  /** The data key's bytes stay as they are until the answer comes; the vault zeroes them after it. */
  wrap(dataKey: Buffer): Promise<Buffer>;
  /** Answers bytes of the caller's own, kept nowhere else: the vault makes them a KeyObject and zeroes them. */
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * GCM nonces are drawn from the operating system's randomness 4 KiB at a time rather than with a call per
 * seal: `randomBytes(12)` cost as much as the encryption itself (about 4 µs), and a bulk import seals several
 * fields per worker. The bytes are the same cryptographic randomness, each used for one nonce only. A nonce
 * is public (stored beside its ciphertext), so the pool holds nothing secret; data keys are not drawn from it.
 */
const NONCE_POOL_BYTES = NONCE_BYTES * 341;
let noncePool = Buffer.alloc(0);
let noncePoolOffset = 0;

/** A fresh random 96-bit nonce, from bytes never handed out before. */
function freshNonce(): Buffer {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL_BYTES);
    noncePoolOffset = 0;
  }
  // A copy: the nonce outlives the pool, which is dropped when used up.
  const nonce = Buffer.allocUnsafe(NONCE_BYTES);
  noncePool.copy(nonce, 0, noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

/**
 * A 32-byte key as a KeyObject: its bytes copied out of the JavaScript heap, once. A cipher made with a
 * Buffer key copies the key into a new native key every time (an AES-256-GCM open of a short field took
 * 10.6 µs with a Buffer key, 5.7 µs with a KeyObject); with a KeyObject it uses the one it has. The bytes
 * given are zeroed: the KeyObject is the only copy left.
 */
function secretKey(bytes: Buffer): KeyObject {
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return key;
}

function seal(key: KeyObject, plaintext: Buffer, aad: string): { nonce: Buffer; ciphertext: Buffer } {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext };
}

/** The bytes as a Buffer, without a copy. */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function open(key: KeyObject, nonce: Buffer, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  // GCM's final answers no bytes, only the check: the plaintext as update gave it, in memory of its own,
  // rather than a copy into Buffer's shared pool (see {@link ownMemory}).
  const rest = decipher.final();
  return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
}

/**
 * `open` for sealed JSON: the plaintext decoded to text as it is decrypted, without the Buffer of it and
 * the copy that joining `update` and `final` makes (a command's load opens a seal per departure).
 */
function openText(key: KeyObject, nonce: Uint8Array, sealed: Buffer, aad: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  // The 'utf8' output keeps a character split across update and final whole.
  const text = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES), undefined, 'utf8');
  return text + decipher.final('utf8');
}

/** AES-256-GCM key wrapping with a 32-byte master key given as base64 in configuration. */
export class MasterKeyWrapper implements KeyWrapper {
  private readonly masterKey: KeyObject;

  constructor(base64MasterKey: string) {
    const bytes = Buffer.from(base64MasterKey, 'base64');
    if (bytes.length !== 32) throw new Error('the master key must be 32 bytes, base64-encoded');
    this.masterKey = secretKey(bytes);
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const { nonce, ciphertext } = seal(this.masterKey, dataKey, 'homeward:data-key');
    return Buffer.concat([nonce, ciphertext]);
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    return open(this.masterKey, wrapped.subarray(0, NONCE_BYTES), wrapped.subarray(NONCE_BYTES), 'homeward:data-key');
  }
}

/**
 * A key that one service shares with the audience allowed to read what it seals: registration and the
 * read models of origin-country agencies share the directory key (docs/adr/0004). Unlike a worker's data
 * key it is not erased with anyone; what it seals must therefore live where it can be deleted (a compacted
 * topic with tombstones, a read model's row), never in the immutable log. Configured as
 * `<key id>:<32 bytes, base64>`; a KMS-held key implements the same two calls.
 */
export class SharedKey {
  readonly keyId: string;
  private readonly key: KeyObject;

  constructor(configured: string) {
    const colon = configured.indexOf(':');
    const keyId = colon > 0 ? configured.slice(0, colon) : '';
    const key = Buffer.from(configured.slice(colon + 1), 'base64');
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(keyId) || key.length !== 32)
      throw new Error('a shared key is "<key id>:<32 bytes, base64>", the key id of letters, digits, ".", "_" or "-"');
    this.keyId = keyId;
    this.key = secretKey(key);
  }

  /** Seals `data` (any JSON value) for `subjectId`: it opens only for that subject. */
  seal(subjectId: string, data: unknown): SealedData {
    const { nonce, ciphertext } = seal(this.key, Buffer.from(JSON.stringify(data)), this.aad(subjectId));
    return { keyId: this.keyId, nonce, ciphertext };
  }

  /** Opens what `seal` sealed for `subjectId`; throws if it was sealed with another key or for another subject, or altered. */
  open<T>(subjectId: string, sealed: SealedData): T {
    if (sealed.keyId !== this.keyId) throw new Error(`sealed with shared key ${sealed.keyId}, but this is ${this.keyId}`);
    const plaintext = open(this.key, Buffer.from(sealed.nonce), Buffer.from(sealed.ciphertext), this.aad(subjectId));
    return JSON.parse(plaintext.toString('utf8')) as T;
  }

  private aad(subjectId: string): string {
    return `${subjectId}:shared:${this.keyId}`;
  }
}

export const personalDataMigrations: readonly Migration[] = [
  {
    id: '0001_data_keys',
    sql: `
      CREATE TABLE data_keys (
        key_id uuid PRIMARY KEY,
        subject_id text NOT NULL UNIQUE,
        -- NULL once the subject is erased: the key is gone, and with it every reading of their data.
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
      );
    `,
  },
];

/** A subject's data key, unwrapped: what opens and seals their data. */
export interface SubjectKey {
  readonly keyId: string;
  readonly key: KeyObject;
}

/** A data key unwrapped (or just made) as the key that seals and opens: see {@link secretKey}. */
const subjectKey = (keyId: string, bytes: Buffer): SubjectKey => ({ keyId, key: secretKey(bytes) });

/** The subject was erased: their data can no longer be read. */
export class SubjectErased extends Error {
  override readonly name = 'SubjectErased';
}

/**
 * Unwrapped data keys by subject, at most `capacity` of them (two at the least) and none older than `ttlMs`.
 * Two generations of at most half the size each: a key goes into the young one; when that is full it
 * becomes the old one and the old one is dropped whole. Every step is constant time. (Evicting the oldest
 * entry one at a time, as `map.delete(map.keys().next().value)`, is not: V8's Map leaves a hole per deleted
 * entry until it is rehashed, and a new iterator walks every hole at the front — thousands of them in a full
 * cache, on every command of a busy API: 3.8 µs per eviction in a cache of 10,000, against 0.1 µs for this one.)
 *
 * A subject {@link forget}-ten (erased) is not taken back in for `ttlMs`: an erasure deletes the key in a
 * transaction that commits later, and a read of this process in between still finds the key and would
 * cache it again, to seal new data with after the erasure.
 */
export class KeyCache {
  private young = new Map<string, { readonly keyId: string; readonly key: KeyObject; readonly until: number }>();
  private old: typeof this.young = new Map();
  /** Subjects forgotten lately, until when they are not cached again. Erasures are rare: pruned when large. */
  private readonly barred = new Map<string, number>();
  private readonly generation: number;

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  get(subjectId: string): SubjectKey | undefined {
    const entry = this.young.get(subjectId) ?? this.old.get(subjectId);
    if (entry === undefined) return undefined;
    if (entry.until > Date.now()) return entry;
    this.young.delete(subjectId);
    this.old.delete(subjectId);
    return undefined;
  }

  set(subjectId: string, entry: SubjectKey): void {
    if (this.barred.size > 0) {
      const until = this.barred.get(subjectId);
      if (until !== undefined) {
        if (until > Date.now()) return;
        this.barred.delete(subjectId);
      }
    }
    this.old.delete(subjectId);
    if (this.young.size >= this.generation && !this.young.has(subjectId)) {
      this.old = this.young;
      this.young = new Map();
    }
    // A KeyObject: its bytes outside the JavaScript heap, in memory of their own (never a slice of a shared slab).
    this.young.set(subjectId, { keyId: entry.keyId, key: entry.key, until: Date.now() + this.ttlMs });
  }

  /** Drops the subject's key, and takes none back in for them for `ttlMs` (an erasure). */
  forget(subjectId: string): void {
    this.young.delete(subjectId);
    this.old.delete(subjectId);
    const now = Date.now();
    if (this.barred.size >= this.capacity) for (const [id, until] of this.barred) if (until <= now) this.barred.delete(id);
    this.barred.set(subjectId, now + this.ttlMs);
  }

  /** Keys held, expired ones included until they are looked up or pushed out. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}

export class PersonalDataVault {
  /**
   * Unwrapped keys of recently used subjects: bounded in size and age, and dropped here on erasure.
   * The age bound is what limits how long another replica can still open an erased subject's data.
   */
  private readonly cache: KeyCache;

  constructor(
    private readonly pool: Pool,
    private readonly wrapper: KeyWrapper,
    cacheSize = 10_000,
    cacheTtlMs = 30_000,
  ) {
    this.cache = new KeyCache(cacheSize, cacheTtlMs);
  }

  /**
   * Seals `data` (any JSON value) with the subject's key, creating the key on first use. Pass `client` to
   * work inside the caller's transaction (never take a second connection while holding one).
   */
  async seal(subjectId: string, data: unknown, client?: PoolClient): Promise<SealedData> {
    const { keyId, key } = await this.keyFor(subjectId, true, client);
    const { nonce, ciphertext } = seal(key, Buffer.from(JSON.stringify(data)), `${subjectId}:${keyId}`);
    return { keyId, nonce, ciphertext };
  }

  /**
   * Seals data of subjects that have no key yet (bulk imports): all their keys are created in one
   * statement, inside `client`'s transaction, so an import batch that rolls back leaves no keys behind.
   */
  async sealForNewSubjects(items: readonly { subjectId: string; data: unknown }[], client: PoolClient): Promise<SealedData[]> {
    const made = new Map<string, Buffer>();
    for (const { subjectId } of items) if (!made.has(subjectId)) made.set(subjectId, randomBytes(32));
    // Wrapped before the bytes become the keys (which zeroes them): a KMS may read them after the call returns.
    const wrapped = await Promise.all([...made.values()].map((bytes) => this.wrapper.wrap(bytes)));
    const keys = new Map([...made].map(([subjectId, bytes]) => [subjectId, subjectKey(randomUUID(), bytes)]));
    const entries = [...keys.entries()];
    await client.query(
      'INSERT INTO data_keys (key_id, subject_id, wrapped_key) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])',
      [entries.map(([, k]) => k.keyId), entries.map(([subjectId]) => subjectId), wrapped],
    );
    return items.map(({ subjectId, data }) => {
      const { keyId, key } = keys.get(subjectId)!;
      const { nonce, ciphertext } = seal(key, Buffer.from(JSON.stringify(data)), `${subjectId}:${keyId}`);
      return { keyId, nonce, ciphertext };
    });
  }

  /** Opens sealed data; undefined when the subject has been erased. */
  async open<T>(subjectId: string, sealed: SealedData, client?: PoolClient): Promise<T | undefined> {
    let entry: SubjectKey;
    try {
      entry = await this.keyFor(subjectId, false, client);
    } catch (error) {
      if (error instanceof SubjectErased) return undefined;
      throw error;
    }
    if (entry.keyId !== sealed.keyId) throw new Error(`sealed with key ${sealed.keyId}, but ${subjectId}'s key is ${entry.keyId}`);
    const plaintext = open(entry.key, Buffer.from(sealed.nonce), Buffer.from(sealed.ciphertext), `${subjectId}:${sealed.keyId}`);
    return JSON.parse(plaintext.toString('utf8')) as T;
  }

  /**
   * Opens many subjects' sealed data with one query for the keys not in the cache; an erased subject's
   * item opens to undefined. For publishers that handle events in batches.
   */
  async openMany<T>(items: readonly { subjectId: string; sealed: SealedData }[], client?: PoolClient): Promise<(T | undefined)[]> {
    const missing = [...new Set(items.map((i) => i.subjectId).filter((id) => !this.cache.get(id)))];
    const fetched = new Map<string, SubjectKey | undefined>();
    if (missing.length > 0) {
      const { rows } = await (client ?? this.pool).query<{ subject_id: string; key_id: string; wrapped_key: Buffer | null }>(
        'SELECT subject_id, key_id, wrapped_key FROM data_keys WHERE subject_id = ANY($1::text[])',
        [missing],
      );
      for (const row of rows) {
        const entry = row.wrapped_key ? subjectKey(row.key_id, await this.wrapper.unwrap(row.wrapped_key)) : undefined;
        fetched.set(row.subject_id, entry);
        if (entry) this.cache.set(row.subject_id, entry);
      }
    }
    return items.map(({ subjectId, sealed }) => {
      const entry = this.cache.get(subjectId) ?? fetched.get(subjectId);
      if (!entry) return undefined;
      if (entry.keyId !== sealed.keyId) throw new Error(`sealed with key ${sealed.keyId}, but ${subjectId}'s key is ${entry.keyId}`);
      const plaintext = open(entry.key, Buffer.from(sealed.nonce), Buffer.from(sealed.ciphertext), `${subjectId}:${sealed.keyId}`);
      return JSON.parse(plaintext.toString('utf8')) as T;
    });
  }

  /**
   * Takes in a subject's key as read from `data_keys` by a statement that read it anyway (a command's
   * stream read, EventStore.readStreamsForFoldWithKeys), so that opening and sealing for the subject need
   * no statement of their own. A fresh read showing the subject erased drops any key still cached here.
   * Answers the key to open the subject's data with ({@link openWithKey}), `erased` when the read showed the
   * subject erased, or undefined when the read found no key (the subject has none yet).
   */
  async admit(
    subjectId: string,
    row: { readonly keyId: string; readonly wrappedKey: Buffer | null } | undefined,
  ): Promise<SubjectKey | 'erased' | undefined> {
    if (!row) return undefined;
    if (!row.wrappedKey) {
      this.cache.forget(subjectId);
      return 'erased';
    }
    const cached = this.cache.get(subjectId);
    if (cached && cached.keyId === row.keyId) return cached;
    const entry = subjectKey(row.keyId, await this.wrapper.unwrap(row.wrappedKey));
    this.cache.set(subjectId, entry);
    return entry;
  }

  /** Opens what was sealed for the subject with the key {@link admit} answered: no lookup, no wait. */
  openWithKey<T>(subjectId: string, key: SubjectKey, sealed: SealedData): T {
    if (key.keyId !== sealed.keyId) throw new Error(`sealed with key ${sealed.keyId}, but ${subjectId}'s key is ${key.keyId}`);
    return JSON.parse(openText(key.key, sealed.nonce, asBuffer(sealed.ciphertext), `${subjectId}:${sealed.keyId}`)) as T;
  }

  /**
   * Deletes the subject's data key. Pass `client` to make the deletion part of the transaction that
   * records the erasure, so that the record and the deletion happen together or not at all.
   */
  async erase(subjectId: string, client?: PoolClient): Promise<void> {
    await (client ?? this.pool).query(
      `INSERT INTO data_keys (key_id, subject_id, wrapped_key, erased_at) VALUES ($1, $2, NULL, now())
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(data_keys.erased_at, now())`,
      [randomUUID(), subjectId],
    );
    this.cache.forget(subjectId);
  }

  async isErased(subjectId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ erased: boolean }>(
      'SELECT erased_at IS NOT NULL AS erased FROM data_keys WHERE subject_id = $1',
      [subjectId],
    );
    return rows[0]?.erased ?? false;
  }

  private async keyFor(subjectId: string, create: boolean, client?: PoolClient): Promise<SubjectKey> {
    const cached = this.cache.get(subjectId);
    if (cached) return cached;
    const db = client ?? this.pool;
    let created = false;
    let { rows } = await db.query<{ key_id: string; wrapped_key: Buffer | null }>(
      'SELECT key_id, wrapped_key FROM data_keys WHERE subject_id = $1',
      [subjectId],
    );
    if (rows.length === 0) {
      if (!create) throw new SubjectErased(`no data key for ${subjectId}`);
      const key = randomBytes(32);
      created = true;
      const wrappedKey = await this.wrapper.wrap(key);
      // Only the wrapped key is kept: the one used is unwrapped from the row re-read below.
      key.fill(0);
      await db.query('INSERT INTO data_keys (key_id, subject_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING', [
        randomUUID(),
        subjectId,
        wrappedKey,
      ]);
      // Re-read: a concurrent first use may have won the insert.
      ({ rows } = await db.query('SELECT key_id, wrapped_key FROM data_keys WHERE subject_id = $1', [subjectId]));
    }
    const row = rows[0]!;
    if (!row.wrapped_key) throw new SubjectErased(`${subjectId} has been erased`);
    const entry = subjectKey(row.key_id, await this.wrapper.unwrap(row.wrapped_key));
    // A key made inside the caller's transaction may yet roll back: cache it only once it is committed.
    if (created && client) return entry;
    this.cache.set(subjectId, entry);
    return entry;
  }
}
