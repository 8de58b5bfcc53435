import type { Pool, PoolClient } from 'pg';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { reliableProducer, silentLogger, type Logger } from './messaging';

export interface OutboxRelayOptions {
  readonly batchSize?: number;
  /**
   * How long the relay waits after finding nothing to send. The poll reads the partial index of unsent
   * rows, so it costs next to nothing; it bounds the delay from commit to Kafka. `wake()` shortens it
   * when the caller knows rows were just committed.
   */
  readonly pollIntervalMs?: number;
  /**
   * After a `wake()`, how long a batch waits from the start of the previous one (default 10 ms), so that
   * under load the commits of those milliseconds travel in one batch: one read, one produce request and
   * one update for many events instead of for each. The delay to Kafka grows by at most this much.
   */
  readonly lingerMs?: number;
  readonly logger?: Logger;
  /**
   * Called after Kafka acknowledged a batch and before the rows are marked sent. Tests use it to kill the
   * relay at the worst moment; production leaves it out.
   */
  readonly afterSendBeforeMark?: (eventIds: readonly string[]) => Promise<void>;
}

interface OutboxRow {
  position: string;
  event_id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/**
 * Moves outbox rows to Kafka. Delivery is at least once: rows are marked sent only after Kafka
 * acknowledged them (acks=all, idempotent producer), so a crash between the two resends, and consumers
 * deduplicate by event id. One relay per database is active at a time (a session advisory lock), which
 * keeps each worker's events in their append order on the topic.
 *
 * It polls rather than LISTENs: NOTIFY in the appending transaction would serialise all appends on a
 * database-wide lock at commit.
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private leader: PoolClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private interruptSleep: (() => void) | undefined;
  private interruptLinger: (() => void) | undefined;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly logger: Logger;
  private lastError: unknown;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.lingerMs = options.lingerMs ?? 10;
    this.logger = options.logger ?? silentLogger;
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
        this.logger.error({ err: error }, 'outbox relay failed; retrying');
        await this.releaseLeadership();
        await this.sleep(Math.max(this.pollIntervalMs, 500));
      }
    }
    await this.releaseLeadership();
  }

  /** Rows were just committed: look now rather than at the next poll. */
  wake(): void {
    this.interruptSleep?.();
  }

  /** Takes the relay lock, held by a dedicated connection for as long as this relay leads. */
  private async holdLeadership(): Promise<void> {
    while (this.running && !this.leader) {
      const client = await this.pool.connect();
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('homeward:outbox-relay')) AS locked");
      if (rows[0]?.locked) {
        client.on('error', () => {
          this.leader = undefined;
        });
        // Marking rows sent need not wait for the WAL flush: a mark lost in a crash only means the rows
        // are sent again, and consumers deduplicate by event id. The appends themselves stay synchronous.
        await client.query('SET synchronous_commit = off');
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
    if (!client) return;
    try {
      await client.query("SELECT pg_advisory_unlock(hashtext('homeward:outbox-relay'))");
      // Back in the pool, the connection must commit synchronously again, like every other.
      await client.query('RESET synchronous_commit');
      client.release();
    } catch {
      client.release(true);
    }
  }

  /** Sends the oldest unsent rows, then marks them sent. Returns how many it sent. */
  async relayBatch(): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    // The leader's own connection: it is held anyway, and it does not wait for the WAL flush.
    const db = this.leader ?? this.pool;
    const { rows } = await db.query<OutboxRow>(
      `SELECT position, event_id, topic, message_key, headers, value FROM outbox
        WHERE sent_at IS NULL ORDER BY position LIMIT $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    const byTopic = new Map<string, TopicMessages>();
    for (const row of rows) {
      let entry = byTopic.get(row.topic);
      if (!entry) byTopic.set(row.topic, (entry = { topic: row.topic, messages: [] }));
      entry.messages.push({ key: row.message_key, value: row.value, headers: row.headers });
    }
    await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
    await this.options.afterSendBeforeMark?.(rows.map((r) => r.event_id));
    await db.query('UPDATE outbox SET sent_at = now() WHERE position = ANY($1::bigint[])', [rows.map((r) => r.position)]);
    return rows.length;
  }

  /** A pause that only `stop()` cuts short (a `wake()` does not). */
  private linger(ms: number): Promise<void> {
    return this.pause(ms, (interrupt) => (this.interruptLinger = interrupt));
  }

  /** A pause that `wake()` and `stop()` cut short. */
  private sleep(ms: number): Promise<void> {
    return this.pause(ms, (interrupt) => (this.interruptSleep = interrupt));
  }

  /** Resolves after `ms`, or when the function handed to `expose` is called; hands `undefined` once over. */
  private pause(ms: number, expose: (interrupt: (() => void) | undefined) => void): Promise<void> {
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
