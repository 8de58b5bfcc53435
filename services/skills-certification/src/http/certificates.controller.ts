import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { renderCertificatePage } from '@homeward/certificate-print';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import { CertificateUnknown, type CandidateResult } from '../application/candidates.commands';
import type { components } from './generated/skills-certification.v1';
import { certificateDto } from './skills.representation';
import { printableCertificateView } from './printable-certificate';

type Schemas = components['schemas'];

@Controller('certificates')
export class CertificatesController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  private today(): string {
    return this.app.clock().toISOString().slice(0, 10);
  }

  private present(certificateNumber: string, result: CandidateResult): Schemas['Certificate'] {
    const certificate = result.state.certificates.find((c) => c.certificateNumber === certificateNumber);
    if (!certificate) throw new CertificateUnknown(`no certificate ${certificateNumber}`);
    return certificateDto(
      result.workerId,
      certificate,
      this.app.codes.codeOf(certificateNumber),
      this.app.credentials.verificationUrl(certificateNumber),
      this.today(),
    );
  }

  @Get(':certificateNumber')
  async get(
    @Param('certificateNumber') certificateNumber: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Certificate']> {
    const found = await this.app.candidates.readCertificate(certificateNumber, principal);
    void reply.header('etag', entityTag(found.version));
    return certificateDto(
      found.workerId,
      found.certificate,
      found.verificationCode,
      this.app.credentials.verificationUrl(certificateNumber),
      this.today(),
    );
  }

  private async change(
    certificateNumber: string,
    operation: string,
    body: unknown,
    change: Parameters<SkillsApplication['candidates']['changeCertificate']>[1],
    principal: Principal,
    headers: RequestHeaders,
    reply: FastifyReply,
  ) {
    const result = await this.app.candidates.changeCertificate(
      certificateNumber,
      change,
      principal,
      commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      requestConditions(operation, certificateNumber, body, headers),
    );
    void reply.header('etag', entityTag(result.version));
    return this.present(certificateNumber, result);
  }

  @Post(':certificateNumber/suspension')
  @HttpCode(201)
  suspend(
    @Param('certificateNumber') certificateNumber: string,
    @Body() body: Schemas['SuspendCertificateRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.change(
      certificateNumber,
      'suspendCertificate',
      body,
      { type: 'SuspendCertificate', reason: body.reason },
      principal,
      headers,
      reply,
    );
  }

  @Post(':certificateNumber/reinstatement')
  @HttpCode(201)
  reinstate(
    @Param('certificateNumber') certificateNumber: string,
    @Body() body: Schemas['ReinstateCertificateRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.change(certificateNumber, 'reinstateCertificate', body, { type: 'ReinstateCertificate' }, principal, headers, reply);
  }

  @Post(':certificateNumber/revocation')
  @HttpCode(201)
  revoke(
    @Param('certificateNumber') certificateNumber: string,
    @Body() body: Schemas['RevokeCertificateRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.change(
      certificateNumber,
      'revokeCertificate',
      body,
      { type: 'RevokeCertificate', reason: body.reason },
      principal,
      headers,
      reply,
    );
  }

  /**
   * The printable certificate (@homeward/certificate-print): A4, the QR code of the verification link and,
   * when a credential was issued, a second one with the compact VC-JWT for offline checks. No holder name:
   * the service holds none. Sent with the page's own headers (its Content-Security-Policy: no script, its
   * one style sheet by hash; no caching, no referrer).
   */
  @Get(':certificateNumber/printable')
  async printable(
    @Param('certificateNumber') certificateNumber: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const found = await this.app.candidates.readCertificate(certificateNumber, principal);
    const today = this.today();
    const certificate = certificateDto(
      found.workerId,
      found.certificate,
      found.verificationCode,
      this.app.credentials.verificationUrl(certificateNumber),
      today,
    );
    const standard = await this.app.standards.version(found.certificate.standardId, found.certificate.standardVersion);
    const compactCredential = await this.app.credentials.compactCredential(certificateNumber);
    const page = renderCertificatePage(printableCertificateView(certificate, standard, today, compactCredential));
    void reply.headers(page.headers);
    return page.html;
  }

  @Get(':certificateNumber/credential.jsonld')
  async dataIntegrity(
    @Param('certificateNumber') certificateNumber: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.app.candidates.readCertificate(certificateNumber, principal);
    const signed = await this.app.credentials.credential(certificateNumber);
    if (!signed) throw new CertificateUnknown(`no credential was issued for ${certificateNumber}`);
    void reply.type('application/vc+ld+json');
    return JSON.stringify(signed.dataIntegrity);
  }

  @Get(':certificateNumber/credential.jwt')
  async jwt(
    @Param('certificateNumber') certificateNumber: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.app.candidates.readCertificate(certificateNumber, principal);
    const signed = await this.app.credentials.credential(certificateNumber);
    if (!signed) throw new CertificateUnknown(`no credential was issued for ${certificateNumber}`);
    void reply.type('application/vc+jwt');
    return signed.jwt;
  }
}
