import { addMonths, isoDate, toDay } from './calendar';
import { COUNTRY_PROFILES, type CountryProfile, type OriginCountry } from './country-profiles';
import { DESTINATIONS, employerName, fromUsd, type MoneyAmount, type Sector } from './destinations';
import { expectedOf, type Actor, type RequestBody, type Sex, type Step, type WorkerHistory } from './history';
import { OCCUPATIONS, OCCUPATIONS_BY_MARKET } from './occupations';
import { seededRandom, type Random, type Weighted } from './random';

export { ORIGIN_COUNTRIES, type OriginCountry } from './country-profiles';
export type { Actor, ExpectedCycle, ExpectedWorker, OutcomeStep, Step, StepPath, WorkerHistory } from './history';
export { OUTCOME_PATH, expectedOf } from './history';
export { recruitmentCostInMonthsOfWages, toUsd } from './destinations';

export interface DemoOptions {
  readonly country: OriginCountry;
  readonly seed: number;
  /** The registry's today: nothing is dated, or recorded, after it. */
  readonly today: string;
  /** How far back the registry's history goes (years before `today`); 10 unless said otherwise. */
  readonly years?: number;
}

/**
 * Synthetic migration histories, pure and deterministic: the same options and index give the same worker,
 * whatever else is generated. Each worker is simulated over time — registration, orientation, departures,
 * the stay abroad, returns, reintegration, and up to three cycles — and then what the registry would have
 * recorded by `today`, in the order it would have recorded it, becomes the worker's steps.
 *
 * The order keeps the registry's rules (worker.decider.ts): a cycle's dates run departure ≤ arrival ≤ what
 * happens abroad ≤ return ≤ reintegration, and a return ≤ the next departure; orientation is recorded while
 * the worker is at home; what happens abroad is recorded while the cycle is open, and reintegration after
 * the return and before the next cycle opens; nothing is dated after the day it is recorded.
 */
export function* generateHistories(options: DemoOptions, count: number, first = 0): Generator<WorkerHistory> {
  for (let index = first; index < first + count; index++) yield generateWorker(options, index);
}

export function generateWorker(options: DemoOptions, index: number): WorkerHistory {
  return new WorkerSimulation(options, index).run();
}

/** A step before the recording order is settled: its dates as day numbers and what it must be recorded after. */
type Undated<S> = S extends Step ? Omit<S, 'occurredOn' | 'recordedOn'> : never;
interface Draft {
  readonly step: Undated<Step>;
  readonly occurred: number;
  recorded: number;
  readonly after: readonly number[];
}

type JobSex = 'F' | 'M';
type ReturnReason = RequestBody<'/workers/{workerId}/returns'>['reason'];
type IncidentKind = RequestBody<'/workers/{workerId}/incidents'>['kind'];
type NeedLevel = RequestBody<'/workers/{workerId}/reintegration/needs'>['economic'];
type Service = RequestBody<'/workers/{workerId}/reintegration/referrals'>['service'];

interface Job {
  readonly destination: string;
  readonly occupation: string;
  readonly employer: string;
  readonly wageUsd: number;
}

interface Homecoming {
  readonly day: number;
  readonly reason: ReturnReason;
  readonly assistance: 'assisted' | 'unassisted';
}

/** The pandemic of 2020: departures stopped for months, and many workers came home early. */
const PANDEMIC = {
  from: toDay('2020-04-01'),
  to: toDay('2020-09-30'),
  departuresFrom: toDay('2020-03-20'),
  departuresResume: toDay('2021-01-04'),
};

const INCIDENTS: Record<JobSex, Weighted<IncidentKind>> = {
  F: [
    ['abuse', 38],
    ['exploitation', 30],
    ['illness', 16],
    ['accident', 6],
    ['detention', 3],
    ['stranding', 7],
  ],
  M: [
    ['accident', 35],
    ['exploitation', 30],
    ['illness', 20],
    ['abuse', 5],
    ['detention', 7],
    ['stranding', 3],
  ],
};

