import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from '@homeward/messaging';
import { createPool } from '@homeward/pg-kit';
import type { RenderOptions } from '../output/render-options';
import { EmploymentTopicSource, EventStoreReplaySource, FundTopicSource, KafkaReplaySource, SkillsTopicSource } from '../sources/replay';
import { FoldCheckpointStore } from '../persistence/fold-checkpoints';
import { scaledReplay } from '../sources/scaled-replay';
import { parseSpec, type ReportSpec } from './report-spec';
import { runReport, type ReportRun } from './run-report';

/**
 * A report job's replay, fold and rendering, in a worker thread of its own: the fold is synchronous work
 * on every event (seconds per fetched batch at national scale), which on the service's main thread would
 * hold up every HTTP request and health probe until the batch is done. The worker gets what it needs as
 * plain data, opens its own Kafka client and database pool, and posts progress, then the result.
 */

export interface ReportWorkerData {
  readonly request: ReportSpec;
  /** `topic`: registration's; `skillsTopic`, `employmentTopic`, `fundTopic`: the skills, employment and fund services'. */
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly skillsTopic: string;
    readonly employmentTopic: string;
    readonly fundTopic: string;
  };
  /** The registration event store, when the service is configured with it. */
  readonly eventStoreUrl?: string;
  readonly renderOptions: RenderOptions;
  /**
   * The Kafka replay at scale (issue 14), when configured: `members` worker threads for a full replay (0:
   * the plain replay in this thread) and the service's database for fold checkpoints (none: no checkpoints).
   */
  readonly scale?: { readonly members: number; readonly checkpointsUrl?: string };
}

export type ReportWorkerMessage =
  | { readonly type: 'progress'; readonly read: number; readonly total: number }
  | { readonly type: 'done'; readonly run: ReportRun }
  | { readonly type: 'failed'; readonly message: string };

/** Progress goes to the main thread at most this often: it only feeds a heartbeat written every second. */
const PROGRESS_EVERY_MS = 250;

async function work(data: ReportWorkerData, post: (message: ReportWorkerMessage) => void): Promise<void> {
  const kafka = createKafka({ brokers: data.kafka.brokers, clientId: 'statistics-report' });
  const eventStore = data.eventStoreUrl ? createPool(data.eventStoreUrl, { max: 2 }) : undefined;
  const checkpointPool = data.scale?.checkpointsUrl ? createPool(data.scale.checkpointsUrl, { max: 2 }) : undefined;
  const scale = data.scale;
  let posted = 0;
  try {
    const run = await runReport(parseSpec(data.request), {
      sourceFor: (name) => {
        if (name === 'kafka') return new KafkaReplaySource(kafka, [data.kafka.topic]);
        if (!eventStore) throw new Error('the event-store source is not configured (REGISTRATION_EVENTS_DATABASE_URL)');
        return new EventStoreReplaySource(eventStore);
      },
      skillsSource: () => new SkillsTopicSource(kafka, data.kafka.skillsTopic),
      employmentSource: () => new EmploymentTopicSource(kafka, data.kafka.employmentTopic),
      fundSource: () => new FundTopicSource(kafka, data.kafka.fundTopic),
      renderOptions: data.renderOptions,
      ...(scale && (scale.members > 0 || checkpointPool)
        ? {
            scaledKafka: (needs, knownAt, onProgress) =>
              scaledReplay({
                kafka,
                brokers: data.kafka.brokers,
                topics: {
                  registration: data.kafka.topic,
                  ...(needs.skills ? { skills: data.kafka.skillsTopic } : {}),
                  ...(needs.employment ? { employment: data.kafka.employmentTopic } : {}),
                  ...(needs.fund ? { fund: data.kafka.fundTopic } : {}),
                },
                ...(scale.members > 0 ? { members: scale.members } : {}),
                ...(checkpointPool ? { checkpoints: new FoldCheckpointStore(checkpointPool) } : {}),
                ...(knownAt ? { knownAt } : {}),
                onProgress,
              }),
          }
        : {}),
      onProgress: (read, total) => {
        const now = Date.now();
        if (now - posted < PROGRESS_EVERY_MS && read < total) return;
        posted = now;
        post({ type: 'progress', read, total });
      },
    });
    post({ type: 'done', run });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    await eventStore?.end();
    await checkpointPool?.end();
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  void work(workerData as ReportWorkerData, (message) => port.postMessage(message));
}
