import { MigrationHistory, type FoldCounts } from '../domain/history/migration-history';
import type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';
import type { EmploymentTopicSource } from './employment-topic.source';
import type { SkillsTopicSource } from './skills-topic.source';
import type { FundTopicSource } from './fund-topic.source';

export { MigrationHistory } from '../domain/history/migration-history';
export type { RegistrationFact } from '../domain/history/registration-fact';
export { KafkaReplaySource } from './kafka.source';
export { SkillsTopicSource } from './skills-topic.source';
export { EmploymentTopicSource } from './employment-topic.source';
export { FundTopicSource } from './fund-topic.source';
export { EventStoreReplaySource, COPY_SQL as EVENT_STORE_COPY_SQL } from './event-store.source';
export { STATISTICAL_EVENT_TYPES } from './stored-event.mapper';
export type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';

export interface ReplayOptions {
  /** Leave out what the registry recorded after this instant: the history as it was known then. */
  readonly knownAt?: Date;
  readonly onProgress?: ReplayProgress;
  /** The skills topic, read after the registration history and folded into the same history (the skills tables). */
  readonly skills?: SkillsTopicSource;
  /** The employment topic, read after the others into the same history (the outcome, vacancy and referral tables). */
  readonly employment?: EmploymentTopicSource;
  /** The fund topic, read after the others into the same history (the fund tables). */
  readonly fund?: FundTopicSource;
}

export interface ReplayResult extends SourceCounts {
  /** The history folded into per-person, per-cycle facts: what the reports are computed from. */
  readonly facts: MigrationHistory;
  readonly fold: FoldCounts;
}

/** Replays a source into the compact history the reports are built from. The unit a benchmark times. */
export async function replay(source: ReplaySource, options: ReplayOptions = {}): Promise<ReplayResult> {
  const facts = new MigrationHistory(options.knownAt ? { knownAt: options.knownAt.getTime() } : {});
  const progress = options.onProgress ?? (() => undefined);
  let counts: SourceCounts = await source.read((fact) => facts.apply(fact), progress);
  // The fold does not depend on the order the histories come in: the other topics' facts join
  // registration's by worker id when the report is built.
  for (const topic of [options.skills, options.employment, options.fund]) {
    if (!topic) continue;
    const before = counts;
    const read = await topic.read(
      (fact) => facts.apply(fact),
      (n, total) => progress(before.eventsRead + n, before.eventsRead + total),
    );
    counts = { eventsRead: before.eventsRead + read.eventsRead, undecodable: before.undecodable + read.undecodable };
  }
  return { facts, fold: facts.foldCounts, ...counts };
}
