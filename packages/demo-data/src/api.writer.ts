import { registrationClient, type RegistrationComponents } from '@homeward/api-client/registration';
import type { Actor, Step, WorkerHistory } from './history';

type Worker = RegistrationComponents['schemas']['Worker'];
type Problem = RegistrationComponents['schemas']['Problem'];
type Token = string | (() => string | Promise<string>);

export interface ApiWriterOptions {
  /** The registration service, e.g. http://127.0.0.1:3001. */
  readonly baseUrl: string;
  /** An origin-country agency's token (workers:write): registrations, departures, reintegration, and every step without a mission token. */
  readonly agencyToken: Token;
  /** Missions' tokens by the country they serve (ISO 3166-1 alpha-2): what a mission records goes through its own token. */
  readonly missionTokens?: Readonly<Record<string, Token>>;
  /** Workers' histories in flight at once; each history is written in order. 16 unless said otherwise. */
  readonly concurrency?: number;
  /** Attempts after a network error, a 5xx, a 429 or a 409; safe because every POST carries its Idempotency-Key. 4 unless said otherwise. */
  readonly retries?: number;
  readonly onProgress?: (progress: WriteProgress) => void;
  readonly fetch?: typeof globalThis.fetch;
}

export interface WriteProgress {
  readonly workersDone: number;
  readonly calls: number;
  readonly failedWorkers: number;
  readonly elapsedMs: number;
}

export interface WrittenWorker {
  readonly index: number;
  readonly key: string;
  /** The registry's id for the worker, once registered. */
  readonly workerId?: string;
  readonly calls: number;
  /** The step that failed (the rest of that worker's history is not written). */
  readonly failure?: { readonly step: string; readonly status: number; readonly detail: string };
}

export interface WriteReport {
  readonly workers: number;
  readonly calls: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** One entry per history, in the order the histories came. */
  readonly results: readonly WrittenWorker[];
}

/** The deterministic Idempotency-Key of a step: the same seed, options, worker and step give the same key, so a re-run changes nothing. */
export function idempotencyKey(history: WorkerHistory, step: Step): string {
  return `${history.key}:${step.key}`;
}

type AnyPost = (
  path: string,
  init: { params: { path?: Record<string, string>; header: Record<string, string> }; body: unknown },
) => Promise<{ data?: Worker; error?: Problem; response: Response }>;

class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Writes histories through the public registration API with the typed client: up to `concurrency`
 * histories at a time, each one's steps in order; each step with the token of whoever records it
 * (the mission of its country when a token is given for it, else the agency) and an Idempotency-Key
 * derived from the seed, the worker and the step. A history whose step is refused stops there and is
 * reported; the others go on. Histories are pulled from the iterable as lanes free up, so a generator
 * of millions is never held in memory.
 */
export async function writeThroughApi(histories: Iterable<WorkerHistory>, options: ApiWriterOptions): Promise<WriteReport> {
  const started = Date.now();
  const clients = new Map<Token, AnyPost>();
  const postFor = (token: Token): AnyPost => {
    let post = clients.get(token);
    if (!post) {
      const client = registrationClient({ baseUrl: options.baseUrl, token, ...(options.fetch ? { fetch: options.fetch } : {}) });
      // One call site for every step: the bodies were typed against the contract where they were made.
      post = client.POST.bind(client) as unknown as AnyPost;
      clients.set(token, post);
    }
    return post;
  };
  const tokenFor = (actor: Actor): Token =>
    actor.kind === 'mission' ? (options.missionTokens?.[actor.country] ?? options.agencyToken) : options.agencyToken;
  const retries = options.retries ?? 4;
  const results: WrittenWorker[] = [];
  let calls = 0;
  let failed = 0;
  let done = 0;

  const send = async (step: Step, history: WorkerHistory, path: Record<string, string>): Promise<Worker> => {
    const post = postFor(tokenFor(step.actor));
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let detail: string;
      try {
        const { data, error, response } = await post(step.path, {
          params: { path, header: { 'Idempotency-Key': idempotencyKey(history, step) } },
          body: step.body,
        });
        calls++;
        if (data) return data;
        status = response.status;
        detail = error ? `${error.title}${error.detail ? `: ${error.detail}` : ''}${fieldsOf(error)}` : response.statusText;
      } catch (error) {
        detail = error instanceof Error ? error.message : String(error);
      }
      const transient = status === 0 || status >= 500 || status === 429 || status === 409;
      if (!transient || attempt >= retries) throw new StepFailed(step.key, status, detail);
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  };

  const writeOne = async (history: WorkerHistory): Promise<WrittenWorker> => {
    let workerId: string | undefined;
    let made = 0;
    const referrals = new Map<string, string>();
    try {
      for (const step of history.steps) {
        const path: Record<string, string> = {};
        if (step.path !== '/workers') {
          if (!workerId) throw new StepFailed(step.key, 0, 'the history does not start with a registration');
          path.workerId = workerId;
        }
        if ('referral' in step) {
          const referralId = referrals.get(step.referral);
          if (!referralId) throw new StepFailed(step.key, 0, `no referral ${step.referral} was recorded before its outcome`);
          path.referralId = referralId;
        }
        const worker = await send(step, history, path);
        made++;
        if (step.path === '/workers') workerId = worker.workerId;
        if (step.path === '/workers/{workerId}/reintegration/referrals') {
          // The registry names the referral; it is the newest one of the worker's latest cycle.
          const known = new Set(referrals.values());
          const fresh = (worker.cycles[worker.cycles.length - 1]?.reintegration.referrals ?? []).filter((r) => !known.has(r.referralId));
          const newest = fresh[fresh.length - 1];
          if (!newest) throw new StepFailed(step.key, 0, 'the answer names no new referral');
          referrals.set(step.key, newest.referralId);
        }
      }
      return { index: history.index, key: history.key, calls: made, ...(workerId ? { workerId } : {}) };
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      failed++;
      return {
        index: history.index,
        key: history.key,
        calls: made,
        ...(workerId ? { workerId } : {}),
        failure: { step: error.step, status: error.status, detail: error.message },
      };
    }
  };

  const iterator = histories[Symbol.iterator]();
  let position = 0;
  const lane = async () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      const slot = position++;
      results[slot] = await writeOne(next.value);
      done++;
      options.onProgress?.({ workersDone: done, calls, failedWorkers: failed, elapsedMs: Date.now() - started });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, lane));
  return { workers: results.length, calls, failed, elapsedMs: Date.now() - started, results };
}

function fieldsOf(problem: Problem): string {
  const errors = problem.errors ?? [];
  return errors.length ? ` (${errors.map((e) => `${e.field}: ${e.detail}`).join('; ')})` : '';
}
