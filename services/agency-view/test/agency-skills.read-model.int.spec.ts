import { randomUUID } from 'node:crypto';
import { create, eventsTopic, toBinary } from '@homeward/contracts';
import {
  AssessmentMethod,
  CertificateKind,
  RevocationReason,
  SkillsEventSchema,
  SuspensionReason,
  UnitOutcome,
} from '@homeward/contracts/skills/v1';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import { SharedKey } from '@homeward/personal-data';
import { buildSchema, projectEvents } from '@homeward/projections';
import { createTestDatabase, testDirectoryKey, type TestDatabase } from '@homeward/testing/infrastructure';
import { ReadModelSpecification } from '@homeward/testing/read-model';
import { candidateStream, centreStream, standardStream, type SkillsMessage } from '@homeward/testing/skills-events';
import { agencyViewProjection } from '../src/projection/agency.read-model';

// Given the skills topic's messages — protobuf of the generated contract, decoded by the agency view's own
// source as the projection host decodes them — then these rows: against the real PostgreSQL, through the
// machinery's chunk handling, for the messages as one chunk and one transaction per message.

const definition = agencyViewProjection('', new SharedKey(testDirectoryKey()));
const skills = definition.sources.find((s) => s.topic === eventsTopic('skills'))!;

const incoming = (message: SkillsMessage, offset = 0): IncomingMessage => ({
  topic: skills.topic,
  partition: 0,
  offset: String(offset),
  key: message.key,
  value: Buffer.from(message.value),
  headers: {},
  eventId: message.event.envelope!.eventId,
});
/** A message as the host hands it to a build: decoded by the view's source, with its place in its stream. */
const decoded = (message: SkillsMessage) => {
  const event = skills.decode(incoming(message));
  return { event, meta: skills.meta(event), erasedSubject: skills.erasedSubject(event) };
};

const W1 = '01930000-0000-7000-8000-0000000000a1';
const W2 = '01930000-0000-7000-8000-0000000000a2';
const A1 = '01930000-0000-7000-8000-00000000a001';
const A2 = '01930000-0000-7000-8000-00000000a002';
const A3 = '01930000-0000-7000-8000-00000000a003';
const R1 = '01930000-0000-7000-8000-00000000f001';

const weld = standardStream('PH-SMAW-NC2');
const standardPublished = weld.event('2024-06-01', {
  case: 'competencyStandardPublished',
  value: {
    standardId: 'PH-SMAW-NC2',
    version: 1,
    title: 'Shielded metal arc welding NC II',
    occupationIsco: '7212',
    level: 2,
    units: [
      { code: 'SMAW-01', title: 'Weld carbon steel plates' },
      { code: 'SMAW-02', title: 'Weld carbon steel pipes' },
      { code: 'SMAW-03', title: 'Repair welds' },
    ],
    effectiveFrom: '2024-06-01',
    publishedOn: '2024-06-01',
  },
});
const centre = centreStream('C-PH03-01').event('2024-07-01', {
  case: 'assessmentCentreRegistered',
  value: { centreId: 'C-PH03-01', name: 'Central Luzon Assessment Centre', subdivision: 'PH-03', registeredOn: '2024-07-01' },
});

/** The RPL path of one worker: counselled, assessed (one unit not yet competent), certificate of competency,
 * gap training, reassessed, full qualification (the partial one superseded), then the full one revoked. */
