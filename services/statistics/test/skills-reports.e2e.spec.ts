import { randomUUID } from 'node:crypto';
import { eventsTopic } from '@homeward/contracts';
import { AssessmentMethod, CertificateKind, RevocationReason, UnitOutcome } from '@homeward/contracts/skills/v1';
import { EventStore, eventStoreMigrations } from '@homeward/event-store';
import { createKafka, ensureTopics } from '@homeward/messaging';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, infrastructure, testIssuer, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { candidateStream, publishSkillsEvents, standardStream, type SkillsMessage } from '@homeward/testing/skills-events';
import { startStatistics, type StatisticsRuntime } from '../src/statistics.app';
import { loadStatisticsConfig } from '../src/statistics.config';
import { reportApi, storedEvent } from './report-api';

/*
 * The skills tables through the report API (issue 11), on the real PostgreSQL and Kafka: registration's
 * history from its event store (as registration stores it), the skills history from the real skills topic
 * (messages of the generated contract, as the skills service publishes them), joined by worker id.
 *
 *  maria F  SA 2023-03-01 → back 2025-01-10. CARE 2025-02-01: C1 ✓ C2 ✗ → certificate of competency
 *           2025-02-03; reassessed C2 ✓ 2025-04-01 → full qualification 2025-04-02 (the partial superseded).
 *  rosa  F  SA 2022-05-01 → back 2025-02-01. CARE 2025-03-01: C1 ✓ C2 ✓ → full qualification 2025-03-02.
 *  joel  M  AE 2022-04-04 → back 2025-03-03. WELD 2025-05-05: W1 ✓ W2 ✗ → certificate of competency
 *           2025-05-06, revoked 2025-06-01 (it was issued: it counts as issued).
 *  A message on the skills topic that is no SkillsEvent: left out, the report made all the same.
 */

let runtime: StatisticsRuntime;
let jobsDb: TestDatabase;
let storeDb: TestDatabase;
let token: string;

const { report } = reportApi(() => ({ runtime, token }));
const stored = storedEvent;

async function returnee(store: EventStore, sex: string, left: string, to: string, occupation: string, back: string): Promise<string> {
  const id = randomUUID();
  await store.append(`worker-${id}`, 0, [
    stored('WorkerRegistered', '2022-01-10', {
      workerId: id,
      registeredOn: '2022-01-10',
      sex,
      birthYear: 1990,
      originArea: 'PH-03',
      languages: [],
    }),
    stored('DepartureRecorded', left, {
      workerId: id,
      cycleNumber: 1,
      destinationCountry: to,
      departedOn: left,
      occupationIsco: occupation,
      contractStart: left,
      contractEnd: '2027-01-01',
      channel: 'regular',
    }),
    stored('ReturnRecorded', back, {
      workerId: id,
      cycleNumber: 1,
      returnedOn: back,
      fromCountry: to,
      assistance: 'unassisted',
      reason: 'contract_completed',
      withoutRecordedDeparture: false,
    }),
  ]);
  return id;
}

function skillsHistory(maria: string, rosa: string, joel: string): SkillsMessage[] {
  const standard = (id: string, title: string, isco: string, units: string[]) =>
    standardStream(id).event('2024-06-01', {
      case: 'competencyStandardPublished',
      value: {
        standardId: id,
        version: 1,
        title,
        occupationIsco: isco,
        level: 2,
        units: units.map((code) => ({ code, title: code })),
        effectiveFrom: '2024-06-01',
        publishedOn: '2024-06-01',
      },
    });
  const assessed = (
    c: ReturnType<typeof candidateStream>,
    workerId: string,
    standardId: string,
    on: string,
    results: Record<string, boolean>,
    again = false,
  ) =>
    c.event(on, {
      case: again ? 'reassessmentRecorded' : 'assessmentRecorded',
      value: {
        workerId,
        assessmentId: randomUUID(),
        standardId,
        standardVersion: 1,
        centreId: 'C1',
        assessorId: 'A1',
        assessedOn: on,
        method: AssessmentMethod.OBSERVATION,
        results: Object.entries(results).map(([unitCode, ok]) => ({
          unitCode,
          outcome: ok ? UnitOutcome.COMPETENT : UnitOutcome.NOT_YET_COMPETENT,
        })),
      },
    });
  const issued = (c: ReturnType<typeof candidateStream>, workerId: string, standardId: string, number: string, full: boolean, on: string) =>
    c.event(on, {
      case: 'certificateIssued',
      value: {
        workerId,
        certificateNumber: number,
        kind: full ? CertificateKind.FULL_QUALIFICATION : CertificateKind.CERTIFICATE_OF_COMPETENCY,
        standardId,
        standardVersion: 1,
        unitCodes: [],
        issuingBody: 'TESDA',
        issuedOn: on,
      },
    });
  const m = candidateStream(maria);
  const r = candidateStream(rosa);
  const j = candidateStream(joel);
  return [
    standard('CARE', 'Caregiving NC II', '5322', ['C1', 'C2']),
    standard('WELD', 'Shielded metal arc welding NC II', '7212', ['W1', 'W2']),
    assessed(m, maria, 'CARE', '2025-02-01', { C1: true, C2: false }),
    issued(m, maria, 'CARE', 'N-1', false, '2025-02-03'),
    assessed(m, maria, 'CARE', '2025-04-01', { C2: true }, true),
    issued(m, maria, 'CARE', 'N-2', true, '2025-04-02'),
    m.event('2025-04-02', {
      case: 'certificateSuperseded',
      value: { workerId: maria, certificateNumber: 'N-1', supersededBy: 'N-2', supersededOn: '2025-04-02' },
    }),
    assessed(r, rosa, 'CARE', '2025-03-01', { C1: true, C2: true }),
    issued(r, rosa, 'CARE', 'N-3', true, '2025-03-02'),
    assessed(j, joel, 'WELD', '2025-05-05', { W1: true, W2: false }),
    issued(j, joel, 'WELD', 'N-4', false, '2025-05-06'),
    j.event('2025-06-01', {
      case: 'certificateRevoked',
      value: { workerId: joel, certificateNumber: 'N-4', revokedOn: '2025-06-01', reason: RevocationReason.ISSUED_IN_ERROR },
    }),
  ];
}