const CASE_NOTES: Record<IncidentKind, readonly string[]> = {
  abuse: [
    'Came to the embassy shelter; reports verbal and physical abuse in the household. Passport kept by the employer.',
    'Reported being locked in the house and denied rest days; asked to be repatriated.',
  ],
  exploitation: [
    'Wages unpaid for three months; employer refuses to release the worker.',
    'Contract substituted on arrival: lower wage and longer hours than the one signed at home.',
  ],
  accident: ['Fell from scaffolding at the work site; hospitalised with a fractured leg.', 'Hand injured by a machine at the factory.'],
  illness: ['Hospitalised with a chronic illness; unable to continue working.', 'Diagnosed with tuberculosis at the annual medical check.'],
  death: [
    'Died at work; the family asks for repatriation of the remains.',
    'Found dead in the accommodation; cause of death under investigation.',
  ],
  detention: ['Detained by immigration police for an expired residence permit after the employer absconded.'],
  stranding: ['Employer closed the business and left; the worker has no income and no ticket home.'],
};

/** Days between an event abroad and its recording: mostly at once, else soon, else (backfilled) much later. */
const recordingLag = (r: Random, sameDay: number, soon: [number, number], late: [number, number]) =>
  r.chance(sameDay) ? r.int(0, 1) : r.chance(0.6) ? r.int(soon[0], soon[1]) : r.int(late[0], late[1]);

class WorkerSimulation {
  private readonly r: Random;
  private readonly profile: CountryProfile;
  private readonly today: number;
  private readonly drafts: Draft[] = [];
  private readonly key: string;

  constructor(
    private readonly options: DemoOptions,
    private readonly index: number,
  ) {
    const years = options.years ?? 10;
    this.key = `hw-demo:${options.country}:${options.seed}:${options.today}:${years}:${index}`;
    this.r = seededRandom(this.key);
    this.profile = COUNTRY_PROFILES[options.country];
    this.today = toDay(options.today);
  }

  private add(step: Draft['step'], occurred: number, recorded: number, after: readonly (number | undefined)[]): number {
    this.drafts.push({ step, occurred, recorded: Math.max(occurred, recorded), after: after.filter((a): a is number => a !== undefined) });
    return this.drafts.length - 1;
  }

