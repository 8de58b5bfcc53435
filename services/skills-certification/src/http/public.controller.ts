import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { components } from './generated/skills-certification.v1';

type Schemas = components['schemas'];

/** What anyone may call without a token: public verification, the status lists, the issuer's DID document. */
@Controller()
export class PublicController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  @Get('verify/:certificateNumber')
  async verify(
    @Param('certificateNumber') certificateNumber: string,
    @Query('code') code: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['Verification']> {
    void reply.header('cache-control', 'no-store');
    const result = await this.app.verification.verify(certificateNumber, code, request.ip);
    return { ...result, units: result.units.map((u) => ({ ...u })) };
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
