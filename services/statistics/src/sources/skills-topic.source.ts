import type { Kafka } from '@homeward/messaging';
import type { SkillsFact } from '../domain/history/skills-fact';
import { FactTopicSource } from './fact-topic.source';
import { skillsFactFromMessage } from './skills-event.proto-mapper';

/**
 * The skills topic (homeward.skills.events.v1) from its beginning up to its end offsets when the read
 * begins: the history of the skills tables, read beside registration's (whichever source that comes from:
 * the skills service's own store is not offered). A topic that does not exist yet — no skills service has
 * published — holds nothing, and the skills tables are then all zeros.
 */
export class SkillsTopicSource extends FactTopicSource<SkillsFact> {
  constructor(kafka: Kafka, topic: string) {
    super(kafka, topic, skillsFactFromMessage);
  }
}
