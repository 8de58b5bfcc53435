import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * The bookkeeping of versioned read models, in the public schema of the read model's database:
 *
 * - `projection_builds`: every build of every projection. A build is one projection version projected
 *   from offset zero into a schema of its own by a consumer group of its own. It moves
 *   building → serving → superseded → retired, or building → abandoned → retired (a newer build replaced it
 *   before it caught up). At most one build per projection is serving and at most one is building.
 * - `projection_serving`: the pointer queries follow. Swapping builds is one transaction that moves it.
 */
export const projectionMigrations: readonly Migration[] = [
  {
    id: '0001_projection_builds',
    sql: `
      CREATE TABLE projection_builds (
        projection text NOT NULL,
        build integer NOT NULL,
        version integer NOT NULL,
        schema_name text NOT NULL UNIQUE,
        consumer_group text NOT NULL UNIQUE,
        state text NOT NULL CHECK (state IN ('building', 'serving', 'superseded', 'abandoned', 'retired')),
        reason text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        caught_up_at timestamptz,
        serving_since timestamptz,
        ended_at timestamptz,
        dropped_at timestamptz,
        PRIMARY KEY (projection, build)
      );
      CREATE UNIQUE INDEX projection_builds_one_serving ON projection_builds (projection) WHERE state = 'serving';
      CREATE UNIQUE INDEX projection_builds_one_building ON projection_builds (projection) WHERE state = 'building';
      CREATE TABLE projection_serving (
        projection text PRIMARY KEY,
        build integer NOT NULL,
        version integer NOT NULL,
        schema_name text NOT NULL,
        swapped_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/** Tables the machinery keeps inside every build's schema, beside the model's own. */
export const buildBookkeeping: readonly string[] = [
  // The version of each stream the model holds: an event at or below it was applied already.
  `CREATE TABLE projection_streams (stream_id text PRIMARY KEY, version bigint NOT NULL)`,
  // Per partition: the newest event processed (its recorded-at) and counts, for lag and metrics.
  `CREATE TABLE projection_progress (
     topic text NOT NULL,
     partition integer NOT NULL,
     newest_event_at timestamptz,
     processed bigint NOT NULL DEFAULT 0,
     applied bigint NOT NULL DEFAULT 0,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (topic, partition)
   )`,
];

export type BuildState = 'building' | 'serving' | 'superseded' | 'abandoned' | 'retired';

export interface BuildRow {
  readonly projection: string;
  readonly build: number;
  readonly version: number;
  readonly schemaName: string;
  readonly consumerGroup: string;
  readonly state: BuildState;
  readonly reason: string;
  readonly startedAt: Date;
  readonly caughtUpAt: Date | null;
  readonly servingSince: Date | null;
}

export const BUILD_COLUMNS = `projection, build, version, schema_name AS "schemaName", consumer_group AS "consumerGroup", state, reason,
  started_at AS "startedAt", caught_up_at AS "caughtUpAt", serving_since AS "servingSince"`;

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

export function assertProjectionName(name: string): void {
  if (!NAME.test(name)) throw new Error(`projection name "${name}" must be lower-case letters, digits and dashes (at most 40)`);
}

/** e.g. mission_view_sa_v3_b7: the version the code projects and the build that projected it. */
export const schemaNameFor = (projection: string, version: number, build: number): string =>
  `${projection.replace(/-/g, '_')}_v${version}_b${build}`;

/** Unique per build (and per database, through the token), so no stale Kafka offsets can ever apply to a fresh schema. */
export const consumerGroupFor = (namespace: string, projection: string, version: number, build: number, token: string): string =>
  `${namespace}homeward.projection.${projection}.v${version}.b${build}.${token}`;

/** Double-quoted identifier; the names above never need escaping, but a quote would be doubled. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Advisory-lock class of readers of a projection's serving schema (two-key form; the second key is lockKey(name)). */
export const READERS_LOCK_CLASS = 0x68770001;
/** Advisory-lock class for creating builds. */
export const BUILDS_LOCK_CLASS = 0x68770002;

/** A stable 32-bit key for a projection name (FNV-1a), for advisory locks. */
export function lockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
