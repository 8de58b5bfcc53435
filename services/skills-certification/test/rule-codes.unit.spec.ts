import { join } from 'node:path';
import { loadOpenApiDocument } from '@homeward/service-kit/openapi-validation';
import { DeciderSpecification } from '@homeward/testing/decider';
import { candidateDecider, type CandidateCommand } from '../src/domain/candidate/candidate.decider';
import type { CandidateEvent } from '../src/domain/candidate/candidate.events';
import { centreDecider, type CentreCommand } from '../src/domain/centre/centre.decider';
import type { CentreEvent } from '../src/domain/centre/centre.events';
import { SkillsRuleViolation, type Clocked } from '../src/domain/skills.errors';
import { SKILLS_RULES, ruleCode, type SkillsRule } from '../src/domain/skills.rules';
import { standardDecider, type StandardCommand } from '../src/domain/standard/standard.decider';
import type { StandardEvent } from '../src/domain/standard/standard.events';
import {
  addEvidence,
  assess,
  assessed,
  assessorId,
  at,
  attest,
  centreId,
  completeTraining,
  content,
  counsel,
  counselled,
  erased,
  evidenced,
  issue,
  partialIssued,
  reassess,
  refer,
  referred,
  reinstate,
  revoke,
  standard,
  standardId,
  suspend,
  trained,
  UNITS,
} from '../src/domain/testing/skills.fixture';

// Every rule of the skills deciders has a code of its own, and a client meets it with the field at fault.
// A rule added to SKILLS_RULES without a case below fails to compile.

const candidate = DeciderSpecification(candidateDecider);
const standards = DeciderSpecification(standardDecider);
const centres = DeciderSpecification(centreDecider);

const published: StandardEvent = {
  type: 'CompetencyStandardPublished',
  data: { standardId, version: 1, ...content, publishedOn: '2024-01-01' },
};
const registered: CentreEvent = {
  type: 'AssessmentCentreRegistered',
  data: { centreId, name: 'Angeles Assessment Centre', subdivision: 'PH-03', registeredOn: '2024-01-01' },
};
const accredited: CentreEvent = {
  type: 'AssessorAccredited',
  data: {
    centreId,
    accreditationId: 'acc-1',
    assessorId,
    assessorName: 'R. Cruz',
    standardId,
    validFrom: '2024-01-01',
    validUntil: '2026-12-31',
    accreditedOn: '2024-01-01',
  },
};
const accredit = (extra: Partial<Extract<CentreCommand, { type: 'AccreditAssessor' }>['data']> = {}): CentreCommand => ({
  type: 'AccreditAssessor',
  data: {
    accreditationId: 'acc-2',
    assessorId: 'other-assessor',
    assessorName: 'M. Reyes',
    standardId,
    validFrom: '2025-01-01',
    validUntil: '2027-12-31',
    standard,
    ...extra,
  },
});
const revise = (extra: Partial<typeof content> = {}): StandardCommand => ({
  type: 'ReviseCompetencyStandard',
  data: { ...content, effectiveFrom: '2025-07-01', title: 'Housekeeping NC II (2025)', ...extra },
});
const publish = (extra: Partial<typeof content> = {}): StandardCommand => ({
  type: 'PublishCompetencyStandard',
  data: { standardId, ...content, ...extra },
});

const fullyCompetent = [counselled, evidenced, assessed, referred, trained, reassessed()];
function reassessed(): CandidateEvent {
  return {
    type: 'ReassessmentRecorded',
    data: {
      workerId: counselled.data.workerId,
      assessmentId: 'a-2',
      standardId,
      standardVersion: 1,
      centreId,
      assessorId,
      assessedOn: '2025-04-15',
      method: 'test',
      results: [{ unitCode: 'HHK-03', outcome: 'competent' }],
    },
  };
}
const revoked: CandidateEvent = {
  type: 'CertificateRevoked',
  data: { workerId: counselled.data.workerId, certificateNumber: 'COC-0001', revokedOn: '2025-03-01', reason: 'issued_in_error' },
};
const suspended: CandidateEvent = {
  type: 'CertificateSuspended',
  data: { workerId: counselled.data.workerId, certificateNumber: 'COC-0001', suspendedOn: '2025-03-01', reason: 'under_investigation' },
};
const withdrawn = { ...standard, withdrawn: true };

