import { DeciderSpecification } from '@homeward/testing/decider';
import {
  addEvidence,
  assess,
  assessed,
  assessorId,
  at,
  attest,
  centre,
  centreId,
  completeTraining,
  counsel,
  counselled,
  erase,
  erased,
  esco,
  evidenced,
  hash,
  issue,
  partialIssued,
  reassess,
  reassessed,
  refer,
  referred,
  reinstate,
  revoke,
  standardId,
  suspend,
  trained,
  UNITS,
  workerId,
} from '../testing/skills.fixture';
import { SkillsRuleViolation, UnknownCodes, type Clocked } from '../skills.errors';
import { candidateDecider, type CandidateCommand } from './candidate.decider';
import { CANDIDATE_SEALED_FIELDS, type CandidateEvent } from './candidate.events';
import { evolve, initialState } from './candidate.state';

const spec = DeciderSpecification(candidateDecider);
const when = (command: CandidateCommand) => at(command) as Clocked<CandidateCommand>;
const portfolio = [counselled, evidenced];
const competentInAll = [...portfolio, assessed, referred, trained, reassessed];
const certificateFacts = { issuingBody: 'TESDA', verificationCodeHash: 'b'.repeat(64) };

describe("a worker's portfolio", () => {
  it('opens with counselling, notes and all', () => {
    spec
      .given([])
      .when(when(counsel({ notes: 'returned from Riyadh; housekeeping' })))
      .then([
        {
          type: 'CounsellingRecorded',
          data: {
            workerId,
            counsellingId: 'c-2',
            counselledOn: '2025-06-01',
            standardIds: [standardId],
            notes: 'returned from Riyadh; housekeeping',
          },
        },
      ]);
  });

  it('takes evidence described by its hash and size, added today; empty text is left out rather than sealed', () => {
    spec
      .given([counselled])
      .when(
        when(
          addEvidence({
            kind: 'employer_reference',
            issuer: '',
            description: 'Reference',
            issuerCountry: 'SA',
            periodFrom: '2021-01-01',
            periodTo: '2024-01-01',
          }),
        ),
      )
      .then([
        {
          type: 'EvidenceAdded',
          data: {
            workerId,
            evidenceId: 'e-2',
            kind: 'employer_reference',
            addedOn: '2025-06-30',
            periodFrom: '2021-01-01',
            periodTo: '2024-01-01',
            issuerCountry: 'SA',
            contentHash: hash,
            sizeBytes: 1000,
            description: 'Reference',
          },
        },
      ]);
  });

  it('refuses an issuer country that names no country', () => {
    spec
      .given([])
      .when(when(addEvidence({ issuerCountry: 'XX' })))
      .thenThrows(UnknownCodes, (e) =>
        expect(e.errors).toEqual([expect.objectContaining({ path: ['issuerCountry'], code: 'validation.unknown-country' })]),
      );
  });

  it('takes the skills a mission attested, once per registration event, and never refuses them after erasure', () => {
    const expected: CandidateEvent = {
      type: 'MissionAttestedSkillsAdded',
      data: {
        workerId,
        sourceEventId: '0190a1b2-c3d4-7e5f-8a9b-00000000e001',
        cycleNumber: 1,
        country: 'SA',
        recordedOn: '2024-05-01',
        addedOn: '2025-06-30',
        skills: [{ kind: 'work_process', title: 'Childcare', escoUri: esco(9) }],
      },
    };
    spec.given([]).when(when(attest())).then([expected]);
    spec.given([expected]).when(when(attest())).thenNothingHappens();
    spec.given([counselled, erased]).when(when(attest())).thenNothingHappens();
    spec
      .given([])
      .when(when(attest({ country: 'XX', skills: [{ kind: 'technology', title: 'CNC', escoUri: 'http://example.org/cnc' }] })))
      .thenThrows(UnknownCodes, (e) => expect(e.errors.map((x) => x.path)).toEqual([['country'], ['skills', 0, 'escoUri']]));
  });

  it('is not opened by a mission’s attestation alone', () => {
    const attested = candidateDecider.decide(when(attest()), initialState());
    spec
      .given(attested)
      .when(when(assess()))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.portfolio-not-opened'));
  });
});

