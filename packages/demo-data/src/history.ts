import type { RegistrationPaths } from '@homeward/api-client/registration';
import { assertNever } from '@homeward/assert-never';
import type { OriginCountry } from './country-profiles';

/**
 * A generated worker's history as plain data: the calls to make on the registration API, in the order the
 * registry would have received them, each with its path template (as in registration.v1.yaml) and a body
 * typed by the generated OpenAPI types, so a generator that drifts from the contract does not compile.
 */
export type StepPath =
  | '/workers'
  | '/workers/{workerId}/orientations'
  | '/workers/{workerId}/departures'
  | '/workers/{workerId}/arrivals'
  | '/workers/{workerId}/employment-changes'
  | '/workers/{workerId}/skills'
  | '/workers/{workerId}/incidents'
  | '/workers/{workerId}/returns'
  | '/workers/{workerId}/reintegration/needs'
  | '/workers/{workerId}/reintegration/referrals'
  | '/workers/{workerId}/reintegration/referrals/{referralId}/outcome';

export const OUTCOME_PATH = '/workers/{workerId}/reintegration/referrals/{referralId}/outcome' as const;

export type RequestBody<P extends StepPath> = RegistrationPaths[P]['post'] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** Who records the step: the origin-country agency, or the mission in the destination country. */
export type Actor = { readonly kind: 'agency' } | { readonly kind: 'mission'; readonly country: string };

interface StepOf<P extends StepPath> {
  /** Unique within the worker and stable for a seed: "register", "c1.departure", "c2.referral.1.outcome"… */
  readonly key: string;
  readonly method: 'POST';
  readonly path: P;
  readonly body: RequestBody<P>;
  readonly actor: Actor;
  /** When it happened (the date in the body; the registration's is the day it was recorded). */
  readonly occurredOn: string;
  /** When the registry would have recorded it: the same day, or later for a late-recorded event. */
  readonly recordedOn: string;
}

/** An outcome names its referral by the referral step's key; the writer puts the registry's referral id in the path. */
export type OutcomeStep = StepOf<typeof OUTCOME_PATH> & { readonly referral: string };

export type Step = { [P in Exclude<StepPath, typeof OUTCOME_PATH>]: StepOf<P> }[Exclude<StepPath, typeof OUTCOME_PATH>] | OutcomeStep;

export type Sex = RequestBody<'/workers'>['sex'];

/** What the registry should hold for a cycle once every step is written. */
export interface ExpectedCycle {
  readonly number: number;
  readonly withoutRecordedDeparture: boolean;
  readonly destinationCountry?: string;
  readonly departedOn?: string;
  readonly arrivedOn?: string;
  readonly employmentChanges: number;
  readonly skills: number;
  readonly incidents: number;
  readonly returnedOn?: string;
  readonly fromCountry?: string;
  readonly assistance?: 'assisted' | 'unassisted';
  readonly reason?: RequestBody<'/workers/{workerId}/returns'>['reason'];
  readonly needsAssessed: boolean;
  readonly referrals: number;
  readonly outcomes: number;
}

export interface ExpectedWorker {
  /** As the API reports it: at home and never gone, abroad, or back from at least one cycle. */
  readonly status: 'at_home' | 'abroad' | 'returned';
  readonly cycles: readonly ExpectedCycle[];
}

export interface WorkerHistory {
  /** Unique per (country, seed, today, years, index): the stem of every Idempotency-Key of the worker. */
  readonly key: string;
  readonly index: number;
  readonly country: OriginCountry;
  readonly sex: Sex;
  /** The day the registry first met the worker (the legacy register's registered_on; the API stamps its own day). */
  readonly registeredOn: string;
  readonly steps: readonly Step[];
  readonly expected: ExpectedWorker;
}

type MutableCycle = { -readonly [K in keyof ExpectedCycle]: ExpectedCycle[K] };

/** Folds the steps into what the registry should hold: a plain reading of the steps, independent of the registry's code. */
export function expectedOf(steps: readonly Step[]): ExpectedWorker {
  const cycles: MutableCycle[] = [];
  let open: MutableCycle | undefined;
  const blank = (withoutRecordedDeparture: boolean): MutableCycle => ({
    number: cycles.length + 1,
    withoutRecordedDeparture,
    employmentChanges: 0,
    skills: 0,
    incidents: 0,
    needsAssessed: false,
    referrals: 0,
    outcomes: 0,
  });
  const last = () => cycles[cycles.length - 1]!;
  for (const step of steps) {
    switch (step.path) {
      case '/workers':
      case '/workers/{workerId}/orientations':
        break;
      case '/workers/{workerId}/departures':
        open = { ...blank(false), destinationCountry: step.body.destinationCountry, departedOn: step.body.departedOn };
        cycles.push(open);
        break;
      case '/workers/{workerId}/arrivals':
        open!.arrivedOn = step.body.arrivedOn;
        break;
      case '/workers/{workerId}/employment-changes':
        open!.employmentChanges++;
        break;
      case '/workers/{workerId}/skills':
        open!.skills += step.body.skills.length;
        break;
      case '/workers/{workerId}/incidents':
        open!.incidents++;
        break;
      case '/workers/{workerId}/returns': {
        const cycle = open ?? blank(true);
        if (!open) cycles.push(cycle);
        Object.assign(cycle, {
          returnedOn: step.body.returnedOn,
          fromCountry: step.body.fromCountry,
          assistance: step.body.assistance,
          reason: step.body.reason,
        });
        open = undefined;
        break;
      }
      case '/workers/{workerId}/reintegration/needs':
        last().needsAssessed = true;
        break;
      case '/workers/{workerId}/reintegration/referrals':
        last().referrals++;
        break;
      case OUTCOME_PATH:
        last().outcomes++;
        break;
      default:
        assertNever(step, 'step');
    }
  }
  return { status: open ? 'abroad' : cycles.length > 0 ? 'returned' : 'at_home', cycles };
}
