import { eventsTopic } from '@homeward/contracts';
import {
  ContractType,
  EmploymentEventSchema,
  InterviewOutcome,
  PlacementEndReason,
  PosterKind,
  ReferralCloseReason,
  SeekerBasis,
  SeekerLeaveReason,
  VacancyCloseReason,
  type EmploymentEvent,
} from '@homeward/contracts/employment/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import type { EventMeta, Source } from '@homeward/projections';
import { decodeMessageValue, factMeta, type FactEnvelope } from '@homeward/projections/registration';
import { assertNever } from '@homeward/assert-never';
import { code, envelopeOf } from './skills.source';

/**
 * The employment topic (homeward.employment.events.v1) as the agency view reads it: each protobuf message
 * turned into a plain fact with string codes. Three kinds of stream (the proto says so): a vacancy from
 * posting to closing, a returnee as a job seeker, one referral through interview and hire to the end of its
 * placement. What the agency view has no use for (the vacancy's required units, experience and languages —
 * the matching service's business) is left out. The view projects facts, never generated types.
 */

type Fact<T extends string, D> = { readonly type: T; readonly envelope: FactEnvelope; readonly data: D };

export interface Wage {
  /** In the currency's minor unit (centavos, fils). */
  readonly amountMinor: number;
  /** ISO 4217. */
  readonly currency: string;
}

export interface ExplainedFactor {
  readonly name: string;
  readonly weightMilli: number;
  readonly valueMilli: number;
  readonly contributionMilli: number;
  readonly evidence: readonly string[];
}

export type VacancyStatusChange = 'closed' | 'filled' | 'withdrawn';

export type EmploymentFact =
  | Fact<
      'VacancyPosted',
      {
        vacancyId: string;
        employerId: string;
        postedBy: string;
        title: string;
        occupationIsco: string;
        location: string;
        wage?: Wage;
        openings: number;
        postedOn: string;
        closingOn: string;
      }
    >
  | Fact<'VacancyStatusChanged', { vacancyId: string; change: VacancyStatusChange; on: string; reason?: string }>
  | Fact<'JobSeekerRegistered', { workerId: string; registeredOn: string; basis: string; cycleNumber?: number; returnedOn?: string }>
  | Fact<
      'JobSeekerPreferencesSet',
      {
        workerId: string;
        setOn: string;
        occupations: readonly string[];
        areas: readonly string[];
        willingToRelocate: boolean;
        availableFrom?: string;
      }
    >
  | Fact<'JobSeekerLeft', { workerId: string; leftOn: string; reason: string }>
  | Fact<
      'ReferralMade',
      {
        referralId: string;
        vacancyId: string;
        workerId: string;
        employerId: string;
        referredOn: string;
        weightsVersion: string;
        scoreMilli: number;
        factors: readonly ExplainedFactor[];
      }
    >
  /** The referral's events that do not name the worker: the view finds the worker by the referral. */
  | Fact<'InterviewRecorded', { referralId: string; interviewedOn: string; outcome: string }>
  | Fact<'ReferralClosed', { referralId: string; closedOn: string; reason: string }>
  | Fact<
      'HireRecorded',
      {
        referralId: string;
        vacancyId: string;
        workerId: string;
        hiredOn: string;
        startsOn: string;
        contractType: string;
        wage?: Wage;
        occupationIsco: string;
      }
    >
  | Fact<'PlacementEnded', { referralId: string; workerId: string; endedOn: string; reason: string }>
  /** An event type newer than this code. */
  | Fact<'Ignored', Record<string, never>>;

export type EmploymentFactType = EmploymentFact['type'];

const optional = (value: string): string | undefined => (value === '' ? undefined : value);

function wageOf(money: { currency: string; amountMinor: bigint } | undefined): Wage | undefined {
  if (!money || money.currency === '') return undefined;
  if (money.amountMinor > BigInt(Number.MAX_SAFE_INTEGER) || money.amountMinor < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new PoisonMessageError(`a wage of ${money.amountMinor} minor units is beyond any wage`);
  return { amountMinor: Number(money.amountMinor), currency: money.currency };
}

const safe = (value: bigint, what: string): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new PoisonMessageError(`${what} ${value} is out of range`);
  return Number(value);
};

