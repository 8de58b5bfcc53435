import { country, subdivision } from '@homeward/classifications/countries';
import { currency } from '@homeward/classifications/currencies';
import { iscoUnitGroup } from '@homeward/classifications/isco-08';
import { language } from '@homeward/classifications/languages';
import { COUNTRY_PROFILES, ORIGIN_COUNTRIES } from '../src/country-profiles';
import { CURRENCIES, DESTINATIONS } from '../src/destinations';
import { OCCUPATIONS } from '../src/occupations';
import { seededRandom, type Random } from '../src/random';
import { DEMO_STANDARDS } from '../src/skills.writer';
import { HOME_CURRENCIES, demoEmployers, homeWage } from '../src/employment.writer';

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

  it("posts the employment demo's vacancies in ISCO-08 unit groups the returnees had, in the country's subdivisions, asking for the skills demo's units", () => {
    for (const origin of ORIGIN_COUNTRIES) {
      const employers = demoEmployers(origin);
      expect(new Set(employers.map((e) => e.employerId)).size).toBe(employers.length);
      for (const employer of employers) {
        expect([employer.location, subdivision(employer.location)?.country]).toEqual([employer.location, origin]);
        expect(employer.employerId).toMatch(/^[a-z0-9][a-z0-9-]{0,99}$/);
        for (const vacancy of employer.vacancies) {
          expect([vacancy.occupationIsco, iscoUnitGroup(vacancy.occupationIsco)?.code]).toEqual([
            vacancy.occupationIsco,
            vacancy.occupationIsco,
          ]);
          expect(OCCUPATIONS[vacancy.occupationIsco]).toBeDefined();
          for (const id of vacancy.requiredStandards ?? []) expect(DEMO_STANDARDS.map((s) => s.standardId)).toContain(id);
          for (const u of vacancy.requiredUnits ?? [])
            expect(DEMO_STANDARDS.find((s) => s.standardId === u.standardId)?.units.map((x) => x.code)).toContain(u.unitCode);
        }
      }
    }
  });

  it("pays the employment demo's wages in each origin country's ISO 4217 currency, in its minor units", () => {
    for (const origin of ORIGIN_COUNTRIES) {
      const home = HOME_CURRENCIES[origin];
      expect(home.code).toBe(COUNTRY_PROFILES[origin].currency);
      expect([home.code, currency(home.code)?.minorUnits]).toEqual([home.code, home.exponent]);
      const wage = homeWage(origin, '7212', seededRandom(1, origin));
      expect(wage.currency).toBe(home.code);
      expect(Number.isSafeInteger(wage.amountMinor) && wage.amountMinor > 0).toBe(true);
      // The same seed, the same wage: the demo is deterministic.
      expect(homeWage(origin, '7212', seededRandom(1, origin))).toEqual(wage);
    }
  });
});
