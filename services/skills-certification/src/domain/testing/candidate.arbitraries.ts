import fc from 'fast-check';
import type { CandidateCommand } from '../candidate/candidate.decider';
import { UNITS, assessorId, centre, centreId, standard, standardId, workerId } from './skills.fixture';

// Random sequences of commands on one worker's case, for the property tests: mostly commands that move the
// case forward (so that certificates, full qualifications and supersessions happen), with dates that both go
// forward and break the rules, now and then a status change, rarely an erasure.

// A few dates, mostly in the past of the command's clock (2025-06-30), one before the portfolio opens and one
// in the future, so that sequences both go forward and break the rules of dates.
const day = fc.constantFrom('2024-12-01', '2025-01-15', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-30', '2025-07-09');
const words = fc.constantFrom('', 'good at ironing', 'household in Riyadh', 'needs practice');
const units = fc.subarray([...UNITS], { minLength: 1 });
const outcome = fc.constantFrom('competent' as const, 'competent' as const, 'competent' as const, 'not_yet_competent' as const);
const certificateNumber = fc.constantFrom('N1', 'N2', 'N3', 'N4', 'N5');
const assessment = (type: 'RecordAssessment' | 'RecordReassessment') =>
  fc.record({
    type: fc.constant(type),
    data: fc
      .record({ id: fc.uuid(), assessedOn: day, codes: units, outcomes: fc.array(outcome, { minLength: 3, maxLength: 3 }), remark: words })
      .map(({ id, assessedOn, codes, outcomes, remark }) => ({
        workerId,
        assessmentId: id,
        standardId,
        standardVersion: 1,
        centreId,
        assessorId,
        assessedOn,
        method: 'observation' as const,
        results: codes.map((unitCode, i) => ({ unitCode, outcome: outcomes[i]! })),
        remarks: { [codes[0]!]: remark },
        standard,
        centre,
      })),
  });

const counselling = fc.record({
  type: fc.constant('RecordCounselling' as const),
  data: fc.record({
    workerId: fc.constant(workerId),
    counsellingId: fc.uuid(),
    counselledOn: day,
    standardIds: fc.constant([standardId]),
    notes: words,
  }),
});
const evidence = fc.record({
  type: fc.constant('AddEvidence' as const),
  data: fc.record({
    workerId: fc.constant(workerId),
    evidenceId: fc.uuid(),
    kind: fc.constantFrom('document' as const, 'employer_reference' as const),
    contentHash: fc.constant('c'.repeat(64)),
    sizeBytes: fc.nat(),
    issuer: words,
    description: words,
  }),
});
const attestation = fc.record({
  type: fc.constant('AddMissionAttestedSkills' as const),
  data: fc.record({
    workerId: fc.constant(workerId),
    sourceEventId: fc.constantFrom('s1', 's2'),
    cycleNumber: fc.constant(1),
    country: fc.constant('SA'),
    recordedOn: day,
    skills: fc.constant([{ kind: 'language' as const, title: 'Arabic' }]),
  }),
});
const referral = fc.record({
  type: fc.constant('ReferToGapTraining' as const),
  data: fc.record({
    workerId: fc.constant(workerId),
    referralId: fc.constantFrom('r1', 'r2', 'r3'),
    standardId: fc.constant(standardId),
    unitCodes: units,
    provider: fc.constant('TESDA'),
    referredOn: day,
  }),
});
const completion = fc.record({
  type: fc.constant('CompleteGapTraining' as const),
  data: fc.record({ workerId: fc.constant(workerId), referralId: fc.constantFrom('r1', 'r2', 'r3'), completedOn: day }),
});
const issuance = fc.record({
  type: fc.constant('IssueCertificate' as const),
  data: fc.record({
    workerId: fc.constant(workerId),
    kind: fc.constantFrom('full_qualification' as const, 'certificate_of_competency' as const),
    standardId: fc.constant(standardId),
    standardVersion: fc.constant(1),
    unitCodes: units,
    issuingBody: fc.constant('TESDA'),
    issuedOn: day,
    certificateNumber,
    revocationStatusIndex: fc.nat(1000),
    suspensionStatusIndex: fc.nat(1000),
    verificationCodeHash: fc.constant('d'.repeat(64)),
    standard: fc.constant(standard),
  }),
});
const suspension = fc.record({
  type: fc.constant('SuspendCertificate' as const),
  data: fc.record({ workerId: fc.constant(workerId), certificateNumber, reason: fc.constant('under_investigation' as const) }),
});
const reinstatement = fc.record({
  type: fc.constant('ReinstateCertificate' as const),
  data: fc.record({ workerId: fc.constant(workerId), certificateNumber }),
});
const revocation = fc.record({
  type: fc.constant('RevokeCertificate' as const),
  data: fc.record({ workerId: fc.constant(workerId), certificateNumber, reason: fc.constant('fraud_or_misrepresentation' as const) }),
});
const erasure = fc.record({
  type: fc.constant('ErasePersonalData' as const),
  data: fc.record({ workerId: fc.constant(workerId), basis: fc.constant('subject_request' as const) }),
});

/** Mostly what moves a case forward, now and then a status change, rarely an erasure. */
export const command: fc.Arbitrary<CandidateCommand> = fc.oneof(
  { weight: 8, arbitrary: counselling },
  { weight: 8, arbitrary: evidence },
  { weight: 4, arbitrary: attestation },
  { weight: 24, arbitrary: assessment('RecordAssessment') },
  { weight: 16, arbitrary: assessment('RecordReassessment') },
  { weight: 12, arbitrary: referral },
  { weight: 8, arbitrary: completion },
  { weight: 32, arbitrary: issuance },
  { weight: 8, arbitrary: suspension },
  { weight: 8, arbitrary: reinstatement },
  { weight: 8, arbitrary: revocation },
  { weight: 1, arbitrary: erasure },
);

/** Each case opens with counselling, so that what follows is mostly decided rather than refused. */
export const opening: CandidateCommand = {
  type: 'RecordCounselling',
  data: { workerId, counsellingId: 'opening', counselledOn: '2025-01-15', standardIds: [standardId], notes: 'wants housekeeping' },
};
export const sequences = fc.array(command, { minLength: 20, maxLength: 60 }).map((commands) => [opening, ...commands]);