beforeAll(async () => {
  jobsDb = await createTestDatabase('statistics_skills_jobs');
  storeDb = await createTestDatabase('statistics_skills_store');
  await migrate(storeDb.pool, 'event-store', eventStoreMigrations);
  const store = new EventStore(storeDb.pool);
  const maria = await returnee(store, 'F', '2023-03-01', 'SA', '9111', '2025-01-10');
  const rosa = await returnee(store, 'F', '2022-05-01', 'SA', '5322', '2025-02-01');
  const joel = await returnee(store, 'M', '2022-04-04', 'AE', '7112', '2025-03-03');

  const namespace = testTopicNamespace();
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-skills-test' });
  // What the skills service does when it starts: its topic exists before anything is published.
  await ensureTopics(kafka, [{ topic: eventsTopic('skills', namespace), partitions: 3 }]);
  const odd = { ...skillsHistory(maria, rosa, joel)[0]!, value: Buffer.from('not a SkillsEvent') };
  await publishSkillsEvents(kafka, namespace, [...skillsHistory(maria, rosa, joel), odd]);

  const issuer = await testIssuer();
  token = await issuer.token({ organisationId: 'psa', kind: 'statistics' });
  runtime = await startStatistics(
    loadStatisticsConfig({
      DATABASE_URL: jobsDb.url,
      REGISTRATION_EVENTS_DATABASE_URL: storeDb.url,
      KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
      TOPIC_NAMESPACE: namespace,
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      LOG_LEVEL: 'silent',
    }),
  );
});

afterAll(async () => {
  await runtime?.stop();
  await jobsDb?.drop();
  await storeDb?.drop();
});

/** A table's observations by their codes, from the JSON output. */
function cells(
  file: { json?: Record<string, any> },
  id: string,
): Map<string, { value: number | null; confidentiality: string; count?: number }> {
  const table = file.json!.tables.find((t: { id: string }) => t.id === id);
  return new Map(table.observations.map((o: { key: string[] }) => [o.key.join('|'), o]));
}

