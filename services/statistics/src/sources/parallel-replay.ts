import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PartitionRange } from '@homeward/messaging/topic-reader';
import { decodeFoldState } from '../domain/history/fold-state';
import { MigrationHistory } from '../domain/history/migration-history';
import type { FoldMemberData, FoldMemberMessage } from './fold-member.worker';
import { assign, type ReplayTopics } from './partitioned-replay';
import type { ReplayProgress, SourceCounts } from './replay-source';

const WORKER_FILE = join(__dirname, `fold-member.worker${extname(__filename)}`);

function startWorker(data: FoldMemberData): Worker {
  if (!WORKER_FILE.endsWith('.ts')) return new Worker(WORKER_FILE, { workerData: data });
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(WORKER_FILE)});`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: ['--conditions=@homeward/source'] });
}

function runMember(data: FoldMemberData, progress: (read: number, total: number) => void) {
  return new Promise<{ state: Uint8Array } & SourceCounts>((resolve, reject) => {
    const worker = startWorker(data);
    let settled = false;
    const settle = (outcome: { done: { state: Uint8Array } & SourceCounts } | { error: Error }) => {
      if (settled) return;
      settled = true;
      if ('done' in outcome) resolve(outcome.done);
      else reject(outcome.error);
      void worker.terminate();
    };
    worker.on('message', (m: FoldMemberMessage) => {
      if (m.type === 'progress') progress(m.read, m.total);
      else if (m.type === 'done') settle({ done: { state: m.state, eventsRead: m.eventsRead, undecodable: m.undecodable } });
      else settle({ error: new Error(m.message) });
    });
    worker.on('error', (error) => settle({ error }));
    worker.on('exit', (code) => settle({ error: new Error(`a replay member stopped (exit code ${code}) without its fold`) }));
  });
}

/**
 * A replay of the cut `ranges` by `members` worker threads, each folding the partitions `assign` deals it
 * (its own Kafka client), merged in member order into one history: the history one fold of every partition
 * gives (MigrationHistory.absorb), so the reports are byte-identical to a single replay's.
 */
export async function replayInParallel(
  options: { readonly brokers: readonly string[]; readonly topics: ReplayTopics; readonly members: number; readonly knownAt?: number },
  ranges: readonly PartitionRange[],
  progress: ReplayProgress = () => undefined,
): Promise<{ facts: MigrationHistory; mergeSeconds: number } & SourceCounts> {
  const shares = assign(ranges, Math.max(1, options.members));
  const read = shares.map(() => 0);
  const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  progress(0, total);
  const results = await Promise.all(
    shares.map((share, m) =>
      runMember(
        {
          brokers: options.brokers,
          topics: options.topics,
          ranges: share,
          ...(options.knownAt === undefined ? {} : { knownAt: options.knownAt }),
        },
        (n) => {
          read[m] = n;
          progress(
            read.reduce((a, b) => a + b, 0),
            total,
          );
        },
      ),
    ),
  );
  const knownAt = options.knownAt === undefined ? {} : { knownAt: options.knownAt };
  const facts = new MigrationHistory(knownAt);
  const merging = performance.now();
  for (const r of results) facts.absorb(MigrationHistory.fromState(decodeFoldState(r.state), knownAt));
  return {
    facts,
    mergeSeconds: (performance.now() - merging) / 1000,
    eventsRead: results.reduce((n, r) => n + r.eventsRead, 0),
    undecodable: results.reduce((n, r) => n + r.undecodable, 0),
  };
}
