import type { Kafka } from '@homeward/messaging';
import type { PartitionRange } from '@homeward/messaging/topic-reader';
import { readTopicsToEnd } from '@homeward/messaging/topic-reader';
import type { MigrationHistory, HistoryFact } from '../domain/history/migration-history';
import { employmentFactFromMessage } from './employment-event.proto-mapper';
import { fundFactFromMessage } from './fund-event.proto-mapper';
import { factFromMessage } from './registration-event.proto-mapper';
import type { ReplayProgress, SourceCounts } from './replay-source';
import { skillsFactFromMessage } from './skills-event.proto-mapper';

/** The topics a replay folds, by what they hold: registration's always, the others when their tables are asked for. */
export interface ReplayTopics {
  readonly registration: string;
  readonly skills?: string;
  readonly employment?: string;
  readonly fund?: string;
}

/** The topics' names, registration's first; the scope a checkpoint is valid for. */
export function topicNames(topics: ReplayTopics): string[] {
  return [topics.registration, topics.skills, topics.employment, topics.fund].filter((t): t is string => t !== undefined);
}

function decoderFor(topics: ReplayTopics, topic: string): (bytes: Uint8Array) => HistoryFact | undefined {
  if (topic === topics.registration) return factFromMessage;
  if (topic === topics.skills) return skillsFactFromMessage;
  if (topic === topics.employment) return employmentFactFromMessage;
  if (topic === topics.fund) return fundFactFromMessage;
  throw new Error(`no decoder for topic ${topic}`);
}

/**
 * Folds the given partition ranges (of any of the topics, each from its start to its end) into `history`:
 * what a member of a parallel replay does with its partitions, and what a replay carrying on from a
 * checkpoint does with the tail. Messages that cannot be decoded are counted and left out.
 */
export async function foldRanges(
  kafka: Kafka,
  topics: ReplayTopics,
  ranges: readonly PartitionRange[],
  history: MigrationHistory,
  progress: ReplayProgress = () => undefined,
): Promise<SourceCounts> {
  const listed = [...new Set(ranges.map((r) => r.topic))];
  if (listed.length === 0) {
    progress(0, 0);
    return { eventsRead: 0, undecodable: 0 };
  }
  const decoders = new Map(listed.map((t) => [t, decoderFor(topics, t)]));
  let undecodable = 0;
  const { messagesRead } = await readTopicsToEnd(kafka, {
    topics: listed,
    ranges,
    onMessage: (message, topic) => {
      if (!message.value) {
        undecodable++;
        return;
      }
      let fact: HistoryFact | undefined;
      try {
        fact = decoders.get(topic)!(message.value);
      } catch {
        undecodable++;
        return;
      }
      if (fact) history.apply(fact);
    },
    onProgress: progress,
  });
  return { eventsRead: messagesRead, undecodable };
}

/**
 * Deals partitions out to `members` as a round-robin assignor would: partition p of every topic to member
 * p mod members. Which member folds a stream does not matter to the merged history; that each stream is
 * folded by one member does (a stream is in one partition).
 */
export function assign(ranges: readonly PartitionRange[], members: number): PartitionRange[][] {
  const out: PartitionRange[][] = Array.from({ length: members }, () => []);
  for (const r of ranges) out[r.partition % members]!.push(r);
  return out;
}
