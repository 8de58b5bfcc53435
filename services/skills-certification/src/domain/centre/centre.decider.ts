import { assertNever } from '@homeward/assert-never';
import { codeChecks, codeCollector } from '../skills.codes';
import { notBeforeEarliest, todayOf } from '../skills.dates';
import { CentreAlreadyRegistered, CentreNotFound, SkillsRuleViolation, UnknownCodes, type Clocked } from '../skills.errors';
import type { StandardFacts } from '../standard/standard.state';
import type { AccreditationWithdrawn, AssessmentCentreRegistered, AssessorAccredited, CentreEvent } from './centre.events';
import { evolve, initialState, lastDayOf, type CentreState, type RegisteredCentre } from './centre.state';

/** Commands on an assessment centre, in the imperative. The clock is `command.metadata.now`. */
export type RegisterAssessmentCentre = {
  readonly type: 'RegisterAssessmentCentre';
  readonly data: { readonly centreId: string; readonly name: string; readonly subdivision: string };
};
export type AccreditAssessor = {
  readonly type: 'AccreditAssessor';
  readonly data: {
    readonly accreditationId: string;
    readonly assessorId: string;
    readonly assessorName: string;
    readonly standardId: string;
    readonly validFrom: string;
    readonly validUntil: string;
    /** The standard named by `standardId`, as the application layer found it: undefined when there is none. */
    readonly standard: StandardFacts | undefined;
  };
};
export type WithdrawAccreditation = { readonly type: 'WithdrawAccreditation'; readonly data: { readonly accreditationId: string } };

export type CentreCommand = RegisterAssessmentCentre | AccreditAssessor | WithdrawAccreditation;

export function decide(command: Clocked<CentreCommand>, state: CentreState): CentreEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'RegisterAssessmentCentre':
      return [register(command, state, today)];
    case 'AccreditAssessor':
      return [accredit(command, registered(state), today)];
    case 'WithdrawAccreditation':
      return [withdraw(command, registered(state), today)];
    default:
      assertNever(command, 'command');
  }
}

export const centreDecider = { decide, evolve, initialState };

function registered(state: CentreState): RegisteredCentre {
  if (state.status === 'unregistered') throw new CentreNotFound('no assessment centre is registered under this id');
  return state;
}

function register({ data }: Clocked<RegisterAssessmentCentre>, state: CentreState, today: string): AssessmentCentreRegistered {
  if (state.status !== 'unregistered')
    throw new CentreAlreadyRegistered(`an assessment centre is already registered under ${data.centreId}`);
  const { check, errors } = codeCollector();
  check(['subdivision'], data.subdivision, codeChecks.subdivision);
  if (errors.length > 0) throw new UnknownCodes(errors);
  return {
    type: 'AssessmentCentreRegistered',
    data: { centreId: data.centreId, name: data.name, subdivision: data.subdivision, registeredOn: today },
  };
}

function accredit({ data }: Clocked<AccreditAssessor>, state: RegisteredCentre, today: string): AssessorAccredited {
  if (state.accreditations.some((a) => a.accreditationId === data.accreditationId)) {
    throw new SkillsRuleViolation(
      'accreditation-already-recorded',
      'accreditationId',
      `accreditation ${data.accreditationId} is already recorded`,
    );
  }
  if (!data.standard || data.standard.standardId !== data.standardId) {
    throw new SkillsRuleViolation('unknown-standard', 'standardId', `no standard is published under ${data.standardId}`);
  }
  if (data.standard.withdrawn)
    throw new SkillsRuleViolation('standard-withdrawn', 'standardId', `standard ${data.standardId} was withdrawn`);
  notBeforeEarliest(data.validFrom, 'validFrom', 'the start of the accreditation');
  if (data.validUntil < data.validFrom) {
    throw new SkillsRuleViolation(
      'accreditation-ends-before-start',
      'validUntil',
      `the accreditation ends (${data.validUntil}) before it starts (${data.validFrom})`,
    );
  }
  const overlapping = state.accreditations.find(
    (a) =>
      a.assessorId === data.assessorId &&
      a.standardId === data.standardId &&
      a.validFrom <= data.validUntil &&
      data.validFrom <= lastDayOf(a),
  );
  if (overlapping) {
    throw new SkillsRuleViolation(
      'accreditation-overlaps',
      'validFrom',
      `the assessor is already accredited for ${data.standardId} here from ${overlapping.validFrom} to ${lastDayOf(overlapping)}`,
    );
  }
  const { standard: _facts, ...accreditation } = data;
  return { type: 'AssessorAccredited', data: { centreId: state.centreId, ...accreditation, accreditedOn: today } };
}

function withdraw({ data }: Clocked<WithdrawAccreditation>, state: RegisteredCentre, today: string): AccreditationWithdrawn {
  const accreditation = state.accreditations.find((a) => a.accreditationId === data.accreditationId);
  if (!accreditation) {
    throw new SkillsRuleViolation('accreditation-not-found', 'accreditationId', `no accreditation ${data.accreditationId} at this centre`);
  }
  if (accreditation.withdrawnOn !== undefined) {
    throw new SkillsRuleViolation(
      'accreditation-already-withdrawn',
      'accreditationId',
      `accreditation ${data.accreditationId} was withdrawn on ${accreditation.withdrawnOn}`,
    );
  }
  return { type: 'AccreditationWithdrawn', data: { centreId: state.centreId, accreditationId: data.accreditationId, withdrawnOn: today } };
}
