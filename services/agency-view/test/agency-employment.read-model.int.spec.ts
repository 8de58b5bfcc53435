import { randomUUID } from 'node:crypto';
import { create, eventsTopic, toBinary } from '@homeward/contracts';
import {
  ContractType,
  EmploymentEventSchema,
  InterviewOutcome,
  PlacementEndReason,
  PosterKind,
  ReferralCloseReason,
  SeekerBasis,
  SeekerLeaveReason,
  VacancyCloseReason,
} from '@homeward/contracts/employment/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { SharedKey } from '@homeward/personal-data';
import { buildSchema, projectEvents } from '@homeward/projections';
import type { RegistrationFact } from '@homeward/projections/registration';
import { createTestDatabase, testDirectoryKey, type TestDatabase } from '@homeward/testing/infrastructure';
import { ReadModelSpecification } from '@homeward/testing/read-model';
import { referralStream, seekerStream, vacancyStream, type EmploymentMessage } from '@homeward/testing/employment-events';
import { agencyViewProjection, type AgencyEvent } from '../src/projection/agency.read-model';

// Given the employment topic's messages — protobuf of the generated contract, decoded by the agency view's
// own source as the projection host decodes them — then these rows: against the real PostgreSQL, through the
// machinery's chunk handling, for the messages as one chunk and one transaction per message.

const definition = agencyViewProjection('', new SharedKey(testDirectoryKey()));
const employment = definition.sources.find((s) => s.topic === eventsTopic('employment'))!;
const registration = definition.sources.find((s) => s.topic === eventsTopic('registration'))!;

const incoming = (message: EmploymentMessage, offset = 0): IncomingMessage => ({
  topic: employment.topic,
  partition: 0,
  offset: String(offset),
  key: message.key,
  value: Buffer.from(message.value),
  headers: {},
  eventId: message.event.envelope!.eventId,
});
type Decoded = { event: AgencyEvent; meta: ReturnType<typeof employment.meta>; erasedSubject: string | undefined };
/** A message as the host hands it to a build: decoded by the view's source, with its place in its stream. */
const decoded = (message: EmploymentMessage): Decoded => {
  const event = employment.decode(incoming(message));
  return { event, meta: employment.meta(event), erasedSubject: employment.erasedSubject(event) };
};
/** Registration's erasure of a worker, as the registration source hands it over (the erase hook runs first). */
const erasure = (workerId: string, streamVersion: number): Decoded => {
  const fact: RegistrationFact = {
    type: 'PersonalDataErased',
    envelope: {
      eventId: randomUUID(),
      eventType: 'homeward.registration.v1.PersonalDataErased',
      streamId: `worker-${workerId}`,
      streamVersion,
      occurredAt: new Date('2026-09-01T00:00:00Z'),
      recordedAt: new Date('2026-09-01T08:00:00Z'),
      actor: { organisationId: 'ph-dmw-registry', kind: 'agency' },
      originCountry: 'PH',
      destinationCountry: '',
    },
    data: { workerId, erasedOn: '2026-09-01', basis: 'data_subject_request' },
  } as RegistrationFact;
  const event: AgencyEvent = { source: 'registration', fact };
  return { event, meta: registration.meta(event), erasedSubject: registration.erasedSubject(event) };
};

const W1 = '01930000-0000-7000-8000-0000000000e1';
const W2 = '01930000-0000-7000-8000-0000000000e2';
const V1 = '01930000-0000-7000-8000-00000000b001';
const V2 = '01930000-0000-7000-8000-00000000b002';
const R1 = '01930000-0000-7000-8000-00000000c001';
const R2 = '01930000-0000-7000-8000-00000000c002';
const R3 = '01930000-0000-7000-8000-00000000c003';
const EMPLOYER = 'ph-employer-cebu-shipyard';

const weldingFactors = [
  {
    name: 'occupation',
    weightMilli: 4000n,
    valueMilli: 1000n,
    contributionMilli: 4000n,
    evidence: ['isco:4 digits 7212'],
    citedEventIds: [],
  },
  {
    name: 'units',
    weightMilli: 3000n,
    valueMilli: 667n,
    contributionMilli: 2001n,
    evidence: ['certified SMAW-01 (certificate PH-2026-000101)', 'certified SMAW-02 (certificate PH-2026-000101)', 'missing SMAW-03'],
    citedEventIds: [randomUUID()],
  },
];