type Case = { readonly refuse: (check: (e: SkillsRuleViolation) => void) => void; readonly field: string };
const onCandidate =
  (given: readonly CandidateEvent[], command: CandidateCommand) =>
  (check: (e: SkillsRuleViolation) => void): void =>
    candidate
      .given(given)
      .when(at(command) as Clocked<CandidateCommand>)
      .thenThrows(SkillsRuleViolation, check);
const onStandard =
  (given: readonly StandardEvent[], command: StandardCommand) =>
  (check: (e: SkillsRuleViolation) => void): void =>
    standards
      .given(given)
      .when(at(command) as Clocked<StandardCommand>)
      .thenThrows(SkillsRuleViolation, check);
const onCentre =
  (given: readonly CentreEvent[], command: CentreCommand) =>
  (check: (e: SkillsRuleViolation) => void): void =>
    centres
      .given(given)
      .when(at(command) as Clocked<CentreCommand>)
      .thenThrows(SkillsRuleViolation, check);
const portfolio = [counselled, evidenced];

const cases: Record<SkillsRule, Case> = {
  'date-before-earliest': { refuse: onCandidate([], counsel({ counselledOn: '0001-01-01' })), field: 'counselledOn' },
  'date-in-future': { refuse: onCandidate(portfolio, assess({ assessedOn: '2025-07-02' })), field: 'assessedOn' },
  'no-units': { refuse: onStandard([], publish({ units: [] })), field: 'units' },
  'duplicate-unit-code': {
    refuse: onStandard([], publish({ units: [content.units[0]!, { ...content.units[1]!, code: 'HHK-01' }] })),
    field: 'units.1.code',
  },
  'duplicate-esco-skill': {
    refuse: onStandard(
      [],
      publish({ units: [{ ...content.units[0]!, escoSkills: [content.units[0]!.escoSkills[0]!, content.units[0]!.escoSkills[0]!] }] }),
    ),
    field: 'units.0.escoSkills.1',
  },
  'unit-without-evidence': {
    refuse: onStandard([], publish({ units: [{ ...content.units[0]!, evidenceRequired: [] }] })),
    field: 'units.0.evidenceRequired',
  },
  'level-out-of-range': { refuse: onStandard([], publish({ level: 9 })), field: 'level' },
  'revision-unchanged': {
    refuse: onStandard([published], revise({ title: content.title, effectiveFrom: content.effectiveFrom })),
    field: '',
  },
  'effective-before-previous-version': { refuse: onStandard([published], revise({ effectiveFrom: '2023-12-31' })), field: 'effectiveFrom' },
  'unknown-standard': { refuse: onCandidate(portfolio, assess({ standard: undefined })), field: 'standardId' },
  'unknown-standard-version': { refuse: onCandidate(portfolio, assess({ standardVersion: 2 })), field: 'standardVersion' },
  'standard-withdrawn': { refuse: onCandidate(portfolio, assess({ standard: withdrawn })), field: 'standardId' },
  'standard-not-yet-effective': {
    refuse: onCandidate(
      portfolio,
      assess({ standard: { ...standard, versions: [{ ...standard.versions[0]!, effectiveFrom: '2025-06-15' }] } }),
    ),
    field: 'assessedOn',
  },
  'unknown-unit': {
    refuse: onCandidate(portfolio, assess({ results: [{ unitCode: 'HHK-99', outcome: 'competent' }] })),
    field: 'results.0.unitCode',
  },
  'accreditation-already-recorded': {
    refuse: onCentre([registered, accredited], accredit({ accreditationId: 'acc-1' })),
    field: 'accreditationId',
  },
  'accreditation-ends-before-start': { refuse: onCentre([registered], accredit({ validUntil: '2024-12-31' })), field: 'validUntil' },
  'accreditation-overlaps': { refuse: onCentre([registered, accredited], accredit({ assessorId })), field: 'validFrom' },
  'accreditation-not-found': {
    refuse: onCentre([registered], { type: 'WithdrawAccreditation', data: { accreditationId: 'acc-1' } }),
    field: 'accreditationId',
  },
  'accreditation-already-withdrawn': {
    refuse: onCentre(
      [registered, accredited, { type: 'AccreditationWithdrawn', data: { centreId, accreditationId: 'acc-1', withdrawnOn: '2025-01-01' } }],
      { type: 'WithdrawAccreditation', data: { accreditationId: 'acc-1' } },
    ),
    field: 'accreditationId',
  },
  'unknown-centre': { refuse: onCandidate(portfolio, assess({ centre: undefined })), field: 'centreId' },
  'assessor-not-accredited': { refuse: onCandidate(portfolio, assess({ assessorId: 'someone-else' })), field: 'assessorId' },
  'personal-data-erased': { refuse: onCandidate([counselled, erased], addEvidence()), field: '' },
  'counselling-already-recorded': { refuse: onCandidate([counselled], counsel({ counsellingId: 'c-1' })), field: 'counsellingId' },
  'evidence-already-added': { refuse: onCandidate([evidenced], addEvidence({ evidenceId: 'e-1' })), field: 'evidenceId' },
  'invalid-content-hash': { refuse: onCandidate([], addEvidence({ contentHash: 'A'.repeat(64) })), field: 'contentHash' },
  'invalid-file-size': { refuse: onCandidate([], addEvidence({ sizeBytes: 1.5 })), field: 'sizeBytes' },
  'evidence-period-ends-before-start': {
    refuse: onCandidate([], addEvidence({ periodFrom: '2022-01-01', periodTo: '2021-12-31' })),
    field: 'periodTo',
  },
  'no-skills': { refuse: onCandidate([], attest({ skills: [] })), field: 'skills' },
  'portfolio-not-opened': { refuse: onCandidate([], assess()), field: 'assessedOn' },
  'assessment-before-portfolio': { refuse: onCandidate(portfolio, assess({ assessedOn: '2025-01-09' })), field: 'assessedOn' },
  'assessment-already-recorded': { refuse: onCandidate([...portfolio, assessed], assess({ assessmentId: 'a-1' })), field: 'assessmentId' },
  'no-results': { refuse: onCandidate(portfolio, assess({ results: [] })), field: 'results' },
  'duplicate-unit-result': {
    refuse: onCandidate(
      portfolio,
      assess({
        results: [
          { unitCode: 'HHK-01', outcome: 'competent' },
          { unitCode: 'HHK-01', outcome: 'not_yet_competent' },
        ],
      }),
    ),
    field: 'results.1.unitCode',
  },
  'remarks-for-unassessed-unit': { refuse: onCandidate(portfolio, assess({ remarks: { 'HHK-02': 'good' } })), field: 'remarks.HHK-02' },
  'unit-not-assessed': { refuse: onCandidate(portfolio, refer({ unitCodes: ['HHK-03'] })), field: 'unitCodes.0' },
  'unit-already-competent': {
    refuse: onCandidate([...portfolio, assessed], reassess({ results: [{ unitCode: 'HHK-01', outcome: 'competent' }] })),
    field: 'results.0.unitCode',
  },
  'assessment-before-previous-result': {
    refuse: onCandidate([...portfolio, assessed], reassess({ assessedOn: '2025-01-31' })),
    field: 'assessedOn',
  },
  'gap-training-for-competent-unit': {
    refuse: onCandidate([...portfolio, assessed], refer({ unitCodes: ['HHK-03', 'HHK-02'] })),
    field: 'unitCodes.1',
  },
  'referral-before-assessment': { refuse: onCandidate([...portfolio, assessed], refer({ referredOn: '2025-01-31' })), field: 'referredOn' },
  'referral-already-recorded': {
    refuse: onCandidate([...portfolio, assessed, referred], refer({ referralId: 'r-1' })),
    field: 'referralId',
  },
  'referral-not-found': { refuse: onCandidate([...portfolio, assessed], completeTraining()), field: 'referralId' },
  'training-already-completed': {
    refuse: onCandidate([...portfolio, assessed, referred, trained], completeTraining()),
    field: 'referralId',
  },
  'completion-before-referral': {
    refuse: onCandidate([...portfolio, assessed, referred], completeTraining({ completedOn: '2025-02-09' })),
    field: 'completedOn',
  },
  'certificate-number-taken': {
    refuse: onCandidate([...portfolio, assessed, partialIssued], issue({ certificateNumber: 'COC-0001' })),
    field: 'certificateNumber',
  },
  'certificate-unit-not-competent': {
    refuse: onCandidate([...portfolio, assessed], issue({ unitCodes: ['HHK-01', 'HHK-03'] })),
    field: 'unitCodes.1',
  },
  'full-qualification-incomplete': {
    refuse: onCandidate([...portfolio, assessed], issue({ kind: 'full_qualification', unitCodes: ['HHK-01', 'HHK-02'] })),
    field: 'unitCodes',
  },
  'competency-certificate-covers-all-units': { refuse: onCandidate(fullyCompetent, issue({ unitCodes: [...UNITS] })), field: 'kind' },
  'units-already-certified': {
    refuse: onCandidate([...portfolio, assessed, partialIssued], issue({ unitCodes: ['HHK-02'] })),
    field: 'unitCodes',
  },
  'issue-before-assessment': { refuse: onCandidate([...portfolio, assessed], issue({ issuedOn: '2025-01-31' })), field: 'issuedOn' },
  'expiry-before-issue': { refuse: onCandidate([...portfolio, assessed], issue({ expiresOn: '2025-05-31' })), field: 'expiresOn' },
  'certificate-not-found': { refuse: onCandidate([...portfolio, assessed], suspend('COC-4040')), field: 'certificateNumber' },
  'certificate-already-revoked': {
    refuse: onCandidate([...portfolio, assessed, partialIssued, revoked], revoke()),
    field: 'certificateNumber',
  },
  'certificate-revoked': { refuse: onCandidate([...portfolio, assessed, partialIssued, revoked], suspend()), field: 'certificateNumber' },
  'certificate-superseded': {
    refuse: onCandidate(
      [
        ...fullyCompetent,
        partialIssued,
        {
          type: 'CertificateSuperseded',
          data: { workerId: counselled.data.workerId, certificateNumber: 'COC-0001', supersededBy: 'FQ-1', supersededOn: '2025-05-01' },
        },
      ],
      suspend(),
    ),
    field: 'certificateNumber',
  },
  'certificate-already-suspended': {
    refuse: onCandidate([...portfolio, assessed, partialIssued, suspended], suspend()),
    field: 'certificateNumber',
  },
  'certificate-not-suspended': { refuse: onCandidate([...portfolio, assessed, partialIssued], reinstate()), field: 'certificateNumber' },
};

describe('the skills rules', () => {
  it.each(SKILLS_RULES)('%s: refused with its code and the field at fault', (rule) => {
    const { refuse, field } = cases[rule];
    refuse((error) => {
      expect(error.code).toBe(ruleCode(rule));
      expect(error.field).toBe(field);
      expect(error.message).not.toBe('');
    });
  });

  it('has codes that are unique and shaped skills.<kebab-case>', () => {
    const codes = SKILLS_RULES.map(ruleCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^skills\.[a-z]+(-[a-z]+)*$/);
  });
});

describe('the rule codes as documented', () => {
  it('are each listed in the OpenAPI document for a refused change (422)', () => {
    const document = loadOpenApiDocument(join(__dirname, '..', 'openapi', 'skills-certification.v1.yaml'));
    const schemas = (document.components as { schemas: Record<string, { enum?: string[] }> }).schemas;
    const listed = new Set(schemas.RuleCode?.enum ?? []);
    expect(SKILLS_RULES.map(ruleCode).filter((code) => !listed.has(code))).toEqual([]);
  });
});
