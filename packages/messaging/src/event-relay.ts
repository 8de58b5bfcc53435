import type { Pool, PoolClient } from 'pg';
import type { Span } from '@homeward/telemetry';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import {
  EventStore,
  PUBLISHER_READER,
  beginningOfTime,
  type GlobalCheckpoint,
  type PublishedThrough,
  type StoredEvent,
} from '@homeward/event-store';
import { isTransientInfrastructureError, pgErrorCode } from '@homeward/pg-kit';
import { CompleteSender, type PartitionEnd } from './complete-send';
import { reliableProducer, silentLogger, type Logger } from './messaging';
import { RelayQuarantine, type QuarantineEntry } from './relay-quarantine';
import type { Registry } from 'prom-client';
import { registerRelayMetrics, renderRelayMetrics, type RelayStatus } from './relay-metrics';
import { endSpans, publishSpans, withPublishTraceparent } from './tracing';
import { partitionRanges, readTopicsToEnd, type PartitionRange, type TopicMessage } from './topic-reader';

/** What an event becomes on Kafka. */
export interface RelayedMessage {
  readonly topic: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  /** null: a tombstone, which removes the key's earlier messages from a compacted topic. */
  readonly value: Uint8Array | null;
}

/**
 * The integration messages for a batch of stored events, in the order they are to be sent (per topic and
 * key, Kafka keeps it): the service's mapper from its events to its contracts. It may send an event to
 * more than one topic, or to none; `db` is the relay's own connection, for whatever the mapping must read.
 *
 * It throws when an event cannot become a message (a value the contract cannot carry, say): the relay
 * then maps the batch's events one at a time and quarantines the stream of each event that fails alone
 * (docs/adr/0005). A failure of the database it reads is told apart by its error (a lost connection, a
 * server shutting down) and retried like a failed send, never quarantined.
 */
export type ToMessages = (events: readonly StoredEvent[], db: PoolClient) => Promise<readonly RelayedMessage[]>;

export interface EventRelayOptions {
  /** The integration message for a stored event, one for each: the simple form of `toMessages`. */
  readonly toMessage?: (event: StoredEvent) => RelayedMessage;
  /** Messages for a batch of events; wins over `toMessage`. */
  readonly toMessages?: ToMessages;
  /** The name its checkpoint is kept under (default: the store's publisher). */
  readonly reader?: string;
  readonly batchSize?: number;
  /**
   * How long the relay waits after finding nothing to send. The poll is one index range scan past the
   * checkpoint, so it costs next to nothing; it bounds the delay from commit to Kafka. `wake()` shortens
   * it when the caller knows events were just committed.
   */
  readonly pollIntervalMs?: number;
  /**
   * After a `wake()`, how long a batch waits from the start of the previous one (default 10 ms), so that
   * under load the commits of those milliseconds travel in one batch: one read, one produce request and
   * one checkpoint for many events instead of for each. The delay to Kafka grows by at most this much.
   */
  readonly lingerMs?: number;
  readonly logger?: Logger;
  /**
   * Called after Kafka acknowledged a batch and before the checkpoint moves past it. Tests use it to
   * kill the relay at the worst moment; production leaves it out.
   */
  readonly afterSendBeforeCheckpoint?: (eventIds: readonly string[]) => Promise<void>;
  /**
   * How many streams may be in quarantine at once (default 100). One event that cannot be published is
   * an accident of that event; the mapper failing on stream after stream is a broken mapper or
   * configuration, which quarantining would only hide: past this many, the relay stops, says why, and
   * retries, as it does when Kafka is down.
   */
  readonly maxQuarantinedStreams?: number;
  /** While streams are held, how often the relay looks for releases asked for (default 1 s). */
  readonly releaseCheckIntervalMs?: number;
  /**
   * Messages that must not wait while their stream is held, for an event passed over in quarantine: an
   * erasure's tombstone on a compacted topic, which must reach every copy of the person now, and which
   * nothing published later can undo. They are sent again with the rest when the stream is released.
   */
  readonly publishWhileHeld?: (event: StoredEvent) => readonly RelayedMessage[];
}

