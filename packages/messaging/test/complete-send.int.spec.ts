import { testKafka, testTopicNamespace } from '@homeward/testing/infrastructure';
import { ensureTopics, reliableProducer } from '@homeward/messaging';
import { CompleteSender } from '@homeward/messaging/complete-send';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';

// Real Kafka: the complete sender puts each message on the partition kafkajs's own default partitioner
// chooses (a worker's events stay where they always were), every message once; what it cannot get
// acknowledged fails the send. Its reason to exist, a leader dying mid-send, is proved by
// test/faults/test/kafka-cluster.e2e.spec.ts against three brokers.

const kafka = testKafka('complete-send-test');

async function partitionsByKey(topic: string): Promise<Map<string, number[]>> {
  const seen = new Map<string, number[]>();
  await readTopicsToEnd(kafka, {
    topics: [topic],
    onMessage: (message, _topic, partition) => {
      const key = message.key!.toString();
      seen.set(key, [...(seen.get(key) ?? []), partition]);
    },
  });
  return seen;
}

describe('the complete sender', () => {
  it('places every keyed message where the default partitioner would, once', async () => {
    const ours = `${testTopicNamespace()}complete-send-ours`;
    const theirs = `${testTopicNamespace()}complete-send-theirs`;
    await ensureTopics(kafka, [
      { topic: ours, partitions: 6 },
      { topic: theirs, partitions: 6 },
    ]);
    const messages = Array.from({ length: 200 }, (_, i) => ({ key: `worker-${i * 7919}`, value: String(i) }));
    const producer = kafka.producer(reliableProducer);
    await producer.connect();
    const sender = new CompleteSender(kafka);
    try {
      await sender.send(producer, [{ topic: ours, messages }]);
      await producer.send({ topic: theirs, messages, acks: -1 });
    } finally {
      await sender.close();
      await producer.disconnect();
    }
    const placedByUs = await partitionsByKey(ours);
    const placedByKafkajs = await partitionsByKey(theirs);
    expect(placedByUs.size).toBe(200);
    expect([...placedByUs.values()].every((partitions) => partitions.length === 1)).toBe(true);
    expect(new Set([...placedByUs.values()].flat()).size).toBeGreaterThan(1);
    expect([...placedByUs].sort()).toEqual([...placedByKafkajs].sort());
  });

  it('fails a send to a topic that does not exist instead of reporting it done', async () => {
    const producer = kafka.producer(reliableProducer);
    await producer.connect();
    const sender = new CompleteSender(kafka);
    try {
      await expect(
        sender.send(producer, [{ topic: `${testTopicNamespace()}complete-send-missing`, messages: [{ key: 'k', value: 'v' }] }]),
      ).rejects.toThrow();
    } finally {
      await sender.close();
      await producer.disconnect();
    }
  }, 60_000);
});
