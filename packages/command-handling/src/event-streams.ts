import type { PoolClient } from 'pg';
import { uuidv7, type EnvelopeActor } from '@homeward/contracts';
import type { EventStore, FoldEvent, NewEvent } from '@homeward/event-store';
import { Coalescer } from '@homeward/event-store/coalescer';
import { CoalescingStreams, type CoalescingOptions } from '@homeward/event-store/coalescing';
import { SubjectErased, type PersonalDataVault, type SealedData, type SubjectKey } from '@homeward/personal-data';

/** A domain event: a literal type and its data (Emmett's `Event`). */
export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/**
 * What a command brings besides its data (Emmett's command `metadata`): the clock, who asks, for whom,
 * and why. It becomes the envelope of every event the command records.
 */
export interface CommandMetadata {
  /** The command's clock: `recordedAt` of its events, and what `decide` takes as "now". */
  readonly now: Date;
  readonly actor: EnvelopeActor;
  /** The country that runs the registry: the envelope's jurisdiction origin. */
  readonly originCountry: string;
  readonly correlationId: string;
  /** The event or request that caused this command; the correlation id when absent. */
  readonly causationId?: string;
}

/**
 * How an event's metadata sits in the event store: who recorded it, where, which destination country it
 * concerns, and the correlation. With the row's columns (stream, version, event id, occurred-at,
 * recorded-at) it is everything `toEnvelope` (@homeward/contracts) needs, so a relay builds the message
 * from the row alone.
 */
export interface StoredMetadata {
  readonly actor: EnvelopeActor;
  readonly originCountry: string;
  /** The destination country the event concerns ('' for none): what lets a mission's read model keep its own. */
  readonly destinationCountry: string;
  readonly correlationId: string;
  readonly causationId: string;
}

/** How sealed personal data sits in a stored event's JSON, under `data.sealed.<field>`. */
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

export interface EventStreamsOptions<E extends DomainEvent, S> {
  /** The stream's category: the stream of entity `id` is `<category>-<id>`, e.g. `worker-0193…`. */
  readonly category: string;
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: () => S;
  /** When the event happened in the world (the store's `occurred_at`). */
  readonly occurredAt: (event: E) => Date;
  /** The destination country an event concerns, judged on the state before it; '' (none) when absent. */
  readonly destinationCountry?: (event: E, before: S) => string;
  /**
   * Personal data: the top-level data fields of each event type sealed with the entity's key before
   * anything is written, and opened with it on load (absent once the key is erased).
   */
  readonly personalData?: {
    readonly vault: PersonalDataVault;
    readonly fields: Partial<Record<E['type'], readonly string[]>>;
    /** Sealed fields opened even by the loads that leave personal data sealed (`personalData: false`). */
    readonly openedAlways?: readonly string[];
    /**
     * Sealed fields whose events only ever come after the entity's key exists (the event that made it
     * sealed something first): sealing them creates no key, so `sealsAnything` does not count them.
     */
    readonly sealedWithExistingKey?: readonly string[];
  };
  readonly coalescing?: CoalescingOptions;
}

type Sealed = Record<string, SealedData>;
/** An event's seals, where null marks a field dropped because the entity's key was erased. */
type SealedOrDropped = Record<string, SealedData | null>;

/**
 * Entities' event streams in the event store. Load folds a stream into state, opening sealed personal
 * data with the entity's key. Append seals personal data before anything is written and stores each
 * event with the metadata its envelope needs.
 *
 * Outside a transaction (no `client`), reads and appends go through CoalescingStreams, which gathers those
 * of concurrent commands into shared statements; inside one, they use the caller's connection.
 */
