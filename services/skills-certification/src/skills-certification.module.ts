import { Module, type DynamicModule } from '@nestjs/common';
import { SKILLS_APPLICATION, type SkillsApplication } from './application/skills.application';
import { CandidatesController } from './http/candidates.controller';
import { CentresController } from './http/centres.controller';
import { CertificatesController } from './http/certificates.controller';
import { EvidenceFilesController } from './http/evidence-files.controller';
import { PublicController } from './http/public.controller';
import { StandardsController } from './http/standards.controller';

@Module({})
export class SkillsCertificationModule {
  static with(application: SkillsApplication): DynamicModule {
    return {
      module: SkillsCertificationModule,
      controllers: [
        StandardsController,
        CentresController,
        EvidenceFilesController,
        CandidatesController,
        CertificatesController,
        PublicController,
      ],
      providers: [{ provide: SKILLS_APPLICATION, useValue: application }],
    };
  }
}
