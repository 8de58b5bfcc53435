import { runService } from '@homeward/service-kit/main';
import { loadSkillsCertificationConfig } from './skills-certification.config';
import { startSkillsCertification } from './skills-certification.app';

runService(
  'skills-certification',
  () => loadSkillsCertificationConfig(),
  (config) => startSkillsCertification(config),
);
