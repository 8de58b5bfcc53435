import type { CandidateCommand } from '../candidate/candidate.decider';
import type { CandidateEvent } from '../candidate/candidate.events';
import type { CentreFacts } from '../centre/centre.state';
import type { StandardContent } from '../standard/standard.events';
import type { StandardFacts } from '../standard/standard.state';

// A worker's case against a housekeeping standard of three units, assessed at one centre by one accredited
// assessor: the givens of the skills deciders' tests.

export const NOW = new Date('2025-06-30T09:00:00Z');
export const TODAY = '2025-06-30';
export const metadata = { now: NOW };
export const at = <C extends { readonly type: string }>(command: C, now: Date = NOW) => ({ ...command, metadata: { now } });

export const workerId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
export const standardId = 'rmcs-housekeeping';
export const centreId = '0190a1b2-c3d4-7e5f-8a9b-00000000c001';
export const assessorId = '0190a1b2-c3d4-7e5f-8a9b-00000000a001';
export const UNITS = ['HHK-01', 'HHK-02', 'HHK-03'] as const;
export const esco = (n: number) => `http://data.europa.eu/esco/skill/0000000${n}-aaaa-4bbb-8ccc-000000000000`;

export const content: StandardContent = {
  title: 'Housekeeping NC II',
  occupationIsco: '9111',
  level: 2,
  units: UNITS.map((code, i) => ({
    code,
    title: `Unit ${i + 1}`,
    escoSkills: [esco(i + 1)],
    evidenceRequired: ['work_sample' as const, 'employer_reference' as const],
  })),
  effectiveFrom: '2024-01-01',
};

export const standard: StandardFacts = {
  standardId,
  withdrawn: false,
  versions: [{ version: 1, effectiveFrom: '2024-01-01', unitCodes: [...UNITS] }],
};

export const centre: CentreFacts = {
  centreId,
  accreditations: [{ accreditationId: 'acc-1', assessorId, standardId, validFrom: '2024-01-01', validUntil: '2026-12-31' }],
};

export const hash = 'a'.repeat(64);