  run(): WorkerHistory {
    const { r, profile } = this;
    const years = this.options.years ?? 10;
    const sex: Sex = r.chance(0.002) ? 'U' : r.chance(profile.womenShare) ? 'F' : 'M';
    const jobSex: JobSex = sex === 'F' || sex === 'M' ? sex : r.chance(profile.womenShare) ? 'F' : 'M';
    const [area, , areaName] = r.weighted(profile.areas.map((a) => [a, a[1]] as const));
    const firstContact = r.int(this.today - Math.round(years * 365.25), this.today);
    const firstDocumented = !r.chance(profile.undocumentedShare);
    const age = Math.min(58, Math.max(19, Math.round(18 + r.logNormal(profile.medianAge[jobSex] - 18, 0.35))));
    const dateOfBirth = isoDate(firstContact - Math.round(age * 365.25) - r.int(0, 364));

    const register = this.add(
      { key: 'register', method: 'POST', path: '/workers', actor: { kind: 'agency' }, body: this.person(sex, jobSex, area, dateOfBirth) },
      firstContact,
      firstContact,
      [],
    );

    interface Plan {
      readonly departure: number;
      readonly documented: boolean;
      readonly sameEmployer: boolean;
    }
    // A departure planned while borders were closed was called off, or went ahead over the following year and a half.
    const postponed = (day: number): number | undefined =>
      day < PANDEMIC.departuresFrom || day >= PANDEMIC.departuresResume
        ? day
        : r.chance(0.35)
          ? undefined
          : PANDEMIC.departuresResume + r.int(0, 540);
    const firstDeparture = firstDocumented ? postponed(firstContact + r.int(14, 150)) : firstContact - r.int(200, 1100);
    let plan: Plan | undefined =
      firstDeparture === undefined ? undefined : { departure: firstDeparture, documented: firstDocumented, sameEmployer: false };
    let previous: { job: Job; returnDraft: number | undefined; reintegration: readonly number[] } | undefined;
    let cycleStart = firstContact;
    for (let c = 1; plan && c <= 3; c++) {
      const { departure, documented, sameEmployer } = plan;
      if (c > 1 && departure > this.today) break;
      const job = this.job(c, jobSex, sameEmployer ? previous?.job : undefined, previous?.job);
      // What opens this cycle must be recorded after the previous return and its reintegration.
      const before = [register, previous?.returnDraft, ...(previous?.reintegration ?? [])];
      let homecoming: Homecoming;
      let returnDraft: number | undefined;
      if (documented) {
        let orientation: number | undefined;
        if (r.chance(c === 1 ? 0.92 : 0.25) && departure - 2 >= cycleStart) {
          const completedOn = Math.max(cycleStart, departure - r.int(2, 25));
          orientation = this.add(
            {
              key: `c${c}.orientation`,
              method: 'POST',
              path: '/workers/{workerId}/orientations',
              actor: { kind: 'agency' },
              body: {
                completedOn: isoDate(completedOn),
                topics: [
                  'rights',
                  ...(r.chance(0.6) ? (['skills_recognition'] as const) : []),
                  ...(r.chance(0.5) ? (['employment_prospects'] as const) : []),
                  ...(r.chance(0.7) ? (['credit_and_savings'] as const) : []),
                ],
                provider: profile.orientationProvider(areaName, r),
              },
            },
            completedOn,
            completedOn + (r.chance(0.9) ? 0 : r.int(1, 20)),
            before,
          );
        }
        ({ homecoming, returnDraft } = this.cycleAbroad(c, job, departure, jobSex, [...before, orientation], sameEmployer));
      } else {
        // Gone without a recorded departure: the registry hears of the cycle only at the return (and,
        // for a first cycle, registers the worker that day).
        homecoming = this.undocumentedReturn(departure);
        if (c === 1) homecoming = { ...homecoming, day: firstContact };
        returnDraft = this.recordReturn(c, job.destination, homecoming, before, false);
      }
      if (homecoming.day > this.today) break;

      // Will the worker go again, and when? Reintegration is recorded before that.
      let next: Plan | undefined;
      const again =
        (c === 1 ? profile.remigration.second : profile.remigration.third) *
        (homecoming.reason === 'deportation' ? 0.5 : homecoming.reason === 'abuse_or_exploitation' ? 0.6 : 1);
      if (homecoming.reason !== 'death' && c < 3 && r.chance(again)) {
        const nextDocumented = !r.chance(profile.undocumentedShare / 2);
        const nextSameEmployer = documented && nextDocumented && r.chance(profile.sameEmployerShare);
        const gap = nextSameEmployer ? r.int(21, 75) : r.int(60, 540);
        const departure = nextDocumented ? postponed(homecoming.day + gap) : homecoming.day + gap;
        if (departure !== undefined) next = { departure, documented: nextDocumented, sameEmployer: nextSameEmployer };
      }
      const reintegration =
        homecoming.reason === 'death' || returnDraft === undefined
          ? []
          : this.reintegration(c, homecoming, returnDraft, job, next ? next.departure : Number.POSITIVE_INFINITY);
      previous = { job, returnDraft, reintegration };
      cycleStart = homecoming.day;
      plan = next;
    }
    return this.settle();
  }

