import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from '@homeward/messaging';
import type { PartitionRange } from '@homeward/messaging/topic-reader';
import { encodeFoldState } from '../domain/history/fold-state';
import { MigrationHistory } from '../domain/history/migration-history';
import { foldRanges, type ReplayTopics } from './partitioned-replay';

/**
 * One member of a parallel replay, in a worker thread of its own: folds its partitions into a history of
 * its own and posts back the history's encoded state (transferred, not copied) with its counts.
 */
export interface FoldMemberData {
  readonly brokers: readonly string[];
  readonly topics: ReplayTopics;
  readonly ranges: readonly PartitionRange[];
  readonly knownAt?: number;
}

export type FoldMemberMessage =
  | { readonly type: 'progress'; readonly read: number; readonly total: number }
  | { readonly type: 'done'; readonly state: Uint8Array; readonly eventsRead: number; readonly undecodable: number }
  | { readonly type: 'failed'; readonly message: string };

async function work(data: FoldMemberData, post: (message: FoldMemberMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  try {
    const kafka = createKafka({ brokers: data.brokers, clientId: 'statistics-replay-member' });
    const history = new MigrationHistory(data.knownAt === undefined ? {} : { knownAt: data.knownAt });
    let posted = 0;
    const counts = await foldRanges(kafka, data.topics, data.ranges, history, (read, total) => {
      const now = Date.now();
      if (now - posted < 250 && read < total) return;
      posted = now;
      post({ type: 'progress', read, total });
    });
    const state = encodeFoldState(history.exportState());
    post({ type: 'done', state, ...counts }, [state.buffer as ArrayBuffer]);
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

if (parentPort && workerData) {
  const port = parentPort;
  void work(workerData as FoldMemberData, (message, transfer) => port.postMessage(message, transfer));
}
