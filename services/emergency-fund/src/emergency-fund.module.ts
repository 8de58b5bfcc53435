import { Module, type DynamicModule } from '@nestjs/common';
import { FUND_APPLICATION, type FundApplication } from './application/fund.application';
import { ClaimsController } from './http/claims.controller';
import { LedgerController } from './http/ledger.controller';
import { MembersController } from './http/members.controller';
import { PoliciesController } from './http/policies.controller';

@Module({})
export class EmergencyFundModule {
  static with(application: FundApplication): DynamicModule {
    return {
      module: EmergencyFundModule,
      controllers: [PoliciesController, ClaimsController, MembersController, LedgerController],
      providers: [{ provide: FUND_APPLICATION, useValue: application }],
    };
  }
}
