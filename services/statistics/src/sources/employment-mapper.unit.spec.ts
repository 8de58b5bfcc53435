import {
  ContractType,
  InterviewOutcome,
  ReferralCloseReason,
  SeekerBasis,
  SeekerLeaveReason,
  VacancyCloseReason,
} from '@homeward/contracts/employment/v1';
import { referralStream, seekerStream, vacancyStream } from '@homeward/testing/employment-events';
import { employmentFactFromMessage } from './employment-event.proto-mapper';

// The employment topic's protobuf (the generated contract, encoded) → the facts the outcome, vacancy and
// referral tables are built from.

const W = '01930000-0000-7000-8000-000000000001';
const at = (date: string) => Date.parse(`${date}T08:00:00Z`);

describe('a message of the employment topic, as statistics read it', () => {
  it('gives a job seeker registered on return', () => {
    const m = seekerStream(W).event('2025-03-02', {
      case: 'jobSeekerRegistered',
      value: {
        workerId: W,
        registeredOn: '2025-03-02',
        basis: SeekerBasis.RETURN,
        sourceEventId: 'e1',
        cycleNumber: 1,
        returnedOn: '2025-03-01',
      },
    });
    expect(employmentFactFromMessage(m.value)).toEqual({
      type: 'JobSeekerRegistered',
      stream: `seeker-${W}`,
      version: 1,
      recordedAt: at('2025-03-02'),
      data: { workerId: W, registeredOn: '2025-03-02' },
    });
  });

  it("gives a vacancy's occupation, place and date — not its employer, title or wage — and each way it ends", () => {
    const v = vacancyStream('V1');
    const posted = v.event('2025-02-01', {
      case: 'vacancyPosted',
      value: {
        vacancyId: 'V1',
        employerId: 'org-1',
        title: 'Cook',
        occupationIsco: '5120',
        location: 'PH-CEB',
        monthlyWage: { currency: 'PHP', amountMinor: 2_000_000n },
        openings: 2,
        closingOn: '2025-03-01',
        postedOn: '2025-02-01',
      },
    });
    expect(employmentFactFromMessage(posted.value)).toEqual({
      type: 'VacancyPosted',
      stream: 'vacancy-V1',
      version: 1,
      recordedAt: at('2025-02-01'),
      data: { vacancyId: 'V1', occupation: '5120', location: 'PH-CEB', postedOn: '2025-02-01' },
    });
    const closed = v.event('2025-03-02', {
      case: 'vacancyClosed',
      value: { vacancyId: 'V1', closedOn: '2025-03-02', reason: VacancyCloseReason.CLOSING_DATE_PASSED },
    });
    expect(employmentFactFromMessage(closed.value)).toMatchObject({
      type: 'VacancyEnded',
      version: 2,
      data: { vacancyId: 'V1', end: 'closed', on: '2025-03-02' },
    });
    const filled = vacancyStream('V2').event('2025-04-01', { case: 'vacancyFilled', value: { vacancyId: 'V2', filledOn: '2025-04-01' } });
    expect(employmentFactFromMessage(filled.value)).toMatchObject({ data: { vacancyId: 'V2', end: 'filled', on: '2025-04-01' } });
    const withdrawn = vacancyStream('V3').event('2025-04-02', {
      case: 'vacancyWithdrawn',
      value: { vacancyId: 'V3', withdrawnOn: '2025-04-02', reason: 'posted in error' },
    });
    expect(employmentFactFromMessage(withdrawn.value)).toMatchObject({ data: { vacancyId: 'V3', end: 'withdrawn', on: '2025-04-02' } });
  });

  it('gives a referral (not its score), its interview, and a hire from its first day of work', () => {
    const r = referralStream('R1');
    const referral = r.event('2025-02-05', {
      case: 'referralMade',
      value: {
        referralId: 'R1',
        vacancyId: 'V1',
        workerId: W,
        employerId: 'org-1',
        referredOn: '2025-02-05',
        weightsVersion: '2026-12-01',
        scoreMilli: 812_000n,
        factors: [
          { name: 'occupation', weightMilli: 4000n, valueMilli: 1000n, contributionMilli: 4000n, evidence: ['isco:4 digits 5120'] },
        ],
      },
    });
    expect(employmentFactFromMessage(referral.value)).toEqual({
      type: 'ReferralMade',
      stream: 'referral-R1',
      version: 1,
      recordedAt: at('2025-02-05'),
      data: { referralId: 'R1', vacancyId: 'V1', workerId: W, referredOn: '2025-02-05' },
    });
    const interview = r.event('2025-02-10', {
      case: 'interviewRecorded',
      value: { referralId: 'R1', interviewedOn: '2025-02-10', outcome: InterviewOutcome.PASSED },
    });
    expect(employmentFactFromMessage(interview.value)).toMatchObject({
      type: 'InterviewRecorded',
      version: 2,
      data: { referralId: 'R1', interviewedOn: '2025-02-10' },
    });
    const hire = r.event('2025-02-20', {
      case: 'hireRecorded',
      value: {
        referralId: 'R1',
        vacancyId: 'V1',
        workerId: W,
        hiredOn: '2025-02-20',
        startsOn: '2025-03-01',
        contractType: ContractType.PERMANENT,
        monthlyWage: { currency: 'PHP', amountMinor: 2_000_000n },
        occupationIsco: '5120',
      },
    });
    expect(employmentFactFromMessage(hire.value)).toEqual({
      type: 'HireRecorded',
      stream: 'referral-R1',
      version: 3,
      recordedAt: at('2025-02-20'),
      data: { referralId: 'R1', vacancyId: 'V1', workerId: W, hiredOn: '2025-02-20', startsOn: '2025-03-01', occupation: '5120' },
    });
    const ended = r.event('2025-09-01', { case: 'placementEnded', value: { referralId: 'R1', workerId: W, endedOn: '2025-09-01' } });
    expect(employmentFactFromMessage(ended.value)).toMatchObject({
      type: 'PlacementEnded',
      data: { referralId: 'R1', workerId: W, endedOn: '2025-09-01' },
    });
  });

  it('leaves out the first day of work when the hire does not say it', () => {
    const hire = referralStream('R2').event('2025-02-20', {
      case: 'hireRecorded',
      value: { referralId: 'R2', vacancyId: 'V1', workerId: W, hiredOn: '2025-02-20', occupationIsco: '5120' },
    });
    expect(employmentFactFromMessage(hire.value)).toMatchObject({ data: { hiredOn: '2025-02-20', occupation: '5120' } });
    expect((employmentFactFromMessage(hire.value) as { data: object }).data).not.toHaveProperty('startsOn');
  });

  it('gives a referral closed without a hire', () => {
    const closed = referralStream('R3').event('2025-03-01', {
      case: 'referralClosed',
      value: { referralId: 'R3', closedOn: '2025-03-01', reason: ReferralCloseReason.NOT_SELECTED },
    });
    expect(employmentFactFromMessage(closed.value)).toMatchObject({
      type: 'ReferralClosed',
      data: { referralId: 'R3', closedOn: '2025-03-01' },
    });
  });

  it('gives nothing for preferences or a seeker leaving (no table uses them)', () => {
    const s = seekerStream(W);
    const preferences = s.event('2025-03-03', {
      case: 'jobSeekerPreferencesSet',
      value: { workerId: W, setOn: '2025-03-03', occupations: ['5120'], areas: ['PH-CEB'], willingToRelocate: true },
    });
    const left = s.event('2025-05-01', {
      case: 'jobSeekerLeft',
      value: { workerId: W, leftOn: '2025-05-01', reason: SeekerLeaveReason.PLACED },
    });
    expect(employmentFactFromMessage(preferences.value)).toBeUndefined();
    expect(employmentFactFromMessage(left.value)).toBeUndefined();
  });

  it('throws on bytes that are not an EmploymentEvent (the source counts them and goes on)', () => {
    expect(() => employmentFactFromMessage(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
