import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import { assertNever } from '@homeward/assert-never';
import type { WorkerCommand } from '../../domain/worker/worker.decider';
import type { CommandContext } from '../../persistence/worker.streams';
import type { WorkerAction } from '../access/worker.access';
import { WORKER_COMMANDS } from '../tokens';
import type { RequestConditions, WorkerCommandResult, WorkerCommands } from '../worker-command';

/** Every stage of the cycle recorded on an existing worker: the rules are the decider's, the access the policy's. */
export type StageCommand = Exclude<WorkerCommand, { type: 'RegisterWorker' | 'ErasePersonalData' }>;

export class RecordOnWorkerCommand {
  constructor(
    readonly workerId: string,
    readonly command: StageCommand,
    readonly principal: Principal,
    readonly context: CommandContext,
    readonly conditions: RequestConditions,
  ) {}
}

/** Which access rule guards each stage. */
export function actionOf(command: StageCommand): WorkerAction {
  switch (command.type) {
    case 'RecordDeparture':
      return { type: 'record-departure' };
    case 'RecordArrival':
    case 'RecordEmploymentChange':
    case 'RecordSkills':
    case 'RecordIncident':
      return { type: 'record-abroad' };
    case 'RecordReturn':
      return { type: 'record-return', fromCountry: command.data.fromCountry };
    case 'CompleteOrientation':
    case 'AssessReintegrationNeeds':
    case 'ReferForReintegration':
    case 'RecordReferralOutcome':
    case 'CorrectWorkerDetails':
    case 'ResolveDuplicate':
      return { type: 'record-at-home' };
    default:
      assertNever(command, 'command');
  }
}

@CommandHandler(RecordOnWorkerCommand)
export class RecordOnWorkerHandler implements ICommandHandler<RecordOnWorkerCommand, WorkerCommandResult> {
  constructor(@Inject(WORKER_COMMANDS) private readonly commands: WorkerCommands) {}

  execute({ workerId, command, principal, context, conditions }: RecordOnWorkerCommand): Promise<WorkerCommandResult> {
    return this.commands.execute({ workerId, command, principal, context, conditions, action: actionOf(command) });
  }
}
