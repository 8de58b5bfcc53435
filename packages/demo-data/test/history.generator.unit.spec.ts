import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { COUNTRY_PROFILES } from '../src/country-profiles';
import { CURRENCIES } from '../src/destinations';
import {
  generateHistories,
  generateWorker,
  ORIGIN_COUNTRIES,
  recruitmentCostInMonthsOfWages,
  type DemoOptions,
  type OriginCountry,
  type Step,
  type WorkerHistory,
} from '../src/history.generator';

const TODAY = '2025-06-30';
const SAMPLE = 6000;
const samples = new Map<OriginCountry, WorkerHistory[]>(
  ORIGIN_COUNTRIES.map((country) => [country, [...generateHistories({ country, seed: 2024, today: TODAY }, SAMPLE)]]),
);
const all = [...samples.values()].flat();
const stepsOf = <P extends Step['path']>(histories: readonly WorkerHistory[], path: P) =>
  histories.flatMap((h) => h.steps.filter((s): s is Extract<Step, { path: P }> => s.path === path).map((step) => ({ h, step })));
const share = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length / items.length;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const normalised = (table: readonly (readonly [string, number])[]) => {
  const total = table.reduce((s, [, w]) => s + w, 0);
  return table.map(([k, w]) => [k, w / total] as const);
};

describe('the generator, for a seed', () => {
  const options: DemoOptions = { country: 'PH', seed: 7, today: TODAY };

  it('gives the same histories every time', () => {
    expect(JSON.stringify([...generateHistories(options, 300)])).toBe(JSON.stringify([...generateHistories(options, 300)]));
  });

  it('gives other histories for another seed, another today or another country', () => {
    const base = JSON.stringify([...generateHistories(options, 50)]);
    expect(JSON.stringify([...generateHistories({ ...options, seed: 8 }, 50)])).not.toBe(base);
    expect(JSON.stringify([...generateHistories({ ...options, today: '2025-07-01' }, 50)])).not.toBe(base);
    expect(JSON.stringify([...generateHistories({ ...options, country: 'LK' }, 50)])).not.toBe(base);
  });

  it('makes worker i the same person however many are generated, and from wherever generation starts', () => {
    const hundred = [...generateHistories(options, 100)];
    expect(generateWorker(options, 57)).toEqual(hundred[57]);
    expect([...generateHistories(options, 10, 50)]).toEqual(hundred.slice(50, 60));
    expect(new Set(hundred.map((h) => h.key)).size).toBe(100);
  });

  it('gives every step of a worker its own key, and no two workers the same documents', () => {
    for (const h of all) expect(new Set(h.steps.map((s) => s.key)).size).toBe(h.steps.length);
    for (const [, histories] of samples) {
      const ids = stepsOf(histories, '/workers').flatMap(({ step }) => [
        step.body.personalData.nationalId,
        step.body.personalData.passportNumber,
      ]);
      const present = ids.filter((id): id is string => id !== undefined);
      expect(new Set(present).size).toBe(present.length);
    }
  });
});

