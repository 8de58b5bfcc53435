import { fromBinary } from '@bufbuild/protobuf';
import type { Envelope } from '@homeward/contracts';
import { EmploymentEventSchema, type EmploymentEvent } from '@homeward/contracts/employment/v1';
import { assertNever } from '@homeward/assert-never';
import type { EmploymentFact, VacancyEnd } from '../domain/history/employment-fact';

/**
 * Integration events of the employment topic (homeward.employment.v1) → statistical facts: job seekers,
 * vacancies, referrals, interviews, hires, ends of placements. Employers, titles, wages, scores and their
 * explanations are not read: no table uses them.
 */

function envelopeOf(envelope: Envelope | undefined): { stream: string; version: number; recordedAt: number } {
  const recorded = envelope?.recordedAt;
  return {
    stream: envelope?.streamId ?? '',
    version: envelope ? Number(envelope.streamVersion) : 0,
    recordedAt: recorded ? Number(recorded.seconds) * 1000 + Math.floor(recorded.nanos / 1_000_000) : 0,
  };
}

const ended = (envelope: ReturnType<typeof envelopeOf>, vacancyId: string, end: VacancyEnd, on: string): EmploymentFact => ({
  type: 'VacancyEnded',
  ...envelope,
  data: { vacancyId, end, on },
});

/** The fact a decoded employment event carries for statistics; nothing for events without statistical content. */
export function factFromEmploymentEvent(message: EmploymentEvent): EmploymentFact | undefined {
  const { event } = message;
  const envelope = envelopeOf(message.envelope);
  switch (event.case) {
    case 'jobSeekerRegistered':
      return { type: 'JobSeekerRegistered', ...envelope, data: { workerId: event.value.workerId, registeredOn: event.value.registeredOn } };
    case 'vacancyPosted': {
      const e = event.value;
      return {
        type: 'VacancyPosted',
        ...envelope,
        data: { vacancyId: e.vacancyId, occupation: e.occupationIsco, location: e.location, postedOn: e.postedOn },
      };
    }
    case 'vacancyClosed':
      return ended(envelope, event.value.vacancyId, 'closed', event.value.closedOn);
    case 'vacancyFilled':
      return ended(envelope, event.value.vacancyId, 'filled', event.value.filledOn);
    case 'vacancyWithdrawn':
      return ended(envelope, event.value.vacancyId, 'withdrawn', event.value.withdrawnOn);
    case 'referralMade': {
      const e = event.value;
      return {
        type: 'ReferralMade',
        ...envelope,
        data: { referralId: e.referralId, vacancyId: e.vacancyId, workerId: e.workerId, referredOn: e.referredOn },
      };
    }
    case 'interviewRecorded':
      return {
        type: 'InterviewRecorded',
        ...envelope,
        data: { referralId: event.value.referralId, interviewedOn: event.value.interviewedOn },
      };
    case 'referralClosed':
      return { type: 'ReferralClosed', ...envelope, data: { referralId: event.value.referralId, closedOn: event.value.closedOn } };
    case 'hireRecorded': {
      const e = event.value;
      return {
        type: 'HireRecorded',
        ...envelope,
        data: {
          referralId: e.referralId,
          vacancyId: e.vacancyId,
          workerId: e.workerId,
          hiredOn: e.hiredOn,
          ...(e.startsOn === '' ? {} : { startsOn: e.startsOn }),
          occupation: e.occupationIsco,
        },
      };
    }
    case 'placementEnded': {
      const e = event.value;
      return { type: 'PlacementEnded', ...envelope, data: { referralId: e.referralId, workerId: e.workerId, endedOn: e.endedOn } };
    }
    case 'jobSeekerPreferencesSet':
    case 'jobSeekerLeft':
    case undefined:
      return undefined;
    default:
      assertNever(event, 'employment event');
  }
}

/** The fact a message on the employment topic carries, if any; throws when the bytes are not an EmploymentEvent. */
export function employmentFactFromMessage(bytes: Uint8Array): EmploymentFact | undefined {
  return factFromEmploymentEvent(fromBinary(EmploymentEventSchema, bytes));
}
