import { Module, type DynamicModule } from '@nestjs/common';
import { EMPLOYMENT_APPLICATION, type EmploymentApplication } from './application/employment.application';
import { MATCH_EXPLAINER, type MatchExplainer } from './application/ports/match-explainer';
import { ReferralsController } from './http/referrals.controller';
import { SeekersController } from './http/seekers.controller';
import { VacanciesController } from './http/vacancies.controller';
import { MatchesController } from './http/matches.controller';
import { MATCHING_ENGINE, type MatchingEngine } from './matching/matching.engine';

@Module({})
export class EmploymentMatchingModule {
  static with(application: EmploymentApplication, explainer: MatchExplainer, engine: MatchingEngine): DynamicModule {
    return {
      module: EmploymentMatchingModule,
      controllers: [VacanciesController, SeekersController, ReferralsController, MatchesController],
      providers: [
        { provide: EMPLOYMENT_APPLICATION, useValue: application },
        // The matching engine's explainer, for the engine's own controllers (ranking) to inject beside it.
        { provide: MATCH_EXPLAINER, useValue: explainer },
        // The matching engine's rankings (MatchesController).
        { provide: MATCHING_ENGINE, useValue: engine },
      ],
      exports: [MATCH_EXPLAINER],
    };
  }
}