describe('every generated call', () => {
  // The contract itself: each body is validated against its operation's request schema in registration.v1.yaml.
  const document = parseYaml(readFileSync(join(__dirname, '../../../services/registration/openapi/registration.v1.yaml'), 'utf8')) as {
    paths: Record<string, { post?: { requestBody?: { content: { 'application/json'?: { schema: unknown } } } } }>;
    components: unknown;
  };
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ components: document.components }, 'openapi');
  const validators = new Map(
    Object.entries(document.paths)
      // Operations without a JSON body (a release of the relay's quarantine, a bulk import) take no generated call.
      .filter(([, item]) => item.post?.requestBody?.content['application/json'])
      .map(([path, item]) => [
        path,
        ajv.compile(
          JSON.parse(
            JSON.stringify(item.post!.requestBody!.content['application/json']!.schema).replace(
              /"#\/components\//g,
              '"openapi#/components/',
            ),
          ),
        ),
      ]),
  );

  it('is a POST on a path of the registration API with a body its schema accepts', () => {
    const refused: string[] = [];
    for (const h of all) {
      for (const step of h.steps) {
        const validate = validators.get(step.path);
        if (step.method !== 'POST' || !validate) refused.push(`${h.key} ${step.key}: no POST ${step.path} in the contract`);
        else if (!validate(step.body)) refused.push(`${h.key} ${step.key}: ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(refused.slice(0, 5)).toEqual([]);
  });

  it('catches a body the contract refuses (the check above can fail)', () => {
    const validate = validators.get('/workers/{workerId}/departures')!;
    const { step } = stepsOf(samples.get('PH')!, '/workers/{workerId}/departures')[0]!;
    expect(validate(step.body)).toBe(true);
    expect(validate({ ...step.body, occupationIsco: 9111 })).toBe(false);
  });
});

describe.each(ORIGIN_COUNTRIES)('a large sample of %s workers', (country) => {
  const histories = samples.get(country)!;
  const profile = COUNTRY_PROFILES[country];

  it("has the share of women of DOMAIN.md's scale table", () => {
    const domain: Record<OriginCountry, number> = { PH: 0.5, NP: 0.09, ID: 0.62, BD: 0.08, LK: 0.41 };
    expect(Math.abs(share(histories, (h) => h.sex === 'F') - domain[country])).toBeLessThan(0.02);
    expect(share(histories, (h) => h.sex === 'U')).toBeLessThan(0.01);
  });

  it("sends women and men to the profile's destinations in its proportions", () => {
    const firstDepartures = histories.flatMap((h) => {
      const first = h.steps.find((s) => s.path === '/workers/{workerId}/departures');
      return first && (h.sex === 'F' || h.sex === 'M') ? [{ sex: h.sex, destination: first.body.destinationCountry }] : [];
    });
    for (const sex of ['F', 'M'] as const) {
      const theirs = firstDepartures.filter((d) => d.sex === sex);
      if (theirs.length < 300) continue;
      for (const [destination, expected] of normalised(profile.destinations[sex])) {
        const tolerance = 4 * Math.sqrt((expected * (1 - expected)) / theirs.length) + 0.005;
        expect([destination, Math.abs(share(theirs, (d) => d.destination === destination) - expected) < tolerance]).toEqual([
          destination,
          true,
        ]);
      }
    }
  });

  it('takes origin areas from the country’s ISO 3166-2 subdivisions', () => {
    const areas = new Set(profile.areas.map(([code]) => code));
    for (const { step } of stepsOf(histories, '/workers')) {
      expect(step.body.originArea.startsWith(`${country}-`)).toBe(true);
      expect(areas.has(step.body.originArea)).toBe(true);
    }
  });

  it('brings most workers home at the end of their contract, and some back from an undocumented stay', () => {
    const returns = stepsOf(histories, '/workers/{workerId}/returns');
    expect(returns.length).toBeGreaterThan(SAMPLE / 2);
    const completed = share(returns, ({ step }) => step.body.reason === 'contract_completed');
    expect(completed).toBeGreaterThan(0.6);
    expect(completed).toBeLessThan(0.85);
    expect(share(returns, ({ step }) => step.body.reason === 'death')).toBeLessThan(0.01);
    const assisted = share(returns, ({ step }) => step.body.assistance === 'assisted');
    expect(assisted).toBeGreaterThan(0.05);
    expect(assisted).toBeLessThan(0.25);
    const undocumented = histories.flatMap((h) => h.expected.cycles).filter((c) => c.returnedOn !== undefined);
    const withoutDeparture = share(undocumented, (c) => c.withoutRecordedDeparture);
    expect(withoutDeparture).toBeGreaterThan(profile.undocumentedShare * 0.6);
    expect(withoutDeparture).toBeLessThan(profile.undocumentedShare * 2);
  });

  it('records every stage of the cycle somewhere in the sample, over up to three cycles', () => {
    const paths = new Set(histories.flatMap((h) => h.steps.map((s) => s.path)));
    expect(paths.size).toBe(11);
    const changes = new Set(stepsOf(histories, '/workers/{workerId}/employment-changes').map(({ step }) => step.body.change));
    expect([...changes].sort()).toEqual(['contract_renewal', 'new_employer', 'new_occupation']);
    const cycles = new Set(histories.map((h) => h.expected.cycles.length));
    expect([...cycles].sort()).toEqual([0, 1, 2, 3]);
    expect(share(histories, (h) => h.expected.status === 'abroad')).toBeGreaterThan(0.2);
  });

  it('records some events late, with the day they happened', () => {
    const steps = histories.flatMap((h) => h.steps);
    const late = share(steps, (s) => s.recordedOn > s.occurredOn);
    expect(late).toBeGreaterThan(0.1);
    expect(late).toBeLessThan(0.45);
    const returns = stepsOf(histories, '/workers/{workerId}/returns');
    expect(returns.some(({ step }) => Date.parse(step.recordedOn) - Date.parse(step.occurredOn) > 30 * 86_400_000)).toBe(true);
  });

  it('states recruitment cost in the home currency and the wage in the destination’s, in minor units', () => {
    for (const { step } of stepsOf(histories, '/workers/{workerId}/departures')) {
      const { recruitmentCost, monthlyWage } = step.body;
      if (recruitmentCost) expect(recruitmentCost.currency).toBe(profile.currency);
      for (const money of [recruitmentCost, monthlyWage]) {
        if (!money) continue;
        expect(Number.isInteger(money.amountMinor) && money.amountMinor >= 0).toBe(true);
        expect(CURRENCIES[money.currency]).toBeDefined();
      }
    }
  });
});

describe('across countries', () => {
  const costMonths = (country: OriginCountry) =>
    median(
      stepsOf(samples.get(country)!, '/workers/{workerId}/departures').flatMap(({ step }) => {
        const months = recruitmentCostInMonthsOfWages(step.body.recruitmentCost, step.body.monthlyWage);
        return months === undefined ? [] : [months];
      }),
    );

  it('makes recruitment cost (SDG 10.7.1, in months of wages) highest for Bangladesh and lowest for the Philippines', () => {
    const months = Object.fromEntries(ORIGIN_COUNTRIES.map((c) => [c, costMonths(c)]));
    expect(months.BD).toBeGreaterThan(6);
    expect(months.BD).toBeLessThan(12);
    expect(months.NP).toBeGreaterThan(2);
    expect(months.PH).toBeLessThan(1);
    expect(months.BD!).toBeGreaterThan(months.NP!);
    expect(months.NP!).toBeGreaterThan(Math.max(months.ID!, months.LK!, months.PH!));
  });

  it('makes about half of recent Philippine deployments rehires, more than elsewhere', () => {
    const recentRehires = (country: OriginCountry) => {
      const departures = samples.get(country)!.flatMap((h) =>
        h.steps
          .filter((s) => s.path === '/workers/{workerId}/departures')
          .map((s, i) => ({ rehire: i > 0, recent: s.occurredOn >= '2022-07-01' }))
          .filter((d) => d.recent),
      );
      return share(departures, (d) => d.rehire);
    };
    const ph = recentRehires('PH');
    expect(ph).toBeGreaterThan(0.42);
    expect(ph).toBeLessThan(0.62);
    for (const country of ORIGIN_COUNTRIES.filter((c) => c !== 'PH')) expect(recentRehires(country)).toBeLessThan(ph);
  });

  it('gives domestic work to women and construction to men', () => {
    const departures = stepsOf(all, '/workers/{workerId}/departures');
    const heldByWomen = (isco: string) =>
      share(
        departures.filter(({ step }) => step.body.occupationIsco === isco),
        ({ h }) => h.sex === 'F',
      );
    expect(heldByWomen('9111')).toBeGreaterThan(0.9);
    expect(heldByWomen('7112')).toBeLessThan(0.02);
    expect(heldByWomen('9313')).toBeLessThan(0.02);
    expect(heldByWomen('5322')).toBeGreaterThan(0.7);
    expect(heldByWomen('8322')).toBeLessThan(0.05);
  });

  it('brings women home for abuse or exploitation more often than men, and mostly with assistance', () => {
    const returns = stepsOf(all, '/workers/{workerId}/returns');
    const abuse = (sex: string) =>
      share(
        returns.filter(({ h }) => h.sex === sex),
        ({ step }) => step.body.reason === 'abuse_or_exploitation',
      );
    expect(abuse('F')).toBeGreaterThan(abuse('M'));
    const abused = returns.filter(({ step }) => step.body.reason === 'abuse_or_exploitation');
    expect(share(abused, ({ step }) => step.body.assistance === 'assisted')).toBeGreaterThan(0.5);
  });

  it('has missions record most arrivals and assisted returns, and the agency registrations, departures and undocumented returns', () => {
    const arrivals = stepsOf(all, '/workers/{workerId}/arrivals');
    expect(share(arrivals, ({ step }) => step.actor.kind === 'mission' && step.actor.country === step.body.country)).toBeGreaterThan(0.8);
    const returns = stepsOf(all, '/workers/{workerId}/returns');
    const departed = ({ h, step }: (typeof returns)[number]) => h.steps.some((s) => s.key === step.key.replace(/\.return$/, '.departure'));
    const assisted = returns.filter((r) => r.step.body.assistance === 'assisted' && departed(r));
    expect(share(assisted, ({ step }) => step.actor.kind === 'mission' && step.actor.country === step.body.fromCountry)).toBeGreaterThan(
      0.75,
    );
    // A mission records returns only of workers whose cycle in its country the registry holds.
    const undocumented = returns.filter((r) => !departed(r));
    expect(undocumented.length).toBeGreaterThan(0);
    expect(undocumented.every(({ step }) => step.actor.kind === 'agency')).toBe(true);
    for (const path of ['/workers', '/workers/{workerId}/departures', '/workers/{workerId}/reintegration/needs'] as const) {
      expect(stepsOf(all, path).every(({ step }) => step.actor.kind === 'agency')).toBe(true);
    }
  });
});
