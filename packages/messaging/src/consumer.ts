import type { Pool, PoolClient } from 'pg';
import type { Batch, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { CompleteSender } from './complete-send';
import { withTransaction } from '@homeward/pg-kit';
import type { Migration } from '@homeward/pg-kit/migrations';
import {
  TopicOffsets,
  groupMembership,
  headersToStrings,
  isTransientError,
  reliableProducer,
  silentLogger,
  type Logger,
  type PartitionOffsets,
} from './messaging';
import { consumeSpan, endSpans, writeSpan } from './tracing';
import { withActiveSpan, type Span } from '@homeward/telemetry';

/** Tables every consuming service keeps in its own database. */
export const consumerMigrations: readonly Migration[] = [
  {
    id: '0001_consumer_bookkeeping',
    sql: `
      CREATE TABLE handled_messages (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );
      CREATE TABLE consumer_checkpoints (
        consumer text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, topic, partition)
      );
    `,
  },
];

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** From the CloudEvents `ce_id` header: the event id that deduplication keys on. */
  readonly eventId: string;
}

/** A message as a decoder sees it: the client's message with its key and headers as strings. */
export function incomingMessage(
  topic: string,
  partition: number,
  raw: Pick<KafkaMessage, 'key' | 'value' | 'offset'> & { readonly headers?: KafkaMessage['headers'] },
): IncomingMessage {
  const headers = headersToStrings(raw.headers);
  return {
    topic,
    partition,
    offset: raw.offset,
    key: raw.key?.toString() ?? null,
    value: raw.value,
    headers,
    eventId: headers.ce_id ?? '',
  };
}

/** A message that can never be handled, whatever the number of attempts (it does not decode, say). */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** How far a consumer's checkpoint is behind the end of one partition. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The offset the partition's next message will take. */
  readonly endOffset: string;
  /** The consumer's checkpoint: the offset of the next message it will apply. */
  readonly nextOffset: string;
  /** Messages between the two. */
  readonly lag: number;
}