  private person(sex: Sex, jobSex: JobSex, area: string, dateOfBirth: string): RequestBody<'/workers'> {
    const { r, profile } = this;
    const familyNames = jobSex === 'F' && profile.names.familyF ? profile.names.familyF : profile.names.family;
    // Document numbers from a bijection of the index (mod any power of ten), so no two workers of a seed share one.
    const serial = (this.index * 7_654_321 + (this.options.seed % 1000) * 1_000_003) % 1_000_000_000;
    const documents = profile.documents(serial, jobSex, dateOfBirth, area, r);
    return {
      personalData: {
        givenName: r.pick(profile.names[jobSex]),
        familyName: r.pick(familyNames),
        dateOfBirth,
        ...(r.chance(0.95) ? { nationalId: documents.nationalId } : {}),
        ...(r.chance(0.85) ? { passportNumber: documents.passportNumber } : {}),
        ...(r.chance(0.6) ? { phone: documents.phone } : {}),
      },
      sex,
      originArea: area,
      ...(r.chance(0.95) ? { educationIsced: r.weighted(profile.education) } : {}),
      languages: profile.languages(r),
    };
  }

  private job(cycle: number, sex: JobSex, sameEmployer: Job | undefined, before: Job | undefined): Job {
    const { r, profile } = this;
    if (sameEmployer) return { ...sameEmployer, wageUsd: sameEmployer.wageUsd * (1 + r.next() * 0.1) };
    const destination = r.weighted(profile.destinations[sex]);
    const market = DESTINATIONS[destination]!.market;
    const occupation =
      before && cycle > 1 && r.chance(0.6) && OCCUPATIONS_BY_MARKET[market][sex].some(([o]) => o === before.occupation)
        ? before.occupation
        : r.weighted(OCCUPATIONS_BY_MARKET[market][sex].map(([o, w]) => [o, w * (profile.occupationBias?.[o] ?? 1)] as const));
    const o = OCCUPATIONS[occupation]!;
    return {
      destination,
      occupation,
      employer: employerName(r, destination, this.sectorOf(occupation, destination)),
      wageUsd: o.gulfWageUsd * DESTINATIONS[destination]!.wageFactor * r.logNormal(1, 0.15),
    };
  }

  private sectorOf(occupation: string, destination: string): Sector {
    const sector = OCCUPATIONS[occupation]!.sector;
    // Home-based care is a household job where domestic work is, and an institution's elsewhere.
    if (occupation === '5322')
      return ['gulf', 'domestic_hub', 'malaysia'].includes(DESTINATIONS[destination]!.market) ? 'household' : 'health';
    return sector;
  }

  private mission(country: string, share: number): Actor {
    return this.r.chance(share) ? { kind: 'mission', country } : { kind: 'agency' };
  }

