import { COUNTRY_PROFILES, type OriginCountry } from './country-profiles';
import { OCCUPATIONS } from './occupations';
import { seededRandom, type Random } from './random';
import { DEMO_STANDARDS } from './skills.writer';

/**
 * Demo data for the employment-matching service, written through its public API like everything else:
 * employers at home and their vacancies (some posted by the employers themselves, some by the employment
 * office on their behalf) in occupations the demo's returnees had abroad — three of them asking for the
 * skills demo's standards or some of their units — located in the origin country's subdivisions where most
 * returnees live, paid in its currency; the returnees' job-search preferences; and referrals made with the
 * matching engine's explained score, some interviewed, some closed, some hired, a few placements ended.
 *
 * Deterministic for a seed, a country, a list of seekers and a day, and safe to re-run: every POST and PUT
 * carries an Idempotency-Key derived from what it does, so a second run the same day writes nothing new.
 * The service dates referrals itself (today); interviews, hires and the ends of placements are dated on the
 * referral's day, so that none is in the future and a re-run sends the same bodies.
 */

/** A returnee who may seek work: their origin area and the ISCO-08 unit groups of their work abroad. */
export interface DemoSeeker {
  readonly workerId: string;
  readonly originArea: string;
  readonly occupations: readonly string[];
}

export interface EmploymentDemoOptions {
  /** The employment-matching service, e.g. http://127.0.0.1:3003. */
  readonly baseUrl: string;
  /** The employment office: an agency's token with employment:vacancies, employment:seekers, employment:referrals and employment:read. */
  readonly officeToken: string;
  /**
   * Tokens of the employers that use the service themselves (kind employer, their organisation id): they post
   * their own vacancies and record interviews and hires; the office does it for the others.
   */
  readonly employerTokens?: Readonly<Record<string, string>>;
  readonly seekers: readonly DemoSeeker[];
  readonly country?: OriginCountry;
  readonly seed?: number;
  /** Today (UTC, YYYY-MM-DD): vacancies close in the weeks after it. */
  readonly today: string;
  readonly concurrency?: number;
  readonly fetch?: typeof globalThis.fetch;
  /** How long to wait for the service to know a returnee, a standard (from the other services' topics). */
  readonly waitMs?: number;
}

export interface EmploymentDemoReport {
  readonly employers: number;
  readonly vacancies: number;
  readonly seekers: number;
  readonly preferences: number;
  readonly referrals: number;
  readonly interviews: number;
  readonly hires: number;
  readonly placementsEnded: number;
  readonly closedReferrals: number;
  /** Referrals the service refused for a reason of the data (a seeker no longer seeking, …): skipped, not failed. */
  readonly skipped: readonly string[];
  readonly failures: readonly string[];
}

interface VacancySpec {
  readonly title: string;
  readonly occupationIsco: string;
  readonly requiredStandards?: readonly string[];
  readonly requiredUnits?: readonly { readonly standardId: string; readonly unitCode: string }[];
  readonly experienceMonths: number;
  readonly openings: number;
  readonly contract: 'permanent' | 'fixed_term' | 'casual';
}

export interface DemoEmployer {
  /** The organisation id, e.g. "ph-employer-homecare". */
  readonly employerId: string;
  readonly name: string;
  /** Where its vacancies are: a subdivision of the origin country where many returnees live. */
  readonly location: string;
  /** Whether it posts and records itself (with a token of its own) or through the employment office. */
  readonly selfService: boolean;
  readonly vacancies: readonly VacancySpec[];
}

const standard = (id: string) => {
  const s = DEMO_STANDARDS.find((d) => d.standardId === id);
  if (!s) throw new Error(`no demo standard ${id}`);
  return s;
};
const units = (id: string, codes: readonly string[]) => codes.map((unitCode) => ({ standardId: standard(id).standardId, unitCode }));

