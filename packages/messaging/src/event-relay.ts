import type { Pool, PoolClient } from 'pg';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { EventStore, PUBLISHER_READER, type GlobalCheckpoint, type StoredEvent } from '@homeward/event-store';
import { reliableProducer, silentLogger, type Logger } from './messaging';

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
}

/**
 * Publishes the event store to Kafka: the events table is the outbox (docs/adr/0003). The relay follows
 * the store's global order from its checkpoint, sends each event's integration message, and moves the
 * checkpoint only after Kafka acknowledged them (acks=all, idempotent producer). Every committed event
 * is published, because the event and its publication are the same row; a crash between send and
 * checkpoint sends some again, and consumers deduplicate by event id. One relay per database is active
 * at a time (a session advisory lock), which keeps each stream's events in their order on the topic.
 *
 * An event the mapper cannot turn into a message stops the relay at that event (it retries, and
 * `failing` says why, which /health/ready reports): skipping it would leave a committed event off the
 * topic for good, while a stopped relay loses nothing and goes on once the mapper is fixed.
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
  private lastError: unknown;

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
  }

  /** Error of the last failed attempt, if the relay has not succeeded since; for health checks. */
  get failing(): unknown {
    return this.lastError;
  }

  /** Events committed and not yet published, and since when the oldest of them waits. */
  backlog(): Promise<{ events: number; oldestRecordedAt: Date | undefined }> {
    return this.store.backlogOf(this.reader);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.holdLeadership();
        const started = Date.now();
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
      let locked: boolean | undefined;
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.lockName]);
        locked = rows[0]?.locked;
        if (locked) {
          // Moving the checkpoint need not wait for the WAL flush: a checkpoint lost in a crash only means
          // some events are sent again, and consumers deduplicate by event id. Appends stay synchronous.
          await client.query('SET synchronous_commit = off');
          this.checkpoint = await this.store.checkpointOf(this.reader, client);
        }
      } catch (error) {
        // The connection broke (the database restarting, say): the pool discards it, the loop tries again.
        client.release(true);
        throw error;
      }
      if (locked) {
        // A leader connection that breaks fails the relay's next statement, which releases it (for good).
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

  /** Sends the next events after the checkpoint, then moves the checkpoint past them. Returns how many it sent. */
  async relayBatch(): Promise<number> {
    if (this.producerSuspect) await this.renewProducer();
    const leader = this.leader;
    if (!this.producer || !leader || !this.checkpoint) throw new Error('relay not started or not leading');
    // The leader's own connection: it is held anyway, and its checkpoint commits do not wait for the WAL flush.
    const { events, checkpoint } = await this.store.readAll(this.checkpoint, this.batchSize, leader);
    if (events.length === 0) return 0;
    const byTopic = new Map<string, TopicMessages>();
    for (const message of await this.toMessages(events, leader)) {
      let entry = byTopic.get(message.topic);
      if (!entry) byTopic.set(message.topic, (entry = { topic: message.topic, messages: [] }));
      const value = message.value;
      entry.messages.push({
        key: message.key,
        value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
        headers: { ...message.headers },
      });
    }
    if (byTopic.size > 0) {
      try {
        await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      } catch (error) {
        this.producerSuspect = true;
        throw error;
      }
    }
    await this.options.afterSendBeforeCheckpoint?.(events.map((e) => e.eventId));
    await this.store.saveCheckpoint(this.reader, checkpoint, leader);
    this.checkpoint = checkpoint;
    return events.length;
  }

  /**
   * Replaces the producer after a failed send. kafkajs's idempotent producer can lose track of its
   * sequence numbers when a send fails (a broker killed and restarted under it), and then every later
   * send is refused with "out of order sequence number": the relay would never publish again. A new
   * producer gets a new producer id and starts its sequences afresh; whatever the failed send delivered
   * is sent again, and consumers deduplicate by event id. Throws while the broker is still away (the
   * relay's loop tries again).
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
