import { subdivision, whyNotACountry } from '@homeward/classifications/countries';
import { currency } from '@homeward/classifications/currencies';
import { isEscoSkillUri } from '@homeward/classifications/esco';
import { iscedLevel } from '@homeward/classifications/isced-2011';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import { language } from '@homeward/classifications/languages';
import { assertNever } from '@homeward/assert-never';
import type { WorkerCommand } from './worker.decider';

/** A value that names nothing in its code list: where it is, a stable code for machines, and words for people. */
export interface CodeError {
  /** Path into the command's data, e.g. ["languages", 1] or ["recruitmentCost", "currency"]. */
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly detail: string;
}

/**
 * The checks of each code list, one place for the API and the bulk import alike. Each answers undefined
 * for a value that names something, or what is wrong with it.
 */
export const codeChecks = {
  country: (value: string): Omit<CodeError, 'path'> | undefined => {
    const wrong = whyNotACountry(value);
    return wrong === undefined
      ? undefined
      : { code: 'validation.unknown-country', detail: `must be an ISO 3166-1 alpha-2 country code: ${wrong}` };
  },
  originArea: (value: string): Omit<CodeError, 'path'> | undefined =>
    subdivision(value)
      ? undefined
      : {
          code: 'validation.unknown-origin-area',
          detail: `must be an ISO 3166-2 subdivision code such as PH-03: ${JSON.stringify(value)} names no subdivision`,
        },
  language: (value: string): Omit<CodeError, 'path'> | undefined =>
    language(value)
      ? undefined
      : { code: 'validation.unknown-language', detail: `must be an ISO 639-1 language code such as tl: ${JSON.stringify(value)} is none` },
  occupation: (value: string): Omit<CodeError, 'path'> | undefined =>
    iscoUnitGroup(value)
      ? undefined
      : {
          code: 'validation.unknown-occupation',
          detail: `must be an ISCO-08 unit group (four digits, such as 9111): ${JSON.stringify(value)} is none`,
        },
  education: (value: number): Omit<CodeError, 'path'> | undefined =>
    iscedLevel(value) ? undefined : { code: 'validation.unknown-education-level', detail: 'must be an ISCED 2011 level, 0 to 8' },
  currency: (value: string): Omit<CodeError, 'path'> | undefined =>
    currency(value)
      ? undefined
      : {
          code: 'validation.unknown-currency',
          detail: `must be an active ISO 4217 currency code such as PHP: ${JSON.stringify(value)} is none`,
        },
  escoSkill: (value: string): Omit<CodeError, 'path'> | undefined =>
    isEscoSkillUri(value)
      ? undefined
      : {
          code: 'validation.invalid-esco-skill-uri',
          detail: 'must be an ESCO skill URI: http://data.europa.eu/esco/skill/ followed by the skill’s lower-case UUID',
        },
} as const;

/**
 * Every value of a command that names nothing in its code list (ISO 3166, ISO 639-1, ISO 4217, ISCO-08,
 * ISCED 2011, ESCO), in the order of the command's fields. The registry records only codes that name
 * something: a report that meets `XX` or `0000` can only count it as unknown.
 */
export function codeErrors(command: WorkerCommand): CodeError[] {
  const errors: CodeError[] = [];
  const check = <T>(path: readonly (string | number)[], value: T | undefined, test: (value: T) => Omit<CodeError, 'path'> | undefined) => {
    if (value === undefined) return;
    const wrong = test(value);
    if (wrong) errors.push({ path, ...wrong });
  };
  switch (command.type) {
    case 'RegisterWorker':
    case 'CorrectWorkerDetails': {
      const details = command.data;
      check(['originArea'], details.originArea, codeChecks.originArea);
      check(['educationIsced'], details.educationIsced, codeChecks.education);
      details.languages?.forEach((code, i) => check(['languages', i], code, codeChecks.language));
      break;
    }
    case 'RecordDeparture': {
      const departure = command.data;
      check(['destinationCountry'], departure.destinationCountry, codeChecks.country);
      check(['occupationIsco'], departure.occupationIsco, codeChecks.occupation);
      check(['recruitmentCost', 'currency'], departure.recruitmentCost?.currency, codeChecks.currency);
      check(['monthlyWage', 'currency'], departure.monthlyWage?.currency, codeChecks.currency);
      break;
    }
    case 'RecordArrival':
      check(['country'], command.data.country, codeChecks.country);
      break;
    case 'RecordEmploymentChange':
      check(['occupationIsco'], command.data.occupationIsco, codeChecks.occupation);
      break;
    case 'RecordSkills':
      command.data.skills.forEach((skill, i) => check(['skills', i, 'escoUri'], skill.escoUri, codeChecks.escoSkill));
      break;
    case 'RecordReturn':
      check(['fromCountry'], command.data.fromCountry, codeChecks.country);
      break;
    case 'CompleteOrientation':
    case 'RecordIncident':
    case 'AssessReintegrationNeeds':
    case 'ReferForReintegration':
    case 'RecordReferralOutcome':
    case 'ErasePersonalData':
    case 'ResolveDuplicate':
      break;
    default:
      assertNever(command, 'command');
  }
  return errors;
}