  /** A documented cycle: departure, the stay, and the return (when it happens). */
  private cycleAbroad(
    c: number,
    job: Job,
    departure: number,
    sex: JobSex,
    prerequisites: readonly (number | undefined)[],
    rehire: boolean,
  ): { homecoming: Homecoming; returnDraft: number } {
    const { r, profile } = this;
    const destination = DESTINATIONS[job.destination]!;
    const irregular = !rehire && r.chance(profile.irregularShare);
    const contractStart = departure + r.int(0, 5);
    const months = r.pick(destination.contractMonths);
    const contractEnd = addMonths(contractStart, months) - 1;
    const costShape = profile.recruitmentCost[sex];
    // Domestic workers are the likeliest to pay nothing (no-placement-fee rules); rehires pay little.
    const paysNothing = r.chance(Math.min(0.9, costShape.zeroShare * (job.occupation === '9111' ? 1.5 : 0.7)));
    const costMonths = paysNothing ? 0 : r.logNormal(costShape.medianMonths, 0.5) * (irregular ? 1.6 : 1) * (rehire ? 0.2 : 1);
    const wage: MoneyAmount = fromUsd(job.wageUsd, destination.currency);
    const cost: MoneyAmount = fromUsd(costMonths * job.wageUsd, profile.currency);
    const g2g = job.destination === 'KR' && r.chance(0.9);
    const departureDraft = this.add(
      {
        key: `c${c}.departure`,
        method: 'POST',
        path: '/workers/{workerId}/departures',
        actor: { kind: 'agency' },
        body: {
          destinationCountry: job.destination,
          departedOn: isoDate(departure),
          employerName: job.employer,
          occupationIsco: job.occupation,
          contractStart: isoDate(contractStart),
          contractEnd: isoDate(contractEnd),
          ...(irregular || g2g || (rehire && r.chance(0.5)) ? {} : { recruitmentAgency: r.pick(profile.agencies) }),
          channel: irregular ? 'irregular' : 'regular',
          ...(r.chance(irregular ? 0.55 : 0.85) ? { recruitmentCost: cost } : {}),
          ...(r.chance(irregular ? 0.6 : 0.92) ? { monthlyWage: wage } : {}),
        },
      },
      departure,
      departure + (r.chance(0.95) ? 0 : r.int(1, 60)),
      prerequisites,
    );

    const arrival = departure + r.int(0, 2);
    const abroad: number[] = [];
    if (r.chance(0.7)) {
      abroad.push(
        this.add(
          {
            key: `c${c}.arrival`,
            method: 'POST',
            path: '/workers/{workerId}/arrivals',
            actor: this.mission(job.destination, 0.9),
            body: { arrivedOn: isoDate(arrival), country: job.destination },
          },
          arrival,
          arrival + recordingLag(r, 0.6, [2, 30], [31, 120]),
          [departureDraft],
        ),
      );
    }

    // How the stay ends: the first of a fatal or disabling incident, an early end, the pandemic, or the contract's end.
    let end = contractEnd;
    const renewals: { day: number; newEnd: number }[] = [];
    if (r.chance(profile.code === 'PH' ? 0.3 : 0.22)) {
      const newEnd = addMonths(contractEnd + 1, r.pick([12, 24])) - 1;
      renewals.push({ day: contractEnd - r.int(15, 90), newEnd });
      end = newEnd;
    }
    const household = this.sectorOf(job.occupation, job.destination) === 'household';
    let homecoming: Homecoming = {
      day: end + r.int(0, 30),
      reason: 'contract_completed',
      assistance: r.chance(0.02) ? 'assisted' : 'unassisted',
    };
    const incidents: { day: number; kind: IncidentKind }[] = [];
    const stayFrom = arrival + 14;
    if (r.chance(0.003)) {
      const day = r.int(stayFrom, Math.max(stayFrom, end));
      incidents.push({ day, kind: 'death' });
      homecoming = { day: day + r.int(5, 40), reason: 'death', assistance: 'assisted' };
    } else if (r.chance(household ? 0.06 : 0.03)) {
      const day = r.int(stayFrom, Math.max(stayFrom, end));
      const kind = r.weighted(INCIDENTS[sex]);
      incidents.push({ day, kind });
      const consequence: Record<Exclude<IncidentKind, 'death'>, [number, ReturnReason, number, number]> = {
        abuse: [0.75, 'abuse_or_exploitation', 0.75, 45],
        exploitation: [0.5, r.chance(0.5) ? 'abuse_or_exploitation' : 'terminated_early', 0.4, 60],
        accident: [0.4, 'illness_or_injury', 0.5, 60],
        illness: [0.4, 'illness_or_injury', 0.4, 60],
        detention: [0.7, 'deportation', 0.5, 120],
        stranding: [0.8, r.chance(0.6) ? 'evacuation' : 'other', 0.85, 60],
      };
      const [p, reason, assisted, within] = consequence[kind as Exclude<IncidentKind, 'death'>];
      if (r.chance(p)) homecoming = { day: day + r.int(3, within), reason, assistance: r.chance(assisted) ? 'assisted' : 'unassisted' };
    } else if (r.chance(0.1)) {
      const reason = r.weighted<ReturnReason>([
        ['terminated_early', 50],
        ['voluntary', 35],
        ['deportation', sex === 'M' ? 10 : 5],
        ['other', 7],
      ]);
      const assisted = { terminated_early: 0.1, voluntary: 0.03, deportation: 0.4, other: 0.1 }[reason as 'terminated_early'] ?? 0.1;
      homecoming = { day: r.int(stayFrom, Math.max(stayFrom, end)), reason, assistance: r.chance(assisted) ? 'assisted' : 'unassisted' };
    }
    if (departure < PANDEMIC.from && homecoming.day > PANDEMIC.from && homecoming.reason !== 'death' && r.chance(0.25)) {
      const reason: ReturnReason = r.chance(0.6) ? 'terminated_early' : 'evacuation';
      homecoming = {
        day: r.int(PANDEMIC.from, PANDEMIC.to),
        reason,
        assistance: r.chance(reason === 'evacuation' ? 0.95 : 0.6) ? 'assisted' : 'unassisted',
      };
    }
    const ret = Math.max(homecoming.day, arrival);
    homecoming = { ...homecoming, day: ret };
    const within = (day: number) => day >= arrival && day <= ret;

    for (const [i, incident] of incidents.entries()) {
      if (!within(incident.day)) continue;
      abroad.push(
        this.add(
          {
            key: `c${c}.incident.${i + 1}`,
            method: 'POST',
            path: '/workers/{workerId}/incidents',
            actor: this.mission(job.destination, 0.85),
            body: {
              occurredOn: isoDate(incident.day),
              kind: incident.kind,
              fundAssistanceRequested: r.chance(
                { abuse: 0.7, exploitation: 0.5, accident: 0.6, illness: 0.5, death: 0.9, detention: 0.4, stranding: 0.8 }[incident.kind],
              ),
              ...(r.chance(0.7) ? { caseNotes: r.pick(CASE_NOTES[incident.kind]) } : {}),
            },
          },
          incident.day,
          incident.day + recordingLag(r, 0.5, [2, 14], [15, 90]),
          [departureDraft],
        ),
      );
    }
    let changes = 0;
    const change = (day: number, body: RequestBody<'/workers/{workerId}/employment-changes'>) =>
      abroad.push(
        this.add(
          {
            key: `c${c}.change.${++changes}`,
            method: 'POST',
            path: '/workers/{workerId}/employment-changes',
            actor: this.mission(job.destination, 0.7),
            body,
          },
          day,
          day + recordingLag(r, 0.5, [2, 30], [31, 90]),
          [departureDraft],
        ),
      );
    if (ret - arrival > 150 && r.chance(0.12)) {
      const day = r.int(arrival + 60, ret - 30);
      const market = destination.market;
      const occupation = r.chance(0.2) ? r.weighted(OCCUPATIONS_BY_MARKET[market][sex]) : job.occupation;
      change(day, {
        changedOn: isoDate(day),
        change: 'new_employer',
        employerName: employerName(r, job.destination, this.sectorOf(occupation, job.destination)),
        ...(occupation !== job.occupation ? { occupationIsco: occupation } : {}),
        ...(r.chance(0.5) ? { contractEnd: isoDate(Math.max(day + 30, end)) } : {}),
      });
    } else if (ret - arrival > 150 && r.chance(0.05)) {
      const day = r.int(arrival + 60, ret - 30);
      const others = OCCUPATIONS_BY_MARKET[destination.market][sex].filter(([o]) => o !== job.occupation);
      if (others.length > 0) change(day, { changedOn: isoDate(day), change: 'new_occupation', occupationIsco: r.weighted(others) });
    }
    for (const renewal of renewals) {
      if (within(renewal.day) && renewal.day >= arrival) {
        change(renewal.day, { changedOn: isoDate(renewal.day), change: 'contract_renewal', contractEnd: isoDate(renewal.newEnd) });
      }
    }
    if (ret - arrival >= 180 && r.chance(destination.market === 'industrial' ? 0.5 : 0.3)) {
      const day = r.int(arrival + 120, ret - 1);
      const occupation = OCCUPATIONS[job.occupation]!;
      const months = (day - arrival) / 30.4;
      const language = this.languageSkill(destination.language, months);
      const skills: RequestBody<'/workers/{workerId}/skills'>['skills'] = [
        ...(language && r.chance(0.6) ? [{ kind: 'language' as const, title: language }] : []),
        { kind: 'work_process' as const, title: r.pick(occupation.workProcesses) },
        ...(r.chance(0.4) ? [{ kind: 'technology' as const, title: r.pick(occupation.technologies) }] : []),
      ];
      abroad.push(
        this.add(
          {
            key: `c${c}.skills.1`,
            method: 'POST',
            path: '/workers/{workerId}/skills',
            actor: this.mission(job.destination, 0.85),
            body: { recordedOn: isoDate(day), skills },
          },
          day,
          day + recordingLag(r, 0.5, [2, 30], [31, 60]),
          [departureDraft],
        ),
      );
    }

    const returnDraft = this.recordReturn(c, job.destination, homecoming, [departureDraft, ...abroad], true);
    return { homecoming, returnDraft };
  }