/** A vacancy of an employer (welder, Cebu), and one of the employment office (caregiver, Central Luzon). */
function vacancies() {
  const v1 = vacancyStream(V1, { organisationId: EMPLOYER, kind: 'employer' });
  const v2 = vacancyStream(V2);
  return {
    welder: v1.event('2026-04-01', {
      case: 'vacancyPosted',
      value: {
        vacancyId: V1,
        employerId: EMPLOYER,
        postedBy: PosterKind.EMPLOYER,
        title: 'Pipe welder (SMAW)',
        occupationIsco: '7212',
        requiredStandards: ['PH-SMAW-NC2'],
        experienceMonths: 24,
        location: 'PH-CEB',
        languages: ['en', 'tl'],
        monthlyWage: { currency: 'PHP', amountMinor: 2_800_000n },
        openings: 2,
        closingOn: '2026-06-30',
        postedOn: '2026-04-01',
      },
    }),
    welderClosed: v1.event('2026-06-30', {
      case: 'vacancyClosed',
      value: { vacancyId: V1, closedOn: '2026-06-30', reason: VacancyCloseReason.CLOSING_DATE_PASSED },
    }),
    welderFilled: v1.event('2026-07-02', { case: 'vacancyFilled', value: { vacancyId: V1, filledOn: '2026-07-02' } }),
    carer: v2.event('2026-04-03', {
      case: 'vacancyPosted',
      value: {
        vacancyId: V2,
        employerId: 'ph-employer-angeles-care',
        postedBy: PosterKind.EMPLOYMENT_OFFICE,
        title: 'Caregiver, home for the elderly',
        occupationIsco: '5322',
        location: 'PH-03',
        monthlyWage: { currency: 'PHP', amountMinor: 1_800_000n },
        openings: 1,
        closingOn: '2026-05-31',
        postedOn: '2026-04-03',
      },
    }),
    carerWithdrawn: v2.event('2026-04-20', {
      case: 'vacancyWithdrawn',
      value: { vacancyId: V2, withdrawnOn: '2026-04-20', reason: 'posted in error' },
    }),
  };
}

/** W1: a returnee who becomes a job seeker, is referred to the welding vacancy, interviewed, hired, and whose placement ends. */
function welderPath(workerId: string, referralId: string) {
  const s = seekerStream(workerId);
  const r = referralStream(referralId);
  const sourceEventId = randomUUID();
  return {
    registered: s.event('2026-03-20', {
      case: 'jobSeekerRegistered',
      value: { workerId, registeredOn: '2026-03-20', basis: SeekerBasis.RETURN, sourceEventId, cycleNumber: 1, returnedOn: '2026-03-18' },
    }),
    preferences: s.event('2026-03-25', {
      case: 'jobSeekerPreferencesSet',
      value: {
        workerId,
        setOn: '2026-03-25',
        occupations: ['7212', '7214'],
        areas: ['PH-CEB', 'PH-03'],
        willingToRelocate: true,
        availableFrom: '2026-04-15',
      },
    }),
    referred: r.event('2026-04-10', {
      case: 'referralMade',
      value: {
        referralId,
        vacancyId: V1,
        workerId,
        employerId: EMPLOYER,
        referredOn: '2026-04-10',
        weightsVersion: '2026-12-01',
        scoreMilli: 6001n,
        factors: weldingFactors,
      },
    }),
    interviewPending: r.event('2026-04-20', {
      case: 'interviewRecorded',
      value: { referralId, interviewedOn: '2026-04-20', outcome: InterviewOutcome.PENDING },
    }),
    interviewPassed: r.event('2026-04-22', {
      case: 'interviewRecorded',
      value: { referralId, interviewedOn: '2026-04-20', outcome: InterviewOutcome.PASSED },
    }),
    hired: r.event('2026-04-25', {
      case: 'hireRecorded',
      value: {
        referralId,
        vacancyId: V1,
        workerId,
        hiredOn: '2026-04-25',
        startsOn: '2026-05-02',
        contractType: ContractType.FIXED_TERM,
        monthlyWage: { currency: 'PHP', amountMinor: 2_900_000n },
        occupationIsco: '7212',
      },
    }),
    left: s.event('2026-04-25', { case: 'jobSeekerLeft', value: { workerId, leftOn: '2026-04-25', reason: SeekerLeaveReason.PLACED } }),
    ended: r.event('2026-08-31', {
      case: 'placementEnded',
      value: { referralId, workerId, endedOn: '2026-08-31', reason: PlacementEndReason.CONTRACT_COMPLETED },
    }),
    closedAfterHire: r.event('2026-09-01', {
      case: 'referralClosed',
      value: { referralId, closedOn: '2026-09-01', reason: ReferralCloseReason.NOT_SELECTED },
    }),
    registeredAgain: s.event('2026-09-02', {
      case: 'jobSeekerRegistered',
      value: { workerId, registeredOn: '2026-09-02', basis: SeekerBasis.REQUEST },
    }),
  };
}