export interface ConsumerRunnerOptions<T> {
  /** The consumer group, and the name its bookkeeping rows carry. */
  readonly consumer: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  /** Turns the raw message into what the handler takes; throw PoisonMessageError (or anything) when it cannot. */
  readonly decode: (message: IncomingMessage) => T;
  /** Applies the message's effect inside the transaction that also records it as handled. */
  readonly handle?: (decoded: T, tx: PoolClient, message: IncomingMessage) => Promise<void>;
  /**
   * Instead of `handle`: applies a chunk's new messages (in offset order, duplicates already removed) at
   * once, for read models that write a chunk in a few set-based statements.
   */
  readonly handleBatch?: (items: readonly { readonly decoded: T; readonly message: IncomingMessage }[], tx: PoolClient) => Promise<void>;
  /**
   * Whether the runner deduplicates by event id in handled_messages (default true). A handler that
   * deduplicates by itself (a projection, by stream version) turns it off and saves a row per event.
   */
  readonly deduplicateByEventId?: boolean;
  /**
   * Resume from the checkpoints in PostgreSQL rather than from Kafka's committed offsets (default false).
   * Each chunk's transaction locks its partition's checkpoint and skips what it already applied; a batch
   * that starts past the checkpoint (Kafka's offsets ahead of the database, after a restore) makes the
   * consumer seek back to it. The database, which commits the effects, then alone says what was applied.
   */
  readonly resumeFromCheckpoints?: boolean;
  /**
   * Errors that say nothing about the message (the database or the broker is unreachable, say). They are
   * never dead-lettered and never split a chunk: the consumer waits and applies the same chunk again, for
   * as long as it takes. Default: `isTransientError`, the classification every consumer shares; a
   * consumer overrides it only to widen it.
   */
  readonly isTransient?: (error: unknown) => boolean;
  /**
   * Messages handled in one transaction, at most (default 500). A fetched batch is applied in chunks of
   * this size: one transaction, one deduplication statement and one checkpoint per chunk.
   */
  readonly maxMessagesPerTransaction?: number;
  /** Attempts before a failing message goes to the dead-letter topic. */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly fromBeginning?: boolean;
  /**
   * How long a fetch waits on the broker for new messages (kafkajs's maxWaitTimeInMs, default 5 s). A
   * stopping consumer waits for its fetch to return, so a consumer stopped in the course of its service's
   * life (a read model's superseded build) asks for less.
   */
  readonly maxWaitTimeMs?: number;
  /**
   * The broker holds a fetch until this many bytes are ready (or `maxWaitTimeMs` passes): under load a
   * read model then applies a few large chunks instead of many one-message transactions, at the cost of
   * at most `maxWaitTimeMs` more lag when the topic is quiet. Default 1 (answer as soon as anything is there).
   */
  readonly minBytes?: number;
  /**
   * Partitions of a fetch applied at the same time, each in its own transaction (default 1). A partition's
   * messages stay in order; a read model whose rows belong to one key (one worker, so one partition)
   * loses nothing by it and applies a fetch in the time of its largest partition instead of all of them.
   */
  readonly partitionsConsumedConcurrently?: number;
  readonly logger?: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a consumer needs of kafkajs's batch while it waits for the database or the broker to come back. */
interface BatchControl {
  isRunning(): boolean;
  isStale(): boolean;
  heartbeat(): Promise<void>;
}

/** Waits between attempts while the database or the broker is away: from 250 ms, doubling, up to 2 s. */
const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 2_000;

/**
 * resumeFromCheckpoints: the database's checkpoint of a partition is behind what this consumer committed
 * there. Commits it was told had succeeded are gone (a server that crashed before flushing commits made with
 * `synchronous_commit = off`, or a restore): the partition must be consumed again from the checkpoint, or
 * the messages in between would never be applied.
 */
class CheckpointBehind extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly checkpoint: bigint,
    readonly committed: bigint,
  ) {
    super(`the checkpoint of ${topic}[${partition}] is at ${checkpoint}, behind the ${committed} this consumer committed`);
    this.name = 'CheckpointBehind';
  }
}

/** A message ready for its transaction: decoded, with the id it is deduplicated by. */
interface Decoded<T> {
  readonly message: IncomingMessage;
  readonly decoded: T;
}

/**
 * Runs a Kafka consumer group whose effects are exactly-once in PostgreSQL: the messages' effects, their
 * event ids and the partition checkpoint commit in one transaction, so a redelivered message (after a
 * relay resend or a rebalance) finds its id already handled and changes nothing.
 *
 * Messages are applied a chunk at a time (one transaction per chunk of a fetched batch). If a chunk's
 * transaction fails, nothing of it is kept and its messages are applied again one by one, so a single
 * bad message costs only itself: a message that cannot be decoded, or fails every attempt, goes to the
 * dead-letter topic with the reason, and the group carries on with the next one.
 *
 * A failure of the infrastructure (`isTransient`: the database restarting, the broker away) is not the
 * message's: the consumer waits, keeping its group membership with heartbeats, and applies the same
 * chunk again once the database answers, however long that takes. What it had already applied of the
 * chunk is recognised and skipped (deduplication, checkpoints), so nothing is applied twice.
 *
 * `start()` does not wait for the group to take the consumer in: a member that died without leaving
 * holds its partitions for up to a session (`groupMembership`), and the service need not wait with it.
 * `member` says whether the consumer is in the group, for readiness to report.
 */