  private languageSkill(language: string, months: number): string | undefined {
    if (language === 'Japanese') return `Japanese (JLPT ${months > 24 ? 'N3' : 'N4'})`;
    if (language === 'Korean') return 'Korean (EPS-TOPIK level 2)';
    if (language === 'English' && this.profile.code === 'PH') return undefined;
    return `${language}, spoken (${months > 24 ? 'B1' : months > 10 ? 'A2' : 'A1'})`;
  }

  private undocumentedReturn(departure: number): Homecoming {
    const { r } = this;
    const reason = r.weighted<ReturnReason>([
      ['deportation', 35],
      ['voluntary', 20],
      ['terminated_early', 15],
      ['abuse_or_exploitation', 12],
      ['evacuation', 5],
      ['illness_or_injury', 5],
      ['contract_completed', 5],
      ['other', 3],
    ]);
    const assisted =
      ({ deportation: 0.6, abuse_or_exploitation: 0.8, evacuation: 0.95, illness_or_injury: 0.6 } as Partial<Record<ReturnReason, number>>)[
        reason
      ] ?? 0.15;
    return { day: departure + r.int(180, 1000), reason, assistance: r.chance(assisted) ? 'assisted' : 'unassisted' };
  }

  private recordReturn(
    c: number,
    from: string,
    homecoming: Homecoming,
    after: readonly (number | undefined)[],
    documented: boolean,
  ): number {
    const { r } = this;
    const assisted = homecoming.assistance === 'assisted';
    // Assisted returns are mostly recorded by the mission that organised them; the others at the airport desk, some only much later.
    // A return with no recorded departure is the desk's: a mission records a return only of a worker whose
    // cycle in its country the registry already holds (the draw is made anyway, so histories stay as they were).
    const byMission = this.mission(from, assisted ? 0.85 : 0.15);
    const actor: Actor = documented ? byMission : { kind: 'agency' };
    const lag = assisted ? (r.chance(0.8) ? r.int(0, 2) : r.int(3, 30)) : r.chance(0.75) ? 0 : r.chance(0.4) ? r.int(1, 7) : r.int(8, 180);
    return this.add(
      {
        key: `c${c}.return`,
        method: 'POST',
        path: '/workers/{workerId}/returns',
        actor,
        body: { returnedOn: isoDate(homecoming.day), fromCountry: from, assistance: homecoming.assistance, reason: homecoming.reason },
      },
      homecoming.day,
      homecoming.day + lag,
      after,
    );
  }

