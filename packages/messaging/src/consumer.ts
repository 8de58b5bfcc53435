import type { Pool, PoolClient } from 'pg';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { withTransaction } from '@homeward/pg-kit';
import type { Migration } from '@homeward/pg-kit/migrations';
import { headersToStrings, reliableProducer, silentLogger, type Logger } from './messaging';

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

/** A message that can never be handled, whatever the number of attempts (it does not decode, say). */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export interface ConsumerRunnerOptions<T> {
  /** The consumer group, and the name its bookkeeping rows carry. */
  readonly consumer: string;
  readonly topics: readonly string[];
  readonly deadLetterTopic: string;
  /** Turns the raw message into what the handler takes; throw PoisonMessageError (or anything) when it cannot. */
  readonly decode: (message: IncomingMessage) => T;
  /** Applies the message's effect inside the transaction that also records it as handled. */
  readonly handle: (decoded: T, tx: PoolClient, message: IncomingMessage) => Promise<void>;
  /** Attempts before a failing message goes to the dead-letter topic. */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly fromBeginning?: boolean;
  readonly logger?: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs a Kafka consumer group whose effects are exactly-once in PostgreSQL: each message's effect, its
 * event id and the partition checkpoint commit in one transaction, so a redelivered message (after a
 * relay resend or a rebalance) finds its id already handled and changes nothing. A message that cannot
 * be decoded, or fails every attempt, goes to the dead-letter topic with the reason, and the group
 * carries on with the next one.
 */
export class ConsumerRunner<T> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private stopping = false;
  private lastHandledAt: Date | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly pool: Pool,
    private readonly options: ConsumerRunnerOptions<T>,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
  }

  get lastHandled(): Date | undefined {
    return this.lastHandledAt;
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.producer = this.kafka.producer(reliableProducer);
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.options.consumer, allowAutoTopicCreation: false });
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    await this.consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 1,
      eachMessage: async ({ topic, partition, message }) => this.process(topic, partition, message),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async process(topic: string, partition: number, raw: KafkaMessage): Promise<void> {
    const headers = headersToStrings(raw.headers);
    const message: IncomingMessage = {
      topic,
      partition,
      offset: raw.offset,
      key: raw.key?.toString() ?? null,
      value: raw.value,
      headers,
      eventId: headers.ce_id ?? '',
    };
    if (!UUID.test(message.eventId)) {
      await this.deadLetter(message, new PoisonMessageError('missing or malformed ce_id header'), 1);
      return;
    }
    let decoded: T;
    try {
      decoded = this.options.decode(message);
    } catch (error) {
      await this.deadLetter(message, error, 1);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await withTransaction(this.pool, async (tx) => {
          const fresh = await tx.query('INSERT INTO handled_messages (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
            this.options.consumer,
            message.eventId,
          ]);
          if (fresh.rowCount === 1) await this.options.handle(decoded, tx, message);
          await tx.query(
            `INSERT INTO consumer_checkpoints (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
             ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
            [this.options.consumer, topic, partition, (BigInt(message.offset) + 1n).toString()],
          );
        });
        this.lastHandledAt = new Date();
        return;
      } catch (error) {
        if (this.stopping) throw error;
        if (error instanceof PoisonMessageError || attempt >= this.maxAttempts) {
          await this.deadLetter(message, error, attempt);
          return;
        }
        this.logger.warn({ err: error, topic, partition, offset: message.offset, attempt }, 'message failed; retrying');
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
    // If this send fails, the error propagates, kafkajs does not commit the offset, and the message comes back.
    await this.producer!.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
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
    });
  }
}
