import { runService } from '@homeward/service-kit/main';
import { loadEmploymentMatchingConfig } from './employment-matching.config';
import { startEmploymentMatching } from './employment-matching.app';

runService(
  'employment-matching',
  () => loadEmploymentMatchingConfig(),
  (config) => startEmploymentMatching(config),
);
