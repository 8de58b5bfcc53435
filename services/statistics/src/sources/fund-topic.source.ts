import type { Kafka } from '@homeward/messaging';
import type { FundFact } from '../domain/history/fund-fact';
import { fundFactFromMessage } from './fund-event.proto-mapper';
import { FactTopicSource } from './fact-topic.source';

/**
 * The fund topic (homeward.fund.events.v1, issue 13) from its beginning up to its end offsets when the read
 * begins: the history of the fund tables, read beside registration's. A topic that does not exist yet holds
 * nothing: the fund tables are then all zeros. An undecodable message is counted and left out.
 */
export class FundTopicSource extends FactTopicSource<FundFact> {
  constructor(kafka: Kafka, topic: string) {
    super(kafka, topic, fundFactFromMessage);
  }
}
