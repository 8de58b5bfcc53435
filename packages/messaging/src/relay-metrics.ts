import { Counter, Gauge, Registry } from 'prom-client';
import type { QuarantinedStream } from './relay-quarantine';

/** What `/health/ready` and `/metrics` say of a relay. */
export interface RelayStatus {
  readonly reader: string;
  /** The error of the last failed attempt, while the relay has not succeeded since. */
  readonly failing: unknown;
  /** Events committed after the checkpoint (held events are behind it and not counted here). */
  readonly unpublishedEvents: number;
  readonly oldestUnpublishedAt: Date | undefined;
  readonly quarantined: readonly QuarantinedStream[];
}

/**
 * One read of `read` for all the collectors of one scrape: prom-client collects every metric of a registry
 * at once, and each would otherwise ask the database for the same status.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (!inFlight) {
      inFlight = read();
      const forget = () => setImmediate(() => (inFlight = undefined));
      inFlight.then(forget, forget);
    }
    return inFlight;
  };
}

/** A gauge whose samples are computed at each scrape from `samples`. */
export function computedGauge<T, L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  source: () => Promise<T>,
  samples: (status: T) => readonly (readonly [Record<L, string | number>, number])[],
): void {
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const status = await source();
      this.reset();
      for (const [labels, value] of samples(status)) this.set(labels as never, value);
    },
  });
}

/** A counter whose (absolute, ever-growing) values are read at each scrape from `samples`. */
export function computedCounter<T, L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  source: () => Promise<T>,
  samples: (status: T) => readonly (readonly [Record<L, string | number>, number])[],
): void {
  new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      const status = await source();
      this.reset();
      for (const [labels, value] of samples(status)) this.inc(labels as never, value);
    },
  });
}

const seconds = (ms: number): number => Math.round(Math.max(0, ms)) / 1000;

/**
 * A relay's metrics (prom-client): what it has not published yet, what it holds back in quarantine, and
 * whether it is failing. `homeward_relay_quarantined_streams > 0` is the alert to page on: the relay goes
 * on publishing other streams and stays ready, so nothing else would.
 */
export function registerRelayMetrics(registry: Registry, status: () => Promise<RelayStatus>): void {
  const read = oncePerScrape(status);
  const one = (value: (s: RelayStatus) => number) => (s: RelayStatus) => [[{ reader: s.reader }, value(s)] as const];
  computedGauge(
    registry,
    'homeward_relay_unpublished_events',
    'Events committed after the relay checkpoint, not yet on Kafka.',
    ['reader'],
    read,
    one((s) => s.unpublishedEvents),
  );
  computedGauge(
    registry,
    'homeward_relay_oldest_unpublished_age_seconds',
    'Seconds the oldest unpublished event has waited (0 when none waits).',
    ['reader'],
    read,
    one((s) => (s.oldestUnpublishedAt ? seconds(Date.now() - s.oldestUnpublishedAt.getTime()) : 0)),
  );
  computedGauge(
    registry,
    'homeward_relay_quarantined_streams',
    'Streams held back because one of their events cannot be published; each needs an operator.',
    ['reader'],
    read,
    one((s) => s.quarantined.length),
  );
  computedGauge(
    registry,
    'homeward_relay_held_events',
    'Events held back in quarantine, of all quarantined streams.',
    ['reader'],
    read,
    one((s) => s.quarantined.reduce((n, q) => n + q.heldEvents, 0)),
  );
  computedGauge(
    registry,
    'homeward_relay_quarantined_since_seconds',
    'Per quarantined stream: seconds since it was quarantined.',
    ['reader', 'stream', 'event_type'],
    read,
    (s) =>
      s.quarantined.map(
        (q) => [{ reader: s.reader, stream: q.streamId, event_type: q.eventType }, seconds(Date.now() - q.since.getTime())] as const,
      ),
  );
  computedGauge(
    registry,
    'homeward_relay_failing',
    '1 while the relay fails to publish at all (Kafka or the database unreachable, too many quarantined streams).',
    ['reader'],
    read,
    one((s) => (s.failing === undefined ? 0 : 1)),
  );
}

/** Prometheus text exposition of a relay's status alone (what `EventRelay.metrics()` answers). */
export async function renderRelayMetrics(status: RelayStatus): Promise<string> {
  const registry = new Registry();
  registerRelayMetrics(registry, () => Promise.resolve(status));
  return registry.metrics();
}