/** The fact an EmploymentEvent states; pure. */
export function employmentFact(message: EmploymentEvent): EmploymentFact {
  if (!message.envelope) throw new PoisonMessageError('EmploymentEvent without envelope');
  const envelope = envelopeOf(message.envelope);
  const event = message.event;
  switch (event.case) {
    case 'vacancyPosted': {
      const e = event.value;
      const wage = wageOf(e.monthlyWage);
      return {
        type: 'VacancyPosted',
        envelope,
        data: {
          vacancyId: e.vacancyId,
          employerId: e.employerId,
          postedBy: code(PosterKind, e.postedBy),
          title: e.title,
          occupationIsco: e.occupationIsco,
          location: e.location,
          ...(wage ? { wage } : {}),
          openings: e.openings,
          postedOn: e.postedOn,
          closingOn: e.closingOn,
        },
      };
    }
    case 'vacancyClosed': {
      const e = event.value;
      return {
        type: 'VacancyStatusChanged',
        envelope,
        data: { vacancyId: e.vacancyId, change: 'closed', on: e.closedOn, reason: code(VacancyCloseReason, e.reason) },
      };
    }
    case 'vacancyFilled': {
      const e = event.value;
      return { type: 'VacancyStatusChanged', envelope, data: { vacancyId: e.vacancyId, change: 'filled', on: e.filledOn } };
    }
    case 'vacancyWithdrawn': {
      const e = event.value;
      const reason = optional(e.reason);
      return {
        type: 'VacancyStatusChanged',
        envelope,
        data: { vacancyId: e.vacancyId, change: 'withdrawn', on: e.withdrawnOn, ...(reason ? { reason } : {}) },
      };
    }
    case 'jobSeekerRegistered': {
      const e = event.value;
      const returnedOn = optional(e.returnedOn);
      return {
        type: 'JobSeekerRegistered',
        envelope,
        data: {
          workerId: e.workerId,
          registeredOn: e.registeredOn,
          basis: code(SeekerBasis, e.basis),
          ...(e.cycleNumber > 0 ? { cycleNumber: e.cycleNumber } : {}),
          ...(returnedOn ? { returnedOn } : {}),
        },
      };
    }
    case 'jobSeekerPreferencesSet': {
      const e = event.value;
      const availableFrom = optional(e.availableFrom);
      return {
        type: 'JobSeekerPreferencesSet',
        envelope,
        data: {
          workerId: e.workerId,
          setOn: e.setOn,
          occupations: [...e.occupations],
          areas: [...e.areas],
          willingToRelocate: e.willingToRelocate,
          ...(availableFrom ? { availableFrom } : {}),
        },
      };
    }
    case 'jobSeekerLeft': {
      const e = event.value;
      return {
        type: 'JobSeekerLeft',
        envelope,
        data: { workerId: e.workerId, leftOn: e.leftOn, reason: code(SeekerLeaveReason, e.reason) },
      };
    }
    case 'referralMade': {
      const e = event.value;
      return {
        type: 'ReferralMade',
        envelope,
        data: {
          referralId: e.referralId,
          vacancyId: e.vacancyId,
          workerId: e.workerId,
          employerId: e.employerId,
          referredOn: e.referredOn,
          weightsVersion: e.weightsVersion,
          scoreMilli: safe(e.scoreMilli, 'a score of'),
          // The cited event ids stay with the matching service, which rebuilds the score from them.
          factors: e.factors.map((f) => ({
            name: f.name,
            weightMilli: safe(f.weightMilli, 'a weight of'),
            valueMilli: safe(f.valueMilli, 'a factor value of'),
            contributionMilli: safe(f.contributionMilli, 'a contribution of'),
            evidence: [...f.evidence],
          })),
        },
      };
    }
    case 'interviewRecorded': {
      const e = event.value;
      return {
        type: 'InterviewRecorded',
        envelope,
        data: { referralId: e.referralId, interviewedOn: e.interviewedOn, outcome: code(InterviewOutcome, e.outcome) },
      };
    }
    case 'referralClosed': {
      const e = event.value;
      return {
        type: 'ReferralClosed',
        envelope,
        data: { referralId: e.referralId, closedOn: e.closedOn, reason: code(ReferralCloseReason, e.reason) },
      };
    }
    case 'hireRecorded': {
      const e = event.value;
      const wage = wageOf(e.monthlyWage);
      return {
        type: 'HireRecorded',
        envelope,
        data: {
          referralId: e.referralId,
          vacancyId: e.vacancyId,
          workerId: e.workerId,
          hiredOn: e.hiredOn,
          startsOn: e.startsOn,
          contractType: code(ContractType, e.contractType),
          ...(wage ? { wage } : {}),
          occupationIsco: e.occupationIsco,
        },
      };
    }
    case 'placementEnded': {
      const e = event.value;
      return {
        type: 'PlacementEnded',
        envelope,
        data: { referralId: e.referralId, workerId: e.workerId, endedOn: e.endedOn, reason: code(PlacementEndReason, e.reason) },
      };
    }
    case undefined:
      return { type: 'Ignored', envelope, data: {} };
    default:
      assertNever(event, 'employment event', (message) => new PoisonMessageError(message));
  }
}

export function decodeEmploymentFact(message: IncomingMessage): EmploymentFact {
  return employmentFact(decodeMessageValue(message, EmploymentEventSchema));
}

export const employmentMeta: (fact: EmploymentFact) => EventMeta = factMeta;

/**
 * The employment topic (homeward.employment.events.v1) as a read model's source. It carries no erasure of
 * its own: a worker's erasure is registration's PersonalDataErased, which the registration source reports.
 */
export function employmentSource(topicNamespace = ''): Source<EmploymentFact> {
  return {
    topic: eventsTopic('employment', topicNamespace),
    decode: decodeEmploymentFact,
    meta: employmentMeta,
    erasedSubject: () => undefined,
  };
}
