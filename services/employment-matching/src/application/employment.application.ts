import type { ReadTables } from '../persistence/read-tables';
import type { ReferralCommands } from './referrals.commands';
import type { SeekerCommands } from './seekers.commands';
import type { VacancyCommands } from './vacancies.commands';

/** Injection token of the application, built at the edge (employment-matching.app.ts). */
export const EMPLOYMENT_APPLICATION = Symbol('EmploymentApplication');

/** Everything the controllers call: one object, so that the HTTP layer reaches nothing below the application. */
export interface EmploymentApplication {
  readonly vacancies: VacancyCommands;
  readonly seekers: SeekerCommands;
  readonly referrals: ReferralCommands;
  readonly tables: ReadTables;
  readonly clock: () => Date;
  readonly originCountry: string;
}