function rplPath(workerId: string) {
  const c = candidateStream(workerId);
  const sealed = { keyId: 'k1', nonce: new Uint8Array(12), ciphertext: new Uint8Array(32) };
  return {
    counselled: c.event('2026-02-02', {
      case: 'counsellingRecorded',
      value: { workerId, counsellingId: randomUUID(), counselledOn: '2026-02-02', standardIds: ['PH-SMAW-NC2'], sealedNotes: sealed },
    }),
    assessed: c.event('2026-03-10', {
      case: 'assessmentRecorded',
      value: {
        workerId,
        assessmentId: A1,
        standardId: 'PH-SMAW-NC2',
        standardVersion: 1,
        centreId: 'C-PH03-01',
        assessorId: 'ASR-17',
        assessedOn: '2026-03-10',
        method: AssessmentMethod.OBSERVATION,
        results: [
          { unitCode: 'SMAW-01', outcome: UnitOutcome.COMPETENT },
          { unitCode: 'SMAW-02', outcome: UnitOutcome.COMPETENT },
          { unitCode: 'SMAW-03', outcome: UnitOutcome.NOT_YET_COMPETENT },
        ],
        sealedRemarks: sealed,
      },
    }),
    partial: c.event('2026-03-12', {
      case: 'certificateIssued',
      value: {
        workerId,
        certificateNumber: 'PH-2026-000101',
        kind: CertificateKind.CERTIFICATE_OF_COMPETENCY,
        standardId: 'PH-SMAW-NC2',
        standardVersion: 1,
        unitCodes: ['SMAW-01', 'SMAW-02'],
        issuingBody: 'TESDA',
        issuedOn: '2026-03-12',
        expiresOn: '2031-03-11',
      },
    }),
    referred: c.event('2026-03-13', {
      case: 'gapTrainingReferred',
      value: {
        workerId,
        referralId: R1,
        standardId: 'PH-SMAW-NC2',
        unitCodes: ['SMAW-03'],
        provider: 'TESDA Region III',
        referredOn: '2026-03-13',
      },
    }),
    trained: c.event('2026-05-20', { case: 'gapTrainingCompleted', value: { workerId, referralId: R1, completedOn: '2026-05-20' } }),
    reassessed: c.event('2026-06-01', {
      case: 'reassessmentRecorded',
      value: {
        workerId,
        assessmentId: A2,
        standardId: 'PH-SMAW-NC2',
        standardVersion: 1,
        centreId: 'C-PH03-01',
        assessorId: 'ASR-17',
        assessedOn: '2026-06-01',
        method: AssessmentMethod.TEST,
        results: [{ unitCode: 'SMAW-03', outcome: UnitOutcome.COMPETENT }],
      },
    }),
    full: c.event('2026-06-03', {
      case: 'certificateIssued',
      value: {
        workerId,
        certificateNumber: 'PH-2026-000202',
        kind: CertificateKind.FULL_QUALIFICATION,
        standardId: 'PH-SMAW-NC2',
        standardVersion: 1,
        unitCodes: ['SMAW-01', 'SMAW-02', 'SMAW-03'],
        issuingBody: 'TESDA',
        issuedOn: '2026-06-03',
        expiresOn: '2031-06-02',
      },
    }),
    superseded: c.event('2026-06-03', {
      case: 'certificateSuperseded',
      value: { workerId, certificateNumber: 'PH-2026-000101', supersededBy: 'PH-2026-000202', supersededOn: '2026-06-03' },
    }),
    suspended: c.event('2026-07-01', {
      case: 'certificateSuspended',
      value: { workerId, certificateNumber: 'PH-2026-000202', suspendedOn: '2026-07-01', reason: SuspensionReason.UNDER_INVESTIGATION },
    }),
    reinstated: c.event('2026-07-15', {
      case: 'certificateReinstated',
      value: { workerId, certificateNumber: 'PH-2026-000202', reinstatedOn: '2026-07-15' },
    }),
    revoked: c.event('2026-08-01', {
      case: 'certificateRevoked',
      value: { workerId, certificateNumber: 'PH-2026-000202', revokedOn: '2026-08-01', reason: RevocationReason.ASSESSMENT_IRREGULARITY },
    }),
    reinstatedAfterRevocation: c.event('2026-08-02', {
      case: 'certificateReinstated',
      value: { workerId, certificateNumber: 'PH-2026-000202', reinstatedOn: '2026-08-02' },
    }),
    erased: c.event('2026-09-01', { case: 'personalDataErased', value: { workerId, erasedOn: '2026-09-01' } }),
  };
}

