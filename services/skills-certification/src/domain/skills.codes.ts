import { subdivision, whyNotACountry } from '@homeward/classifications/countries';
import { isEscoSkillUri } from '@homeward/classifications/esco';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import type { CodeError } from './skills.errors';

type Check<T> = (value: T) => Omit<CodeError, 'path'> | undefined;

/**
 * The checks of each code list the skills service records, against the real lists in
 * @homeward/classifications. Each answers undefined for a value that names something, or what is wrong.
 * The codes are those registration uses for the same lists.
 */
export const codeChecks = {
  country: ((value) => {
    const wrong = whyNotACountry(value);
    return wrong === undefined
      ? undefined
      : { code: 'validation.unknown-country', detail: `must be an ISO 3166-1 alpha-2 country code: ${wrong}` };
  }) as Check<string>,
  subdivision: ((value) =>
    subdivision(value)
      ? undefined
      : {
          code: 'validation.unknown-subdivision',
          detail: `must be an ISO 3166-2 subdivision code such as PH-03: ${JSON.stringify(value)} names no subdivision`,
        }) as Check<string>,
  occupation: ((value) =>
    iscoUnitGroup(value)
      ? undefined
      : {
          code: 'validation.unknown-occupation',
          detail: `must be an ISCO-08 unit group (four digits, such as 9111): ${JSON.stringify(value)} is none`,
        }) as Check<string>,
  escoSkill: ((value) =>
    isEscoSkillUri(value)
      ? undefined
      : {
          code: 'validation.invalid-esco-skill-uri',
          detail: 'must be an ESCO skill URI: http://data.europa.eu/esco/skill/ followed by the skill’s lower-case UUID',
        }) as Check<string>,
} as const;

/** Collects the code errors of a command's fields, in the order they are checked. */
export function codeCollector(): {
  check: <T>(path: readonly (string | number)[], value: T | undefined, test: Check<T>) => void;
  errors: CodeError[];
} {
  const errors: CodeError[] = [];
  return {
    errors,
    check: (path, value, test) => {
      if (value === undefined) return;
      const wrong = test(value);
      if (wrong) errors.push({ path, ...wrong });
    },
  };
}