describe('an assessment', () => {
  it('records each unit’s outcome and the assessor’s remarks', () => {
    spec
      .given(portfolio)
      .when(
        when(
          assess({
            results: [
              { unitCode: 'HHK-01', outcome: 'competent' },
              { unitCode: 'HHK-02', outcome: 'not_yet_competent' },
            ],
            remarks: { 'HHK-02': 'folding needs practice', 'HHK-01': '' },
          }),
        ),
      )
      .then([
        {
          type: 'AssessmentRecorded',
          data: {
            workerId,
            assessmentId: 'a-9',
            standardId,
            standardVersion: 1,
            centreId,
            assessorId,
            assessedOn: '2025-06-01',
            method: 'portfolio_review',
            results: [
              { unitCode: 'HHK-01', outcome: 'competent' },
              { unitCode: 'HHK-02', outcome: 'not_yet_competent' },
            ],
            remarks: { 'HHK-02': 'folding needs practice' },
          },
        },
      ]);
  });

  it('needs an assessor accredited at that centre for that standard on that day', () => {
    const elsewhere = { ...centre, centreId: 'another-centre' };
    spec
      .given(portfolio)
      .when(when(assess({ centreId: 'another-centre', centre: { ...elsewhere, accreditations: [] } })))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.assessor-not-accredited'));
    const withdrawnOnTheFifth = { ...centre, accreditations: [{ ...centre.accreditations[0]!, withdrawnOn: '2025-05-05' }] };
    spec
      .given(portfolio)
      .when(when(assess({ assessedOn: '2025-05-05', centre: withdrawnOnTheFifth })))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.assessor-not-accredited'));
    // Recorded late, an assessment made while the accreditation held is accepted.
    const events = candidateDecider.decide(
      when(assess({ assessedOn: '2025-05-04', centre: withdrawnOnTheFifth })),
      portfolio.reduce(evolve, initialState()),
    );
    expect(events.map((e) => e.type)).toEqual(['AssessmentRecorded']);
  });

  it('is reassessed on the units not yet competent only, after gap training for those', () => {
    spec
      .given([...portfolio, assessed])
      .when(when(refer()))
      .then([
        {
          type: 'GapTrainingReferred',
          data: { workerId, referralId: 'r-9', standardId, unitCodes: ['HHK-03'], provider: 'TESDA Region III', referredOn: '2025-06-01' },
        },
      ]);
    spec
      .given([...portfolio, assessed, referred])
      .when(when(completeTraining()))
      .then([{ type: 'GapTrainingCompleted', data: { workerId, referralId: 'r-1', completedOn: '2025-06-01' } }]);
    spec
      .given([...portfolio, assessed, referred, trained])
      .when(when(reassess()))
      .then([
        {
          type: 'ReassessmentRecorded',
          data: {
            workerId,
            assessmentId: 'a-9',
            standardId,
            standardVersion: 1,
            centreId,
            assessorId,
            assessedOn: '2025-06-01',
            method: 'test',
            results: [{ unitCode: 'HHK-03', outcome: 'competent' }],
          },
        },
      ]);
  });
});

