import type { Kafka } from '@homeward/messaging';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';
import type { ReplayProgress, SourceCounts } from './replay-source';

/**
 * Another service's topic read from its beginning up to its end offsets when the read begins, beside
 * registration's history (whichever source that comes from): the skills topic for the skills tables, the
 * employment topic for the outcome, vacancy and referral tables. A topic that does not exist yet (its
 * service has not published) holds nothing: its tables are then all zeros. A message that cannot be
 * decoded is counted and left out; it never stops the report.
 */
export class FactTopicSource<F> {
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly decode: (bytes: Uint8Array) => F | undefined,
  ) {}

  async read(sink: (fact: F) => void, progress: ReplayProgress): Promise<SourceCounts> {
    if (!(await this.exists())) {
      progress(0, 0);
      return { eventsRead: 0, undecodable: 0 };
    }
    let undecodable = 0;
    const { messagesRead } = await readTopicsToEnd(this.kafka, {
      topics: [this.topic],
      onMessage: (message) => {
        if (!message.value) {
          undecodable++;
          return;
        }
        let fact: F | undefined;
        try {
          fact = this.decode(message.value);
        } catch {
          undecodable++;
          return;
        }
        if (fact !== undefined) sink(fact);
      },
      onProgress: progress,
    });
    return { eventsRead: messagesRead, undecodable };
  }

  private async exists(): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).includes(this.topic);
    } finally {
      await admin.disconnect();
    }
  }
}
