import { Partitioners, type Admin, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';

/**
 * kafkajs 2.2.4 can resolve a send whose messages for some partitions were never sent. A send goes to
 * every partition leader at once and keeps each broker's answer across its retries; when one leader dies,
 * the retry sends only to brokers that have not answered yet, so the dead leader's partitions — now led by
 * a broker that already answered for its own — are skipped, and the send resolves as if done (kafkajs issue
 * #1303, pull request #1798, unreleased). Three brokers and one SIGKILL lost acknowledged events this way in
 * test/faults' cluster test.
 *
 * So every message is given its partition here, with Kafka's default (murmur2) partitioner that kafkajs
 * would use, and a send is complete only when every partition it holds messages for answered without error;
 * the partitions that did not are sent again with the same producer (their sequence numbers were never
 * used: kafkajs gave them back when their request failed), a few times, and then the send fails as a
 * whole: the caller (the relay, a dead-letter write) treats that like any other failed send and tries again.
 */
export class CompleteSender {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionCounts = new Map<string, { count: number; until: number }>();
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: { readonly metadataTtlMs?: number; readonly attempts?: number } = {},
  ) {}

  /**
   * Sends every message and says, per partition written, the offset just past its messages there (they
   * travel in one record batch per partition, so they lie at the acknowledged base offset and after it).
   */
  async send(producer: Producer, topicMessages: readonly TopicMessages[]): Promise<PartitionEnd[]> {
    let pending = await this.byPartition(topicMessages);
    const attempts = this.options.attempts ?? 5;
    const ends: PartitionEnd[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > attempts) {
        throw new IncompleteSendError(pending.map((p) => `${p.topic}[${p.partition}]`));
      }
      const answers = await producer.sendBatch({ topicMessages: grouped(pending), acks: -1 });
      const done = new Map(
        answers.filter((a) => a.errorCode === 0).map((a) => [partitionKey(a.topicName, a.partition), a.baseOffset] as const),
      );
      pending = pending.filter((p) => {
        const key = partitionKey(p.topic, p.partition);
        if (!done.has(key)) return true;
        const base = done.get(key);
        // Without a base offset (never with acks=all) the end is not known: the partition is left out.
        if (base !== undefined && base !== null)
          ends.push({ topic: p.topic, partition: p.partition, end: Number(base) + p.messages.length });
        return false;
      });
    }
    return ends;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async byPartition(topicMessages: readonly TopicMessages[]): Promise<PartitionMessages[]> {
    const parts = new Map<string, PartitionMessages>();
    for (const { topic, messages } of topicMessages) {
      const count = await this.partitionCount(topic);
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        replicas: [],
        isr: [],
        partitionErrorCode: 0,
      }));
      for (const message of messages) {
        const partition = this.partitioner({ topic, partitionMetadata, message });
        const key = partitionKey(topic, partition);
        let part = parts.get(key);
        if (!part) parts.set(key, (part = { topic, partition, messages: [] }));
        part.messages.push({ ...message, partition });
      }
    }
    return [...parts.values()];
  }

  /** The topic's partition count, from the cluster's metadata, kept for a minute. */
  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known && known.until > Date.now()) return known.count;
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`no partitions known for topic ${topic}`);
      this.partitionCounts.set(topic, { count, until: Date.now() + (this.options.metadataTtlMs ?? 60_000) });
      return count;
    } catch (error) {
      // A broken admin connection is renewed on the next send.
      await this.close();
      throw error;
    }
  }
}

/** Where a send left a partition: `end` is the offset just past the last message it wrote there. */
export interface PartitionEnd {
  readonly topic: string;
  readonly partition: number;
  readonly end: number;
}

/** Partitions of a send that no broker acknowledged after every attempt. */
export class IncompleteSendError extends Error {
  override readonly name = 'IncompleteSendError';
  constructor(readonly partitions: readonly string[]) {
    super(`Kafka acknowledged no write to ${partitions.join(', ')}`);
  }
}

interface PartitionMessages {
  readonly topic: string;
  readonly partition: number;
  readonly messages: Message[];
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function grouped(parts: readonly PartitionMessages[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const part of parts) {
    let entry = byTopic.get(part.topic);
    if (!entry) byTopic.set(part.topic, (entry = { topic: part.topic, messages: [] }));
    entry.messages.push(...part.messages);
  }
  return [...byTopic.values()];
}
