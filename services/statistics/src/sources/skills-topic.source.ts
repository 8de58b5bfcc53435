import type { Kafka } from '@homeward/messaging';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';
import type { SkillsFact } from '../domain/history/skills-fact';
import type { ReplayProgress, SourceCounts } from './replay-source';
import { skillsFactFromMessage } from './skills-event.proto-mapper';

/**
 * The skills topic (homeward.skills.events.v1) from its beginning up to its end offsets when the read
 * begins: the history of the skills tables, read beside registration's (whichever source that comes from:
 * the skills service's own store is not offered). A topic that does not exist yet — no skills service has
 * published — holds nothing, and the skills tables are then all zeros.
 */
export class SkillsTopicSource {
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async read(sink: (fact: SkillsFact) => void, progress: ReplayProgress): Promise<SourceCounts> {
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
        let fact: SkillsFact | undefined;
        try {
          fact = skillsFactFromMessage(message.value);
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