/** Employers at home for returnees' trades; `area` is the rank of the subdivision among the country's origin areas. */
const EMPLOYER_TEMPLATES: readonly (Omit<DemoEmployer, 'employerId' | 'location'> & { slug: string; area: number })[] = [
  {
    slug: 'homecare',
    name: 'Home and elderly care services',
    area: 2,
    selfService: true,
    vacancies: [
      {
        title: 'Home caregiver for the elderly',
        occupationIsco: '5322',
        requiredStandards: ['rmcs-caregiving-nc2'],
        experienceMonths: 12,
        openings: 3,
        contract: 'fixed_term',
      },
      { title: 'Health care assistant (clinic)', occupationIsco: '5321', experienceMonths: 24, openings: 2, contract: 'permanent' },
    ],
  },
  {
    slug: 'shipyard',
    name: 'Shipbuilding and repair yard',
    area: 1,
    selfService: true,
    vacancies: [
      {
        title: 'Plate welder (SMAW)',
        occupationIsco: '7212',
        requiredUnits: units('rmcs-smaw-nc2', ['SMAW-01', 'SMAW-02']),
        experienceMonths: 24,
        openings: 4,
        contract: 'fixed_term',
      },
      { title: 'Marine engine mechanic', occupationIsco: '7233', experienceMonths: 36, openings: 2, contract: 'permanent' },
    ],
  },
  {
    slug: 'hotels',
    name: 'Resort and hotel group',
    area: 0,
    selfService: true,
    vacancies: [
      { title: 'Room attendant', occupationIsco: '9112', experienceMonths: 6, openings: 4, contract: 'casual' },
      { title: 'Line cook', occupationIsco: '5120', experienceMonths: 12, openings: 2, contract: 'permanent' },
      { title: 'Restaurant server', occupationIsco: '5131', experienceMonths: 6, openings: 3, contract: 'casual' },
    ],
  },
  {
    slug: 'household-coop',
    name: 'Household services cooperative',
    area: 3,
    selfService: false,
    vacancies: [
      {
        title: 'Live-out housekeeper',
        occupationIsco: '9111',
        requiredUnits: units('rmcs-housekeeping-nc2', ['HHK-01', 'HHK-02']),
        experienceMonths: 12,
        openings: 5,
        contract: 'permanent',
      },
    ],
  },
  {
    slug: 'builders',
    name: 'Construction contractors',
    area: 4,
    selfService: false,
    vacancies: [
      { title: 'Mason', occupationIsco: '7112', experienceMonths: 24, openings: 3, contract: 'fixed_term' },
      { title: 'Carpenter', occupationIsco: '7115', experienceMonths: 24, openings: 2, contract: 'fixed_term' },
      { title: 'Construction labourer', occupationIsco: '9313', experienceMonths: 0, openings: 6, contract: 'casual' },
    ],
  },
  {
    slug: 'logistics',
    name: 'Freight and delivery company',
    area: 5,
    selfService: false,
    vacancies: [
      { title: 'Delivery van driver', occupationIsco: '8322', experienceMonths: 12, openings: 3, contract: 'permanent' },
      { title: 'Heavy truck driver', occupationIsco: '8332', experienceMonths: 36, openings: 1, contract: 'permanent' },
    ],
  },
];

/** The origin countries' currencies, with what a US dollar buys (rounded) and their ISO 4217 minor units. */
export const HOME_CURRENCIES: Readonly<
  Record<OriginCountry, { readonly code: string; readonly perUsd: number; readonly exponent: number }>
> = {
  PH: { code: 'PHP', perUsd: 56, exponent: 2 },
  NP: { code: 'NPR', perUsd: 133, exponent: 2 },
  ID: { code: 'IDR', perUsd: 15_800, exponent: 2 },
  BD: { code: 'BDT', perUsd: 118, exponent: 2 },
  LK: { code: 'LKR', perUsd: 300, exponent: 2 },
};

/** What a job at home pays against the same job in the Gulf (rounded: the reason people leave). */
const HOME_WAGE_SHARE = 0.55;

