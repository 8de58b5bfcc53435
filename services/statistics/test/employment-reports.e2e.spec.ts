import { randomUUID } from 'node:crypto';
import { eventsTopic } from '@homeward/contracts';
import { ContractType } from '@homeward/contracts/employment/v1';
import { EventStore, eventStoreMigrations } from '@homeward/event-store';
import { createKafka, ensureTopics } from '@homeward/messaging';
import { migrate } from '@homeward/pg-kit/migrations';
import {
  publishEmploymentEvents,
  referralStream,
  seekerStream,
  vacancyStream,
  type EmploymentMessage,
} from '@homeward/testing/employment-events';
import { createTestDatabase, infrastructure, testIssuer, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { startStatistics, type StatisticsRuntime } from '../src/statistics.app';
import { loadStatisticsConfig } from '../src/statistics.config';
import { reportApi, storedEvent } from './report-api';

/*
 * The reintegration outcome tables through the report API (issue 12), on the real PostgreSQL and Kafka:
 * registration's history from its event store (as registration stores it: education, channel and agency
 * in the stored JSON), the employment history from the real employment topic (messages of the generated
 * contract, as the employment-matching service publishes them), joined by worker id.
 *
 *  nora F  ISCED 5, SA regular through an agency → back 2025-01-10; hired 2025-02-25, starts 2025-03-03 (5120).
 *  lito M  ISCED 3, QA regular direct → back 2025-02-01; hired 2025-09-01, starts 2025-09-15 (7112): 7 months.
 *  ines F  AE irregular → back 2025-10-20; hired 2025-12-01, starts 2025-12-08 (9112): within 6 months, her
 *          6-month window not yet elapsed on 2025-12-31 — placed all the same.
 *  A message on the employment topic that is no EmploymentEvent: left out, the report made all the same.
 */

let runtime: StatisticsRuntime;
let jobsDb: TestDatabase;
let storeDb: TestDatabase;
let token: string;

const { report } = reportApi(() => ({ runtime, token }));
const stored = storedEvent;

async function returnee(
  store: EventStore,
  who: { sex: string; education?: number; to: string; channel: string; agency?: string; back: string },
): Promise<string> {
  const id = randomUUID();
  await store.append(`worker-${id}`, 0, [
    stored('WorkerRegistered', '2022-01-10', {
      workerId: id,
      registeredOn: '2022-01-10',
      sex: who.sex,
      birthYear: 1990,
      originArea: 'PH-03',
      ...(who.education === undefined ? {} : { educationIsced: who.education }),
      languages: [],
    }),
    stored('DepartureRecorded', '2022-03-01', {
      workerId: id,
      cycleNumber: 1,
      destinationCountry: who.to,
      departedOn: '2022-03-01',
      occupationIsco: '5322',
      contractStart: '2022-03-01',
      contractEnd: '2027-01-01',
      channel: who.channel,
      ...(who.agency ? { recruitmentAgency: who.agency } : {}),
    }),
    stored('ReturnRecorded', who.back, {
      workerId: id,
      cycleNumber: 1,
      returnedOn: who.back,
      fromCountry: who.to,
      assistance: 'unassisted',
      reason: 'contract_completed',
      withoutRecordedDeparture: false,
    }),
  ]);
  return id;
}

function employmentHistory(nora: string, lito: string, ines: string): EmploymentMessage[] {
  const vacancyId = randomUUID();
  const v = vacancyStream(vacancyId);
  const hire = (workerId: string, referredOn: string, hiredOn: string, startsOn: string, occupationIsco: string) => {
    const referralId = randomUUID();
    const r = referralStream(referralId);
    return [
      r.event(referredOn, { case: 'referralMade', value: { referralId, vacancyId, workerId, employerId: 'org-1', referredOn } }),
      r.event(referredOn, { case: 'interviewRecorded', value: { referralId, interviewedOn: referredOn } }),
      r.event(hiredOn, {
        case: 'hireRecorded',
        value: { referralId, vacancyId, workerId, hiredOn, startsOn, contractType: ContractType.FIXED_TERM, occupationIsco },
      }),
    ];
  };
  return [
    v.event('2025-01-20', {
      case: 'vacancyPosted',
      value: {
        vacancyId,
        employerId: 'org-1',
        title: 'Cook',
        occupationIsco: '5120',
        location: 'PH-CEB',
        openings: 3,
        postedOn: '2025-01-20',
      },
    }),
    seekerStream(nora).event('2025-01-11', { case: 'jobSeekerRegistered', value: { workerId: nora, registeredOn: '2025-01-11' } }),
    ...hire(nora, '2025-02-01', '2025-02-25', '2025-03-03', '5120'),
    ...hire(lito, '2025-08-20', '2025-09-01', '2025-09-15', '7112'),
    ...hire(ines, '2025-11-20', '2025-12-01', '2025-12-08', '9112'),
  ];
}

beforeAll(async () => {
  jobsDb = await createTestDatabase('statistics_employment_jobs');
  storeDb = await createTestDatabase('statistics_employment_store');
  await migrate(storeDb.pool, 'event-store', eventStoreMigrations);
  const store = new EventStore(storeDb.pool);
  const nora = await returnee(store, { sex: 'F', education: 5, to: 'SA', channel: 'regular', agency: 'Agency A', back: '2025-01-10' });
  const lito = await returnee(store, { sex: 'M', education: 3, to: 'QA', channel: 'regular', back: '2025-02-01' });
  const ines = await returnee(store, { sex: 'F', to: 'AE', channel: 'irregular', back: '2025-10-20' });

  const namespace = testTopicNamespace();
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-employment-test' });
  await ensureTopics(kafka, [{ topic: eventsTopic('employment', namespace), partitions: 3 }]);
  const history = employmentHistory(nora, lito, ines);
  await publishEmploymentEvents(kafka, namespace, [...history, { ...history[0]!, value: Buffer.from('not an EmploymentEvent') }]);

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

function cells(file: { json?: Record<string, any> }, id: string): Map<string, { value: number | null; count?: number; excluded?: number }> {
  const table = file.json!.tables.find((t: { id: string }) => t.id === id);
  return new Map(table.observations.map((o: { key: string[] }) => [o.key.join('|'), o]));
}

describe('the reintegration outcome tables through the report API', () => {
  it('gives "placed within six months by sex" under its id, with education and recruitment channel', async () => {
    const { job, file } = await report({ report: 'placements', format: 'json' });
    // 9 registration events from the store, 12 messages on the employment topic (the odd one among them).
    expect(job.progress).toMatchObject({ eventsRead: 21, eventsTotal: 21 });
    expect(file.json!.tables.map((t: { id: string }) => t.id)).toEqual(['placements', 'placement-rate', 'placed-within-6-months-by-sex']);
    const headline = cells(file, 'placed-within-6-months-by-sex');
    // SEX | PLACEMENT_STATUS | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    const value = (key: string) => headline.get(key)!.value;
    expect(['_T', 'PLACED', 'NOT_PLACED', 'OPEN'].map((s) => value(`_T|${s}|_T|_T|2025`))).toEqual([3, 2, 1, 0]);
    expect(['_T', 'PLACED', 'NOT_PLACED', 'OPEN'].map((s) => value(`F|${s}|_T|_T|2025`))).toEqual([2, 2, 0, 0]);
    expect(['_T', 'PLACED', 'NOT_PLACED', 'OPEN'].map((s) => value(`M|${s}|_T|_T|2025`))).toEqual([1, 0, 1, 0]);
    expect(value('F|PLACED|ISCED11_5|REG_AGENCY|2025')).toBe(1);
    expect(value('F|PLACED|_U|IRREG_DIRECT|2025')).toBe(1);
    expect(value('M|NOT_PLACED|ISCED11_3|REG_DIRECT|2025')).toBe(1);

    // The share within 6 months is over nora and lito only: ines's window has not elapsed (excluded).
    const rate = cells(file, 'placement-rate');
    // SEX | COUNTERPART_AREA | RETURN_TYPE | RETURN_REASON | OCCUPATION_ABROAD | PLACEMENT_WINDOW | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(rate.get('_T|_T|_T|_T|_T|M6|_T|_T|2025')).toMatchObject({ value: 0.5, count: 2, excluded: 1 });
    expect(rate.get('_T|_T|_T|_T|_T|M12|_T|_T|2025')).toMatchObject({ value: null, count: 0, excluded: 3 });
  });

  it('publishes them in SDMX-CSV, and in the HTML of every report', async () => {
    const { file } = await report({ report: 'placements', format: 'sdmx-csv' });
    const lines = file.body.split('\r\n');
    expect(lines).toContain('dataflow,HOMEWARD:DF_MIGW_RET_PLACED_6M(1.0),I,PHL,F,,,,,,,PLACED,_T,_T,2025,2,NUM,A,F,,');
    const html = (await report({ report: 'all', format: 'html' })).file.body;
    for (const title of [
      'Returnees placed in a job within 3, 6 and 12 months of return',
      'Returnees placed in a job within six months of return, by sex',
      'Vacancies notified to the public employment service',
      'By level of education (ISCED 2011)',
    ])
      expect(html).toContain(title);
  });

  it('counts the vacancy and the steps through the employment service by sex of the seeker', async () => {
    const { file } = await report({ report: 'referrals', format: 'json', frequency: 'year' });
    const referrals = cells(file, 'referrals');
    // SEX | EMPLOYMENT_SERVICE | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(['JOB_SEEKERS', 'REFERRALS', 'INTERVIEWS', 'HIRES'].map((s) => referrals.get(`F|${s}|_T|_T|2025`)!.value)).toEqual([1, 2, 2, 2]);
    expect(['JOB_SEEKERS', 'REFERRALS', 'INTERVIEWS', 'HIRES'].map((s) => referrals.get(`M|${s}|_T|_T|2025`)!.value)).toEqual([0, 1, 1, 1]);
    const vacancies = cells((await report({ report: 'vacancies', format: 'json' })).file, 'vacancies');
    // OCCUPATION | LOCATION | VACANCY_FLOW | TIME_PERIOD
    expect(vacancies.get('5|PH-CEB|POSTED|2025')!.value).toBe(1);
    expect(vacancies.get('_T|_T|OPEN|2025')!.value).toBe(1);
  });
});