describe('the agency view, given the employment topic, stores', () => {
  let db: TestDatabase;
  let given: (...messages: (EmploymentMessage | Decoded)[]) => ReturnType<ReturnType<typeof ReadModelSpecification<Decoded>>['given']>;

  beforeAll(async () => {
    db = await createTestDatabase('agency_employment_rows');
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const spec = ReadModelSpecification<Decoded>(db.pool, {
      schema: buildSchema(definition),
      project: (events, tx) => projectEvents(definition, events, tx),
    });
    given = (...messages) => spec.given(...messages.map((m) => ('value' in m ? decoded(m) : m)));
  });
  afterAll(() => db.drop());

  const v = vacancies();
  const p = welderPath(W1, R1);

  it('a vacancy: its employer, who posted it, title, occupation, place, wage, openings and dates — not a worker, not on a timeline', () =>
    given(v.welder, v.carer).thenTables({
      employment_vacancies: [
        {
          vacancy_id: V1,
          employer_id: EMPLOYER,
          posted_by: 'employer',
          title: 'Pipe welder (SMAW)',
          occupation_isco: '7212',
          location: 'PH-CEB',
          wage_minor: 2_800_000,
          wage_currency: 'PHP',
          openings: 2,
          posted_on: '2026-04-01',
          closing_on: '2026-06-30',
          status: 'open',
          status_on: null,
        },
        {
          vacancy_id: V2,
          employer_id: 'ph-employer-angeles-care',
          posted_by: 'employment_office',
          title: 'Caregiver, home for the elderly',
          occupation_isco: '5322',
          location: 'PH-03',
          wage_minor: 1_800_000,
          wage_currency: 'PHP',
          openings: 1,
          posted_on: '2026-04-03',
          closing_on: '2026-05-31',
          status: 'open',
          status_on: null,
        },
      ],
      timeline: [],
      employment_seekers: [],
    }));

  it("a vacancy's end: closed on its closing date, then filled by the hires of referrals made before; a withdrawal with its reason", () =>
    given(v.welder, v.welderClosed, v.welderFilled, v.carer, v.carerWithdrawn).thenRows('employment_vacancies', [
      { vacancy_id: V1, status: 'filled', status_on: '2026-07-02', status_reason: null },
      { vacancy_id: V2, status: 'withdrawn', status_on: '2026-04-20', status_reason: 'posted in error' },
    ]));

  it('a job seeker: registered on return (the cycle and return date), then their preferences', () =>
    given(p.registered, p.preferences).thenTables({
      employment_seekers: [
        {
          worker_id: W1,
          status: 'seeking',
          registered_on: '2026-03-20',
          basis: 'return',
          cycle_number: 1,
          returned_on: '2026-03-18',
          occupations: ['7212', '7214'],
          areas: ['PH-CEB', 'PH-03'],
          willing_to_relocate: true,
          available_from: '2026-04-15',
          preferences_set_on: '2026-03-25',
          left_on: null,
        },
      ],
      timeline: [
        {
          worker_id: W1,
          source: 'employment',
          type: 'JobSeekerRegistered',
          cycle_number: 1,
          occurred_on: '2026-03-20',
          stream_id: `seeker-${W1}`,
          stream_version: 1,
          details: { registeredOn: '2026-03-20', basis: 'return', returnedOn: '2026-03-18' },
        },
        {
          worker_id: W1,
          source: 'employment',
          type: 'JobSeekerPreferencesSet',
          cycle_number: null,
          occurred_on: '2026-03-25',
          stream_id: `seeker-${W1}`,
          stream_version: 2,
          details: {
            setOn: '2026-03-25',
            occupations: ['7212', '7214'],
            areas: ['PH-CEB', 'PH-03'],
            willingToRelocate: true,
            availableFrom: '2026-04-15',
          },
        },
      ],
    }));

  it('the whole path: referral with its explained score, the interview (the latest outcome), the hire, the seeker leaving placed', () =>
    given(v.welder, p.registered, p.referred, p.interviewPending, p.interviewPassed, p.hired, p.left).thenTables({
      employment_referrals: [
        {
          referral_id: R1,
          worker_id: W1,
          vacancy_id: V1,
          employer_id: EMPLOYER,
          referred_on: '2026-04-10',
          weights_version: '2026-12-01',
          score_milli: 6001,
          factors: [
            { name: 'occupation', weightMilli: 4000, valueMilli: 1000, contributionMilli: 4000, evidence: ['isco:4 digits 7212'] },
            {
              name: 'units',
              weightMilli: 3000,
              valueMilli: 667,
              contributionMilli: 2001,
              evidence: [
                'certified SMAW-01 (certificate PH-2026-000101)',
                'certified SMAW-02 (certificate PH-2026-000101)',
                'missing SMAW-03',
              ],
            },
          ],
          status: 'hired',
          interviewed_on: '2026-04-20',
          interview_outcome: 'passed',
          closed_on: null,
        },
      ],
      employment_placements: [
        {
          referral_id: R1,
          worker_id: W1,
          vacancy_id: V1,
          hired_on: '2026-04-25',
          starts_on: '2026-05-02',
          contract_type: 'fixed_term',
          wage_minor: 2_900_000,
          wage_currency: 'PHP',
          occupation_isco: '7212',
          ended_on: null,
          end_reason: null,
        },
      ],
      employment_seekers: [{ worker_id: W1, status: 'left', left_on: '2026-04-25', left_reason: 'placed' }],
      // The interviews name no worker: they are the referral's worker's.
      timeline: [
        {
          worker_id: W1,
          type: 'JobSeekerRegistered',
          stream_id: `seeker-${W1}`,
          stream_version: 1,
          details: { registeredOn: '2026-03-20', basis: 'return', returnedOn: '2026-03-18' },
        },
        {
          worker_id: W1,
          type: 'ReferralMade',
          stream_id: `referral-${R1}`,
          stream_version: 1,
          details: {
            referralId: R1,
            vacancyId: V1,
            employerId: EMPLOYER,
            referredOn: '2026-04-10',
            weightsVersion: '2026-12-01',
            scoreMilli: 6001,
          },
        },
        {
          worker_id: W1,
          type: 'InterviewRecorded',
          stream_id: `referral-${R1}`,
          stream_version: 2,
          details: { referralId: R1, interviewedOn: '2026-04-20', outcome: 'pending' },
        },
        {
          worker_id: W1,
          type: 'InterviewRecorded',
          stream_id: `referral-${R1}`,
          stream_version: 3,
          details: { referralId: R1, interviewedOn: '2026-04-20', outcome: 'passed' },
        },
        {
          worker_id: W1,
          type: 'HireRecorded',
          stream_id: `referral-${R1}`,
          stream_version: 4,
          details: {
            referralId: R1,
            vacancyId: V1,
            hiredOn: '2026-04-25',
            startsOn: '2026-05-02',
            contractType: 'fixed_term',
            wage: { amountMinor: 2_900_000, currency: 'PHP' },
            occupationIsco: '7212',
          },
        },
        {
          worker_id: W1,
          type: 'JobSeekerLeft',
          stream_id: `seeker-${W1}`,
          stream_version: 3,
          details: { leftOn: '2026-04-25', reason: 'placed' },
        },
      ],
    }));

  it('the end of a placement with its reason, and a later registration that makes the worker a seeker again', () =>
    given(p.registered, p.preferences, p.referred, p.hired, p.left, p.ended, p.registeredAgain).thenTables({
      employment_placements: [{ referral_id: R1, ended_on: '2026-08-31', end_reason: 'contract_completed' }],
      employment_seekers: [
        {
          worker_id: W1,
          status: 'seeking',
          registered_on: '2026-09-02',
          basis: 'request',
          cycle_number: null,
          returned_on: null,
          // Preferences set before stay until new ones are set.
          occupations: ['7212', '7214'],
          left_on: null,
          left_reason: null,
        },
      ],
    }));

  it('a referral closed without a hire; a closing after a hire changes nothing', () => {
    const r = referralStream(R2);
    const referred = r.event('2026-04-05', {
      case: 'referralMade',
      value: {
        referralId: R2,
        vacancyId: V2,
        workerId: W2,
        employerId: 'ph-employer-angeles-care',
        referredOn: '2026-04-05',
        scoreMilli: 3500n,
      },
    });
    const noShow = r.event('2026-04-12', {
      case: 'interviewRecorded',
      value: { referralId: R2, interviewedOn: '2026-04-12', outcome: InterviewOutcome.NO_SHOW },
    });
    const closed = r.event('2026-04-20', {
      case: 'referralClosed',
      value: { referralId: R2, closedOn: '2026-04-20', reason: ReferralCloseReason.VACANCY_WITHDRAWN },
    });
    return given(referred, noShow, closed, p.referred, p.hired, p.closedAfterHire).thenTables({
      employment_referrals: [
        {
          referral_id: R2,
          worker_id: W2,
          status: 'closed',
          interview_outcome: 'no_show',
          closed_on: '2026-04-20',
          close_reason: 'vacancy_withdrawn',
        },
        { referral_id: R1, worker_id: W1, status: 'hired', closed_on: null },
      ],
      timeline: [
        { worker_id: W2, type: 'ReferralMade' },
        { worker_id: W2, type: 'InterviewRecorded' },
        { worker_id: W2, type: 'ReferralClosed' },
        { worker_id: W1, type: 'ReferralMade' },
        { worker_id: W1, type: 'HireRecorded' },
        { worker_id: W1, type: 'ReferralClosed' },
      ],
    });
  });

  it("keeps each worker's and each referral's rows apart, in one chunk as in many", () => {
    const q = welderPath(W2, R3);
    return given(p.registered, q.registered, p.referred, q.referred, q.interviewPassed, p.interviewPending, q.hired, p.hired).thenTables({
      employment_referrals: [
        { referral_id: R1, worker_id: W1, interview_outcome: 'pending', status: 'hired' },
        { referral_id: R3, worker_id: W2, interview_outcome: 'passed', status: 'hired' },
      ],
      employment_placements: [
        { referral_id: R1, worker_id: W1 },
        { referral_id: R3, worker_id: W2 },
      ],
      employment_seekers: [
        { worker_id: W1, status: 'seeking' },
        { worker_id: W2, status: 'seeking' },
      ],
    });
  });

  it('each message once: a redelivery changes nothing', () =>
    given(v.welder, p.registered, p.referred, p.referred, p.interviewPending, p.hired, p.hired, p.ended, p.ended).thenTables({
      employment_vacancies: [{ vacancy_id: V1 }],
      employment_referrals: [{ referral_id: R1, status: 'hired', interview_outcome: 'pending' }],
      employment_placements: [{ referral_id: R1, ended_on: '2026-08-31' }],
      timeline: [
        { type: 'JobSeekerRegistered' },
        { type: 'ReferralMade' },
        { type: 'InterviewRecorded' },
        { type: 'HireRecorded' },
        { type: 'PlacementEnded' },
      ],
    }));

  it("on registration's erasure of the worker: the job search, referrals and placements stay, naming no one", () =>
    given(v.welder, p.registered, p.preferences, p.referred, p.hired, erasure(W1, 9), p.ended).thenTables({
      employment_seekers: [{ worker_id: W1, occupations: ['7212', '7214'] }],
      employment_referrals: [{ referral_id: R1, employer_id: EMPLOYER, status: 'hired' }],
      employment_placements: [{ referral_id: R1, ended_on: '2026-08-31' }],
      timeline: [
        { type: 'JobSeekerRegistered', source: 'employment' },
        { type: 'JobSeekerPreferencesSet', source: 'employment' },
        { type: 'ReferralMade', source: 'employment' },
        { type: 'HireRecorded', source: 'employment' },
        { type: 'PersonalDataErased', source: 'registration' },
        { type: 'PlacementEnded', source: 'employment' },
      ],
    }));

  it('skips event types newer than the code', () =>
    given(seekerStream(W2).event('2026-01-01', { case: undefined })).thenTables({ timeline: [], employment_seekers: [] }));
});