export class EventStreams<E extends DomainEvent, S> {
  private readonly coalescing: CoalescingStreams;
  /**
   * Seals opened outside a transaction, those of concurrent loads in one read of their keys: a field opened
   * on every load (`openedAlways`) would otherwise cost each command a round trip of its own.
   */
  private readonly opening: Coalescer<{ subjectId: string; sealed: SealedData }, unknown> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly options: EventStreamsOptions<E, S>,
  ) {
    this.coalescing = new CoalescingStreams(store, options.coalescing);
    const vault = options.personalData?.vault;
    this.opening = vault && new Coalescer((items) => vault.openMany(items));
  }

  streamId(id: string): string {
    return `${this.options.category}-${id}`;
  }

  /**
   * The entity's state and version, as of `upToVersion` when given (to replay an earlier answer). With
   * `personalData: false` the sealed fields stay sealed and absent from the state (as after erasure), but
   * for those `openedAlways`: nothing personal is decrypted that is not needed.
   */
  async load(
    id: string,
    upToVersion?: number,
    client?: PoolClient,
    options: { personalData: boolean } = { personalData: true },
  ): Promise<{ state: S; version: number }> {
    const streamId = this.streamId(id);
    const vault = this.options.personalData?.vault;
    const { evolve, initialState } = this.options;
    let stored: FoldEvent[];
    if (client || upToVersion !== undefined) stored = await this.store.readStreamForFold(streamId, upToVersion, client);
    else if (vault) {
      // The entity's key comes with its stream, in the same statement: opening what the stream holds
      // sealed, and sealing what the command appends, then cost no round trip of their own.
      const { events, key } = await this.coalescing.readStreamForFoldWithKey(streamId, id);
      const admitted = await vault.admit(id, key);
      if (admitted !== undefined) {
        // The key (or the erasure) is known: the fold opens what it needs as it goes, without waiting.
        let state = initialState();
        for (const e of events) state = evolve(state, this.toDomainWithKey(id, e, options.personalData, vault, admitted));
        return { state, version: events.length };
      }
      stored = events;
    } else stored = await this.coalescing.readStreamForFold(streamId);
    let state = initialState();
    for (const e of stored) state = evolve(state, await this.toDomain(id, e, options.personalData, client));
    return { state, version: stored.length };
  }

  /** The fields this load opens: all sealed ones with personal data, else only those opened always. */
  private opens(field: string, open: boolean): boolean {
    return open || (this.options.personalData?.openedAlways?.includes(field) ?? false);
  }

  private toDomainWithKey(id: string, stored: FoldEvent, open: boolean, vault: PersonalDataVault, key: SubjectKey | 'erased'): E {
    const storedData = stored.data as { sealed?: Record<string, StoredSeal> } & Record<string, unknown>;
    const sealed = storedData.sealed;
    // Nothing sealed: the stored data is the event's data as it is, no copy (the fold never changes it).
    if (!sealed) return { type: stored.type, data: storedData } as unknown as E;
    // One new object per sealed event, the stored fields then the opened ones, rather than a copy without
    // `sealed` and a second with the opened fields: this runs for every sealed event of every command's load.
    const data: Record<string, unknown> = {};
    for (const field in storedData) if (field !== 'sealed') data[field] = storedData[field];
    // After erasure the key is gone: the fields stay absent.
    if (key !== 'erased') {
      for (const field in sealed) {
        if (this.opens(field, open)) data[field] = vault.openWithKey(id, key, fromStoredSeal(sealed[field]!));
      }
    }
    return { type: stored.type, data } as unknown as E;
  }

  private async toDomain(id: string, stored: FoldEvent, open: boolean, client?: PoolClient): Promise<E> {
    const { sealed, ...data } = stored.data as { sealed?: Record<string, StoredSeal> };
    const vault = this.options.personalData?.vault;
    if (!sealed || !vault) return { type: stored.type, data } as unknown as E;
    const opened: Record<string, unknown> = {};
    for (const [field, seal] of Object.entries(sealed)) {
      if (!this.opens(field, open)) continue;
      const value =
        client || !this.opening
          ? await vault.open(id, fromStoredSeal(seal), client)
          : await this.opening.submit({ subjectId: id, sealed: fromStoredSeal(seal) });
      // After erasure the key is gone: the field stays absent.
      if (value !== undefined) opened[field] = value;
    }
    return { type: stored.type, data: { ...data, ...opened } } as unknown as E;
  }

  /**
   * Appends events decided on `before` (the state they were decided on) at `expectedVersion`, and answers
   * the stream's new version; pass `client` to make the append part of the caller's transaction.
   */
  async append(
    id: string,
    expectedVersion: number,
    events: readonly E[],
    metadata: CommandMetadata,
    options: { before: S; client?: PoolClient },
  ): Promise<number> {
    const { before, client } = options;
    if (events.length === 0) return expectedVersion;
    const sealed = await this.sealAll(id, events, client);
    const newEvents = this.prepare(events, metadata, before, sealed);
    const streamId = this.streamId(id);
    const result = client
      ? await this.store.append(streamId, expectedVersion, newEvents, { client })
      : await this.coalescing.append(streamId, expectedVersion, newEvents);
    return result.streamVersion;
  }

  /** Creates many new entities' streams in one statement (bulk import), with their keys created in the same transaction. */
  async appendToNewStreams(
    entities: readonly { id: string; events: readonly E[] }[],
    metadata: CommandMetadata,
    client: PoolClient,
  ): Promise<void> {
    const vault = this.options.personalData?.vault;
    const toSeal = entities.flatMap(({ id, events }) =>
      events.flatMap((event, e) =>
        this.sealedFieldsOf(event)
          .filter((field) => (event.data as Record<string, unknown>)[field] !== undefined)
          .map((field) => ({ id, e, field, data: (event.data as Record<string, unknown>)[field] })),
      ),
    );
    const seals = vault
      ? await vault.sealForNewSubjects(
          toSeal.map((t) => ({ subjectId: t.id, data: t.data })),
          client,
        )
      : [];
    const sealedByEntity = new Map<string, Sealed[]>();
    toSeal.forEach((t, k) => {
      const list = sealedByEntity.get(t.id) ?? [];
      list[t.e] = { ...list[t.e], [t.field]: seals[k]! };
      sealedByEntity.set(t.id, list);
    });
    const streams = entities.map(({ id, events }) => ({
      streamId: this.streamId(id),
      events: this.prepare(events, metadata, this.options.initialState(), sealedByEntity.get(id) ?? []),
    }));
    await this.store.appendToNewStreams(streams, { client });
  }

  /** Whether appending these events seals personal data (and may need to create the entity's key in a transaction). */
  sealsAnything(events: readonly E[]): boolean {
    const existingKey = this.options.personalData?.sealedWithExistingKey ?? [];
    return events.some((event) =>
      this.sealedFieldsOf(event).some(
        (field) => !existingKey.includes(field) && (event.data as Record<string, unknown>)[field] !== undefined,
      ),
    );
  }

  private sealedFieldsOf(event: E): readonly string[] {
    return this.options.personalData?.fields[event.type as E['type']] ?? [];
  }

  /**
   * Seals each event's personal fields. An entity whose personal data was erased has no key any more:
   * what would be sealed for it is dropped (null), never written in the clear, as everything sealed for it
   * before is unreadable now.
   */
  private async sealAll(id: string, events: readonly E[], client?: PoolClient): Promise<SealedOrDropped[]> {
    const sealed: SealedOrDropped[] = [];
    const vault = this.options.personalData?.vault;
    if (!vault) return sealed;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      for (const field of this.sealedFieldsOf(event)) {
        const value = (event.data as Record<string, unknown>)[field];
        if (value === undefined) continue;
        let seal: SealedData | null;
        try {
          seal = await vault.seal(id, value, client);
        } catch (error) {
          if (!(error instanceof SubjectErased)) throw error;
          seal = null;
        }
        (sealed[i] ??= {})[field] = seal;
      }
    }
    return sealed;
  }

  /**
   * The stored form of each event: personal data replaced by its seal, and in the metadata who did it,
   * where, and which destination country the event concerns.
   */
  private prepare(
    events: readonly E[],
    metadata: CommandMetadata,
    before: S,
    sealedPerEvent: readonly (SealedOrDropped | undefined)[],
  ): NewEvent[] {
    const { evolve, occurredAt, destinationCountry } = this.options;
    const newEvents: NewEvent[] = [];
    let state = before;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const sealed = sealedPerEvent[i];
      let data = event.data as Record<string, unknown>;
      if (sealed) {
        // The event's fields but the sealed ones, then their seals (none for a field dropped after erasure).
        data = {};
        let seals: Record<string, StoredSeal> | undefined;
        for (const field in event.data) if (!(field in sealed)) data[field] = (event.data as Record<string, unknown>)[field];
        for (const field in sealed) {
          const seal = sealed[field];
          if (seal) (seals ??= {})[field] = toStoredSeal(seal);
        }
        if (seals) data.sealed = seals;
      }
      newEvents.push({
        eventId: uuidv7(metadata.now.getTime()),
        type: event.type,
        data,
        metadata: {
          actor: metadata.actor,
          originCountry: metadata.originCountry,
          destinationCountry: destinationCountry?.(event, state) ?? '',
          correlationId: metadata.correlationId,
          causationId: metadata.causationId ?? metadata.correlationId,
        } satisfies StoredMetadata,
        occurredAt: occurredAt(event),
        recordedAt: metadata.now,
      });
      // The state before the next event, for its destination country; none is needed after the last.
      if (destinationCountry && i + 1 < events.length) state = evolve(state, event);
    }
    return newEvents;
  }
}
