import { randomUUID } from 'node:crypto';
import type { ReplayProgress } from '../sources/replay';
import type { ReportJobs } from './report-jobs';
import type { ReportSpec } from './report-spec';
import type { ReportRun } from './run-report';

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReportRunnerOptions {
  /** How long a running job may go without a heartbeat before it is taken for abandoned (default 60 s). */
  readonly staleAfterSeconds?: number;
  /** How often the queue is looked at when nothing woke the runner (default 1 s). */
  readonly pollIntervalMs?: number;
  readonly logger: RunnerLogger;
}

/**
 * Runs queued report jobs one at a time in this process (a replay takes the CPU and memory of a whole
 * report; more instances of the service run more jobs side by side). Progress and a heartbeat are written
 * every second; jobs abandoned by a process that died are marked failed at start and then periodically.
 */
export class ReportRunner {
  readonly id = `runner-${randomUUID()}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private interruptSleep: (() => void) | undefined;
  private lastSweep = 0;
  private readonly staleAfterSeconds: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly jobs: ReportJobs,
    /** Checks and runs a job's request (in a worker thread, in the service: run-report-in-worker.ts). */
    private readonly run: (request: ReportSpec, onProgress: ReplayProgress) => Promise<ReportRun>,
    private readonly options: ReportRunnerOptions,
  ) {
    this.staleAfterSeconds = options.staleAfterSeconds ?? 60;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.sweep();
    this.running = true;
    this.loop = this.work();
  }

  /** Stops taking jobs; a job already running is finished first. */
  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep?.();
    await this.loop;
  }

  /** A job was queued: look now rather than at the next poll. */
  wake(): void {
    this.interruptSleep?.();
  }

  private async sweep(): Promise<void> {
    this.lastSweep = Date.now();
    const failed = await this.jobs.failAbandoned(this.staleAfterSeconds);
    if (failed.length > 0) this.options.logger.warn({ jobs: failed }, 'report jobs abandoned by a stopped process marked failed');
  }

  private async work(): Promise<void> {
    while (this.running) {
      try {
        if (Date.now() - this.lastSweep > (this.staleAfterSeconds * 1000) / 2) await this.sweep();
        const job = await this.jobs.claimNext(this.id);
        if (job) {
          await this.execute(job.id, job.request);
          continue;
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'report runner failed to reach its database; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.interruptSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.interruptSleep = undefined;
    }
  }

  private async execute(id: string, request: ReportSpec): Promise<void> {
    let read = 0;
    let total: number | undefined;
    let beating = Promise.resolve();
    const heartbeat = setInterval(() => {
      beating = beating
        .then(() => this.jobs.heartbeat(id, read, total))
        .catch((error: unknown) => this.options.logger.warn({ err: error, job: id }, 'heartbeat failed'));
    }, 1000);
    try {
      const started = Date.now();
      const result = await this.run(request, (r, t) => {
        read = r;
        total = t;
      });
      clearInterval(heartbeat);
      await beating;
      await this.jobs.succeed(id, {
        contentType: result.contentType,
        fileName: result.fileName,
        body: Buffer.from(result.body, 'utf8'),
        eventsRead: result.eventsRead,
      });
      this.options.logger.info(
        { job: id, eventsRead: result.eventsRead, undecodable: result.undecodable, unplaced: result.unplaced, ms: Date.now() - started },
        'report job succeeded',
      );
    } catch (error) {
      clearInterval(heartbeat);
      await beating;
      const reason = error instanceof Error ? error.message : String(error);
      this.options.logger.warn({ job: id, err: error }, 'report job failed');
      await this.jobs.fail(id, reason);
    }
  }
}
