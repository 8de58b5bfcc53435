import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReplayProgress } from '../sources/replay';
import type { ReportWorkerData, ReportWorkerMessage } from './report.worker';
import type { ReportRun } from './run-report';

const WORKER_FILE = join(__dirname, `report.worker${extname(__filename)}`);

/**
 * Starts the worker thread. Compiled, it is the worker's JavaScript file; from the TypeScript sources (the
 * tests, `npm run` with tsx) a small script registers tsx in the worker first, with the export condition
 * that resolves the workspace packages to their sources.
 */
function startWorker(data: ReportWorkerData): Worker {
  if (!WORKER_FILE.endsWith('.ts')) return new Worker(WORKER_FILE, { workerData: data });
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(WORKER_FILE)});`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: ['--conditions=@homeward/source'] });
}

/**
 * Runs a report job in a worker thread of its own (see report.worker.ts); resolves with the rendered report.
 * The thread is ended once it has answered, whatever handles its clients still hold.
 */
export function runReportInWorker(data: ReportWorkerData, onProgress: ReplayProgress): Promise<ReportRun> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(data);
    let settled = false;
    const settle = (outcome: { run: ReportRun } | { error: Error }) => {
      if (settled) return;
      settled = true;
      if ('run' in outcome) resolve(outcome.run);
      else reject(outcome.error);
      void worker.terminate();
    };
    worker.on('message', (message: ReportWorkerMessage) => {
      switch (message.type) {
        case 'progress':
          onProgress(message.read, message.total);
          return;
        case 'done':
          return settle({ run: message.run });
        case 'failed':
          return settle({ error: new Error(message.message) });
        default: {
          const unknown: never = message;
          return settle({ error: new Error(`unexpected message from the report worker: ${JSON.stringify(unknown)}`) });
        }
      }
    });
    worker.on('error', (error) => settle({ error }));
    worker.on('exit', (code) => settle({ error: new Error(`the report worker stopped (exit code ${code}) without a report`) }));
  });
}
