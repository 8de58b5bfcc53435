import type { RegistrationFact } from '../domain/history/registration-fact';

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