/** The demo's employers in a country: each where many of its returnees live. */
export function demoEmployers(country: OriginCountry = 'PH'): readonly DemoEmployer[] {
  const profile = COUNTRY_PROFILES[country];
  const areas = [...profile.areas].sort((a, b) => b[1] - a[1]);
  return EMPLOYER_TEMPLATES.map(({ slug, area, ...rest }) => ({
    ...rest,
    employerId: `${country.toLowerCase()}-employer-${slug}`,
    location: areas[area % areas.length]![0],
  }));
}

/** A monthly wage at home for an occupation, in the country's currency, varied a little by the seed. */
export function homeWage(country: OriginCountry, occupationIsco: string, random: Random): { currency: string; amountMinor: number } {
  const c = HOME_CURRENCIES[country];
  const usd = (OCCUPATIONS[occupationIsco]?.gulfWageUsd ?? 400) * HOME_WAGE_SHARE * (0.9 + random.next() * 0.3);
  const units = usd * c.perUsd;
  const step = units >= 100_000 ? 10_000 : 100;
  return { currency: c.code, amountMinor: Math.round(units / step) * step * 10 ** c.exponent };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Codes the service answers that say the data (not the writer) stands in the way: the step is skipped. */
const SKIPPABLE = new Set([
  'employment.seeker-not-active',
  'employment.seeker-left',
  'employment.seeker-not-registered',
  'employment.referral-already-live',
  'employment.referral-already-made',
  'employment.vacancy-no-openings-left',
  'employment.vacancy-filled',
  // The matching engine has no score for the pair (it has not seen the seeker yet, or none is deployed).
  'employment.match-unavailable',
]);

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function writeEmploymentDemo(options: EmploymentDemoOptions): Promise<EmploymentDemoReport> {
  const fetch = options.fetch ?? globalThis.fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const country = options.country ?? 'PH';
  const seed = options.seed ?? 1;
  const waitMs = options.waitMs ?? 60_000;
  const failures: string[] = [];
  const skipped: string[] = [];
  const counts = {
    vacancies: 0,
    seekers: 0,
    preferences: 0,
    referrals: 0,
    interviews: 0,
    hires: 0,
    placementsEnded: 0,
    closedReferrals: 0,
  };

  async function call(token: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, key?: string) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': `demo-employment:${seed}:${key}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      // A concurrency conflict or a service restarting: try again, as a client would.
      if ((response.status === 409 && parsed?.code === 'concurrency.conflict') || response.status >= 500) {
        if (attempt < 5) {
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
          continue;
        }
      }
      return { status: response.status, body: parsed };
    }
  }
  async function write(token: string, method: 'POST' | 'PUT', path: string, body: unknown, key: string): Promise<any> {
    const response = await call(token, method, path, body, key);
    if (response.status >= 300) {
      const code = response.body?.code ?? '';
      throw new Refused(response.status, code, `${method} ${path} → ${response.status} ${code}: ${response.body?.detail ?? ''}`);
    }
    return response.body;
  }
  /** Retries while the service has not yet read what another service published (a returnee, a standard). */
  async function eventually<T>(attempt: () => Promise<T>, waiting: (error: unknown) => boolean): Promise<T> {
    const until = Date.now() + waitMs;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (!waiting(error) || Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  const office = options.officeToken;
  const tokenOf = (employer: DemoEmployer) => (employer.selfService ? options.employerTokens?.[employer.employerId] : undefined) ?? office;

  // Vacancies, one employer after the other (a standard the skills service published reaches this one on
  // its topic: the first vacancy that needs one waits for it).
  const employers = demoEmployers(country);
  const vacancies: { vacancyId: string; spec: VacancySpec; employer: DemoEmployer; wage: { currency: string; amountMinor: number } }[] = [];
  for (const employer of employers) {
    for (const [n, spec] of employer.vacancies.entries()) {
      const random = seededRandom(seed, country, employer.employerId, n);
      const wage = homeWage(country, spec.occupationIsco, random);
      const body = {
        employerId: employer.employerId,
        title: spec.title,
        occupationIsco: spec.occupationIsco,
        ...(spec.requiredStandards ? { requiredStandards: spec.requiredStandards } : {}),
        ...(spec.requiredUnits ? { requiredUnits: spec.requiredUnits } : {}),
        experienceMonths: spec.experienceMonths,
        location: employer.location,
        languages: COUNTRY_PROFILES[country].languages(random),
        monthlyWage: wage,
        openings: spec.openings,
        closingOn: addDays(options.today, 30 + random.int(0, 8) * 7),
      };
      try {
        const vacancy = await eventually(
          () => write(tokenOf(employer), 'POST', '/vacancies', body, `vacancy:${employer.employerId}:${n}`),
          (e) => e instanceof Refused && (e.code === 'employment.unknown-standard' || e.code === 'employment.unknown-unit'),
        );
        vacancies.push({ vacancyId: vacancy.vacancyId, spec, employer, wage });
        counts.vacancies++;
      } catch (error) {
        failures.push(`vacancy ${spec.title} of ${employer.employerId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  // The returnees as job seekers: they became ones on their return (registration's topic); one the service
  // has not heard of in time is registered at their request. Then what work they want.
  const seeking = new Set<string>();
  const seekerQueue = [...options.seekers];
  await lanes(options.concurrency ?? 8, seekerQueue, async (seeker) => {
    const at = `/job-seekers/${seeker.workerId}`;
    try {
      let known = false;
      const until = Date.now() + Math.min(waitMs, 10_000);
      for (;;) {
        if ((await call(office, 'GET', at)).status === 200) {
          known = true;
          break;
        }
        if (Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (!known) {
        try {
          await write(office, 'POST', '/job-seekers', { workerId: seeker.workerId }, `seeker:${seeker.workerId}`);
        } catch (error) {
          if (!(error instanceof Refused && error.code === 'employment.seeker-already-registered')) throw error;
        }
      }
      counts.seekers++;
      seeking.add(seeker.workerId);
      const random = seededRandom(seed, country, 'seeker', seeker.workerId);
      if (random.chance(0.25)) return; // no preferences said yet
      const wanted = seeker.occupations.filter((o) => /^[0-9]{4}$/.test(o)).slice(-2);
      const profileAreas = COUNTRY_PROFILES[country].areas.map(([code]) => code);
      // A seeker who has left since (placed by a first run, re-migrated) is refused: skipped, the same each run.
      await write(
        office,
        'PUT',
        `${at}/preferences`,
        {
          occupations: wanted,
          areas: random.chance(0.3) ? [seeker.originArea, random.pick(profileAreas.filter((a) => a !== seeker.originArea))] : [],
          willingToRelocate: random.chance(0.25),
          ...(random.chance(0.3) ? { availableFrom: addDays(options.today, random.int(1, 4) * 7) } : {}),
        },
        `preferences:${seeker.workerId}`,
      );
      counts.preferences++;
    } catch (error) {
      if (error instanceof Refused && SKIPPABLE.has(error.code)) skipped.push(`seeker ${seeker.workerId}: ${error.code}`);
      else failures.push(`seeker ${seeker.workerId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

  // In the order given, whatever order the lanes finished in: the draws below depend on it.
  const seekers = options.seekers.filter((s) => seeking.has(s.workerId));

  // Referrals: to each vacancy, a few seekers who did its work abroad (the unit group, else its minor group),
  // in an order drawn from the seed; then what came of each, as the employer (or the office) records it.
  const taken = new Set<string>();
  let engineAnswered = false;
  const engineGrace = Date.now() + Math.min(waitMs, 10_000);
  const jobs: (() => Promise<void>)[] = [];
  for (const { vacancyId, spec, employer, wage } of vacancies) {
    const random = seededRandom(seed, country, 'referrals', employer.employerId, spec.title);
    const exact = seekers.filter((s) => s.occupations.includes(spec.occupationIsco));
    const group = seekers.filter((s) => !exact.includes(s) && s.occupations.some((o) => o.slice(0, 3) === spec.occupationIsco.slice(0, 3)));
    const pool = [...shuffled(exact, random), ...shuffled(group, random)].filter((s) => !taken.has(s.workerId));
    const chosen = pool.slice(0, Math.min(pool.length, spec.openings + 2));
    let hires = 0;
    for (const seeker of chosen) {
      taken.add(seeker.workerId);
      const outcome = random.next();
      const ends = random.chance(0.3);
      const raise = 1 + random.int(0, 5) / 100;
      const hire = outcome >= 0.55 && hires < spec.openings;
      if (hire) hires++;
      jobs.push(async () => {
        const key = `${vacancyId}:${seeker.workerId}`;
        let referral: any;
        try {
          // The engine learns of a returnee from registration's topic: wait for it, but only as long as it
          // has answered for someone (with no engine at all, every referral would wait in vain).
          referral = await eventually(
            () => write(office, 'POST', '/referrals', { vacancyId, workerId: seeker.workerId }, `referral:${key}`),
            (e) => e instanceof Refused && e.code === 'employment.match-unavailable' && (engineAnswered || Date.now() < engineGrace),
          );
          engineAnswered = true;
          counts.referrals++;
        } catch (error) {
          if (error instanceof Refused && SKIPPABLE.has(error.code)) skipped.push(`referral ${key}: ${error.code}`);
          else failures.push(`referral ${key}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        const day = referral.referredOn as string;
        const at = `/referrals/${referral.referralId}`;
        const by = tokenOf(employer);
        try {
          if (outcome < 0.25) return; // referred, nothing yet
          if (outcome < 0.3) {
            await write(by, 'POST', `${at}/close`, { reason: 'declined_by_seeker' }, `close:${key}`);
            counts.closedReferrals++;
            return;
          }
          const result = outcome < 0.4 ? 'pending' : outcome < 0.5 ? 'not_selected' : outcome < 0.55 ? 'no_show' : 'passed';
          // Passed but no opening left for them: the employer has not decided yet.
          const recorded = result === 'passed' && !hire ? 'pending' : result;
          await write(by, 'POST', `${at}/interview`, { interviewedOn: day, outcome: recorded }, `interview:${key}`);
          counts.interviews++;
          if (result === 'not_selected' || result === 'no_show') {
            await write(by, 'POST', `${at}/close`, { reason: 'not_selected' }, `close:${key}`);
            counts.closedReferrals++;
            return;
          }
          if (!hire) return;
          await write(
            by,
            'POST',
            `${at}/hire`,
            {
              hiredOn: day,
              startsOn: day,
              contractType: spec.contract,
              monthlyWage: { currency: wage.currency, amountMinor: Math.round((wage.amountMinor * raise) / 100) * 100 },
            },
            `hire:${key}`,
          );
          counts.hires++;
          if (!ends) return;
          await write(
            by,
            'POST',
            `${at}/placement-end`,
            { endedOn: day, reason: spec.contract === 'fixed_term' ? 'contract_completed' : 'resigned' },
            `placement-end:${key}`,
          );
          counts.placementsEnded++;
        } catch (error) {
          if (error instanceof Refused && SKIPPABLE.has(error.code)) skipped.push(`referral ${key}: ${error.code}`);
          else failures.push(`referral ${key}: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    }
  }
  await lanes(options.concurrency ?? 8, jobs, (job) => job());

  return { employers: employers.length, ...counts, skipped, failures };
}

function shuffled<T>(list: readonly T[], random: Random): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Runs `work` on every item, `concurrency` at a time. */
async function lanes<T>(concurrency: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
    }),
  );
}
