import { testKafka, testTopicNamespace } from '@homeward/testing/infrastructure';
import { ensureTopics } from '@homeward/messaging';
import { partitionRanges, readTopicsToEnd } from '@homeward/messaging/topic-reader';

// Real Kafka: a replay reads a consistent cut of a topic — everything up to the end offsets taken when it
// began, each message once, in order within each partition — and nothing written after.

const kafka = testKafka('topic-reader-test');

async function produce(topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 7}`, value: String(from + i) })),
  });
  await producer.disconnect();
}

describe('reading topics up to their end offsets', () => {
  it('reads exactly the cut it was given, in order within each partition, and nothing written after it', async () => {
    const topic = `${testTopicNamespace()}replay`;
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    await produce(topic, 0, 300);
    const cut = await partitionRanges(kafka, [topic]);
    expect(cut.reduce((n, r) => n + r.end - r.start, 0)).toBe(300);
    await produce(topic, 300, 50);

    const read = new Map<number, number[]>();
    const progress: [number, number][] = [];
    const result = await readTopicsToEnd(kafka, {
      topics: [topic],
      ranges: cut,
      onMessage: (message, _topic, partition) => read.set(partition, [...(read.get(partition) ?? []), Number(message.value!.toString())]),
      onProgress: (done, total) => progress.push([done, total]),
    });

    expect(result.messagesRead).toBe(300);
    const all = [...read.values()].flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Produced in ascending order, so each partition's messages must come ascending too.
    for (const values of read.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(progress[0]).toEqual([0, 300]);
    expect(progress[progress.length - 1]).toEqual([300, 300]);
  });

  it('reads only the partitions listed, each from its start (a member of a parallel replay, a tail after a checkpoint)', async () => {
    const topic = `${testTopicNamespace()}replay-part`;
    await ensureTopics(kafka, [{ topic, partitions: 3 }]);
    await produce(topic, 0, 300);
    const cut = await partitionRanges(kafka, [topic]);
    const [first, second] = cut as [(typeof cut)[0], (typeof cut)[0]];
    const ranges = [{ ...first, start: Math.floor(first.end / 2) }, second];
    const read = new Map<number, number[]>();
    const result = await readTopicsToEnd(kafka, {
      topics: [topic],
      ranges,
      onMessage: (message, _topic, partition) => read.set(partition, [...(read.get(partition) ?? []), Number(message.offset)]),
    });
    const expected = ranges.reduce((n, r) => n + r.end - r.start, 0);
    expect(result.messagesRead).toBe(expected);
    expect([...read.keys()].sort()).toEqual([first.partition, second.partition].sort());
    expect(read.get(first.partition)).toEqual(Array.from({ length: first.end - ranges[0]!.start }, (_, i) => ranges[0]!.start + i));
    expect(read.get(second.partition)).toEqual(Array.from({ length: second.end - second.start }, (_, i) => second.start + i));
  });

  it('takes the cut itself when none is given, and is done at once on an empty topic', async () => {
    const topic = `${testTopicNamespace()}replay-empty`;
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    expect(await readTopicsToEnd(kafka, { topics: [topic], onMessage: () => undefined })).toMatchObject({ messagesRead: 0 });
    await produce(topic, 0, 10);
    expect((await readTopicsToEnd(kafka, { topics: [topic], onMessage: () => undefined })).messagesRead).toBe(10);
  });

  it('reads a partition longer than one fetch to its end', async () => {
    const topic = `${testTopicNamespace()}long`;
    await ensureTopics(kafka, [{ topic, partitions: 1 }]);
    // Sent one by one: many small record batches, of which a fetch of 2 KiB holds only a few.
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 60; i++)
      await producer.send({ topic, messages: [{ key: 'k', value: `${String(i).padStart(3, '0')}${'x'.repeat(200)}` }] });
    await producer.disconnect();
    const seen: number[] = [];
    const result = await readTopicsToEnd(kafka, {
      topics: [topic],
      maxBytes: 2048,
      maxBytesPerPartition: 2048,
      onMessage: (message) => seen.push(Number(message.value!.toString().slice(0, 3))),
    });
    expect(result.messagesRead).toBe(60);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i));
  }, 30_000);
});
