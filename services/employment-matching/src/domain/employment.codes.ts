import { subdivision } from '@homeward/classifications/countries';
import { currency } from '@homeward/classifications/currencies';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import { language } from '@homeward/classifications/languages';
import type { CodeError } from './employment.errors';

type Check = (value: string) => Omit<CodeError, 'path'> | undefined;

/**
 * The checks of each code list the employment service records, against the real lists in
 * @homeward/classifications (never a pattern alone). Each answers undefined for a value that names
 * something, or what is wrong. The codes are those registration and skills use for the same lists.
 */
export const codeChecks: Readonly<Record<'occupation' | 'subdivision' | 'language' | 'currency', Check>> = {
  occupation: (value) =>
    iscoUnitGroup(value)
      ? undefined
      : {
          code: 'validation.unknown-occupation',
          detail: `must be an ISCO-08 unit group (four digits, such as 5152): ${JSON.stringify(value)} is none`,
        },
  subdivision: (value) =>
    subdivision(value)
      ? undefined
      : {
          code: 'validation.unknown-subdivision',
          detail: `must be an ISO 3166-2 subdivision code such as PH-CEB: ${JSON.stringify(value)} names no subdivision`,
        },
  language: (value) =>
    language(value)
      ? undefined
      : { code: 'validation.unknown-language', detail: `must be an ISO 639-1 language code such as tl: ${JSON.stringify(value)} is none` },
  currency: (value) =>
    currency(value)
      ? undefined
      : {
          code: 'validation.unknown-currency',
          detail: `must be an active ISO 4217 currency code such as PHP: ${JSON.stringify(value)} is none`,
        },
};

/** Collects the code errors of a command's fields, in the order they are checked. */
export function codeCollector(): {
  check: (path: readonly (string | number)[], value: string | undefined, test: Check) => void;
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
