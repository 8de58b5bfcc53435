import type { BuildStatus, ProjectionStatus } from './projection-status';

const round = (n: number): number => Math.round(n * 1000) / 1000;

const label = (value: string | number): string => String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string | number>): string =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

/** Prometheus text format (0.0.4) for the statuses of one or more projections. */
export function renderMetrics(statuses: readonly ProjectionStatus[]): string {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: string[]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
  };
  const builds = statuses.flatMap((s) => [s.serving, s.building].filter((b): b is BuildStatus => b !== undefined).map((b) => ({ s, b })));
  const base = (s: ProjectionStatus, b: BuildStatus) => ({ projection: s.projection, build: b.build, version: b.version, state: b.state });
  family(
    'homeward_projection_lag_messages',
    'gauge',
    'Messages on the topic partition not yet applied to the read model (end offset minus checkpoint).',
    builds.flatMap(({ s, b }) =>
      b.partitions.map(
        (p) => `homeward_projection_lag_messages${labels({ ...base(s, b), topic: p.topic, partition: p.partition })} ${p.lag}`,
      ),
    ),
  );
  family(
    'homeward_projection_newest_event_age_seconds',
    'gauge',
    'Seconds since the recorded-at time of the newest event the read model processed.',
    builds
      .filter(({ b }) => b.newestEventAgeSeconds !== undefined)
      .map(({ s, b }) => `homeward_projection_newest_event_age_seconds${labels(base(s, b))} ${round(b.newestEventAgeSeconds!)}`),
  );
  family(
    'homeward_projection_events_processed_total',
    'counter',
    'Events the build has read from its topics (kept or not).',
    builds.map(({ s, b }) => `homeward_projection_events_processed_total${labels(base(s, b))} ${b.eventsProcessed}`),
  );
  family(
    'homeward_projection_serving_version',
    'gauge',
    'Version of the build that serves queries (0 while none does).',
    statuses.map((s) => `homeward_projection_serving_version${labels({ projection: s.projection })} ${s.serving?.version ?? 0}`),
  );
  family(
    'homeward_projection_rebuilding',
    'gauge',
    '1 while a new build is being projected beside the serving one.',
    statuses.map((s) => `homeward_projection_rebuilding${labels({ projection: s.projection })} ${s.building ? 1 : 0}`),
  );
  return `${lines.join('\n')}\n`;
}
