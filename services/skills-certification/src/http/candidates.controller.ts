import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import type { CommandMetadata, RequestConditions } from '@homeward/command-handling';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { CandidateResult } from '../application/candidates.commands';
import type { components } from './generated/skills-certification.v1';
import { candidateDto } from './skills.representation';

type Schemas = components['schemas'];

/** A worker's case: counselling, portfolio, assessments, gap training, certificates. */
@Controller('candidates')
export class CandidatesController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  private async run(
    workerId: string,
    operation: string,
    body: unknown,
    headers: RequestHeaders,
    principal: Principal,
    reply: FastifyReply,
    act: (metadata: CommandMetadata, conditions: RequestConditions) => Promise<CandidateResult>,
  ): Promise<Schemas['Candidate']> {
    const metadata = commandMetadata(principal, headers, this.app.clock(), this.app.originCountry);
    const result = await act(metadata, requestConditions(operation, workerId, body, headers));
    void reply.header('etag', entityTag(result.version));
    return this.present(result);
  }

  present(result: CandidateResult): Schemas['Candidate'] {
    const today = this.app.clock().toISOString().slice(0, 10);
    return candidateDto(
      result.workerId,
      result.state,
      result.version,
      (n) => ({ code: this.app.codes.codeOf(n), url: this.app.credentials.verificationUrl(n) }),
      today,
    );
  }

  @Get(':workerId')
  async get(
    @Param('workerId') workerId: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Candidate']> {
    const result = await this.app.candidates.read(workerId, principal);
    void reply.header('etag', entityTag(result.version));
    return this.present(result);
  }

  @Post(':workerId/counselling')
  @HttpCode(201)
  counselling(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordCounsellingRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'recordCounselling', body, headers, principal, reply, (m, c) =>
      this.app.candidates.recordCounselling(workerId, body, principal, m, c),
    );
  }

  @Post(':workerId/evidence')
  @HttpCode(201)
  evidence(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['AddEvidenceRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'addEvidence', body, headers, principal, reply, (m, c) =>
      this.app.candidates.addEvidence(workerId, body, principal, m, c),
    );
  }

  @Post(':workerId/employer-references')
  @HttpCode(201)
  employerReference(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['AddEmployerReferenceRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'addEmployerReference', body, headers, principal, reply, (m, c) =>
      this.app.candidates.addEvidence(workerId, { kind: 'employer_reference', ...body }, principal, m, c),
    );
  }

  @Post(':workerId/assessments')
  @HttpCode(201)
  assessment(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordAssessmentRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'recordAssessment', body, headers, principal, reply, (m, c) =>
      this.app.candidates.recordAssessment(workerId, body, false, principal, m, c),
    );
  }

  @Post(':workerId/reassessments')
  @HttpCode(201)
  reassessment(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['RecordAssessmentRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'recordReassessment', body, headers, principal, reply, (m, c) =>
      this.app.candidates.recordAssessment(workerId, body, true, principal, m, c),
    );
  }

  @Post(':workerId/gap-trainings')
  @HttpCode(201)
  gapTraining(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['ReferToGapTrainingRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'referToGapTraining', body, headers, principal, reply, (m, c) =>
      this.app.candidates.referToGapTraining(workerId, body, principal, m, c),
    );
  }

  @Post(':workerId/gap-trainings/:referralId/completion')
  @HttpCode(201)
  gapTrainingCompleted(
    @Param('workerId') workerId: string,
    @Param('referralId') referralId: string,
    @Body() body: { completedOn: string },
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'completeGapTraining', { referralId, ...body }, headers, principal, reply, (m, c) =>
      this.app.candidates.completeGapTraining(workerId, referralId, body, principal, m, c),
    );
  }

  @Post(':workerId/certificates')
  @HttpCode(201)
  issue(
    @Param('workerId') workerId: string,
    @Body() body: Schemas['IssueCertificateRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(workerId, 'issueCertificate', body, headers, principal, reply, (m, c) =>
      this.app.candidates.issueCertificate(workerId, body, principal, m, c),
    );
  }
}