describe('the agency view, given the skills topic, stores', () => {
  let db: TestDatabase;
  let given: (...messages: SkillsMessage[]) => ReturnType<ReturnType<typeof ReadModelSpecification<ReturnType<typeof decoded>>>['given']>;

  beforeAll(async () => {
    db = await createTestDatabase('agency_skills_rows');
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    const spec = ReadModelSpecification<ReturnType<typeof decoded>>(db.pool, {
      schema: buildSchema(definition),
      project: (events, tx) => projectEvents(definition, events, tx),
    });
    given = (...messages) => spec.given(...messages.map(decoded));
  });
  afterAll(() => db.drop());

  it('reads the skills topic besides registration and its directory', () => {
    expect(definition.sources.map((s) => s.topic)).toEqual([
      eventsTopic('registration'),
      'homeward.registration.directory.v1',
      eventsTopic('skills'),
      eventsTopic('employment'),
      eventsTopic('fund'),
    ]);
  });

  const p = rplPath(W1);

  it('an assessment: standard and version, centre, date, method, the units competent and not yet — and no remarks', () =>
    given(standardPublished, centre, p.counselled, p.assessed).thenTables({
      skills_assessments: [
        {
          assessment_id: A1,
          worker_id: W1,
          reassessment: false,
          standard_id: 'PH-SMAW-NC2',
          standard_version: 1,
          centre_id: 'C-PH03-01',
          assessor_id: 'ASR-17',
          assessed_on: '2026-03-10',
          method: 'observation',
          units_competent: ['SMAW-01', 'SMAW-02'],
          units_not_yet_competent: ['SMAW-03'],
        },
      ],
      skills_standards: [
        { standard_id: 'PH-SMAW-NC2', version: 1, title: 'Shielded metal arc welding NC II', occupation_isco: '7212', level: 2 },
      ],
      skills_centres: [{ centre_id: 'C-PH03-01', name: 'Central Luzon Assessment Centre', subdivision: 'PH-03' }],
      timeline: [
        {
          worker_id: W1,
          source: 'skills',
          type: 'CounsellingRecorded',
          occurred_on: '2026-02-02',
          stream_version: 1,
          // The counsellor's notes are sealed: not even their existence is kept here beyond the event.
          details: { counsellingId: expect.any(String), counselledOn: '2026-02-02', standardIds: ['PH-SMAW-NC2'] },
        },
        {
          worker_id: W1,
          source: 'skills',
          type: 'AssessmentRecorded',
          occurred_on: '2026-03-10',
          stream_version: 2,
          details: {
            assessmentId: A1,
            reassessment: false,
            standardId: 'PH-SMAW-NC2',
            standardVersion: 1,
            centreId: 'C-PH03-01',
            assessorId: 'ASR-17',
            assessedOn: '2026-03-10',
            method: 'observation',
            unitsCompetent: ['SMAW-01', 'SMAW-02'],
            unitsNotYetCompetent: ['SMAW-03'],
            hasRemarks: true,
          },
        },
      ],
    }));

  it('the whole path: the partial certificate superseded by the full one, gap training completed, the reassessment of the one unit', () =>
    given(standardPublished, p.counselled, p.assessed, p.partial, p.referred, p.trained, p.reassessed, p.full, p.superseded).thenTables({
      skills_assessments: [
        { assessment_id: A1, reassessment: false, units_competent: ['SMAW-01', 'SMAW-02'], units_not_yet_competent: ['SMAW-03'] },
        { assessment_id: A2, reassessment: true, units_competent: ['SMAW-03'], units_not_yet_competent: [] },
      ],
      skills_gap_training: [
        {
          referral_id: R1,
          worker_id: W1,
          standard_id: 'PH-SMAW-NC2',
          unit_codes: ['SMAW-03'],
          provider: 'TESDA Region III',
          referred_on: '2026-03-13',
          completed_on: '2026-05-20',
        },
      ],
      skills_certificates: [
        {
          certificate_number: 'PH-2026-000101',
          worker_id: W1,
          kind: 'certificate_of_competency',
          unit_codes: ['SMAW-01', 'SMAW-02'],
          issuing_body: 'TESDA',
          issued_on: '2026-03-12',
          expires_on: '2031-03-11',
          status: 'superseded',
          status_on: '2026-06-03',
          superseded_by: 'PH-2026-000202',
        },
        {
          certificate_number: 'PH-2026-000202',
          worker_id: W1,
          kind: 'full_qualification',
          unit_codes: ['SMAW-01', 'SMAW-02', 'SMAW-03'],
          issuing_body: 'TESDA',
          issued_on: '2026-06-03',
          expires_on: '2031-06-02',
          status: 'active',
          status_on: null,
          superseded_by: null,
        },
      ],
    }));

  it('a suspension with its reason', () =>
    given(p.assessed, p.full, p.suspended).thenRows('skills_certificates', [
      { certificate_number: 'PH-2026-000202', status: 'suspended', status_on: '2026-07-01', status_reason: 'under_investigation' },
    ]));

  it('a suspension lifted by a reinstatement', () =>
    given(p.assessed, p.full, p.suspended, p.reinstated).thenRows('skills_certificates', [
      { certificate_number: 'PH-2026-000202', status: 'active', status_on: '2026-07-15', status_reason: null },
    ]));

  it('a revocation for good: a later reinstatement changes nothing', () =>
    given(p.full, p.suspended, p.reinstated, p.revoked, p.reinstatedAfterRevocation).thenRows('skills_certificates', [
      { certificate_number: 'PH-2026-000202', status: 'revoked', status_on: '2026-08-01', status_reason: 'assessment_irregularity' },
    ]));

  it('each message once: a redelivery of the stream changes nothing', () =>
    given(p.assessed, p.partial, p.assessed, p.partial, p.referred, p.referred).thenTables({
      skills_assessments: [{ assessment_id: A1 }],
      skills_certificates: [{ certificate_number: 'PH-2026-000101', status: 'active' }],
      skills_gap_training: [{ referral_id: R1 }],
      timeline: [{ type: 'AssessmentRecorded' }, { type: 'CertificateIssued' }, { type: 'GapTrainingReferred' }],
    }));

  it("keeps each worker's skills apart, in one chunk as in many", () => {
    const other = candidateStream(W2).event('2026-03-11', {
      case: 'assessmentRecorded',
      value: {
        workerId: W2,
        assessmentId: A3,
        standardId: 'PH-SMAW-NC2',
        standardVersion: 1,
        centreId: 'C-PH03-01',
        assessorId: 'ASR-18',
        assessedOn: '2026-03-11',
        method: AssessmentMethod.PORTFOLIO_REVIEW,
        results: [{ unitCode: 'SMAW-01', outcome: UnitOutcome.NOT_YET_COMPETENT }],
      },
    });
    return given(p.assessed, other, p.partial).thenTables({
      skills_assessments: [
        { assessment_id: A1, worker_id: W1, method: 'observation', units_not_yet_competent: ['SMAW-03'] },
        { assessment_id: A3, worker_id: W2, method: 'portfolio_review', units_not_yet_competent: ['SMAW-01'] },
      ],
      skills_certificates: [{ certificate_number: 'PH-2026-000101', worker_id: W1 }],
    });
  });

  it("on the skills service's erasure: the timeline entry; assessments and certificates stay, naming no one", () =>
    given(p.assessed, p.partial, p.erased).thenTables({
      skills_assessments: [{ assessment_id: A1, worker_id: W1 }],
      skills_certificates: [{ certificate_number: 'PH-2026-000101', worker_id: W1 }],
      timeline: [
        { type: 'AssessmentRecorded', source: 'skills' },
        { type: 'CertificateIssued', source: 'skills' },
        { type: 'PersonalDataErased', source: 'skills' },
      ],
    }));

  it('skips what it has no use for (accreditations) and event types newer than the code', () => {
    const accredited = centreStream('C-PH03-01').event('2024-07-02', {
      case: 'assessorAccredited',
      value: { centreId: 'C-PH03-01', accreditationId: randomUUID(), assessorId: 'ASR-17', standardId: 'PH-SMAW-NC2' },
    });
    const newer = candidateStream(W2).event('2026-01-01', { case: undefined });
    return given(accredited, newer).thenTables({ timeline: [], skills_assessments: [], skills_centres: [] });
  });
});

describe("the agency view's skills source", () => {
  it('sends a message that is no SkillsEvent to the dead-letter topic (poison), and decodes the next one', () => {
    const odd = { ...incoming(rplPath(W1).assessed), value: Buffer.from([0x0a, 0xff, 0xff]) };
    expect(() => skills.decode(odd)).toThrow(PoisonMessageError);
    expect(() => skills.decode({ ...odd, value: null })).toThrow(PoisonMessageError);
    const withoutEnvelope = create(SkillsEventSchema, { event: { case: 'gapTrainingCompleted', value: { workerId: W1 } } });
    expect(() => skills.decode({ ...odd, value: Buffer.from(toBinary(SkillsEventSchema, withoutEnvelope)) })).toThrow(PoisonMessageError);
    expect(skills.decode(incoming(rplPath(W1).assessed))).toMatchObject({ source: 'skills', fact: { type: 'AssessmentRecorded' } });
  });
});