/** An event the service's mapper could not turn into messages, and why. */
interface Unpublishable {
  readonly event: StoredEvent;
  readonly error: unknown;
}

/**
 * Publishes the event store to Kafka: the events table is the outbox (docs/adr/0003). The relay follows
 * the store's global order from its checkpoint, sends each event's integration message, and moves the
 * checkpoint only after Kafka acknowledged them (acks=all, idempotent producer). Every committed event
 * is published, because the event and its publication are the same row. One relay per database is active
 * at a time (a session advisory lock), which keeps each stream's events in their order on the topic.
 *
 * Each message is on its topic once per event id, also when a relay dies between Kafka's acknowledgement
 * and its checkpoint, when a database crash loses the checkpoint's commit, or when a send failed with an
 * unknown outcome. With its checkpoint the relay records where its messages stand on each partition it
 * writes (`published_through`: the offset just past its last message there). Whenever it may send again
 * — after taking the lead, which it also does again after any failure — it first reads its partitions from
 * there to their end, and leaves out of what it sends every message already there (same topic, key and
 * `ce_id`), as long as no message of the same key went before it in that send: a key's later message is
 * never left out behind an earlier one that is sent (a quarantine release sends an erasure's tombstone
 * again after the held events). Only what was read on the topic is left out: when in doubt (nothing
 * recorded yet, a topic that cannot be read), the relay sends, and consumers still deduplicate by event id.
 *
 * An event the mapper cannot turn into a message quarantines its stream (docs/adr/0005): that event and
 * every later one of the same stream are held back, recorded in `relay_quarantine` in the same
 * transaction that moves the checkpoint past them, while every other stream flows on. Nothing is skipped:
 * when an operator asks for a release (after fixing the mapper), the relay publishes the held events in
 * their order, and only then lets the stream flow again. A failed send never quarantines anything: it is
 * retried, as before, with `failing` saying why.
 *
 * It polls rather than LISTENs: NOTIFY in the appending transaction would serialise all appends on a
 * database-wide lock at commit.
 */
export class EventRelay {
  private producer: Producer | undefined;
  /** A send failed: the next batch goes through a new producer (see `renewProducer`). */
  private producerSuspect = false;
  private leader: PoolClient | undefined;
  private checkpoint: GlobalCheckpoint | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private interruptSleep: (() => void) | undefined;
  private interruptLinger: (() => void) | undefined;
  private readonly store: EventStore;
  private readonly reader: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly logger: Logger;
  private readonly toMessages: ToMessages;
  private readonly maxQuarantinedStreams: number;
  private readonly releaseCheckIntervalMs: number;
  private lastError: unknown;
  /** The streams held back, as the leader knows them: loaded when it takes the lead, kept as it holds and releases. */
  private held = new Map<string, QuarantineEntry>();
  private lastReleaseCheck = 0;
  private releaseAsked = false;
  /** Operators' view of the quarantine and their requests to release a stream. */
  readonly quarantine: RelayQuarantine;
  /**
   * Per topic and partition, the offset just past the relay's last message there: as recorded with the
   * checkpoint when it took the lead, moved on by each send, and recorded again with each checkpoint.
   */
  private publishedThrough = new Map<string, Map<number, number>>();
  /** The reader never checkpointed: its topics hold no message of it from before, so they are read from their start. */
  private neverCheckpointed = false;
  /** Taken the lead: the next send may repeat messages of the relay before; it reads its topics first. */
  private mayResend = false;
  /** The messages found on the topics (see `messageIdentity`) when the relay took the lead, until a batch finds none of its own there. */
  private onTopics: ReadonlySet<string> | undefined;
  /** Topics whose every partition this leader has recorded (see `recordEnds`). */
  private partitionsRecorded = new Set<string>();
  /** Since when reads of the topics fail one after the other (see `readOwnMessagesOrGiveUp`). */
  private readsFailingSince: number | undefined;

