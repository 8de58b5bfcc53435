import type { Kafka } from '@homeward/messaging';
import { partitionRanges, type PartitionRange } from '@homeward/messaging/topic-reader';
import { decodeFoldState, encodeFoldState, FOLD_VERSION } from '../domain/history/fold-state';
import { MigrationHistory } from '../domain/history/migration-history';
import type { FoldCheckpointStore } from '../persistence/fold-checkpoints';
import { replayInParallel } from './parallel-replay';
import { foldRanges, topicNames, type ReplayTopics } from './partitioned-replay';
import type { ReplayResult } from './replay';
import type { ReplayProgress } from './replay-source';

// What a benchmark of the scaled replay needs beside it (bench/statistics-scale.bench.ts).
export { FoldCheckpointStore } from '../persistence/fold-checkpoints';
export { statisticsMigrations } from '../persistence/migrations';
export { buildReport } from '../domain/reports/build-report';
export { parsePeriod } from '../domain/reports/period';
export { render } from '../output/render';
export { decodeFoldState, encodeFoldState } from '../domain/history/fold-state';
export { MigrationHistory } from '../domain/history/migration-history';

export interface ScaledReplayOptions {
  readonly kafka: Kafka;
  readonly brokers: readonly string[];
  readonly topics: ReplayTopics;
  /** Worker threads a full replay is spread over (1: one thread of its own); by default it folds in this thread. */
  readonly members?: number;
  /** Where checkpoints are read from and saved to; none: every report replays from the beginning. */
  readonly checkpoints?: FoldCheckpointStore;
  /** Save a checkpoint when the fold allows it (default true when `checkpoints` is given). */
  readonly saveCheckpoint?: boolean;
  readonly knownAt?: Date;
  readonly onProgress?: ReplayProgress;
}

export interface ScaledReplayResult extends ReplayResult {
  /** The checkpoint carried on from, if one was. */
  readonly fromCheckpoint?: string;
  /** The checkpoint saved at the end, if one was. */
  readonly savedCheckpoint?: string;
  /** Events folded by this replay (the tail, after a checkpoint). */
  readonly eventsFolded: number;
  /** Parallel members: the time spent decoding and merging their states, in the main thread. */
  readonly mergeSeconds?: number;
}

async function existing(kafka: Kafka, topics: readonly string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const listed = new Set(await admin.listTopics());
    return topics.filter((t) => listed.has(t));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The Kafka replay at national scale (issue 14): the cut is every topic's end offsets when the replay
 * begins, as for a plain replay. If a checkpoint valid for the report's cut-off exists (see
 * FoldCheckpointStore for the rule), its state is restored and only the messages from its offsets to the
 * cut are folded; otherwise the whole cut is folded, by `members` worker threads each folding its
 * partitions, merged into one history. The reports are byte-identical to a single full replay's
 * (application/fold-scale.unit.spec.ts, test/scaled-replay.int.spec.ts).
 *
 * The tail after a checkpoint is folded in this thread: a day's events are few, and the restored state
 * cannot be shared out to members (a worker's stream may continue in the tail).
 *
 * A fold that left nothing out by the cut-off is the fold of the whole log below the cut: it is saved as a
 * checkpoint at the cut's offsets, valid from the latest recorded-at folded.
 */
export async function scaledReplay(options: ScaledReplayOptions): Promise<ScaledReplayResult> {
  const knownAt = options.knownAt?.getTime();
  const historyOptions = knownAt === undefined ? {} : { knownAt };
  const progress = options.onProgress ?? (() => undefined);
  const scope = topicNames(options.topics).join(',');
  const cut = await partitionRanges(options.kafka, await existing(options.kafka, topicNames(options.topics)));

  const checkpoint = await options.checkpoints?.latestUsable(FOLD_VERSION, scope, knownAt);
  let tail: PartitionRange[] | undefined;
  if (checkpoint) {
    const offsets = new Map(checkpoint.offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
    const ranges = cut.map((r) => ({ ...r, start: offsets.get(`${r.topic}\u0000${r.partition}`) ?? r.start }));
    // A checkpoint past the log's end, or before its retained start, is of another log (a topic recreated).
    const fits =
      ranges.every((r, n) => r.start <= r.end && r.start >= cut[n]!.start) &&
      checkpoint.offsets.every((o) => cut.some((r) => r.topic === o.topic && r.partition === o.partition));
    if (fits) tail = ranges;
  }

  let facts: MigrationHistory;
  let eventsRead: number;
  let undecodable: number;
  let eventsFolded: number;
  let mergeSeconds: number | undefined;
  if (checkpoint && tail) {
    facts = MigrationHistory.fromState(decodeFoldState(checkpoint.state), historyOptions);
    const read = await foldRanges(options.kafka, options.topics, tail, facts, (n, total) =>
      progress(checkpoint.eventsRead + n, checkpoint.eventsRead + total),
    );
    eventsRead = checkpoint.eventsRead + read.eventsRead;
    undecodable = checkpoint.undecodable + read.undecodable;
    eventsFolded = read.eventsRead;
  } else if (options.members !== undefined) {
    const replayed = await replayInParallel(
      { brokers: options.brokers, topics: options.topics, members: options.members ?? 1, ...(knownAt === undefined ? {} : { knownAt }) },
      cut,
      progress,
    );
    ({ facts, eventsRead, undecodable, mergeSeconds } = replayed);
    eventsFolded = eventsRead;
  } else {
    facts = new MigrationHistory(historyOptions);
    ({ eventsRead, undecodable } = await foldRanges(options.kafka, options.topics, cut, facts, progress));
    eventsFolded = eventsRead;
  }

  let savedCheckpoint: string | undefined;
  const changed = !checkpoint || !tail || eventsFolded > 0;
  if (options.checkpoints && options.saveCheckpoint !== false && facts.foldCounts.notYetKnown === 0 && changed) {
    savedCheckpoint = await options.checkpoints.save({
      foldVersion: FOLD_VERSION,
      scope,
      offsets: cut.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.end })),
      recordedUntil: facts.recordedUntil ?? null,
      eventsRead,
      undecodable,
      state: encodeFoldState(facts.exportState()),
    });
  }
  return {
    facts,
    fold: facts.foldCounts,
    eventsRead,
    undecodable,
    eventsFolded,
    ...(mergeSeconds === undefined ? {} : { mergeSeconds }),
    ...(checkpoint && tail ? { fromCheckpoint: checkpoint.id } : {}),
    ...(savedCheckpoint ? { savedCheckpoint } : {}),
  };
}
