import type { Pool, PoolClient } from 'pg';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { reliableProducer, silentLogger, type Logger } from './messaging';

export interface OutboxRelayOptions {
  /** Must match the channel the event store notifies on after an append with outbox rows. */
  readonly channel?: string;
  readonly batchSize?: number;
  /** Fallback poll when no notification arrives (a notification can be missed across reconnects). */
  readonly pollIntervalMs?: number;
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
 */
export class OutboxRelay {
  private producer: Producer | undefined;
  private listener: PoolClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly channel: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private lastError: unknown;

  constructor(
    private readonly pool: Pool,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.channel = options.channel ?? 'homeward_outbox';
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
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
    this.wake?.();
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
        const sent = await this.relayBatch();
        this.lastError = undefined;
        if (sent < this.batchSize) await this.sleepUntilWoken();
      } catch (error) {
        if (!this.running) break;
        this.lastError = error;
        this.logger.error({ err: error }, 'outbox relay failed; retrying');
        await this.releaseLeadership();
        await this.sleepUntilWoken();
      }
    }
    await this.releaseLeadership();
  }

  /** Takes the relay lock on a dedicated connection that also listens for append notifications. */
  private async holdLeadership(): Promise<void> {
    while (this.running && !this.listener) {
      const client = await this.pool.connect();
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext('homeward:outbox-relay')) AS locked");
      if (rows[0]?.locked) {
        client.on('notification', () => this.wake?.());
        client.on('error', () => {
          this.listener = undefined;
        });
        await client.query(`LISTEN ${this.channel}`);
        this.listener = client;
        return;
      }
      client.release();
      await this.sleepUntilWoken();
    }
  }

  private async releaseLeadership(): Promise<void> {
    const client = this.listener;
    this.listener = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN ${this.channel}`);
      await client.query("SELECT pg_advisory_unlock(hashtext('homeward:outbox-relay'))");
      client.release();
    } catch {
      client.release(true);
    }
  }

  /** Sends the oldest unsent rows, then marks them sent. Returns how many it sent. */
  async relayBatch(): Promise<number> {
    if (!this.producer) throw new Error('relay not started');
    const { rows } = await this.pool.query<OutboxRow>(
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
    await this.pool.query('UPDATE outbox SET sent_at = now() WHERE position = ANY($1::bigint[])', [rows.map((r) => r.position)]);
    return rows.length;
  }

  private sleepUntilWoken(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wake = done;
    });
  }
}
