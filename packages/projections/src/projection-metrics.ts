import { Registry } from 'prom-client';
import { computedCounter, computedGauge, oncePerScrape } from '@homeward/messaging/relay-metrics';
import type { BuildStatus, ProjectionStatus } from './projection-status';

const round = (n: number): number => Math.round(n * 1000) / 1000;

type Build = { readonly s: ProjectionStatus; readonly b: BuildStatus };
const buildsOf = (statuses: readonly ProjectionStatus[]): Build[] =>
  statuses.flatMap((s) => [s.serving, s.building].filter((b): b is BuildStatus => b !== undefined).map((b) => ({ s, b })));
const base = ({ s, b }: Build) => ({ projection: s.projection, build: b.build, version: b.version, state: b.state });
const BASE = ['projection', 'build', 'version', 'state'] as const;

/** The metrics (prom-client) of one or more projections, read from their statuses at each scrape. */
export function registerProjectionMetrics(registry: Registry, statuses: () => Promise<readonly ProjectionStatus[]>): void {
  const read = oncePerScrape(statuses);
  computedGauge(
    registry,
    'homeward_projection_lag_messages',
    'Messages on the topic partition not yet applied to the read model (end offset minus checkpoint).',
    [...BASE, 'topic', 'partition'],
    read,
    (all) =>
      buildsOf(all).flatMap((build) =>
        build.b.partitions.map((p) => [{ ...base(build), topic: p.topic, partition: p.partition }, p.lag] as const),
      ),
  );
  computedGauge(
    registry,
    'homeward_projection_newest_event_age_seconds',
    'Seconds since the recorded-at time of the newest event the read model processed.',
    BASE,
    read,
    (all) =>
      buildsOf(all)
        .filter(({ b }) => b.newestEventAgeSeconds !== undefined)
        .map((build) => [base(build), round(build.b.newestEventAgeSeconds!)] as const),
  );
  computedCounter(
    registry,
    'homeward_projection_events_processed_total',
    'Events the build has read from its topics (kept or not).',
    BASE,
    read,
    (all) => buildsOf(all).map((build) => [base(build), build.b.eventsProcessed] as const),
  );
  computedGauge(
    registry,
    'homeward_projection_serving_version',
    'Version of the build that serves queries (0 while none does).',
    ['projection'],
    read,
    (all) => all.map((s) => [{ projection: s.projection }, s.serving?.version ?? 0] as const),
  );
  computedGauge(
    registry,
    'homeward_projection_rebuilding',
    '1 while a new build is being projected beside the serving one.',
    ['projection'],
    read,
    (all) => all.map((s) => [{ projection: s.projection }, s.building ? 1 : 0] as const),
  );
}

/** Prometheus text format (0.0.4) for the statuses of one or more projections. */
export async function renderMetrics(statuses: readonly ProjectionStatus[]): Promise<string> {
  const registry = new Registry();
  registerProjectionMetrics(registry, () => Promise.resolve(statuses));
  return registry.metrics();
}