export class ConsumerRunner<T> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private stopping = false;
  private lastHandledAt: Date | undefined;
  private crash: unknown;
  private joined = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = FIRST_WAIT_MS;
  /** Since when the consumer has been waiting for the database or the broker, if it is. */
  private unavailableSince: Date | undefined;
  private readonly isTransient: (error: unknown) => boolean;
  /** A dead-letter send failed: the next one goes through a new producer. */
  private producerSuspect = false;
  private readonly offsets: TopicOffsets;
  /** First offsets of partitions that have no checkpoint yet (resumeFromCheckpoints). */
  private readonly lowWatermarks = new Map<string, bigint>();
  /** resumeFromCheckpoints: the checkpoint this consumer last committed or read, per partition; never ahead of the database's. */
  private readonly knownNext = new Map<string, bigint>();

  /** Dead letters are written only when the partition's leader acknowledged them (complete-send.ts). */
  private readonly deadLetters: CompleteSender;

  constructor(
    private readonly kafka: Kafka,
    private readonly pool: Pool,
    private readonly options: ConsumerRunnerOptions<T>,
  ) {
    this.deadLetters = new CompleteSender(kafka);
    if (!options.handle === !options.handleBatch)
      throw new Error(`consumer ${options.consumer}: give exactly one of handle and handleBatch`);
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.isTransient = options.isTransient ?? isTransientError;
    this.offsets = new TopicOffsets(kafka);
  }

  get lastHandled(): Date | undefined {
    return this.lastHandledAt;
  }

  get consumerGroup(): string {
    return this.options.consumer;
  }

  /** The error that stopped the consumer (kafkajs gave up restarting it; this runner tries again), if any. */
  get failure(): unknown {
    return this.crash;
  }

  /** Whether the consumer is a member of its group now (false while it joins, or rejoins after a rebalance). */
  get member(): boolean {
    return this.joined;
  }

  /** Since when the consumer has been waiting for the database or the broker to come back, if it is. */
  get waitingSince(): Date | undefined {
    return this.unavailableSince;
  }

  /** Per partition of the consumer's topics: the end offset, the checkpoint and the messages between. */
  async lag(): Promise<PartitionLag[]> {
    return checkpointLag(this.pool, this.options.consumer, await this.offsets.fetch(this.options.topics));
  }

  /** Connects and subscribes; the group takes the consumer in afterwards (see `member`). */
  async start(): Promise<void> {
    this.stopping = false;
    this.crash = undefined;
    this.producer = this.kafka.producer(reliableProducer);
    await this.producer.connect();
    await this.runConsumer();
  }

  private async runConsumer(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.consumer,
      allowAutoTopicCreation: false,
      ...groupMembership,
      ...(this.options.maxWaitTimeMs === undefined ? {} : { maxWaitTimeInMs: this.options.maxWaitTimeMs }),
      ...(this.options.minBytes === undefined ? {} : { minBytes: this.options.minBytes }),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.crash = undefined;
      this.restartDelayMs = FIRST_WAIT_MS;
    });
    consumer.on(consumer.events.REBALANCING, () => (this.joined = false));
    consumer.on(consumer.events.STOP, () => (this.joined = false));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart) return;
      // kafkajs gives up on some errors (a broker away for longer than its retries, say); this runner does not.
      this.crash = payload.error;
      this.logger.error({ err: payload.error, consumer: this.options.consumer }, 'consumer stopped; starting it again');
      this.scheduleRestart(consumer);
    });
    await consumer.connect();
    for (const topic of this.options.topics) {
      await consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    // Not awaited: run() resolves only once the group has taken the consumer in.
    consumer
      .run({
        autoCommit: true,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const size = this.options.maxMessagesPerTransaction ?? 500;
          for (let start = 0; start < batch.messages.length; start += size) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(start, start + size);
            const outcome = await this.whileUnavailable(() => this.processChunk(batch, chunk), { isRunning, isStale, heartbeat });
            // Sought back to the database's checkpoint: nothing more of this batch is resolved.
            if (outcome === 'sought') return;
            resolveOffset(chunk[chunk.length - 1]!.offset);
            await heartbeat();
          }
        },
      })
      .catch((error: unknown) => {
        this.crash = error;
        this.logger.error({ err: error, consumer: this.options.consumer }, 'consumer failed to run; starting it again');
        this.scheduleRestart(consumer);
      });
  }

  /** A new kafkajs consumer in place of one that stopped for good, after a pause that grows while it keeps failing. */
  private scheduleRestart(failed: Consumer): void {
    if (this.stopping || this.consumer !== failed || this.restartTimer) return;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, 30_000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping || this.consumer !== failed) return;
      void failed
        .disconnect()
        .catch(() => undefined)
        .then(() => (this.stopping ? undefined : this.runConsumer()))
        .catch((error: unknown) => {
          this.crash = error;
          this.logger.error({ err: error, consumer: this.options.consumer }, 'consumer restart failed; trying again');
          this.scheduleRestart(this.consumer ?? failed);
        });
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // Disconnecting leaves the group, which hands the partitions to the other members at once.
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
    this.joined = false;
    await this.offsets.close();
    await this.deadLetters.close();
  }

  /**
   * Runs `work` until it succeeds or fails for a reason of its own. While the database or the broker is
   * away it waits and tries again, without limit, sending heartbeats so that the group does not take the
   * partitions away meanwhile; it gives up only when the consumer stops or loses the batch to a rebalance.
   */
  private async whileUnavailable<R>(work: () => Promise<R>, batch: BatchControl): Promise<R> {
    for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
      try {
        const result = await work();
        if (this.unavailableSince) {
          const waitedMs = Date.now() - this.unavailableSince.getTime();
          this.unavailableSince = undefined;
          this.logger.info({ consumer: this.options.consumer, waitedMs }, 'database and broker answer again; consuming');
        }
        return result;
      } catch (error) {
        if (this.stopping || !this.isTransient(error) || !batch.isRunning() || batch.isStale()) throw error;
        if (!this.unavailableSince) {
          this.unavailableSince = new Date();
          this.logger.warn(
            { err: error, consumer: this.options.consumer },
            'database or broker unavailable; waiting to apply the same messages',
          );
        }
        await new Promise((r) => setTimeout(r, wait));
        try {
          await batch.heartbeat();
        } catch (heartbeatError) {
          // A rebalance took the partitions away: kafkajs rejoins and hands the batch to whoever owns it now.
          if (!this.isTransient(heartbeatError)) throw heartbeatError;
        }
      }
    }
  }

  /**
   * resumeFromCheckpoints: the offset the partition goes on from. Messages below it were applied; a batch
   * that starts above it would skip messages, and the consumer seeks back.
   */
  private async expectedOffset(topic: string, partition: number): Promise<bigint> {
    const { rows } = await this.pool.query<{ next_offset: string }>(
      'SELECT next_offset FROM consumer_checkpoints WHERE consumer = $1 AND topic = $2 AND partition = $3',
      [this.options.consumer, topic, partition],
    );
    if (rows[0]) return BigInt(rows[0].next_offset);
    const key = `${topic}:${partition}`;
    if (!this.lowWatermarks.has(key)) {
      for (const p of await this.offsets.fetch([topic])) this.lowWatermarks.set(`${p.topic}:${p.partition}`, p.low);
    }
    return this.lowWatermarks.get(key) ?? 0n;
  }

  /** Decodes a chunk (sending what cannot be decoded to the dead-letter topic) and applies the rest in one transaction. */
  private async processChunk(batch: Batch, fetched: readonly KafkaMessage[]): Promise<'applied' | 'sought'> {
    let chunk = fetched;
    if (this.options.resumeFromCheckpoints) {
      const first = BigInt(chunk[0]!.offset);
      let expected = this.knownNext.get(`${batch.topic}:${batch.partition}`);
      // What this consumer last committed is where it usually goes on; the database decides when in doubt.
      if (expected === undefined || first > expected) expected = await this.expectedOffset(batch.topic, batch.partition);
      if (first > expected) {
        this.logger.warn(
          { topic: batch.topic, partition: batch.partition, from: chunk[0]!.offset, checkpoint: expected.toString() },
          'Kafka is ahead of the checkpoint; seeking back to it',
        );
        this.consumer!.seek({ topic: batch.topic, partition: batch.partition, offset: expected.toString() });
        return 'sought';
      }
      chunk = chunk.filter((m) => BigInt(m.offset) >= expected);
      if (chunk.length === 0) return 'applied';
    }
    const ready: Decoded<T>[] = [];
    for (const raw of chunk) {
      const item = await this.decode(batch.topic, batch.partition, raw);
      if (item) ready.push(item);
    }
    try {
      await this.applyOrSplit(ready);
    } catch (error) {
      if (!(error instanceof CheckpointBehind)) throw error;
      // Whatever came after the checkpoint is applied again, in order, from the next fetch on.
      this.logger.warn(
        { topic: error.topic, partition: error.partition, checkpoint: error.checkpoint.toString(), committed: error.committed.toString() },
        'the database lost commits of this consumer; consuming again from its checkpoint',
      );
      this.knownNext.set(`${error.topic}:${error.partition}`, error.checkpoint);
      this.consumer!.seek({ topic: error.topic, partition: error.partition, offset: error.checkpoint.toString() });
      return 'sought';
    }
    // Checkpoint the chunk's end even when its last messages went to the dead-letter topic.
    const last = chunk[chunk.length - 1]!;
    if (ready.length === 0 || ready[ready.length - 1]!.message.offset !== last.offset) {
      await withTransaction(this.pool, (tx) => this.checkpoint(tx, batch.topic, batch.partition, nextOffsetAfter(last.offset)));
      this.knownNext.delete(`${batch.topic}:${batch.partition}`);
    }
    return 'applied';
  }

  /**
   * Applies the messages in one transaction; if that fails, halves and tries each half, down to the one
   * message that fails, which is retried and then dead-lettered. One bad message in a chunk of 500 costs
   * about eighteen extra transactions, not five hundred.
   */
  private async applyOrSplit(items: readonly Decoded<T>[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length === 1) return this.applyWithRetries(items[0]!);
    try {
      await this.apply(items);
    } catch (error) {
      // Not the messages' fault: the whole chunk is tried again once the infrastructure is back (or, when
      // the database lost commits, from its checkpoint).
      if (this.stopping || this.isTransient(error) || error instanceof CheckpointBehind) throw error;
      const { topic, partition } = items[0]!.message;
      this.logger.warn({ err: error, topic, partition, messages: items.length }, 'chunk failed; splitting it');
      const half = Math.ceil(items.length / 2);
      await this.applyOrSplit(items.slice(0, half));
      await this.applyOrSplit(items.slice(half));
    }
  }

  private async decode(topic: string, partition: number, raw: KafkaMessage): Promise<Decoded<T> | undefined> {
    const message = incomingMessage(topic, partition, raw);
    if (!UUID.test(message.eventId)) {
      await this.deadLetter(message, new PoisonMessageError('missing or malformed ce_id header'), 1);
      return undefined;
    }
    try {
      return { message, decoded: this.options.decode(message) };
    } catch (error) {
      await this.deadLetter(message, error, 1);
      return undefined;
    }
  }

  /** One transaction: which of these are new, their effects in offset order, the checkpoint after them. */
  private async apply(chunk: readonly Decoded<T>[]): Promise<void> {
    // Each message that carries a traceparent continues its trace: a span for its handling (ended when its
    // transaction commits or fails) and a child for its effect's write.
    const consumeSpans = new Map<Decoded<T>, Span>();
    for (const item of chunk) {
      const span = consumeSpan(this.options.consumer, item.message);
      if (span) consumeSpans.set(item, span);
    }
    try {
      await this.applyTraced(chunk, consumeSpans);
    } catch (error) {
      endSpans(consumeSpans.values(), error);
      throw error;
    }
    endSpans(consumeSpans.values());
  }

  private async applyTraced(chunk: readonly Decoded<T>[], consumeSpans: ReadonlyMap<Decoded<T>, Span>): Promise<void> {
    const { topic, partition } = chunk[0]!.message;
    const key = `${topic}:${partition}`;
    let committed: bigint | undefined;
    await withTransaction(this.pool, async (tx) => {
      let items = chunk;
      if (this.options.resumeFromCheckpoints) {
        // One transaction per partition at a time, even across members during a rebalance (the checkpoint
        // row's lock; an advisory lock while the partition has none), then skip what another member
        // applied meanwhile.
        const checkpointOf = (lock: string) =>
          tx.query<{ next_offset: string }>(
            `SELECT next_offset FROM consumer_checkpoints WHERE consumer = $1 AND topic = $2 AND partition = $3 ${lock}`,
            [this.options.consumer, topic, partition],
          );
        let { rows } = await checkpointOf('FOR UPDATE');
        if (!rows[0]) {
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [`${this.options.consumer}:${topic}`, partition]);
          ({ rows } = await checkpointOf(''));
        }
        const next = rows[0] ? BigInt(rows[0].next_offset) : undefined;
        // Behind what this consumer committed (the checkpoint gone, or moved back): commits it saw succeed
        // were lost, and so were their effects. Nothing of this chunk is applied; the partition goes back.
        const mine = this.knownNext.get(key);
        if (mine !== undefined && (next === undefined || next < mine)) {
          throw new CheckpointBehind(topic, partition, next ?? (await this.expectedOffset(topic, partition)), mine);
        }
        if (next !== undefined) items = items.filter((i) => BigInt(i.message.offset) >= next);
        if (items.length === 0) {
          committed = next;
          return;
        }
      }
      let firstTime: readonly Decoded<T>[] = items;
      if (this.options.deduplicateByEventId ?? true) {
        const { rows } = await tx.query<{ event_id: string }>(
          `INSERT INTO handled_messages (consumer, event_id) SELECT $1, unnest($2::uuid[])
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [this.options.consumer, items.map((i) => i.message.eventId)],
        );
        const fresh = new Set(rows.map((r) => r.event_id.toLowerCase()));
        // The same event twice in one chunk (a relay resend) is handled at its first offset only.
        firstTime = items.filter((item) => fresh.delete(item.message.eventId.toLowerCase()));
      }
      const { handle, handleBatch } = this.options;
      if (handleBatch) {
        // One set-based write for the chunk: each traced message's write span covers it.
        const writes = firstTime.flatMap((item) => {
          const parent = consumeSpans.get(item);
          return parent ? [writeSpan(this.options.consumer, parent)] : [];
        });
        try {
          if (firstTime.length > 0) await handleBatch(firstTime, tx);
        } catch (error) {
          endSpans(writes, error);
          throw error;
        }
        endSpans(writes);
      } else {
        for (const item of firstTime) {
          const parent = consumeSpans.get(item);
          if (!parent) {
            await handle!(item.decoded, tx, item.message);
            continue;
          }
          const write = writeSpan(this.options.consumer, parent);
          try {
            await withActiveSpan(write, () => handle!(item.decoded, tx, item.message));
          } catch (error) {
            endSpans([write], error);
            throw error;
          }
          endSpans([write]);
        }
      }
      await this.checkpoint(tx, topic, partition, nextOffsetAfter(items[items.length - 1]!.message.offset));
      committed = BigInt(nextOffsetAfter(items[items.length - 1]!.message.offset));
    });
    if (committed !== undefined) this.knownNext.set(key, committed);
    this.lastHandledAt = new Date();
  }

  private checkpoint(tx: PoolClient, topic: string, partition: number, nextOffset: string): Promise<unknown> {
    return tx.query(
      `INSERT INTO consumer_checkpoints (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer, topic, partition)
       DO UPDATE SET next_offset = greatest(consumer_checkpoints.next_offset, EXCLUDED.next_offset), updated_at = now()`,
      [this.options.consumer, topic, partition, nextOffset],
    );
  }

  private async applyWithRetries(item: Decoded<T>): Promise<void> {
    const { message } = item;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply([item]);
        return;
      } catch (error) {
        // Not the message's fault, and no attempt of its own: the chunk waits for the infrastructure.
        if (this.stopping || error instanceof CheckpointBehind || (!(error instanceof PoisonMessageError) && this.isTransient(error)))
          throw error;
        if (error instanceof PoisonMessageError || attempt >= this.maxAttempts) {
          await this.deadLetter(message, error, attempt);
          // Past it for good: the last message of a partition would otherwise stay unconsumed (lag 1) and
          // come back, and be dead-lettered again, after every restart or rebalance.
          await withTransaction(this.pool, (tx) => this.checkpoint(tx, message.topic, message.partition, nextOffsetAfter(message.offset)));
          this.knownNext.set(`${message.topic}:${message.partition}`, BigInt(nextOffsetAfter(message.offset)));
          return;
        }
        this.logger.warn(
          { err: error, topic: message.topic, partition: message.partition, offset: message.offset, attempt },
          'message failed; retrying',
        );
        await new Promise((r) => setTimeout(r, this.retryDelayMs * attempt));
      }
    }
  }

  private async deadLetter(message: IncomingMessage, error: unknown, attempts: number): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.logger.error(
      { topic: message.topic, partition: message.partition, offset: message.offset, eventId: message.eventId, reason },
      'message sent to the dead-letter topic',
    );
    // A producer whose send failed may have lost its sequence numbers (see EventRelay.renewProducer): a new one.
    if (this.producerSuspect) {
      const fresh = this.kafka.producer(reliableProducer);
      await fresh.connect();
      await this.producer?.disconnect().catch(() => undefined);
      this.producer = fresh;
      this.producerSuspect = false;
    }
    // If this send fails, the error propagates, the chunk is not resolved, and the message comes back.
    await this.deadLetters
      .send(this.producer!, [
        {
          topic: this.options.deadLetterTopic,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: {
                ...message.headers,
                dlq_reason: reason,
                dlq_consumer: this.options.consumer,
                dlq_source_topic: message.topic,
                dlq_source_partition: String(message.partition),
                dlq_source_offset: message.offset,
                dlq_attempts: String(attempts),
                dlq_failed_at: new Date().toISOString(),
              },
            },
          ],
        },
      ])
      .catch((error: unknown) => {
        this.producerSuspect = true;
        throw error;
      });
  }
}

const nextOffsetAfter = (offset: string): string => (BigInt(offset) + 1n).toString();

/**
 * How far `consumer`'s checkpoints (kept in PostgreSQL with its effects) are behind the partitions' end
 * offsets. A partition without a checkpoint is behind by everything it holds.
 */
export async function checkpointLag(
  db: Pool | PoolClient,
  consumer: string,
  offsets: readonly PartitionOffsets[],
): Promise<PartitionLag[]> {
  const { rows } = await db.query<{ topic: string; partition: number; next_offset: string }>(
    'SELECT topic, partition, next_offset FROM consumer_checkpoints WHERE consumer = $1',
    [consumer],
  );
  const next = new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
  return offsets.map((p) => {
    const checkpoint = next.get(`${p.topic}:${p.partition}`);
    const from = checkpoint === undefined || checkpoint < p.low ? p.low : checkpoint;
    const behind = p.high > from ? p.high - from : 0n;
    return { topic: p.topic, partition: p.partition, endOffset: p.high.toString(), nextOffset: from.toString(), lag: Number(behind) };
  });
}
