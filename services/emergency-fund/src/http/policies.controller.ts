import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '@homeward/auth';
import { commandMetadata } from '@homeward/command-handling/http';
import { CurrentPrincipal } from '@homeward/service-kit';
import { entityTag, requestConditions, type RequestHeaders } from '@homeward/service-kit/conditions';
import { FUND_APPLICATION, type FundApplication } from '../application/fund.application';
import type { PolicyTerms } from '../domain/policy/policy';
import type { components } from './generated/emergency-fund.v1';

type Schemas = components['schemas'];

@Controller('policies')
export class PoliciesController {
  constructor(@Inject(FUND_APPLICATION) private readonly app: FundApplication) {}

  @Post()
  @HttpCode(201)
  async publish(
    @Body() body: Schemas['PublishPolicyRequest'],
    @CurrentPrincipal() principal: Principal,
    @Headers() headers: RequestHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Schemas['PolicyVersion']> {
    const { expectedVersion, ...terms } = body;
    const result = await this.app.policies.publish({
      // The document's shapes are the domain's, with the benefit types as strings the domain checks.
      terms: terms as unknown as PolicyTerms,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
      principal,
      metadata: commandMetadata(principal, headers, this.app.clock(), this.app.originCountry),
      conditions: requestConditions('publishPolicyVersion', body.fundId, body, headers),
    });
    void reply.header('etag', entityTag(result.streamVersion));
    void reply.header('location', `/policies/${body.fundId}`);
    return result.version as unknown as Schemas['PolicyVersion'];
  }

  @Get(':fundId')
  async versions(@Param('fundId') fundId: string, @CurrentPrincipal() principal: Principal): Promise<Schemas['PolicyVersionList']> {
    return { fundId, versions: (await this.app.policies.versions(fundId, principal)) as unknown as Schemas['PolicyVersion'][] };
  }
}
