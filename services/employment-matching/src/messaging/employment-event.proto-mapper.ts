import { create, fromBinary, binaryEncoder, toEnvelope as envelopeOf, type Envelope, type EnvelopeFields } from '@homeward/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  ContractType as ProtoContract,
  EmploymentEventSchema,
  InterviewOutcome as ProtoOutcome,
  PlacementEndReason as ProtoPlacementEnd,
  PosterKind as ProtoPoster,
  ReferralCloseReason as ProtoReferralClose,
  SeekerBasis as ProtoBasis,
  SeekerLeaveReason as ProtoLeave,
  VacancyCloseReason as ProtoVacancyClose,
  type EmploymentEvent,
} from '@homeward/contracts/employment/v1';
import { assertNever } from '@homeward/assert-never';
import type {
  ContractType,
  InterviewOutcome,
  PlacementEndReason,
  ReferralCloseReason,
  ReferralEvent,
} from '../domain/referral/referral.events';
import type { SeekerBasis, SeekerEvent, SeekerLeaveReason } from '../domain/seeker/seeker.events';
import type { Money, PosterKind, VacancyCloseReason, VacancyEvent } from '../domain/vacancy/vacancy.events';

/**
 * Domain events ⇄ integration events (homeward.employment.v1). The domain's words stay in the domain; what
 * crosses Kafka is the protobuf contract, and these explicit mappers are the only bridge. Nothing in these
 * events is personal beyond the pseudonymous worker id: no names, and never sex.
 */

export type EmploymentDomainEvent = VacancyEvent | SeekerEvent | ReferralEvent;

const posterToProto: Record<PosterKind, ProtoPoster> = { employer: ProtoPoster.EMPLOYER, employment_office: ProtoPoster.EMPLOYMENT_OFFICE };
const vacancyCloseToProto: Record<VacancyCloseReason, ProtoVacancyClose> = {
  closing_date_passed: ProtoVacancyClose.CLOSING_DATE_PASSED,
  closed_by_employer: ProtoVacancyClose.CLOSED_BY_EMPLOYER,
};
const basisToProto: Record<SeekerBasis, ProtoBasis> = { return: ProtoBasis.RETURN, request: ProtoBasis.REQUEST };
const leaveToProto: Record<SeekerLeaveReason, ProtoLeave> = {
  placed: ProtoLeave.PLACED,
  on_request: ProtoLeave.ON_REQUEST,
  remigrated: ProtoLeave.REMIGRATED,
  deceased: ProtoLeave.DECEASED,
};
const outcomeToProto: Record<InterviewOutcome, ProtoOutcome> = {
  passed: ProtoOutcome.PASSED,
  not_selected: ProtoOutcome.NOT_SELECTED,
  no_show: ProtoOutcome.NO_SHOW,
  pending: ProtoOutcome.PENDING,
};
const referralCloseToProto: Record<ReferralCloseReason, ProtoReferralClose> = {
  not_selected: ProtoReferralClose.NOT_SELECTED,
  declined_by_seeker: ProtoReferralClose.DECLINED_BY_SEEKER,
  vacancy_withdrawn: ProtoReferralClose.VACANCY_WITHDRAWN,
  vacancy_filled: ProtoReferralClose.VACANCY_FILLED,
};
const contractToProto: Record<ContractType, ProtoContract> = {
  permanent: ProtoContract.PERMANENT,
  fixed_term: ProtoContract.FIXED_TERM,
  casual: ProtoContract.CASUAL,
};
const placementEndToProto: Record<PlacementEndReason, ProtoPlacementEnd> = {
  contract_completed: ProtoPlacementEnd.CONTRACT_COMPLETED,
  resigned: ProtoPlacementEnd.RESIGNED,
  dismissed: ProtoPlacementEnd.DISMISSED,
  remigrated: ProtoPlacementEnd.REMIGRATED,
  other: ProtoPlacementEnd.OTHER,
};

export const PROTO_EVENT_TYPES: Record<EmploymentDomainEvent['type'], string> = {
  VacancyPosted: 'homeward.employment.v1.VacancyPosted',
  VacancyClosed: 'homeward.employment.v1.VacancyClosed',
  VacancyFilled: 'homeward.employment.v1.VacancyFilled',
  VacancyWithdrawn: 'homeward.employment.v1.VacancyWithdrawn',
  JobSeekerRegistered: 'homeward.employment.v1.JobSeekerRegistered',
  JobSeekerPreferencesSet: 'homeward.employment.v1.JobSeekerPreferencesSet',
  JobSeekerLeft: 'homeward.employment.v1.JobSeekerLeft',
  ReferralMade: 'homeward.employment.v1.ReferralMade',
  InterviewRecorded: 'homeward.employment.v1.InterviewRecorded',
  ReferralClosed: 'homeward.employment.v1.ReferralClosed',
  HireRecorded: 'homeward.employment.v1.HireRecorded',
  PlacementEnded: 'homeward.employment.v1.PlacementEnded',
};

