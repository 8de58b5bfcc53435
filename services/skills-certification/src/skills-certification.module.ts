import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';

export interface SkillsCertificationDependencies {
  readonly clock: () => Date;
}

@Module({})
export class SkillsCertificationModule {
  static with(_deps: SkillsCertificationDependencies): DynamicModule {
    return {
      module: SkillsCertificationModule,
      imports: [CqrsModule.forRoot()],
      controllers: [],
      providers: [],
    };
  }
}
