import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import type { Principal } from '@homeward/auth';
import { CurrentPrincipal } from '@homeward/service-kit';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { authorise } from '../application/access/skills.access';
import { SKILLS_APPLICATION, type SkillsApplication } from '../application/skills.application';
import type { components } from './generated/skills-certification.v1';

type Schemas = components['schemas'];

/** The media types an evidence file may be uploaded as (parsed as bytes by the app's content-type parser). */
export const EVIDENCE_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'];
/** 10 MiB. */
export const EVIDENCE_FILE_LIMIT = 10 * 1024 * 1024;

@Controller('evidence-files')
export class EvidenceFilesController {
  constructor(@Inject(SKILLS_APPLICATION) private readonly app: SkillsApplication) {}

  @Post()
  @HttpCode(201)
  async upload(
    @Body() body: Buffer,
    @CurrentPrincipal() principal: Principal,
    @Headers('content-type') contentType: string | undefined,
  ): Promise<Schemas['EvidenceFile']> {
    authorise(principal, 'upload-evidence');
    if (!Buffer.isBuffer(body) || body.length === 0) throw Problem.validation([fieldError('body', [], 'the file is empty')]);
    const stored = await this.app.objects.put(body);
    const mediaType = (contentType ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
    return { contentHash: stored.contentHash, sizeBytes: stored.sizeBytes, mediaType };
  }
}
