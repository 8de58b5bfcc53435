import type { Principal } from '@homeward/auth';
import { decide, type WorkerCommand } from '../domain/worker/worker.decider';
import { evolve, type WorkerState } from '../domain/worker/worker.state';
import type { CommandContext, WorkerStreams } from '../persistence/worker.streams';
import { authorise, type WorkerAction } from './access/worker.access';

export interface WorkerCommandResult {
  readonly state: WorkerState;
  readonly version: number;
  /** Whether the caller may see the worker's personal data. */
  readonly personalData: boolean;
}

/** The caller may not do this to this worker. Rendered as 403 and logged. */
export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
}

/**
 * Load → authorise → decide → append with the expected version. Every business rule lives in `decide`
 * and every access rule in `authorise`; this function only does the I/O between them.
 */
export async function executeWorkerCommand(
  streams: WorkerStreams,
  workerId: string,
  command: WorkerCommand,
  principal: Principal,
  context: CommandContext,
  action: WorkerAction,
  returnFrom?: string,
): Promise<WorkerCommandResult> {
  const { state, version } = await streams.load(workerId);
  // An unknown worker is reported as such by `decide`; access rules apply to workers that exist.
  const access =
    state.status === 'unregistered' && action !== 'register'
      ? { allowed: true as const, personalData: false }
      : authorise(principal, action, state, returnFrom);
  if (!access.allowed) throw new AccessDenied(access.reason);
  const events = decide(command, state);
  const newVersion = await streams.append(workerId, version, events, context);
  return { state: events.reduce(evolve, state), version: newVersion, personalData: access.personalData };
}