describe("the agency view's employment source", () => {
  it('reads the employment topic', () => {
    expect(definition.sources.map((s) => s.topic)).toContain(eventsTopic('employment'));
    expect(employment.erasedSubject(employment.decode(incoming(welderPath(W1, R1).registered)))).toBeUndefined();
  });

  it('sends a message that is no EmploymentEvent to the dead-letter topic (poison), and decodes the next one', () => {
    const good = welderPath(W1, R1).hired;
    const odd = { ...incoming(good), value: Buffer.from([0x0a, 0xff, 0xff]) };
    expect(() => employment.decode(odd)).toThrow(PoisonMessageError);
    expect(() => employment.decode({ ...odd, value: null })).toThrow(PoisonMessageError);
    const withoutEnvelope = create(EmploymentEventSchema, { event: { case: 'jobSeekerLeft', value: { workerId: W1 } } });
    expect(() => employment.decode({ ...odd, value: Buffer.from(toBinary(EmploymentEventSchema, withoutEnvelope)) })).toThrow(
      PoisonMessageError,
    );
    expect(employment.decode(incoming(good))).toMatchObject({
      source: 'employment',
      fact: { type: 'HireRecorded', data: { contractType: 'fixed_term', wage: { amountMinor: 2_900_000, currency: 'PHP' } } },
    });
  });
});
