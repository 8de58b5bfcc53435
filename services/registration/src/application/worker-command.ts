import { decide, type WorkerCommand } from '../domain/worker/worker.decider';
import { evolve, type WorkerState } from '../domain/worker/worker.state';
import type { CommandContext, WorkerStreams } from '../persistence/worker.streams';

export interface WorkerCommandResult {
  readonly state: WorkerState;
  readonly version: number;
}

/** Load → decide → append with the expected version. Every rule lives in `decide`; this only does I/O. */
export async function executeWorkerCommand(
  streams: WorkerStreams,
  workerId: string,
  command: WorkerCommand,
  context: CommandContext,
): Promise<WorkerCommandResult> {
  const { state, version } = await streams.load(workerId);
  const events = decide(command, state);
  const newVersion = await streams.append(workerId, version, events, context);
  return { state: events.reduce(evolve, state), version: newVersion };
}
