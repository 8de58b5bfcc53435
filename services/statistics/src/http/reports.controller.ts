import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Scopes, type Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from './generated/statistics.v1';
import type { ReportJob, ReportJobs } from '../application/report-jobs';
import { parseSpec, type ReportSpec, type SourceName } from '../application/report-spec';

type Schemas = components['schemas'];
/** Fields with defaults may be left out of a request. */
type ReportRequestBody = Pick<Schemas['ReportRequest'], 'asOf' | 'period'> & Partial<Schemas['ReportRequest']>;

export const REPORT_JOBS = Symbol('ReportJobs');
export const REPORTS_SETTINGS = Symbol('ReportsSettings');

export interface ReportsSettings {
  /** The sources this instance can replay (the event store only when its URL is configured). */
  readonly sources: readonly SourceName[];
  /** Told when a job is queued (wakes the runner). */
  readonly queued: () => void;
}

/**
 * Who may ask for statistics: statistics offices and origin-country agencies holding aggregates:read.
 * Missions (and employers) never: a mission serves one country and has no business with national totals.
 */
export function authoriseAggregates(principal: Principal): void {
  if (principal.kind !== 'statistics' && principal.kind !== 'agency') {
    throw Problem.forbidden(
      `reports are for statistics offices and origin-country agencies; this is a ${principal.kind}`,
      [],
      'access.kind-not-allowed',
    );
  }
  if (!principal.scopes.has(Scopes.aggregatesRead))
    throw Problem.forbidden(`the ${Scopes.aggregatesRead} scope is required`, [], 'access.scope-required');
}

function jobDto(job: ReportJob): Schemas['ReportJob'] {
  return {
    id: job.id,
    status: job.status,
    request: job.request as Schemas['ReportRequest'],
    progress: {
      eventsRead: job.eventsRead,
      eventsTotal: job.eventsTotal ?? null,
      fraction: job.eventsTotal ? Math.min(1, job.eventsRead / job.eventsTotal) : job.status === 'succeeded' ? 1 : null,
    },
    createdAt: job.createdAt.toISOString(),
    ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(job.status === 'succeeded'
      ? {
          result: {
            href: `/reports/${job.id}/result`,
            contentType: job.contentType!,
            fileName: job.fileName!,
            bytes: job.resultBytes!,
            sha256: job.resultSha256!,
          },
        }
      : {}),
  };
}

/** HTTP edge of report jobs. Bodies arrive validated against the OpenAPI document (service-kit). */
@Controller('reports')
export class ReportsController {
  constructor(
    @Inject(REPORT_JOBS) private readonly jobs: ReportJobs,
    @Inject(REPORTS_SETTINGS) private readonly settings: ReportsSettings,
  ) {}

  @Post()
  @HttpCode(202)
  async request(
    @Body() body: ReportRequestBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['ReportJob']> {
    authoriseAggregates(principal);
    const spec: ReportSpec = {
      asOf: body.asOf,
      period: body.period,
      report: body.report ?? 'all',
      format: body.format ?? 'csv',
      source: body.source ?? 'kafka',
      frequency: body.frequency ?? 'month',
      ...(body.knownAt === undefined ? {} : { knownAt: body.knownAt }),
      ...(body.suppressBelow === undefined ? {} : { suppressBelow: body.suppressBelow }),
      ...(body.exchangeRates === undefined ? {} : { exchangeRates: body.exchangeRates }),
    };
    // Everything is checked before anything is queued: a job that cannot run is never accepted.
    parseSpec(spec);
    if (!this.settings.sources.includes(spec.source!)) {
      throw Problem.ruleViolation(`this instance is not configured to replay from ${spec.source}`, [
        fieldError('body', ['source'], `available: ${this.settings.sources.join(', ')}`),
      ]);
    }
    const job = await this.jobs.create({
      id: uuidv7(),
      organisationId: principal.organisationId,
      requestedBy: principal.subject,
      request: spec,
    });
    this.settings.queued();
    void reply.header('location', `/reports/${job.id}`);
    return jobDto(job);
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limit: string | undefined,
  ): Promise<{ items: Schemas['ReportJob'][] }> {
    authoriseAggregates(principal);
    return { items: (await this.jobs.list(principal.organisationId, limit ? Number(limit) : 50)).map(jobDto) };
  }

  @Get(':reportId')
  async get(@Param('reportId') reportId: string, @CurrentPrincipal() principal: Principal): Promise<Schemas['ReportJob']> {
    authoriseAggregates(principal);
    return jobDto(await this.visibleJob(reportId, principal));
  }

  @Get(':reportId/result')
  async result(@Param('reportId') reportId: string, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    authoriseAggregates(principal);
    const job = await this.visibleJob(reportId, principal);
    if (job.status !== 'succeeded') {
      throw new Problem({
        type: 'https://homeward.example/problems/report-not-ready',
        title: 'The report is not ready',
        status: 409,
        code: job.status === 'failed' ? 'report.failed' : 'report.not-ready',
        detail:
          job.status === 'failed'
            ? `the job failed: ${job.error ?? 'no reason recorded'}`
            : `the job is ${job.status}; follow /reports/${job.id}`,
      });
    }
    const file = await this.jobs.result(job.id);
    if (!file) throw Problem.notFound('the report file is gone');
    await reply
      .code(200)
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('etag', `"${file.sha256}"`)
      .send(file.body);
  }

  /** A job of the caller's own organisation; others' jobs do not exist for them. */
  private async visibleJob(reportId: string, principal: Principal): Promise<ReportJob> {
    const job = await this.jobs.get(reportId);
    if (!job || job.organisationId !== principal.organisationId) {
      throw Problem.notFound('no report job with this id for your organisation', [fieldError('path', ['reportId'], 'no such report job')]);
    }
    return job;
  }
}