describe('the skills tables through the report API', () => {
  it('gives pass rates per standard and per unit, with a rate over one assessment suppressed', async () => {
    const { job, file } = await report({ report: 'pass-rates', format: 'json', suppressBelow: 2, frequency: 'quarter' });
    // 9 registration events from the store, 13 messages on the skills topic (the odd one among them).
    expect(job.progress).toMatchObject({ eventsRead: 22, eventsTotal: 22 });
    expect(file.json!.tables.map((t: { id: string }) => t.id)).toEqual(['pass-rate-standard', 'pass-rate-unit']);
    const standard = cells(file, 'pass-rate-standard');
    // SEX | COUNTERPART_AREA | OCCUPATION | STANDARD | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(standard.get('_T|_T|_T|_T|_T|_T|2025')).toMatchObject({ value: 0.7143, count: 7, confidentiality: 'F' });
    expect(standard.get('F|SA|5|CARE|_T|_T|2025')).toMatchObject({ value: 0.8, count: 5, confidentiality: 'F' });
    expect(standard.get('M|AE|7|WELD|_T|_T|2025')).toEqual({
      key: ['M', 'AE', '7', 'WELD', '_T', '_T', '2025'],
      value: null,
      status: 'A',
      confidentiality: 'C',
    });
    expect(standard.get('_T|_T|_T|WELD|_T|_T|2025')).toMatchObject({ value: null, confidentiality: 'C' });
    const unit = cells(file, 'pass-rate-unit');
    // SEX | COUNTERPART_AREA | COMPETENCY_UNIT | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD: maria's C2 twice (✗ then ✓), rosa's once.
    expect(unit.get('F|_T|CARE:C2|_T|_T|2025')).toMatchObject({ value: 0.6667, count: 3 });
    expect(unit.get('_T|_T|WELD:W2|_T|_T|2025')).toMatchObject({ value: null, confidentiality: 'C' });
  });

  it('counts certificates issued by type, sex and destination of the last cycle, small counts suppressed', async () => {
    const { file } = await report({ report: 'certificates', format: 'csv', suppressBelow: 2, frequency: 'quarter' });
    const lines = file.body.split('\r\n');
    expect(lines[0]).toBe(
      'table,sex,sex_name,country,country_name,occupation,occupation_name,certificate_type,certificate_type_name,certificate_status,certificate_status_name,education,education_name,recruitment_channel,recruitment_channel_name,period,period_name,value,unit,status',
    );
    const row = (sex: string, country: string, type: string, period = '2025') =>
      lines.find(
        (l) => l.startsWith(`certificates,${sex},`) && l.includes(`,${country},`) && l.includes(`,${type},`) && l.includes(`,${period},`),
      )!;
    expect(row('_T', '_T', '_T')).toMatch(/,4,Certificates,$/);
    expect(row('F', 'SA', 'FULL')).toMatch(/,2,Certificates,$/);
    expect(row('F', 'SA', 'PARTIAL')).toMatch(/,,Certificates,suppressed$/);
    expect(row('M', 'AE', 'PARTIAL')).toMatch(/,,Certificates,suppressed$/);
    expect(row('_T', '_T', '_T', '2025-Q2')).toMatch(/,2,Certificates,$/);
  });

  it('counts them by their status on the reference date: one superseded, one revoked', async () => {
    const { file } = await report({ report: 'certificates', format: 'json' });
    const certificates = cells(file, 'certificates');
    // SEX | COUNTERPART_AREA | OCCUPATION | CERTIFICATE_TYPE | CERTIFICATE_STATUS | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    const byStatus = (status: string) => certificates.get(`_T|_T|_T|_T|${status}|_T|_T|2025`)!.value;
    expect(['_T', 'ACTIVE', 'SUPERSEDED', 'SUSPENDED', 'REVOKED', 'EXPIRED'].map(byStatus)).toEqual([4, 2, 1, 0, 1, 0]);
    expect(certificates.get('M|AE|7|PARTIAL|REVOKED|_T|_T|2025')!.value).toBe(1);
    expect(certificates.get('F|SA|5|PARTIAL|SUPERSEDED|_T|_T|2025')!.value).toBe(1);
  });

  it('shows only what is dated by the reference date: the first quarter as of its last day', async () => {
    const { file } = await report({ report: 'assessments', format: 'sdmx-csv', asOf: '2025-03-31', period: '2025-Q1' });
    const lines = file.body.split('\r\n');
    expect(lines[0]).toBe(
      'STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,SEX,COUNTERPART_AREA,OCCUPATION,EDUCATION,RECRUITMENT_CHANNEL,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS',
    );
    expect(lines).toContain('dataflow,HOMEWARD:DF_SKILLS_ASSESSMENTS(1.0),I,PHL,_T,_T,_T,_T,_T,2025-Q1,2,NUM,A,F');
    expect(lines).toContain('dataflow,HOMEWARD:DF_SKILLS_ASSESSMENTS(1.0),I,PHL,F,SAU,5,_T,_T,2025-Q1,2,NUM,A,F');
    expect(lines).toContain('dataflow,HOMEWARD:DF_SKILLS_ASSESSMENTS(1.0),I,PHL,M,_T,_T,_T,_T,2025-Q1,0,NUM,A,F');
  });

  it('is part of every report ("all"), in HTML too', async () => {
    const { file } = await report({ report: 'all', format: 'html' });
    for (const title of [
      'Skills assessments of return migrants',
      'Pass rate of skills assessments, per competency standard',
      'Skills certificates issued',
    ])
      expect(file.body).toContain(title);
    expect(file.body).toContain('Caregiving NC II');
  });
});
