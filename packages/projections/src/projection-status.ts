import type { PartitionLag } from '@homeward/messaging/consumer';
import type { BuildRow } from './builds';

/** What the projection host reports of a build: readiness, the admin endpoint and the metrics are made of it. */
export interface BuildStatus {
  readonly build: number;
  readonly version: number;
  readonly state: BuildRow['state'];
  readonly schema: string;
  readonly consumerGroup: string;
  readonly reason: string;
  readonly startedAt: string;
  readonly servingSince?: string;
  /** Messages on the topics not yet applied: the sum over partitions, and each partition. */
  readonly lag: number;
  readonly partitions: readonly PartitionLag[];
  /** Recorded-at of the newest event the build processed, and its age in seconds. */
  readonly newestEventAt?: string;
  readonly newestEventAgeSeconds?: number;
  readonly eventsProcessed: number;
  readonly eventsApplied: number;
  /** Whether this process runs the build's consumer. */
  readonly consumingHere: boolean;
}

export interface ProjectionStatus {
  readonly projection: string;
  /** The version this release projects and reads. */
  readonly codeVersion: number;
  readonly serving?: BuildStatus;
  readonly building?: BuildStatus;
  /** Set when a newer release serves: this one projects nothing and reads nothing. */
  readonly outdated?: string;
}