  /** Sends that are done only when every partition's leader acknowledged its messages (complete-send.ts). */
  private readonly sender: CompleteSender;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    private readonly options: EventRelayOptions,
  ) {
    this.store = new EventStore(pool);
    this.reader = options.reader ?? PUBLISHER_READER;
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.lingerMs = options.lingerMs ?? 10;
    this.logger = options.logger ?? silentLogger;
    this.maxQuarantinedStreams = options.maxQuarantinedStreams ?? 100;
    this.releaseCheckIntervalMs = options.releaseCheckIntervalMs ?? 1000;
    this.quarantine = new RelayQuarantine(pool, this.reader);
    this.sender = new CompleteSender(kafka);
    const one = options.toMessage;
    if (options.toMessages) this.toMessages = options.toMessages;
    else if (one) this.toMessages = async (events) => events.map(one);
    else throw new Error('an event relay needs toMessage or toMessages');
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.producer = this.kafka.producer(reliableProducer);
    await this.producer.connect();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep?.();
    this.interruptLinger?.();
    await this.loop?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
    await this.sender.close();
  }

  /** Error of the last failed attempt, if the relay has not succeeded since; for health checks. */
  get failing(): unknown {
    return this.lastError;
  }

  /** Events committed and not yet published, and since when the oldest of them waits. */
  backlog(): Promise<{ events: number; oldestRecordedAt: Date | undefined }> {
    return this.store.backlogOf(this.reader);
  }

  /** Backlog, quarantine and failure, read from the database: true whichever replica leads. */
  async status(): Promise<RelayStatus> {
    const [backlog, quarantined] = await Promise.all([this.backlog(), this.quarantine.list()]);
    return {
      reader: this.reader,
      failing: this.lastError,
      unpublishedEvents: backlog.events,
      oldestUnpublishedAt: backlog.oldestRecordedAt,
      quarantined,
    };
  }

  /** Prometheus text exposition of `status()`. */
  async metrics(): Promise<string> {
    return renderRelayMetrics(await this.status());
  }

  /** The relay's metrics in a service's registry (served at `/metrics`), read from `status()` at each scrape. */
  registerMetrics(registry: Registry): void {
    registerRelayMetrics(registry, () => this.status());
  }

  /** An operator asked for a release: look now rather than at the next check. */
  releaseRequested(): void {
    this.releaseAsked = true;
    this.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.holdLeadership();
        const started = Date.now();
        await this.releaseWhenAsked();
        const sent = await this.relayBatch();
        this.lastError = undefined;
        if (sent < this.batchSize) {
          await this.sleep(this.pollIntervalMs);
          // Woken early by a commit: let the next few milliseconds' commits join the batch.
          const early = this.lingerMs - (Date.now() - started);
          if (this.running && early > 0) await this.linger(early);
        }
      } catch (error) {
        if (!this.running) break;
        this.lastError = error;
        this.logger.error({ err: error }, 'event relay failed; retrying');
        await this.releaseLeadership();
        await this.sleep(Math.max(this.pollIntervalMs, 500));
      }
    }
    await this.releaseLeadership();
  }

  /** Events were just committed: look now rather than at the next poll. */
  wake(): void {
    this.interruptSleep?.();
  }

  private get lockName(): string {
    return `homeward:relay:${this.reader}`;
  }

  /** Takes the relay lock, held by a dedicated connection for as long as this relay leads. */
  private async holdLeadership(): Promise<void> {
    while (this.running && !this.leader) {
      const client = await this.pool.connect();
      const locked = await client
        .query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.lockName])
        .then(({ rows }) => rows[0]?.locked)
        .catch((error: unknown) => {
          // The connection broke (the database restarting, say): the pool discards it, the loop tries again.
          client.release(true);
          throw error;
        });
      if (locked) {
        // No 'error' listener of its own (the pool gives every client one): a leader connection that
        // breaks fails the relay's next statement, and releaseLeadership hands it back to be discarded.
        // Forgetting it at the 'error' instead left it checked out for good, a pool slot lost per restart.
        try {
          // Moving the checkpoint need not wait for the WAL flush: a checkpoint lost in a crash only means
          // some events are sent again, and consumers deduplicate by event id. Appends stay synchronous.
          await client.query('SET synchronous_commit = off');
          this.checkpoint = await this.store.checkpointOf(this.reader, client);
          const recorded = await this.store.publishedThroughOf(this.reader, client);
          this.publishedThrough = new Map(
            Object.entries(recorded ?? {}).map(([topic, ends]) => [
              topic,
              new Map(Object.entries(ends).map(([p, end]) => [Number(p), end])),
            ]),
          );
          this.neverCheckpointed = recorded === undefined && isBeginning(this.checkpoint);
          this.mayResend = true;
          this.onTopics = undefined;
          this.held = new Map((await this.quarantine.open(client)).map((entry) => [entry.streamId, entry]));
        } catch (error) {
          // Closing the connection gives up the session lock with it; kept, the lock would bar every later attempt.
          client.release(true);
          throw error;
        }
        // A release asked for while no relay led (or while another did) is carried out at once.
        this.releaseAsked = this.held.size > 0;
        this.leader = client;
        return;
      }
      client.release();
      // Another replica leads; check again in a while in case it dies.
      await this.sleep(Math.max(this.pollIntervalMs, 1000));
    }
  }

  private async releaseLeadership(): Promise<void> {
    const client = this.leader;
    this.leader = undefined;
    this.checkpoint = undefined;
    this.held = new Map();
    this.publishedThrough = new Map();
    this.partitionsRecorded = new Set();
    this.mayResend = false;
    this.onTopics = undefined;
    if (!client) return;
    try {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockName]);
      // Back in the pool, the connection must commit synchronously again, like every other.
      await client.query('RESET synchronous_commit');
      client.release();
    } catch {
      client.release(true);
    }
  }

  /**
   * Sends the next events after the checkpoint, then moves the checkpoint past them; quarantines the
   * stream of an event that cannot be mapped (in the same transaction as the checkpoint, so that a crash
   * leaves either both or neither) and holds back the later events of streams already quarantined.
   * Returns how many events it passed.
   */
  async relayBatch(): Promise<number> {
    if (this.producerSuspect) await this.renewProducer();
    const leader = this.leader;
    if (!this.producer || !leader || !this.checkpoint) throw new Error('relay not started or not leading');
    // The leader's own connection: it is held anyway, and its checkpoint commits do not wait for the WAL flush.
    const { events, checkpoint } = await this.store.readAll(this.checkpoint, this.batchSize, leader);
    if (events.length === 0) return 0;
    const flowing = events.filter((e) => !this.held.has(e.streamId));
    const { messages, unpublishable } = await this.mapInOrder(flowing, leader);
    const publishWhileHeld = this.options.publishWhileHeld;
    if (publishWhileHeld && (this.held.size > 0 || unpublishable.length > 0)) {
      const heldFrom = new Map(unpublishable.map(({ event }) => [event.streamId, event.streamVersion]));
      for (const event of events) {
        const from = heldFrom.get(event.streamId);
        const passedOver = this.held.has(event.streamId) || (from !== undefined && event.streamVersion >= from);
        if (passedOver) messages.push(...publishWhileHeld(event));
      }
    }
    if (unpublishable.length > 0 && this.held.size + unpublishable.length > this.maxQuarantinedStreams) {
      throw new Error(
        `${unpublishable.length} more streams have events that cannot be published, beyond the quarantine's limit of ` +
          `${this.maxQuarantinedStreams} (${describe(unpublishable[0]!.error)}): that is the mapper or its configuration, ` +
          'not an event; the relay stops here until it is fixed',
      );
    }
    // Sent before anything is recorded: a crash after the send makes the next leader read the topics
    // from the offsets recorded with the checkpoint, and leave out these messages, found there.
    const alreadyThere = await this.send(messages, events);
    // The first batch after taking the lead that finds none of its messages on the topics is past what
    // the relay before may have sent: the messages read are forgotten.
    if (this.onTopics && messages.length > 0 && alreadyThere === 0) this.onTopics = undefined;
    await this.options.afterSendBeforeCheckpoint?.(events.map((e) => e.eventId));
    const publishedThrough = this.publishedThroughRecord();
    if (unpublishable.length === 0) {
      await this.store.saveCheckpoint(this.reader, checkpoint, leader, publishedThrough);
    } else {
      const opened = await inTransaction(leader, async () => {
        const entries: QuarantineEntry[] = [];
        for (const { event, error } of unpublishable) {
          entries.push(
            await this.quarantine.hold(leader, {
              streamId: event.streamId,
              first: { transactionId: event.transactionId, globalPosition: event.globalPosition },
              eventId: event.eventId,
              eventType: event.type,
              reason: describe(error),
            }),
          );
        }
        await this.store.saveCheckpoint(this.reader, checkpoint, leader, publishedThrough);
        return entries;
      });
      for (const [i, entry] of opened.entries()) {
        this.held.set(entry.streamId, entry);
        const { event, error } = unpublishable[i]!;
        this.logger.error(
          { err: error, streamId: event.streamId, eventId: event.eventId, eventType: event.type, reason: describe(error) },
          'event relay quarantined a stream: this event cannot be published, and it and the later events of its stream are held back until an operator releases the stream; other streams go on',
        );
      }
    }
    this.checkpoint = checkpoint;
    return events.length;
  }

  /**
   * The messages of `events`, in their order. When the batch does not map, each event is mapped alone;
   * the first event of a stream that fails alone is unpublishable, and the stream's later events in the
   * batch are passed over with it (they are held behind it).
   */
  private async mapInOrder(
    events: readonly StoredEvent[],
    db: PoolClient,
  ): Promise<{ messages: RelayedMessage[]; unpublishable: Unpublishable[] }> {
    if (events.length === 0) return { messages: [], unpublishable: [] };
    try {
      return { messages: [...(await this.toMessages(events, db))], unpublishable: [] };
    } catch (error) {
      if (isEnvironmentFailure(error)) throw error;
    }
    const messages: RelayedMessage[] = [];
    const failed = new Map<string, Unpublishable>();
    for (const event of events) {
      if (failed.has(event.streamId)) continue;
      try {
        messages.push(...(await this.toMessages([event], db)));
      } catch (error) {
        if (isEnvironmentFailure(error)) throw error;
        // A connection that broke under the mapper is the database's failure, not the event's: this throws then.
        await db.query('SELECT 1');
        failed.set(event.streamId, { event, error });
      }
    }
    return { messages, unpublishable: [...failed.values()] };
  }

  /**
   * Sends the messages of `events` but those already on their topics (after taking the lead); each event
   * that carries its command's traceparent is a publish span of that trace. Returns how many were left out.
   */
  private async send(messages: readonly RelayedMessage[], events: readonly StoredEvent[]): Promise<number> {
    if (messages.length === 0) return 0;
    if (this.mayResend) {
      this.onTopics = await this.readOwnMessagesOrGiveUp(messages);
      this.mayResend = false;
    }
    const toSend = this.onTopics ? leaveOutPublished(messages, this.onTopics) : messages;
    const alreadyThere = messages.length - toSend.length;
    if (alreadyThere > 0) {
      this.logger.warn({ alreadyThere, sending: toSend.length }, 'event relay left out messages already on their topics');
    }
    if (toSend.length === 0) return alreadyThere;
    const spans = publishSpans(events);
    let ends: PartitionEnd[];
    try {
      ends = await this.sendTraced(toSend, spans);
    } catch (error) {
      endSpans(spans.values(), error);
      throw error;
    }
    endSpans(spans.values());
    await this.recordEnds(ends);
    return alreadyThere;
  }

  /**
   * `readOwnMessages`, whose failure fails the attempt (the relay retries, as after a failed send) but
   * not for ever: when reads have failed for two minutes running (longer than a broker's restart), the
   * relay sends everything (at least once) rather than publish nothing while a topic cannot be read.
   */
  private async readOwnMessagesOrGiveUp(messages: readonly RelayedMessage[]): Promise<ReadonlySet<string> | undefined> {
    try {
      const found = await this.readOwnMessages(messages);
      this.readsFailingSince = undefined;
      return found;
    } catch (error) {
      this.readsFailingSince ??= Date.now();
      if (Date.now() - this.readsFailingSince < READS_GIVEN_UP_AFTER_MS) throw error;
      this.readsFailingSince = undefined;
      this.logger.error(
        { err: error },
        'event relay cannot read its topics past its checkpoint; it sends without looking (consumers deduplicate)',
      );
      return undefined;
    }
  }

  /**
   * The messages on the relay's topics past the offsets recorded with its checkpoint: all it may have sent
   * since. A topic first written by this reader (never checkpointed) is read from its start; a partition
   * with nothing recorded, or a topic that cannot be read, is not read (its messages are sent).
   */
  private async readOwnMessages(messages: readonly RelayedMessage[]): Promise<ReadonlySet<string>> {
    const topics = new Set(this.publishedThrough.keys());
    if (this.neverCheckpointed) for (const m of messages) topics.add(m.topic);
    const ranges: PartitionRange[] = [];
    for (const { topic, partition, start: low, end: high } of await this.partitionsOf([...topics])) {
      const recorded = this.publishedThrough.get(topic)?.get(partition) ?? (this.neverCheckpointed ? low : undefined);
      // Below the log's start lies nothing any more (retention); beyond its end, a topic made anew.
      if (recorded !== undefined && Math.max(recorded, low) < high) {
        ranges.push({ topic, partition, start: Math.max(recorded, low), end: high });
      }
    }
    const found = new Set<string>();
    if (ranges.length === 0) return found;
    const read = await readTopicsToEnd(this.kafka, {
      topics: [...new Set(ranges.map((r) => r.topic))],
      ranges,
      logger: this.logger,
      // A topic that cannot be read to its end fails the attempt: the relay retries, as after a failed send.
      timeoutMs: 30_000,
      onMessage: (message, topic) => {
        const identity = messageIdentityOnTopic(message, topic);
        if (identity !== undefined) found.add(identity);
      },
    });
    this.logger.info(
      { messagesRead: read.messagesRead, partitions: ranges.length },
      'event relay read its topics past its checkpoint before sending again',
    );
    return found;
  }

  /**
   * Each partition of the topics, its first offset and its end. A topic gone (deleted since) is not read;
   * any other failure (a partition without a leader while a broker is away, say) fails the attempt, and the
   * relay tries again.
   */
  private partitionsOf(topics: readonly string[]): Promise<PartitionRange[]> {
    if (topics.length === 0) return Promise.resolve([]);
    return partitionRanges(this.kafka, topics, (topic, error) =>
      this.logger.warn({ err: error, topic }, 'event relay cannot read a topic it wrote to; its messages are sent without looking'),
    );
  }

  /**
   * Moves the recorded ends past a send. A topic's partitions not recorded yet (the first time this
   * leader writes to it) are recorded at their present end, which is past every message of the relay so
   * far: a later one there is then found after a crash.
   */
  private async recordEnds(ends: readonly PartitionEnd[]): Promise<void> {
    const unchecked = [...new Set(ends.map((e) => e.topic))].filter((t) => !this.partitionsRecorded.has(t));
    if (unchecked.length > 0) {
      // Best effort: without it such partitions are only recorded once written, and sent again until then.
      const known = await this.partitionsOf(unchecked).catch((): PartitionRange[] => []);
      for (const { topic, partition, end } of known) {
        let recorded = this.publishedThrough.get(topic);
        if (!recorded) this.publishedThrough.set(topic, (recorded = new Map()));
        if (!recorded.has(partition)) recorded.set(partition, end);
        this.partitionsRecorded.add(topic);
      }
    }
    for (const { topic, partition, end } of ends) {
      let partitions = this.publishedThrough.get(topic);
      if (!partitions) this.publishedThrough.set(topic, (partitions = new Map()));
      partitions.set(partition, Math.max(end, partitions.get(partition) ?? 0));
    }
  }

  /** What is recorded with the next checkpoint; undefined (the record kept as it is) while there is nothing. */
  private publishedThroughRecord(): PublishedThrough | undefined {
    if (this.publishedThrough.size === 0) return undefined;
    const record: Record<string, Record<string, number>> = {};
    for (const [topic, partitions] of this.publishedThrough) record[topic] = Object.fromEntries(partitions);
    return record;
  }

  private async sendTraced(messages: readonly RelayedMessage[], spans: ReadonlyMap<string, Span>): Promise<PartitionEnd[]> {
    const byTopic = new Map<string, TopicMessages>();
    for (const message of messages) {
      let entry = byTopic.get(message.topic);
      if (!entry) byTopic.set(message.topic, (entry = { topic: message.topic, messages: [] }));
      const value = message.value;
      entry.messages.push({
        key: message.key,
        value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        headers: withPublishTraceparent(message.headers, spans, message.topic),
      });
    }
    try {
      return await this.sender.send(this.producer!, [...byTopic.values()]);
    } catch (error) {
      this.producerSuspect = true;
      throw error;
    }
  }

  /**
   * Replaces the producer after a failed send. kafkajs's idempotent producer can lose track of its
   * sequence numbers when a send fails (a broker killed and restarted under it), and then every later
   * send is refused with "out of order sequence number": the relay would never publish again. A new
   * producer gets a new producer id and starts its sequences afresh; whatever the failed send delivered
   * is found on the topics before the next send (the failure made the relay take the lead again) and
   * left out. Throws while the broker is still away (the relay's loop tries again).
   */
  private async renewProducer(): Promise<void> {
    const fresh = this.kafka.producer(reliableProducer);
    await fresh.connect();
    if (!this.running) {
      await fresh.disconnect().catch(() => undefined);
      return;
    }
    const old = this.producer;
    this.producer = fresh;
    this.producerSuspect = false;
    await old?.disconnect().catch(() => undefined);
  }

  /**
   * Carries out the releases operators asked for: checked each second while streams are held (and at
   * once when asked in this process), never otherwise, so that a relay with nothing held pays nothing.
   */
  private async releaseWhenAsked(): Promise<void> {
    const leader = this.leader;
    if (!leader || this.held.size === 0) return;
    if (!this.releaseAsked && Date.now() - this.lastReleaseCheck < this.releaseCheckIntervalMs) return;
    this.releaseAsked = false;
    this.lastReleaseCheck = Date.now();
    for (const entry of await this.quarantine.releasesAsked(leader)) await this.release(entry, leader);
  }

  /**
   * Publishes a quarantined stream's held events, in order, as far as they map. All of them: the stream
   * flows again. Up to one that still fails: those before it are published and the quarantine now starts
   * at it. Between two batches, so that no later event of the stream can overtake the held ones.
   */
  private async release(entry: QuarantineEntry, leader: PoolClient): Promise<void> {
    const held = await this.store.readStreamBetween(entry.streamId, entry.firstHeld, this.checkpoint!, leader);
    const { messages, unpublishable } = await this.mapInOrder(held, leader);
    await this.send(messages, held);
    const failure = unpublishable[0];
    if (!failure) {
      await this.quarantine.released(leader, entry.id, held.length);
      this.held.delete(entry.streamId);
      this.logger.warn(
        { streamId: entry.streamId, publishedEvents: held.length },
        'quarantined stream released: its held events are published in order, and the stream flows again',
      );
      return;
    }
    const { event, error } = failure;
    const updated = await this.quarantine.stillFailing(leader, entry.id, {
      position: { transactionId: event.transactionId, globalPosition: event.globalPosition },
      eventId: event.eventId,
      eventType: event.type,
      reason: describe(error),
    });
    this.held.set(entry.streamId, updated);
    this.logger.error(
      {
        err: error,
        streamId: entry.streamId,
        eventId: event.eventId,
        eventType: event.type,
        reason: describe(error),
        publishedEvents: held.findIndex((e) => e.eventId === event.eventId),
      },
      'quarantined stream still cannot be published: the events before this one are, and the stream stays held from it',
    );
  }

  /** A pause that only `stop()` cuts short (a `wake()` does not). */
  private linger(ms: number): Promise<void> {
    return this.pause(ms, (interrupt) => (this.interruptLinger = interrupt));
  }

  /** A pause that `wake()` and `stop()` cut short. */
  private sleep(ms: number): Promise<void> {
    return this.pause(ms, (interrupt) => (this.interruptSleep = interrupt));
  }

  /**
   * Resolves after `ms`, or when the function handed to `expose` is called; hands `undefined` once over.
   * A stopped relay does not pause at all: `stop()` may have come while the loop was between two awaits
   * (releasing its leadership after a failure, say), when there was no pause yet for it to cut short.
   */
  private pause(ms: number, expose: (interrupt: (() => void) | undefined) => void): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        expose(undefined);
        resolve();
      };
      const timer = setTimeout(done, ms);
      expose(done);
    });
  }
}

