import { DeciderSpecification } from '@homeward/testing/decider';
import { assessorId, at, centreId, standard, standardId } from '../testing/skills.fixture';
import { CentreAlreadyRegistered, CentreNotFound, SkillsRuleViolation, UnknownCodes, type Clocked } from '../skills.errors';
import { centreDecider, type CentreCommand } from './centre.decider';
import type { CentreEvent } from './centre.events';
import { accreditedOn, centreFacts, evolve, initialState } from './centre.state';

const spec = DeciderSpecification(centreDecider);
const when = (command: CentreCommand) => at(command) as Clocked<CentreCommand>;

const registered: CentreEvent = {
  type: 'AssessmentCentreRegistered',
  data: { centreId, name: 'Angeles Assessment Centre', subdivision: 'PH-03', registeredOn: '2025-06-30' },
};
const accreditation = {
  accreditationId: 'acc-1',
  assessorId,
  assessorName: 'R. Cruz',
  standardId,
  validFrom: '2024-01-01',
  validUntil: '2026-12-31',
};
const accredited: CentreEvent = { type: 'AssessorAccredited', data: { centreId, ...accreditation, accreditedOn: '2025-06-30' } };
const withdrawn: CentreEvent = { type: 'AccreditationWithdrawn', data: { centreId, accreditationId: 'acc-1', withdrawnOn: '2025-06-30' } };

describe('an assessment centre', () => {
  it('is registered in a real ISO 3166-2 subdivision, once', () => {
    spec
      .given([])
      .when(when({ type: 'RegisterAssessmentCentre', data: { centreId, name: 'Angeles Assessment Centre', subdivision: 'PH-03' } }))
      .then([registered]);
    spec
      .given([])
      .when(when({ type: 'RegisterAssessmentCentre', data: { centreId, name: 'X', subdivision: 'PH-99' } }))
      .thenThrows(UnknownCodes, (e) =>
        expect(e.errors).toEqual([expect.objectContaining({ path: ['subdivision'], code: 'validation.unknown-subdivision' })]),
      );
    spec
      .given([registered])
      .when(when({ type: 'RegisterAssessmentCentre', data: { centreId, name: 'Again', subdivision: 'PH-03' } }))
      .thenThrows(CentreAlreadyRegistered);
  });

  it('accredits an assessor for a published standard, and withdraws the accreditation once', () => {
    spec
      .given([registered])
      .when(when({ type: 'AccreditAssessor', data: { ...accreditation, standard } }))
      .then([accredited]);
    spec
      .given([registered, accredited])
      .when(when({ type: 'WithdrawAccreditation', data: { accreditationId: 'acc-1' } }))
      .then([withdrawn]);
  });

  it('refuses an accreditation for a standard that is unknown or withdrawn, and commands on a centre not registered', () => {
    spec
      .given([registered])
      .when(when({ type: 'AccreditAssessor', data: { ...accreditation, standard: undefined } }))
      .thenThrows(SkillsRuleViolation, (e) => expect([e.code, e.field]).toEqual(['skills.unknown-standard', 'standardId']));
    spec
      .given([registered])
      .when(when({ type: 'AccreditAssessor', data: { ...accreditation, standard: { ...standard, withdrawn: true } } }))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.standard-withdrawn'));
    spec
      .given([])
      .when(when({ type: 'AccreditAssessor', data: { ...accreditation, standard } }))
      .thenThrows(CentreNotFound);
  });

  it('lets the same assessor be accredited again once the earlier accreditation was withdrawn', () => {
    const again = { ...accreditation, accreditationId: 'acc-2', validFrom: '2025-07-01' };
    spec
      .given([registered, accredited, withdrawn])
      .when(when({ type: 'AccreditAssessor', data: { ...again, standard } }))
      .then([{ type: 'AssessorAccredited', data: { centreId, ...again, accreditedOn: '2025-06-30' } }]);
  });

  it('says who was accredited on a date: from validFrom to validUntil, and not from the day of a withdrawal', () => {
    const facts = centreFacts([registered, accredited, withdrawn].reduce(evolve, initialState()))!;
    expect(accreditedOn(facts, assessorId, standardId, '2023-12-31')).toBe(false);
    expect(accreditedOn(facts, assessorId, standardId, '2024-01-01')).toBe(true);
    expect(accreditedOn(facts, assessorId, standardId, '2025-06-29')).toBe(true);
    expect(accreditedOn(facts, assessorId, standardId, '2025-06-30')).toBe(false);
    expect(accreditedOn(facts, assessorId, 'another-standard', '2025-01-01')).toBe(false);
    const open = centreFacts([registered, accredited].reduce(evolve, initialState()))!;
    expect(accreditedOn(open, assessorId, standardId, '2026-12-31')).toBe(true);
    expect(accreditedOn(open, assessorId, standardId, '2027-01-01')).toBe(false);
    expect(centreFacts(initialState())).toBeUndefined();
  });
});
