import { MigrationHistory, type FoldCounts } from '../domain/history/migration-history';
import type { RegistrationFact } from '../domain/history/registration-fact';

export { MigrationHistory } from '../domain/history/migration-history';
export type { RegistrationFact } from '../domain/history/registration-fact';
export { KafkaReplaySource } from './kafka.source';
export { EventStoreReplaySource, COPY_SQL as EVENT_STORE_COPY_SQL } from './event-store.source';
export { STATISTICAL_EVENT_TYPES } from './stored-event.mapper';

/** Told, after each batch read, how many events were read of how many the consistent cut holds. */
export type ReplayProgress = (read: number, total: number) => void;

/**
 * Where a replay reads the registry's history from. A source reads a consistent cut — what the log or the
 * store held when the read began — and hands every statistical fact it finds to `sink`, in each worker's
 * stream order.
 */
export interface ReplaySource {
  readonly name: 'kafka' | 'event-store';
  read(sink: (fact: RegistrationFact) => void, progress: ReplayProgress): Promise<SourceCounts>;
}

export interface SourceCounts {
  /** Events read from the source (messages on the topic; rows of the statistical event types in the store). */
  readonly eventsRead: number;
  /** Messages or rows that could not be decoded: left out, and said so. */
  readonly undecodable: number;
}

export interface ReplayOptions {
  /** Leave out what the registry recorded after this instant: the history as it was known then. */
  readonly knownAt?: Date;
  readonly onProgress?: ReplayProgress;
}

export interface ReplayResult extends SourceCounts {
  /** The history folded into per-person, per-cycle facts: what the reports are computed from. */
  readonly facts: MigrationHistory;
  readonly fold: FoldCounts;
}

/** Replays a source into the compact history the reports are built from. The unit a benchmark times. */
export async function replay(source: ReplaySource, options: ReplayOptions = {}): Promise<ReplayResult> {
  const facts = new MigrationHistory(options.knownAt ? { knownAt: options.knownAt.getTime() } : {});
  const counts = await source.read((fact) => facts.apply(fact), options.onProgress ?? (() => undefined));
  return { facts, fold: facts.foldCounts, ...counts };
}
