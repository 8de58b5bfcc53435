import { MigrationHistory, type FoldCounts } from '../domain/history/migration-history';
import type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';
import type { SkillsTopicSource } from './skills-topic.source';

export { MigrationHistory } from '../domain/history/migration-history';
export type { RegistrationFact } from '../domain/history/registration-fact';
export { KafkaReplaySource } from './kafka.source';
export { SkillsTopicSource } from './skills-topic.source';
export { EventStoreReplaySource, COPY_SQL as EVENT_STORE_COPY_SQL } from './event-store.source';
export { STATISTICAL_EVENT_TYPES } from './stored-event.mapper';
export type { ReplayProgress, ReplaySource, SourceCounts } from './replay-source';

export interface ReplayOptions {
  /** Leave out what the registry recorded after this instant: the history as it was known then. */
  readonly knownAt?: Date;
  readonly onProgress?: ReplayProgress;
  /** The skills topic, read after the registration history and folded into the same history (the skills tables). */
  readonly skills?: SkillsTopicSource;
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
  const counts = await source.read((fact) => facts.apply(fact), progress);
  if (!options.skills) return { facts, fold: facts.foldCounts, ...counts };
  // The fold does not depend on the order the two histories come in: skills facts join registration's by
  // worker id when the report is built.
  const skills = await options.skills.read(
    (fact) => facts.apply(fact),
    (read, total) => progress(counts.eventsRead + read, counts.eventsRead + total),
  );
  return {
    facts,
    fold: facts.foldCounts,
    eventsRead: counts.eventsRead + skills.eventsRead,
    undecodable: counts.undecodable + skills.undecodable,
  };
}
