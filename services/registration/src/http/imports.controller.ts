import { Body, Controller, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { ImportLegacyRegisterCommand, type ImportReport } from '../application/import/import-legacy-register.handler';
import { parseCsv, parseNdjson } from '../application/import/legacy-row';
import { CLOCK, REGISTRY_SETTINGS, type Clock, type RegistrySettings } from '../application/tokens';

/** The largest part of a register one request may carry; the CLI sends files in parts well below it. */
export const MAX_IMPORT_RECORDS = 10_000;

/**
 * Bulk import of a legacy register, in parts: CSV (with a header line) or NDJSON. The answer reports
 * every row that failed, with its number and fields; valid rows are imported; rows imported before
 * (same source and source_row_id) are skipped, so a whole file can be sent again safely.
 */
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REGISTRY_SETTINGS) private readonly settings: RegistrySettings,
  ) {}

  @Post()
  @HttpCode(200)
  async import(
    @Query('source') source: string,
    @Query('firstRow') firstRow: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ImportReport> {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const records = type === 'text/csv' ? parseCsv(body) : parseNdjson(body);
    if (records.length > MAX_IMPORT_RECORDS) {
      throw Problem.validation([fieldError('body', [], `at most ${MAX_IMPORT_RECORDS} records per request; send the file in parts`)]);
    }
    const now = this.clock();
    return this.commands.execute(
      new ImportLegacyRegisterCommand(source, records, firstRow ? Number(firstRow) : 1, principal, {
        actor: { organisationId: principal.organisationId, kind: principal.kind, userId: principal.subject },
        originCountry: this.settings.originCountry,
        correlationId: uuidv7(now.getTime()),
        now,
      }),
    );
  }
}
