import { AssessmentMethod, CertificateKind, UnitOutcome } from '@homeward/contracts/skills/v1';
import { candidateStream, standardStream } from '@homeward/testing/skills-events';
import { skillsFactFromMessage } from './skills-event.proto-mapper';

// The skills topic's protobuf (the generated contract, encoded) → the facts the skills tables are built from.

const W = '01930000-0000-7000-8000-000000000001';

describe('a message of the skills topic, as statistics read it', () => {
  it("gives a standard's version and occupation, published or revised", () => {
    const s = standardStream('CARE');
    const published = s.event('2024-06-01', {
      case: 'competencyStandardPublished',
      value: { standardId: 'CARE', version: 1, title: 'Caregiving', occupationIsco: '5322', units: [{ code: 'C1', title: 't' }] },
    });
    const revised = s.event('2025-01-01', {
      case: 'competencyStandardRevised',
      value: { standardId: 'CARE', version: 2, title: 'Caregiving (2025)', occupationIsco: '5322' },
    });
    expect(skillsFactFromMessage(published.value)).toEqual({
      type: 'StandardPublished',
      stream: 'standard-CARE',
      version: 1,
      recordedAt: Date.parse('2024-06-01T08:00:00Z'),
      data: { standardId: 'CARE', standardVersion: 1, title: 'Caregiving', occupation: '5322' },
    });
    expect(skillsFactFromMessage(revised.value)).toMatchObject({ version: 2, data: { standardVersion: 2, title: 'Caregiving (2025)' } });
  });

  it('gives an assessment or a reassessment with its units, leaving out a unit without an outcome', () => {
    const c = candidateStream(W);
    const results = [
      { unitCode: 'C1', outcome: UnitOutcome.COMPETENT },
      { unitCode: 'C2', outcome: UnitOutcome.NOT_YET_COMPETENT },
      { unitCode: 'C3', outcome: UnitOutcome.UNSPECIFIED },
    ];
    const value = { workerId: W, standardId: 'CARE', standardVersion: 1, assessedOn: '2025-02-01', method: AssessmentMethod.TEST, results };
    const expected = {
      type: 'AssessmentRecorded',
      stream: `candidate-${W}`,
      data: {
        workerId: W,
        standardId: 'CARE',
        standardVersion: 1,
        assessedOn: '2025-02-01',
        units: [
          { code: 'C1', competent: true },
          { code: 'C2', competent: false },
        ],
      },
    };
    expect(skillsFactFromMessage(c.event('2025-02-01', { case: 'assessmentRecorded', value }).value)).toMatchObject({
      ...expected,
      version: 1,
    });
    expect(skillsFactFromMessage(c.event('2025-02-01', { case: 'reassessmentRecorded', value }).value)).toMatchObject({
      ...expected,
      version: 2,
    });
  });

  it.each([
    [CertificateKind.FULL_QUALIFICATION, 'full'],
    [CertificateKind.CERTIFICATE_OF_COMPETENCY, 'partial'],
    [CertificateKind.UNSPECIFIED, 'unknown'],
  ])('gives a certificate issued, of kind %s as %s', (kind, expected) => {
    const issued = candidateStream(W).event('2025-03-01', {
      case: 'certificateIssued',
      value: { workerId: W, certificateNumber: 'N', kind, standardId: 'CARE', standardVersion: 1, issuedOn: '2025-03-01' },
    });
    expect(skillsFactFromMessage(issued.value)).toMatchObject({
      type: 'CertificateIssued',
      data: { workerId: W, standardId: 'CARE', standardVersion: 1, kind: expected, issuedOn: '2025-03-01' },
    });
  });

  it.each([
    ['certificateSuperseded', { supersededOn: '2025-05-10', supersededBy: 'N-2' }, 'superseded', '2025-05-10'],
    ['certificateSuspended', { suspendedOn: '2025-07-01' }, 'suspended', '2025-07-01'],
    ['certificateReinstated', { reinstatedOn: '2025-08-01' }, 'reinstated', '2025-08-01'],
    ['certificateRevoked', { revokedOn: '2025-09-01' }, 'revoked', '2025-09-01'],
  ] as const)('gives a change of status from %s', (kind, dates, change, on) => {
    const message = candidateStream(W).event(on, { case: kind, value: { workerId: W, certificateNumber: 'N-1', ...dates } } as never);
    expect(skillsFactFromMessage(message.value)).toMatchObject({
      type: 'CertificateStatusChanged',
      data: { certificateNumber: 'N-1', change, on },
    });
  });

  it('gives nothing for what has no statistical content, nor for an event type newer than the code', () => {
    const c = candidateStream(W);
    expect(skillsFactFromMessage(c.event('2025-01-01', { case: 'counsellingRecorded', value: { workerId: W } }).value)).toBeUndefined();
    expect(skillsFactFromMessage(c.event('2025-05-01', { case: 'gapTrainingReferred', value: { workerId: W } }).value)).toBeUndefined();
    expect(skillsFactFromMessage(c.event('2025-05-02', { case: undefined }).value)).toBeUndefined();
  });

  it('throws for bytes that are no SkillsEvent (the replay counts them as undecodable)', () => {
    expect(() => skillsFactFromMessage(Buffer.from([0x0a, 0xff, 0xff]))).toThrow();
  });
});
