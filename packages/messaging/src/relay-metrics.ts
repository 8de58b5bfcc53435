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

const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Prometheus text format (0.0.4) for a relay: what it has not published yet, what it holds back in
 * quarantine, and whether it is failing. `homeward_relay_quarantined_streams > 0` is the alert to page on:
 * the relay goes on publishing other streams and stays ready, so nothing else would.
 */
export function renderRelayMetrics(status: RelayStatus): string {
  const reader = `reader="${label(status.reader)}"`;
  const lines: string[] = [];
  const family = (name: string, help: string, samples: string[]) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples);
  family('homeward_relay_unpublished_events', 'Events committed after the relay checkpoint, not yet on Kafka.', [
    `homeward_relay_unpublished_events{${reader}} ${status.unpublishedEvents}`,
  ]);
  const age = status.oldestUnpublishedAt ? Math.max(0, (Date.now() - status.oldestUnpublishedAt.getTime()) / 1000) : 0;
  family('homeward_relay_oldest_unpublished_age_seconds', 'Seconds the oldest unpublished event has waited (0 when none waits).', [
    `homeward_relay_oldest_unpublished_age_seconds{${reader}} ${Math.round(age * 1000) / 1000}`,
  ]);
  family(
    'homeward_relay_quarantined_streams',
    'Streams held back because one of their events cannot be published; each needs an operator.',
    [`homeward_relay_quarantined_streams{${reader}} ${status.quarantined.length}`],
  );
  family('homeward_relay_held_events', 'Events held back in quarantine, of all quarantined streams.', [
    `homeward_relay_held_events{${reader}} ${status.quarantined.reduce((n, q) => n + q.heldEvents, 0)}`,
  ]);
  family(
    'homeward_relay_quarantined_since_seconds',
    'Per quarantined stream: seconds since it was quarantined.',
    status.quarantined.map(
      (q) =>
        `homeward_relay_quarantined_since_seconds{${reader},stream="${label(q.streamId)}",event_type="${label(q.eventType)}"} ${Math.max(
          0,
          Math.round(Date.now() - q.since.getTime()) / 1000,
        )}`,
    ),
  );
  family(
    'homeward_relay_failing',
    '1 while the relay fails to publish at all (Kafka or the database unreachable, too many quarantined streams).',
    [`homeward_relay_failing{${reader}} ${status.failing === undefined ? 0 : 1}`],
  );
  return `${lines.join('\n')}\n`;
}