export const counselled: CandidateEvent = {
  type: 'CounsellingRecorded',
  data: { workerId, counsellingId: 'c-1', counselledOn: '2025-01-10', standardIds: [standardId], notes: 'wants housekeeping' },
};
export const evidenced: CandidateEvent = {
  type: 'EvidenceAdded',
  data: {
    workerId,
    evidenceId: 'e-1',
    kind: 'employer_reference',
    addedOn: '2025-01-15',
    contentHash: hash,
    sizeBytes: 2048,
    issuer: 'Al Noor household',
    description: 'Three years of housekeeping',
  },
};
/** Units 1 and 2 competent, unit 3 not yet. */
export const assessed: CandidateEvent = {
  type: 'AssessmentRecorded',
  data: {
    workerId,
    assessmentId: 'a-1',
    standardId,
    standardVersion: 1,
    centreId,
    assessorId,
    assessedOn: '2025-02-01',
    method: 'observation',
    results: [
      { unitCode: 'HHK-01', outcome: 'competent' },
      { unitCode: 'HHK-02', outcome: 'competent' },
      { unitCode: 'HHK-03', outcome: 'not_yet_competent' },
    ],
    remarks: { 'HHK-03': 'ironing needs practice' },
  },
};
export const referred: CandidateEvent = {
  type: 'GapTrainingReferred',
  data: { workerId, referralId: 'r-1', standardId, unitCodes: ['HHK-03'], provider: 'TESDA Region III', referredOn: '2025-02-10' },
};
export const trained: CandidateEvent = { type: 'GapTrainingCompleted', data: { workerId, referralId: 'r-1', completedOn: '2025-04-01' } };
export const reassessed: CandidateEvent = {
  type: 'ReassessmentRecorded',
  data: {
    workerId,
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
const certificateFacts = { issuingBody: 'TESDA', revocationStatusIndex: 7, suspensionStatusIndex: 7, verificationCodeHash: 'b'.repeat(64) };
export const partialIssued: CandidateEvent = {
  type: 'CertificateIssued',
  data: {
    workerId,
    certificateNumber: 'COC-0001',
    kind: 'certificate_of_competency',
    standardId,
    standardVersion: 1,
    unitCodes: ['HHK-01', 'HHK-02'],
    issuedOn: '2025-02-05',
    expiresOn: '2030-02-04',
    ...certificateFacts,
  },
};
export const erased: CandidateEvent = { type: 'PersonalDataErased', data: { workerId, erasedOn: '2025-06-01', basis: 'subject_request' } };

type Data<T extends CandidateCommand['type']> = Omit<Extract<CandidateCommand, { type: T }>['data'], 'workerId'>;

export const counsel = (extra: Partial<Data<'RecordCounselling'>> = {}): CandidateCommand => ({
  type: 'RecordCounselling',
  data: { workerId, counsellingId: 'c-2', counselledOn: '2025-06-01', standardIds: [standardId], ...extra },
});
export const addEvidence = (extra: Partial<Data<'AddEvidence'>> = {}): CandidateCommand => ({
  type: 'AddEvidence',
  data: { workerId, evidenceId: 'e-2', kind: 'document', contentHash: hash, sizeBytes: 1000, description: 'a diploma', ...extra },
});
export const attest = (extra: Partial<Data<'AddMissionAttestedSkills'>> = {}): CandidateCommand => ({
  type: 'AddMissionAttestedSkills',
  data: {
    workerId,
    sourceEventId: '0190a1b2-c3d4-7e5f-8a9b-00000000e001',
    cycleNumber: 1,
    country: 'SA',
    recordedOn: '2024-05-01',
    skills: [{ kind: 'work_process', title: 'Childcare', escoUri: esco(9) }],
    ...extra,
  },
});
export const assess = (extra: Partial<Data<'RecordAssessment'>> = {}): CandidateCommand => ({
  type: 'RecordAssessment',
  data: {
    assessmentId: 'a-9',
    standardId,
    standardVersion: 1,
    centreId,
    assessorId,
    assessedOn: '2025-06-01',
    method: 'portfolio_review',
    results: [{ unitCode: 'HHK-01', outcome: 'competent' }],
    standard,
    centre,
    workerId,
    ...extra,
  },
});
export const reassess = (extra: Partial<Data<'RecordReassessment'>> = {}): CandidateCommand => ({
  type: 'RecordReassessment',
  data: {
    assessmentId: 'a-9',
    standardId,
    standardVersion: 1,
    centreId,
    assessorId,
    assessedOn: '2025-06-01',
    method: 'test',
    results: [{ unitCode: 'HHK-03', outcome: 'competent' }],
    standard,
    centre,
    workerId,
    ...extra,
  },
});
export const refer = (extra: Partial<Data<'ReferToGapTraining'>> = {}): CandidateCommand => ({
  type: 'ReferToGapTraining',
  data: {
    workerId,
    referralId: 'r-9',
    standardId,
    unitCodes: ['HHK-03'],
    provider: 'TESDA Region III',
    referredOn: '2025-06-01',
    ...extra,
  },
});
export const completeTraining = (extra: Partial<Data<'CompleteGapTraining'>> = {}): CandidateCommand => ({
  type: 'CompleteGapTraining',
  data: { workerId, referralId: 'r-1', completedOn: '2025-06-01', ...extra },
});
export const issue = (extra: Partial<Data<'IssueCertificate'>> = {}): CandidateCommand => ({
  type: 'IssueCertificate',
  data: {
    workerId,
    kind: 'certificate_of_competency',
    standardId,
    standardVersion: 1,
    unitCodes: ['HHK-01'],
    issuedOn: '2025-06-01',
    expiresOn: '2030-05-31',
    certificateNumber: 'COC-0009',
    ...certificateFacts,
    revocationStatusIndex: 9,
    suspensionStatusIndex: 9,
    standard,
    ...extra,
  },
});
export const suspend = (certificateNumber = 'COC-0001'): CandidateCommand => ({
  type: 'SuspendCertificate',
  data: { workerId, certificateNumber, reason: 'under_investigation' },
});
export const reinstate = (certificateNumber = 'COC-0001'): CandidateCommand => ({
  type: 'ReinstateCertificate',
  data: { workerId, certificateNumber },
});
export const revoke = (certificateNumber = 'COC-0001'): CandidateCommand => ({
  type: 'RevokeCertificate',
  data: { workerId, certificateNumber, reason: 'issued_in_error' },
});
export const erase = (): CandidateCommand => ({ type: 'ErasePersonalData', data: { workerId, basis: 'subject_request' } });
