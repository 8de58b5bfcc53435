import type { components } from './generated/employment-matching.v1';
import type { ReferralState } from '../domain/referral/referral.state';
import type { SeekerState } from '../domain/seeker/seeker.state';
import type { VacancyState } from '../domain/vacancy/vacancy.state';
import type { ReferralRow, VacancyRow } from '../application/read-model';

type Schemas = components['schemas'];

export function vacancyDto(state: VacancyState, hires: number): Schemas['Vacancy'] {
  if (state.status === 'unposted') throw new Error('an unposted vacancy has no representation');
  return {
    vacancyId: state.vacancyId,
    employerId: state.employerId,
    postedBy: state.postedBy,
    status: state.status,
    title: state.title,
    occupationIsco: state.occupationIsco,
    requiredStandards: [...state.requiredStandards],
    requiredUnits: state.requiredUnits.map((u) => ({ ...u })),
    experienceMonths: state.experienceMonths,
    location: state.location,
    languages: [...state.languages],
    monthlyWage: { ...state.monthlyWage },
    openings: state.openings,
    hires,
    closingOn: state.closingOn,
    postedOn: state.postedOn,
    ...(state.closed ? { closedOn: state.closed.on, closeReason: state.closed.reason } : {}),
    ...(state.filledOn ? { filledOn: state.filledOn } : {}),
    ...(state.withdrawn ? { withdrawnOn: state.withdrawn.on, withdrawReason: state.withdrawn.reason } : {}),
  };
}

export const vacancySummaryDto = (row: VacancyRow): Schemas['VacancySummary'] => ({
  ...row,
  status: row.status as Schemas['VacancySummary']['status'],
});

export function seekerDto(state: SeekerState): Schemas['JobSeeker'] {
  if (state.status === 'unregistered') throw new Error('an unregistered seeker has no representation');
  return {
    workerId: state.workerId,
    status: state.status,
    registeredOn: state.registeredOn,
    basis: state.basis,
    cycleNumber: state.cycleNumber,
    ...(state.returnedOn ? { returnedOn: state.returnedOn } : {}),
    ...(state.preferences
      ? { preferences: { ...state.preferences, occupations: [...state.preferences.occupations], areas: [...state.preferences.areas] } }
      : {}),
    ...(state.left ? { leftOn: state.left.on, leaveReason: state.left.reason } : {}),
  };
}

export function referralDto(state: ReferralState): Schemas['Referral'] {
  if (state.status === 'none') throw new Error('no referral, no representation');
  return {
    referralId: state.referralId,
    vacancyId: state.vacancyId,
    workerId: state.workerId,
    employerId: state.employerId,
    status: state.status,
    referredOn: state.referredOn,
    weightsVersion: state.weightsVersion,
    scoreMilli: state.scoreMilli,
    interviews: state.interviews.map((i) => ({ ...i })),
    ...(state.closed ? { closedOn: state.closed.on, closeReason: state.closed.reason } : {}),
    ...(state.hire ? { hire: { ...state.hire, monthlyWage: { ...state.hire.monthlyWage } } } : {}),
    ...(state.placementEnded ? { placementEndedOn: state.placementEnded.on, placementEndReason: state.placementEnded.reason } : {}),
    factors: state.factors.map((f) => ({ ...f, evidence: [...f.evidence], citedEventIds: [...f.citedEventIds] })),
  };
}

type Summary = Schemas['ReferralSummary'];

export const referralSummaryDto = (row: ReferralRow): Summary => ({
  referralId: row.referralId,
  vacancyId: row.vacancyId,
  workerId: row.workerId,
  employerId: row.employerId,
  status: row.status as Summary['status'],
  referredOn: row.referredOn,
  weightsVersion: row.weightsVersion,
  scoreMilli: row.scoreMilli,
  interviews: row.interviews.map((i) => ({ interviewedOn: i.interviewedOn, outcome: i.outcome as Schemas['Interview']['outcome'] })),
  ...(row.closed ? { closedOn: row.closed.on, closeReason: row.closed.reason as Summary['closeReason'] } : {}),
  ...(row.hire ? { hire: { ...row.hire, contractType: row.hire.contractType as Schemas['Hire']['contractType'] } } : {}),
  ...(row.placementEnded
    ? { placementEndedOn: row.placementEnded.on, placementEndReason: row.placementEnded.reason as Summary['placementEndReason'] }
    : {}),
});
