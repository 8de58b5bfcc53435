import type { Kafka } from '@homeward/messaging';
import type { EmploymentFact } from '../domain/history/employment-fact';
import { employmentFactFromMessage } from './employment-event.proto-mapper';
import { FactTopicSource } from './fact-topic.source';

/**
 * The employment topic (homeward.employment.events.v1, issue 12) from its beginning up to its end offsets
 * when the read begins: the history of the reintegration outcome, vacancy and referral tables, read beside
 * registration's. A topic that does not exist yet holds nothing: those tables are then all zeros (every
 * return of the cohort not placed).
 */
export class EmploymentTopicSource extends FactTopicSource<EmploymentFact> {
  constructor(kafka: Kafka, topic: string) {
    super(kafka, topic, employmentFactFromMessage);
  }
}
