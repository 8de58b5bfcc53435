import type { Kafka } from '@homeward/messaging';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';
import type { RegistrationFact } from '../domain/history/registration-fact';
import { factFromMessage } from './registration-event.proto-mapper';
import type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';

/**
 * The registration topic(s) from their beginning up to the end offsets they had when the replay began:
 * the log statisticians are given, read as a consistent cut. Messages are protobuf `RegistrationEvent`s;
 * those whose event carries nothing statistical are read past without being decoded.
 */
export class KafkaReplaySource implements ReplaySource {
  readonly name = 'kafka' as const;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: readonly string[],
  ) {}

  async read(sink: (fact: RegistrationFact) => void, progress: ReplayProgress): Promise<SourceCounts> {
    let undecodable = 0;
    const { messagesRead } = await readTopicsToEnd(this.kafka, {
      topics: this.topics,
      onMessage: (message) => {
        if (!message.value) {
          undecodable++;
          return;
        }
        let fact: RegistrationFact | undefined;
        try {
          fact = factFromMessage(message.value);
        } catch {
          undecodable++;
          return;
        }
        if (fact) sink(fact);
      },
      onProgress: progress,
    });
    return { eventsRead: messagesRead, undecodable };
  }
}
