import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { silentLogger, type Logger } from './messaging';

/** One partition's messages to read: offsets from `start` up to, not including, `end`. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

/** What the reader hands over of each message; the message object of the client, not a copy. */
export interface TopicMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

export interface ReadToEndOptions {
  readonly topics: readonly string[];
  /** Called for every message below the end offsets, in offset order within each partition. Synchronous: no await per message. */
  readonly onMessage: (message: TopicMessage, topic: string, partition: number) => void;
  /** Called after each fetched batch with the messages read so far and the total to read. */
  readonly onProgress?: (read: number, total: number) => void;
  /** Bytes one fetch may return in all (default 64 MiB) and per partition (default 16 MiB): a replay wants few, large fetches. */
  readonly maxBytes?: number;
  readonly maxBytesPerPartition?: number;
  /**
   * The cut to read, from `partitionRanges` taken earlier; by default the topics' ranges when the read begins.
   * Only the partitions listed are read, each from its `start` (a member of a parallel replay reads some
   * partitions; a replay carrying on from a checkpoint starts at the checkpoint's offsets).
   */
  readonly ranges?: readonly PartitionRange[];
  readonly logger?: Logger;
  /** Fails the read (its consumer closed) when it has not reached the end by then; by default it waits as long as it takes. */
  readonly timeoutMs?: number;
}

export interface ReadToEndResult {
  readonly messagesRead: number;
  /** The consistent cut that was read: each partition's range as it stood when the read began. */
  readonly ranges: readonly PartitionRange[];
}

/**
 * Each partition's first offset and its end (the next offset to be written) as they stand now. A topic that
 * does not exist fails the call, unless `onMissingTopic` is given: then it is told and the topic left out.
 */
export async function partitionRanges(
  kafka: Kafka,
  topics: readonly string[],
  onMissingTopic?: (topic: string, error: unknown) => void,
): Promise<PartitionRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges: PartitionRange[] = [];
    for (const topic of topics) {
      let offsets: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
      try {
        offsets = await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (!onMissingTopic || (error as { type?: unknown }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
        onMissingTopic(topic, error);
        continue;
      }
      for (const p of offsets) ranges.push({ topic, partition: p.partition, start: Number(p.low), end: Number(p.high) });
    }
    return ranges.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads topics from their beginning up to the end offsets they had when the read began: a consistent cut
 * of the log, whatever is written meanwhile. For replays (statistics, rebuilds) rather than live
 * consumption: a throw-away consumer group that commits nothing and is deleted afterwards, large fetches,
 * and a synchronous callback per message so that throughput is bounded by the fetches and the caller's
 * own work, not by promise round trips.
 */
/**
 * Fetch sizes of a replay: large enough that the broker, not round trips, sets the pace; small enough
 * that the client's buffers stay a fraction of a replay's memory (kafkajs holds a whole fetch response,
 * and its decoded batches, at once).
 */
export const REPLAY_FETCH = { maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: 4 * 1024 * 1024 } as const;

export async function readTopicsToEnd(kafka: Kafka, options: ReadToEndOptions): Promise<ReadToEndResult> {
  const logger = options.logger ?? silentLogger;
  const ranges = options.ranges ?? (await partitionRanges(kafka, options.topics));
  const total = ranges.reduce((sum, r) => sum + (r.end - r.start), 0);
  const pending = new Map<string, number>();
  /** Per partition, the next offset this read hands on: its range's start, then past each message read. */
  const next = new Map<string, number>();
  for (const r of ranges) {
    if (r.end > r.start) pending.set(`${r.topic}\u0000${r.partition}`, r.end);
    next.set(`${r.topic}\u0000${r.partition}`, r.start);
  }
  options.onProgress?.(0, total);
  if (pending.size === 0) return { messagesRead: 0, ranges };

  const groupId = `homeward-replay-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytes: options.maxBytes ?? REPLAY_FETCH.maxBytes,
    maxBytesPerPartition: options.maxBytesPerPartition ?? REPLAY_FETCH.maxBytesPerPartition,
    minBytes: 1,
    maxWaitTimeInMs: 250,
  });
  let read = 0;
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      if (options.timeoutMs !== undefined) {
        const ms = options.timeoutMs;
        timer = setTimeout(() => reject(new Error(`reading ${options.topics.join(', ')} to the end took over ${ms} ms`)), ms);
      }
      const reached = (topic: string, partition: number, lastOffset: string | null) => {
        const key = `${topic}\u0000${partition}`;
        const end = pending.get(key);
        if (end === undefined || lastOffset === null || Number(lastOffset) + 1 < end) return;
        pending.delete(key);
        consumer.pause([{ topic, partitions: [partition] }]);
        if (pending.size === 0) resolve();
      };
      // Emitted for every batch, also those holding only control records, which never reach eachBatch.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.topic, payload.partition, payload.lastOffset));
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
        else logger.warn({ err: payload.error, groupId }, 'replay consumer crashed; the client restarts it');
      });
      const subscribed = options.topics.reduce(
        (chain, topic) => chain.then(() => consumer.subscribe({ topic, fromBeginning: true })),
        Promise.resolve(),
      );
      subscribed
        .then(async () => {
          await consumer.run({
            // Nothing is committed, but each batch must be resolved: the next fetch starts after the last
            // resolved offset, and without it a partition longer than one fetch is read from its start forever.
            autoCommit: false,
            partitionsConsumedConcurrently: Math.max(1, ranges.length),
            eachBatch: async ({ batch }) => {
              const key = `${batch.topic}\u0000${batch.partition}`;
              const end = pending.get(key);
              if (end === undefined) return;
              for (const message of batch.messages) {
                // Before the range (read before the seek took effect), or read already: a batch fetched again
                // after a rebalance or the client's restart of a crashed consumer (nothing is committed, so it
                // starts over) must not be counted twice. Each offset reaches onMessage once.
                if (Number(message.offset) < (next.get(key) ?? 0)) continue;
                // Written after the read began: outside the cut.
                if (Number(message.offset) >= end) break;
                options.onMessage(message, batch.topic, batch.partition);
                next.set(key, Number(message.offset) + 1);
                read++;
              }
              options.onProgress?.(read, total);
            },
          });
          // Start each listed partition at its range (past a checkpoint), and leave the others alone
          // (another member's). Until these take effect a batch may come from elsewhere: it is skipped above.
          const unlisted: { topic: string; partitions: number[] }[] = [];
          for (const topic of options.topics) {
            const listed = ranges.filter((r) => r.topic === topic);
            const all = options.ranges ? await partitionsOf(kafka, topic) : listed.map((r) => r.partition);
            const others = all.filter((p) => !pending.has(`${topic}\u0000${p}`));
            if (others.length > 0) unlisted.push({ topic, partitions: others });
            for (const r of listed)
              if (r.start > 0 && r.end > r.start) consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
          }
          if (unlisted.length > 0) consumer.pause(unlisted);
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
  return { messagesRead: read, ranges };
}

async function partitionsOf(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
  } finally {
    await admin.disconnect();
  }
}

/** The throw-away group committed nothing; removing it keeps the cluster's group list clean. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Best effort: an empty group expires on its own.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
