import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { authorise } from '../application/access/fund.access';
import type { ClaimResult } from '../application/claims.commands';
import { FUND_APPLICATION, type FundApplication } from '../application/fund.application';
import type { IncidentKind } from '../domain/policy/policy';
import type { components } from './generated/emergency-fund.v1';
import { claimDto } from './fund.representation';

type Schemas = components['schemas'];

const pageLimit = (raw: string | undefined): number => (raw === undefined ? 50 : Number(raw));

@Controller('claims')
export class ClaimsController {
  constructor(@Inject(FUND_APPLICATION) private readonly app: FundApplication) {}

  private answer(result: ClaimResult, principal: Principal, reply: FastifyReply): Schemas['Claim'] {
    void reply.header('etag', entityTag(result.version));
    return claimDto(result.state, principal);
  }

  private context(principal: Principal, headers: RequestHeaders, operation: string, id: string, body: unknown) {
    return {
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions(operation, id, body ?? {}, headers),
    };
  }

  @Post()
  @HttpCode(201)
  async file(
    @Body() body: Schemas['FileClaimRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Claim']> {
    const claimId = uuidv7(this.app.clock().getTime());
    const result = await this.app.claims.file({
      claimId,
      body: { ...body, incidentKind: body.incidentKind as IncidentKind },
      ...this.context(principal, headers, 'fileClaim', '', body),
    });
    void reply.header('location', `/claims/${result.claimId}`);
    return this.answer(result, principal, reply);
  }

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('workerId') workerId: string | undefined,
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<Schemas['ClaimPage']> {
    authorise(principal, 'read-claims');
    const size = pageLimit(limit);
    // Jurisdiction first: a mission's page holds its own country's claims only.
    const rows = await this.app.tables.claims({
      ...(workerId ? { workerId } : {}),
      ...(principal.kind === 'mission' ? { country: principal.country ?? '' } : {}),
      ...(after ? { after } : {}),
      limit: size + 1,
    });
    const items = rows.slice(0, size);
    return { items, ...(rows.length > size ? { next: items[items.length - 1]!.claimId } : {}) };
  }

  @Get(':claimId')
  async get(@Param('claimId') claimId: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(await this.app.claims.read(claimId, principal), principal, reply);
  }

  @Post(':claimId/submit')
  @HttpCode(200)
  async submit(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['SubmitClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(await this.app.claims.submit({ claimId, body, ...this.context(p, h, 'submitClaim', claimId, body) }), p, reply);
  }

  @Post(':claimId/documents')
  @HttpCode(200)
  async attach(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['AttachDocumentRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(await this.app.claims.attach({ claimId, body, ...this.context(p, h, 'attachDocument', claimId, body) }), p, reply);
  }

  @Post(':claimId/assess')
  @HttpCode(200)
  async assess(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['AssessClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.app.claims.assess({
      claimId,
      ...(body?.humanitarianReason !== undefined ? { humanitarianReason: body.humanitarianReason } : {}),
      ...this.context(p, h, 'assessClaim', claimId, body),
    });
    return this.answer(result, p, reply);
  }

  @Post(':claimId/approve')
  @HttpCode(200)
  async approve(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['ApproveClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(
      await this.app.claims.approve({ claimId, amount: body.amount, ...this.context(p, h, 'approveClaim', claimId, body) }),
      p,
      reply,
    );
  }

  @Post(':claimId/reject')
  @HttpCode(200)
  async reject(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['RejectClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.app.claims.reject({
      claimId,
      reasonCodes: body.reasonCodes,
      note: body.note ?? '',
      ...this.context(p, h, 'rejectClaim', claimId, body),
    });
    return this.answer(result, p, reply);
  }

  @Post(':claimId/appeal')
  @HttpCode(200)
  async appeal(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['AppealClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(
      await this.app.claims.appeal({ claimId, grounds: body.grounds, ...this.context(p, h, 'appealClaim', claimId, body) }),
      p,
      reply,
    );
  }

  @Post(':claimId/disburse')
  @HttpCode(200)
  async disburse(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['DisburseClaimRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = h['idempotency-key'];
    if (!key)
      throw Problem.validation(
        [fieldError('header', ['Idempotency-Key'], 'a payment needs an Idempotency-Key')],
        'A payment is made with an Idempotency-Key, so that a retry pays once.',
        'validation.idempotency-key-required',
      );
    const outside = body.provider !== undefined || body.providerReference !== undefined;
    if (outside === (body.payee !== undefined) || (outside && (body.provider === undefined || body.providerReference === undefined)))
      throw Problem.validation(
        [fieldError('body', [], 'either payee, or provider and providerReference')],
        'A payment is sent to a payee through the fund’s provider, or recorded as made outside with its provider and reference.',
        'validation.disbursement-mode',
      );
    const result = await this.app.claims.disburse({
      claimId,
      payment: body.payee ? { payee: body.payee } : { provider: body.provider!, providerReference: body.providerReference! },
      idempotencyKey: key,
      ...this.context(p, h, 'disburseClaim', claimId, body),
    });
    return this.answer(result, p, reply);
  }

  @Post(':claimId/reconcile')
  @HttpCode(200)
  async reconcile(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['ReconcileRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(
      await this.app.claims.reconcile({ claimId, body, ...this.context(p, h, 'reconcilePayment', claimId, body) }),
      p,
      reply,
    );
  }

  @Post(':claimId/cancel')
  @HttpCode(200)
  async cancel(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(await this.app.claims.cancel({ claimId, ...this.context(p, h, 'cancelClaim', claimId, body) }), p, reply);
  }

  @Post(':claimId/expire')
  @HttpCode(200)
  async expire(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(await this.app.claims.expire({ claimId, ...this.context(p, h, 'expireReservation', claimId, body) }), p, reply);
  }

  @Post(':claimId/close')
  @HttpCode(200)
  async close(
    @Param('claimId') claimId: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(await this.app.claims.close({ claimId, ...this.context(p, h, 'closeClaim', claimId, body) }), p, reply);
  }

  @Post(':claimId/case-notes')
  @HttpCode(200)
  async addNotes(
    @Param('claimId') claimId: string,
    @Body() body: Schemas['AddCaseNotesRequest'],
    @CurrentPrincipal() p: Principal,
    @Headers() h: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(
      await this.app.claims.addCaseNotes({ claimId, notes: body.notes, ...this.context(p, h, 'addCaseNotes', claimId, body) }),
      p,
      reply,
    );
  }

  @Get(':claimId/case-notes')
  async readNotes(@Param('claimId') claimId: string, @CurrentPrincipal() principal: Principal): Promise<Schemas['CaseNotes']> {
    const { notes, erased } = await this.app.claims.caseNotes(claimId, principal, this.app.clock());
    return {
      claimId,
      erased,
      notes: notes.map((n) => ({ ...(n.text !== undefined ? { text: n.text } : {}), addedOn: n.addedOn, addedBy: n.addedBy })),
    };
  }
}