export type { EnvelopeFields };

export function toEnvelope(event: EmploymentDomainEvent, fields: EnvelopeFields): Envelope {
  return envelopeOf(PROTO_EVENT_TYPES[event.type], fields);
}

const money = (m: Money) => ({ currency: m.currency, amountMinor: BigInt(m.amountMinor) });

/** The integration event of a domain event. */
export function toEmploymentEvent(event: EmploymentDomainEvent, envelope: Envelope): EmploymentEvent {
  const message = (e: MessageInitShape<typeof EmploymentEventSchema>['event']) => create(EmploymentEventSchema, { envelope, event: e });
  switch (event.type) {
    case 'VacancyPosted': {
      const d = event.data;
      return message({
        case: 'vacancyPosted',
        value: {
          vacancyId: d.vacancyId,
          employerId: d.employerId,
          postedBy: posterToProto[d.postedBy],
          title: d.title,
          occupationIsco: d.occupationIsco,
          requiredStandards: [...d.requiredStandards],
          requiredUnits: d.requiredUnits.map((u) => ({ standardId: u.standardId, unitCode: u.unitCode })),
          experienceMonths: d.experienceMonths,
          location: d.location,
          languages: [...d.languages],
          monthlyWage: money(d.monthlyWage),
          openings: d.openings,
          closingOn: d.closingOn,
          postedOn: d.postedOn,
        },
      });
    }
    case 'VacancyClosed':
      return message({ case: 'vacancyClosed', value: { ...event.data, reason: vacancyCloseToProto[event.data.reason] } });
    case 'VacancyFilled':
      return message({ case: 'vacancyFilled', value: { ...event.data } });
    case 'VacancyWithdrawn':
      return message({ case: 'vacancyWithdrawn', value: { ...event.data } });
    case 'JobSeekerRegistered': {
      const d = event.data;
      return message({
        case: 'jobSeekerRegistered',
        value: {
          workerId: d.workerId,
          registeredOn: d.registeredOn,
          basis: basisToProto[d.basis],
          sourceEventId: d.sourceEventId ?? '',
          cycleNumber: d.cycleNumber,
          returnedOn: d.returnedOn ?? '',
        },
      });
    }
    case 'JobSeekerPreferencesSet': {
      const d = event.data;
      return message({
        case: 'jobSeekerPreferencesSet',
        value: {
          workerId: d.workerId,
          setOn: d.setOn,
          occupations: [...d.occupations],
          areas: [...d.areas],
          willingToRelocate: d.willingToRelocate,
          availableFrom: d.availableFrom ?? '',
        },
      });
    }
    case 'JobSeekerLeft':
      return message({ case: 'jobSeekerLeft', value: { ...event.data, reason: leaveToProto[event.data.reason] } });
    case 'ReferralMade': {
      const d = event.data;
      return message({
        case: 'referralMade',
        value: {
          referralId: d.referralId,
          vacancyId: d.vacancyId,
          workerId: d.workerId,
          employerId: d.employerId,
          referredOn: d.referredOn,
          weightsVersion: d.weightsVersion,
          scoreMilli: BigInt(d.scoreMilli),
          factors: d.factors.map((f) => ({
            name: f.name,
            weightMilli: BigInt(f.weightMilli),
            valueMilli: BigInt(f.valueMilli),
            contributionMilli: BigInt(f.contributionMilli),
            evidence: [...f.evidence],
            citedEventIds: [...f.citedEventIds],
          })),
        },
      });
    }
    case 'InterviewRecorded':
      return message({ case: 'interviewRecorded', value: { ...event.data, outcome: outcomeToProto[event.data.outcome] } });
    case 'ReferralClosed':
      return message({ case: 'referralClosed', value: { ...event.data, reason: referralCloseToProto[event.data.reason] } });
    case 'HireRecorded': {
      const d = event.data;
      return message({
        case: 'hireRecorded',
        value: { ...d, contractType: contractToProto[d.contractType], monthlyWage: money(d.monthlyWage) },
      });
    }
    case 'PlacementEnded':
      return message({ case: 'placementEnded', value: { ...event.data, reason: placementEndToProto[event.data.reason] } });
    default:
      assertNever(event, 'event');
  }
}

const encoder = binaryEncoder(EmploymentEventSchema);

export function encodeEmploymentEvent(message: EmploymentEvent): Uint8Array {
  return encoder(message);
}

export function decodeEmploymentEvent(bytes: Uint8Array): EmploymentEvent {
  return fromBinary(EmploymentEventSchema, bytes);
}