/** How long the relay tries to read its topics before it sends without looking. */
const READS_GIVEN_UP_AFTER_MS = 120_000;

const isBeginning = (c: GlobalCheckpoint) =>
  c.transactionId === beginningOfTime.transactionId && c.globalPosition === beginningOfTime.globalPosition;

/** A message as the relay tells it apart on a topic: its key and its event's id (`ce_id`). */
const messageIdentity = (topic: string, key: string, eventId: string) => `${topic}\u0000${key}\u0000${eventId}`;

function messageIdentityOnTopic(message: TopicMessage, topic: string): string | undefined {
  const header = message.headers?.ce_id;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || message.key === null) return undefined;
  return messageIdentity(topic, message.key.toString(), value.toString());
}

/**
 * `messages` without those already on their topics (`onTopics`), in their order. Of each key only those
 * before its first message to send are left out: a key's message never goes to the topic ahead of an
 * earlier one of the same send, so its last message stays the last on a compacted topic.
 */
export function leaveOutPublished(messages: readonly RelayedMessage[], onTopics: ReadonlySet<string>): RelayedMessage[] {
  const sending = new Set<string>();
  const kept: RelayedMessage[] = [];
  for (const message of messages) {
    const key = `${message.topic}\u0000${message.key}`;
    const eventId = message.headers.ce_id;
    if (!sending.has(key) && eventId !== undefined && onTopics.has(messageIdentity(message.topic, message.key, eventId))) continue;
    sending.add(key);
    kept.push(message);
  }
  return kept;
}

/** Runs `work` in a transaction on the relay's own connection. */
async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 2000);

// SQLSTATE classes of a database that fails, rather than of a statement that does: connection exception
// (08), transaction rollback (40), insufficient resources (53), object not in prerequisite state (55),
// operator intervention such as a shutdown or a cancelled statement (57), system error (58), internal (XX).
const ENVIRONMENT_SQLSTATE = /^(08|40|53|55|57|58|XX)[0-9A-Z]{3}$/;

/**
 * Whether a mapper's error is its environment's (the database it reads went away) rather than the
 * event's: such an error is retried like a failed send, and never quarantines a stream.
 */
export function isEnvironmentFailure(error: unknown): boolean {
  // The database away (pg-kit's classification, which HTTP answers and consumers share), or failing.
  if (isTransientInfrastructureError(error)) return true;
  const code = pgErrorCode(error);
  return code !== undefined && ENVIRONMENT_SQLSTATE.test(code);
}
