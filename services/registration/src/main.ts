import { runService } from '@homeward/service-kit/main';
import { loadRegistrationConfig } from './registration.config';
import { startRegistration } from './registration.app';

runService(
  'registration',
  () => loadRegistrationConfig(),
  (config) => startRegistration(config),
);