  /** Needs, referrals and their outcomes after a return; only what happens before the next departure (`until`). */
  private reintegration(c: number, homecoming: Homecoming, returnDraft: number | undefined, job: Job, until: number): number[] {
    const { r } = this;
    const hard = homecoming.reason !== 'contract_completed' && homecoming.reason !== 'voluntary';
    const assessed = r.chance(homecoming.assistance === 'assisted' ? 0.75 : hard ? 0.35 : 0.12);
    const assessedOn = homecoming.day + r.int(3, 60);
    if (!assessed || assessedOn >= until || returnDraft === undefined) return [];
    const level = (high: number, some: number): NeedLevel => (r.chance(high) ? 'high' : r.chance(some / (1 - high)) ? 'some' : 'none');
    const abused = homecoming.reason === 'abuse_or_exploitation';
    const needs = {
      assessedOn: isoDate(assessedOn),
      economic: hard ? level(0.6, 0.3) : level(0.15, 0.45),
      social: level(abused ? 0.3 : 0.1, 0.4),
      psychosocial: abused ? level(0.7, 0.25) : hard ? level(0.2, 0.4) : level(0.05, 0.2),
    };
    const out: number[] = [];
    const needsDraft = this.add(
      { key: `c${c}.needs`, method: 'POST', path: '/workers/{workerId}/reintegration/needs', actor: { kind: 'agency' }, body: needs },
      assessedOn,
      assessedOn,
      [returnDraft],
    );
    out.push(needsDraft);
    const services: Service[] = [];
    const skilled = OCCUPATIONS[job.occupation]!.sector !== 'household';
    if (needs.economic === 'high') {
      if (r.chance(0.6)) services.push('employment');
      if (r.chance(0.35)) services.push('business_start_up_and_credit');
      if (r.chance(skilled ? 0.5 : 0.25)) services.push('skills_assessment');
    } else if (needs.economic === 'some') {
      if (r.chance(0.35)) services.push('employment');
      if (r.chance(0.2)) services.push('skills_assessment');
    }
    if (needs.psychosocial === 'high' ? r.chance(0.9) : needs.psychosocial === 'some' && r.chance(0.3)) services.push('counselling');
    if (abused && r.chance(0.45)) services.push('legal_aid');
    for (const [i, service] of services.entries()) {
      const referredOn = assessedOn + r.int(0, 21);
      if (referredOn >= until) continue;
      const key = `c${c}.referral.${i + 1}`;
      const referral = this.add(
        {
          key,
          method: 'POST',
          path: '/workers/{workerId}/reintegration/referrals',
          actor: { kind: 'agency' },
          body: { referredOn: isoDate(referredOn), service },
        },
        referredOn,
        referredOn,
        [needsDraft],
      );
      out.push(referral);
      if (!r.chance(0.75)) continue;
      let on = referredOn + r.int(14, 200);
      let outcome = r.weighted<'completed' | 'declined' | 'dropped_out'>([
        ['completed', 60],
        ['declined', 12],
        ['dropped_out', 28],
      ]);
      if (on >= until) {
        // Leaving again ends the programme: recorded as dropped out shortly before the departure.
        on = until - r.int(1, 10);
        outcome = 'dropped_out';
        if (on < referredOn) continue;
      }
      out.push(
        this.add(
          {
            key: `${key}.outcome`,
            method: 'POST',
            path: '/workers/{workerId}/reintegration/referrals/{referralId}/outcome',
            actor: { kind: 'agency' },
            referral: key,
            body: { recordedOn: isoDate(on), outcome },
          },
          on,
          on,
          [referral],
        ),
      );
    }
    return out;
  }

  /**
   * Settles the recording order: a step is recorded no earlier than what it must follow; what would be
   * recorded after today is not in the registry yet (and neither is anything that must follow it); the
   * rest is sorted by the day it was recorded, ties in the order of the simulation.
   */
  private settle(): WorkerHistory {
    for (const draft of this.drafts) {
      for (const a of draft.after) draft.recorded = Math.max(draft.recorded, this.drafts[a]!.recorded);
    }
    const kept = this.drafts
      .map((d, i) => ({ d, i }))
      .filter(({ d }) => d.recorded <= this.today && d.occurred <= this.today)
      .sort((a, b) => a.d.recorded - b.d.recorded || a.i - b.i);
    const steps = kept.map(({ d }) => ({ ...d.step, occurredOn: isoDate(d.occurred), recordedOn: isoDate(d.recorded) }) as Step);
    const register = steps[0]!;
    if (register.path !== '/workers') throw new Error('a history starts with the registration');
    return {
      key: this.key,
      index: this.index,
      country: this.options.country,
      sex: register.body.sex,
      registeredOn: register.occurredOn,
      steps,
      expected: expectedOf(steps),
    };
  }
}
