import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { analyseWhereGrown, withTransaction } from '@homeward/pg-kit';
import { fieldError, type FieldError } from '@homeward/service-kit/problem';
import {
  UnknownCodes,
  WorkerAlreadyRegistered,
  WorkerNotRegistered,
  WorkerRuleViolation,
  decide,
  type WorkerCommand,
} from '../../domain/worker/worker.decider';
import type { WorkerEvent } from '../../domain/worker/worker.events';
import { evolve, initialState } from '../../domain/worker/worker.state';
import type { PersonIndex } from '../../persistence/person-index';
import type { CommandContext, WorkerStreams } from '../../persistence/worker.streams';
import { PERSON_INDEX, POOL, WORKER_STREAMS } from '../tokens';
import { authorise } from '../access/worker.access';
import { AccessDenied } from '../worker-command';
import { readLegacyRecord, type LegacyImportRow, type LegacyRecord } from './legacy-row';

export interface RowFailure {
  /** 1-based position of the record in the whole file (the header not counted). */
  readonly row: number;
  readonly sourceRowId?: string;
  /** Each field at fault, with a stable code where the refusal has one (`validation.unknown-country`…). */
  readonly errors: readonly (FieldError & { readonly code?: string })[];
}

export interface ImportReport {
  readonly source: string;
  readonly received: number;
  readonly imported: number;
  readonly alreadyImported: number;
  readonly flaggedAsPossibleDuplicates: number;
  readonly failed: readonly RowFailure[];
}

export class ImportLegacyRegisterCommand {
  constructor(
    readonly source: string,
    readonly records: readonly LegacyRecord[],
    /** Row number of the first record, when a file arrives in several parts. */
    readonly firstRow: number,
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {}
}

/**
 * Imports part of a legacy register: each valid row becomes a worker with their departure and return,
 * decided by the same decider as the API (so the same rules hold), written in one transaction per part
 * together with the rows' source ids. Invalid rows are reported with their number and fields and
 * imported no part of; rows imported before are skipped.
 */
@CommandHandler(ImportLegacyRegisterCommand)
export class ImportLegacyRegisterHandler implements ICommandHandler<ImportLegacyRegisterCommand, ImportReport> {
  constructor(
    @Inject(WORKER_STREAMS) private readonly streams: WorkerStreams,
    @Inject(PERSON_INDEX) private readonly personIndex: PersonIndex,
    @Inject(POOL) private readonly pool: Pool,
  ) {}

  async execute({ source, records, firstRow, principal, context }: ImportLegacyRegisterCommand): Promise<ImportReport> {
    // Importing a register is registering its workers.
    const access = authorise(principal, { type: 'register' }, initialState());
    if (!access.allowed) throw new AccessDenied(access.reason, access.code);
    const today = context.now.toISOString().slice(0, 10);
    const failed: RowFailure[] = [];
    const valid: { row: number; data: LegacyImportRow }[] = [];
    const seen = new Set<string>();
    records.forEach((record, i) => {
      const row = firstRow + i;
      const read = readLegacyRecord(record, today);
      if ('errors' in read) {
        const id = record.source_row_id;
        failed.push({ row, ...(typeof id === 'string' && id ? { sourceRowId: id } : {}), errors: read.errors });
      } else if (seen.has(read.row.sourceRowId)) {
        failed.push({
          row,
          sourceRowId: read.row.sourceRowId,
          errors: [fieldError('body', ['source_row_id'], 'appears twice in this import')],
        });
      } else {
        seen.add(read.row.sourceRowId);
        valid.push({ row, data: read.row });
      }
    });

    const outcome = await withTransaction(this.pool, async (client) => {
      // One import of a source at a time, so that a re-run racing the first cannot import a row twice.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`import:${source}`]);
      const { rows: done } = await client.query<{ row_id: string }>(
        'SELECT row_id FROM import_rows WHERE source = $1 AND row_id = ANY($2::text[])',
        [source, valid.map((v) => v.data.sourceRowId)],
      );
      const already = new Set(done.map((d) => d.row_id));
      const todo = valid.filter((v) => !already.has(v.data.sourceRowId));
      // Registry ids first: people of this part are candidates for the ones after them.
      const ids = todo.map(() => uuidv7(context.now.getTime()));
      const candidates = await this.personIndex.candidatesForBatch(
        client,
        todo.map((t, k) => ({ ...t.data.register, workerId: ids[k]! })),
      );
      const inPart = new Set(ids);
      const imported = new Set<string>();
      const workers: { workerId: string; events: WorkerEvent[]; row: LegacyImportRow }[] = [];
      let flagged = 0;
      todo.forEach((t, k) => {
        const workerId = ids[k]!;
        // An earlier row of the part counts only if it was imported: a refused row registers nobody.
        const duplicateCandidates = (candidates[k] ?? []).filter((c) => !inPart.has(c.workerId) || imported.has(c.workerId));
        const commands: WorkerCommand[] = [
          { type: 'RegisterWorker', data: { ...t.data.register, workerId, duplicateCandidates } },
          ...(t.data.departure ? [{ type: 'RecordDeparture' as const, data: t.data.departure }] : []),
          ...(t.data.homecoming ? [{ type: 'RecordReturn' as const, data: t.data.homecoming }] : []),
        ];
        try {
          let state = initialState();
          const events: WorkerEvent[] = [];
          for (const command of commands) {
            const decided = decide(command, state);
            events.push(...decided);
            state = decided.reduce(evolve, state);
          }
          if (events.some((e) => e.type === 'PossibleDuplicateFlagged')) flagged++;
          workers.push({ workerId, events, row: t.data });
          imported.add(workerId);
        } catch (error) {
          if (error instanceof WorkerRuleViolation)
            failed.push({
              row: t.row,
              sourceRowId: t.data.sourceRowId,
              errors: [{ ...fieldError('body', [columnOf(error.field)], error.message), code: error.code }],
            });
          else if (error instanceof UnknownCodes)
            failed.push({
              row: t.row,
              sourceRowId: t.data.sourceRowId,
              errors: error.errors.map((e) => ({ ...fieldError('body', [columnOf(String(e.path[0]))], e.detail), code: e.code })),
            });
          else if (error instanceof WorkerNotRegistered || error instanceof WorkerAlreadyRegistered) throw error;
          else throw error;
        }
      });
      if (workers.length > 0) {
        await this.streams.appendNewWorkers(workers, context, client);
        await this.personIndex.insertMany(
          client,
          workers.map((w) => ({ workerId: w.workerId, ...w.row.register })),
        );
        await client.query('INSERT INTO import_rows (source, row_id, worker_id) SELECT $1, * FROM unnest($2::text[], $3::uuid[])', [
          source,
          workers.map((w) => w.row.sourceRowId),
          workers.map((w) => w.workerId),
        ]);
      }
      return { imported: workers.length, alreadyImported: already.size, flagged };
    });
    // The import grows these tables faster than autovacuum analyses them.
    await analyseWhereGrown(this.pool, ['events', 'person_index', 'import_rows', 'data_keys', 'worker_status']);
    return {
      source,
      received: records.length,
      imported: outcome.imported,
      alreadyImported: outcome.alreadyImported,
      flaggedAsPossibleDuplicates: outcome.flagged,
      failed: failed.sort((a, b) => a.row - b.row),
    };
  }
}

/** The decider names fields of its commands; the register's columns are snake_case. */
function columnOf(field: string): string {
  const known: Record<string, string> = {
    'personalData.dateOfBirth': 'date_of_birth',
    departedOn: 'departed_on',
    contractEnd: 'contract_end',
    returnedOn: 'returned_on',
  };
  return known[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
