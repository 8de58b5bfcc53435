import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { components } from './generated/skills-certification.v1';
import { verificationPage } from './verification.page';

type Schemas = components['schemas'];

/** What anyone may call without a token: public verification, the status lists, the issuer's DID document. */
@Controller()
export class PublicController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  @Get('verify/:certificateNumber')
  async verify(
    @Param('certificateNumber') certificateNumber: string,
    @Query('code') code: string,
    @Headers('accept') accept: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Verification'] | string> {
    void reply.header('cache-control', 'no-store').header('vary', 'accept');
    const result = await this.app.verification.verify(certificateNumber, code, request.ip);
    // A browser following the QR code's link asks for HTML first; a program gets JSON.
    if (prefersHtml(accept)) {
      const page = verificationPage(result);
      // Its Content-Security-Policy (no script, its one style sheet by hash), nosniff, no referrer.
      void reply.headers(page.headers);
      return page.html;
    }
    return result.status === 'invalid'
      ? { ...result, issuer: { ...result.issuer } }
      : { ...result, units: result.units.map((u) => ({ ...u })) };
  }

  @Get('status-lists/:listId')
  async statusList(@Param('listId') listId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const credential = await this.app.credentials.statusList(listId);
    void reply.type('application/vc+ld+json').header('cache-control', 'public, max-age=30');
    return JSON.stringify(credential);
  }

  @Get('.well-known/did.json')
  did(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.type('application/did+json');
    return JSON.stringify(this.app.credentials.didDocument());
  }
}

function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}