describe('a certificate', () => {
  it('of competency covers some units the worker stands competent in', () => {
    spec
      .given([...portfolio, assessed])
      .when(when(issue({ unitCodes: ['HHK-01', 'HHK-02'] })))
      .then([
        {
          type: 'CertificateIssued',
          data: {
            workerId,
            certificateNumber: 'COC-0009',
            kind: 'certificate_of_competency',
            standardId,
            standardVersion: 1,
            unitCodes: ['HHK-01', 'HHK-02'],
            issuingBody: 'TESDA',
            issuedOn: '2025-06-01',
            expiresOn: '2030-05-31',
            revocationStatusIndex: 9,
            suspensionStatusIndex: 9,
            verificationCodeHash: certificateFacts.verificationCodeHash,
          },
        },
      ]);
  });

  it('as a full qualification supersedes every certificate of competency of the standard that still counts, in the same decision', () => {
    const second: CandidateEvent = {
      type: 'CertificateIssued',
      data: {
        ...(partialIssued.data as Extract<CandidateEvent, { type: 'CertificateIssued' }>['data']),
        certificateNumber: 'COC-0002',
        unitCodes: ['HHK-02'],
      },
    };
    const third: CandidateEvent = {
      type: 'CertificateIssued',
      data: {
        ...(partialIssued.data as Extract<CandidateEvent, { type: 'CertificateIssued' }>['data']),
        certificateNumber: 'COC-0003',
        unitCodes: ['HHK-01'],
      },
    };
    const suspendedSecond: CandidateEvent = {
      type: 'CertificateSuspended',
      data: { workerId, certificateNumber: 'COC-0002', suspendedOn: '2025-03-01', reason: 'administrative_hold' },
    };
    const revokedThird: CandidateEvent = {
      type: 'CertificateRevoked',
      data: { workerId, certificateNumber: 'COC-0003', revokedOn: '2025-03-01', reason: 'issued_in_error' },
    };
    const events = candidateDecider.decide(
      when(issue({ kind: 'full_qualification', unitCodes: [...UNITS], certificateNumber: 'FQ-0001', expiresOn: undefined })),
      [...competentInAll, partialIssued, second, third, suspendedSecond, revokedThird].reduce(evolve, initialState()),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'CertificateIssued',
        data: expect.objectContaining({ certificateNumber: 'FQ-0001', kind: 'full_qualification' }),
      }),
      {
        type: 'CertificateSuperseded',
        data: { workerId, certificateNumber: 'COC-0001', supersededBy: 'FQ-0001', supersededOn: '2025-06-01' },
      },
      {
        type: 'CertificateSuperseded',
        data: { workerId, certificateNumber: 'COC-0002', supersededBy: 'FQ-0001', supersededOn: '2025-06-01' },
      },
    ]);
    expect(events[0]!.data).not.toHaveProperty('expiresOn');
  });

  it('is suspended, reinstated and revoked with a coded reason, on the day of the command', () => {
    const given = [...portfolio, assessed, partialIssued];
    spec
      .given(given)
      .when(when(suspend()))
      .then([
        {
          type: 'CertificateSuspended',
          data: { workerId, certificateNumber: 'COC-0001', suspendedOn: '2025-06-30', reason: 'under_investigation' },
        },
      ]);
    const suspended = candidateDecider.decide(when(suspend()), given.reduce(evolve, initialState()));
    spec
      .given([...given, ...suspended])
      .when(when(reinstate()))
      .then([{ type: 'CertificateReinstated', data: { workerId, certificateNumber: 'COC-0001', reinstatedOn: '2025-06-30' } }]);
    spec
      .given([...given, ...suspended])
      .when(when(revoke()))
      .then([
        {
          type: 'CertificateRevoked',
          data: { workerId, certificateNumber: 'COC-0001', revokedOn: '2025-06-30', reason: 'issued_in_error' },
        },
      ]);
  });

  it('of competency that was superseded can still be revoked', () => {
    const superseded: CandidateEvent = {
      type: 'CertificateSuperseded',
      data: { workerId, certificateNumber: 'COC-0001', supersededBy: 'FQ-0001', supersededOn: '2025-05-01' },
    };
    spec
      .given([...competentInAll, partialIssued, superseded])
      .when(when(revoke()))
      .then([
        {
          type: 'CertificateRevoked',
          data: { workerId, certificateNumber: 'COC-0001', revokedOn: '2025-06-30', reason: 'issued_in_error' },
        },
      ]);
  });
});

describe("erasing the worker's personal data", () => {
  it('is recorded once, and not at all for a case that holds nothing', () => {
    spec
      .given(portfolio)
      .when(when(erase()))
      .then([{ type: 'PersonalDataErased', data: { workerId, erasedOn: '2025-06-30', basis: 'subject_request' } }]);
    spec
      .given([...portfolio, erased])
      .when(when(erase()))
      .thenNothingHappens();
    spec.given([]).when(when(erase())).thenNothingHappens();
  });

  it('leaves no sealed text in the state, keeps the certificates, and lets them still be revoked', () => {
    const state = [...portfolio, assessed, partialIssued, erased].reduce(evolve, initialState());
    const held = JSON.stringify(state);
    for (const field of Object.values(CANDIDATE_SEALED_FIELDS).flat()) expect(held).not.toContain(`"${field}"`);
    expect(state.certificates.map((c) => [c.certificateNumber, c.status])).toEqual([['COC-0001', 'active']]);
    spec
      .given([...portfolio, assessed, partialIssued, erased])
      .when(when(revoke()))
      .then([
        {
          type: 'CertificateRevoked',
          data: { workerId, certificateNumber: 'COC-0001', revokedOn: '2025-06-30', reason: 'issued_in_error' },
        },
      ]);
    spec
      .given([...portfolio, assessed, erased])
      .when(when(issue()))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.personal-data-erased'));
  });
});

describe('a command for another worker', () => {
  it('is a programming error, never an event in the wrong case', () => {
    spec
      .given(portfolio)
      .when(when({ ...counsel(), data: { ...counsel().data, workerId: 'someone-else' } } as CandidateCommand))
      .thenThrows(Error);
  });
});
