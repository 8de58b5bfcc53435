import { country, subdivision } from '@homeward/classifications/countries';
import { currency } from '@homeward/classifications/currencies';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import { language } from '@homeward/classifications/languages';
import { COUNTRY_PROFILES, ORIGIN_COUNTRIES } from '../src/country-profiles';
import { CURRENCIES, DESTINATIONS } from '../src/destinations';
import { OCCUPATIONS } from '../src/occupations';
import type { Random } from '../src/random';

// The synthetic data speaks the registry's code lists, or the registry would refuse it.

describe('the demo data’s codes', () => {
  it('names occupations by ISCO-08 unit groups, with the ILO’s titles', () => {
    for (const [code, occupation] of Object.entries(OCCUPATIONS))
      expect([code, iscoUnitGroup(code)?.title]).toEqual([code, occupation.title]);
  });

  it('draws origin areas from the ISO 3166-2 subdivisions of each origin country', () => {
    for (const origin of ORIGIN_COUNTRIES) {
      for (const [code] of COUNTRY_PROFILES[origin].areas) expect([code, subdivision(code)?.country]).toEqual([code, origin]);
    }
  });

  it('sends workers to ISO 3166-1 countries paying in active ISO 4217 currencies with their minor units', () => {
    for (const [code, destination] of Object.entries(DESTINATIONS)) {
      expect([code, country(code)?.alpha2]).toEqual([code, code]);
      expect([destination.currency, currency(destination.currency)?.code]).toEqual([destination.currency, destination.currency]);
    }
    for (const [code, { exponent }] of Object.entries(CURRENCIES)) expect([code, currency(code)?.minorUnits]).toEqual([code, exponent]);
  });

  it('gives workers ISO 639-1 languages', () => {
    const always = { chance: () => true } as unknown as Random;
    const never = { chance: () => false } as unknown as Random;
    for (const origin of ORIGIN_COUNTRIES) {
      for (const code of [...COUNTRY_PROFILES[origin].languages(always), ...COUNTRY_PROFILES[origin].languages(never)])
        expect([code, language(code)?.code]).toEqual([code, code]);
    }
  });
});
