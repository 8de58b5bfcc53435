import { runService } from '@homeward/service-kit/main';
import { loadEmergencyFundConfig } from './emergency-fund.config';
import { startEmergencyFund } from './emergency-fund.app';

runService(
  'emergency-fund',
  () => loadEmergencyFundConfig(),
  (config) => startEmergencyFund(config),
);
