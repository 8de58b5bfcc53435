import { randomUUID } from 'node:crypto';
import { eventsTopic } from '@homeward/contracts';
import { BenefitType, FiledBy } from '@homeward/contracts/fund/v1';
import { EventStore, eventStoreMigrations } from '@homeward/event-store';
import { createKafka, ensureTopics } from '@homeward/messaging';
import { migrate } from '@homeward/pg-kit/migrations';
import { claimStream, publishFundEvents, type FundMessage } from '@homeward/testing/fund-events';
import { createTestDatabase, infrastructure, testIssuer, testTopicNamespace, type TestDatabase } from '@homeward/testing/infrastructure';
import { startStatistics, type StatisticsRuntime } from '../src/statistics.app';
import { loadStatisticsConfig } from '../src/statistics.config';
import { reportApi, storedEvent } from './report-api';

/*
 * The fund tables through the report API (issue 13), on the real PostgreSQL and Kafka: registration's
 * history from its event store, the fund's from the real fund topic (messages of the generated contract,
 * as the emergency-fund service publishes them), joined by worker id.
 *
 *  nora F  ISCED 5, SA regular through an agency. Death abroad 2025-06-01: a draft opened by the incident,
 *          submitted as repatriation of remains, approved (maker, then checker: final) USD 2,500.00, paid
 *          2025-06-21 (20 days).
 *  lito M  ISCED 3, QA regular direct. Legal assistance 2025-09-01, rejected 09-15 (fund.claim-time-limit-passed).
 *  A message on the fund topic that is no FundEvent: left out, the report made all the same.
 */

let runtime: StatisticsRuntime;
let jobsDb: TestDatabase;
let storeDb: TestDatabase;
let token: string;

const { report } = reportApi(() => ({ runtime, token }));
const stored = storedEvent;

async function worker(store: EventStore, who: { sex: string; education: number; to: string; channel: string; agency?: string }) {
  const id = randomUUID();
  await store.append(`worker-${id}`, 0, [
    stored('WorkerRegistered', '2022-01-10', {
      workerId: id,
      registeredOn: '2022-01-10',
      sex: who.sex,
      birthYear: 1990,
      originArea: 'PH-03',
      educationIsced: who.education,
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
  ]);
  return id;
}

function fundHistory(nora: string, lito: string): FundMessage[] {
  const c1Id = randomUUID();
  const c1 = claimStream(c1Id, 'SA');
  const c2Id = randomUUID();
  const c2 = claimStream(c2Id, 'QA');
  const usd = { currency: 'USD', amountMinor: 250_000n };
  return [
    c1.event('2025-06-02', {
      case: 'claimFiled',
      value: {
        claimId: c1Id,
        workerId: nora,
        draft: true,
        filedBy: FiledBy.WELFARE_INCIDENT,
        incidentOn: '2025-06-01',
        destinationCountry: 'SA',
        filedOn: '2025-06-02',
      },
    }),
    c1.event('2025-06-03', {
      case: 'claimSubmitted',
      value: { claimId: c1Id, submittedOn: '2025-06-03', benefitType: BenefitType.REPATRIATION_OF_REMAINS },
    }),
    c1.event('2025-06-10', {
      case: 'claimApproved',
      value: { claimId: c1Id, officerId: 'o1', level: 1, amount: usd, approvedOn: '2025-06-10' },
    }),
    c1.event('2025-06-11', {
      case: 'claimApproved',
      value: { claimId: c1Id, officerId: 'o2', level: 2, amount: usd, final: true, approvedOn: '2025-06-11' },
    }),
    c1.event('2025-06-21', {
      case: 'disbursementMade',
      value: { claimId: c1Id, transferId: 't2', pendingTransferId: 't1', amount: usd, provider: 'local', disbursedOn: '2025-06-21' },
    }),
    c2.event('2025-09-02', {
      case: 'claimFiled',
      value: {
        claimId: c2Id,
        workerId: lito,
        filedBy: FiledBy.WORKER,
        benefitType: BenefitType.LEGAL_ASSISTANCE,
        incidentOn: '2025-09-01',
        destinationCountry: 'QA',
        filedOn: '2025-09-02',
      },
    }),
    c2.event('2025-09-15', {
      case: 'claimRejected',
      value: { claimId: c2Id, officerId: 'o1', reasonCodes: ['fund.claim-time-limit-passed'], rejectedOn: '2025-09-15' },
    }),
  ];
}

beforeAll(async () => {
  jobsDb = await createTestDatabase('statistics_fund_jobs');
  storeDb = await createTestDatabase('statistics_fund_store');
  await migrate(storeDb.pool, 'event-store', eventStoreMigrations);
  const store = new EventStore(storeDb.pool);
  const nora = await worker(store, { sex: 'F', education: 5, to: 'SA', channel: 'regular', agency: 'Agency A' });
  const lito = await worker(store, { sex: 'M', education: 3, to: 'QA', channel: 'regular' });

  const namespace = testTopicNamespace();
  const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-fund-test' });
  await ensureTopics(kafka, [{ topic: eventsTopic('fund', namespace), partitions: 3 }]);
  const history = fundHistory(nora, lito);
  await publishFundEvents(kafka, namespace, [...history, { ...history[0]!, value: Buffer.from('not a FundEvent') }]);

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

describe('the fund tables through the report API', () => {
  it('gives claims, decisions, amounts paid and days to payment by sex, benefit type and country', async () => {
    const { job, file } = await report({ report: 'fund', format: 'json', frequency: 'year' });
    // 4 registration events from the store, 8 messages on the fund topic (the odd one among them).
    expect(job.progress).toMatchObject({ eventsRead: 12, eventsTotal: 12 });
    expect(file.json!.tables.map((t: { id: string }) => t.id)).toEqual([
      'fund-claims',
      'fund-rejections',
      'fund-amounts-paid',
      'fund-days-to-payment',
      'fund-median-days-to-payment',
    ]);
    // SEX | COUNTERPART_AREA | BENEFIT_TYPE | FUND_STEP | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    const claims = cells(file, 'fund-claims');
    const step = (sex: string, s: string) => claims.get(`${sex}|_T|_T|${s}|_T|_T|2025`)!.value;
    expect(['CLAIMS', 'APPROVALS', 'REJECTIONS', 'DISBURSEMENTS'].map((s) => step('F', s))).toEqual([1, 1, 0, 1]);
    expect(['CLAIMS', 'APPROVALS', 'REJECTIONS', 'DISBURSEMENTS'].map((s) => step('M', s))).toEqual([1, 0, 1, 0]);
    expect(claims.get('F|SA|REMAINS|CLAIMS|_T|_T|2025')!.value).toBe(1);
    expect(claims.get('F|SA|_T|CLAIMS|ISCED11_5|REG_AGENCY|2025')!.value).toBe(1);
    // SEX | BENEFIT_TYPE | REJECTION_REASON | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(cells(file, 'fund-rejections').get('M|LEGAL|fund.claim-time-limit-passed|_T|_T|2025')!.value).toBe(1);
    // SEX | COUNTERPART_AREA | BENEFIT_TYPE | CURRENCY | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(cells(file, 'fund-amounts-paid').get('_T|_T|_T|USD|_T|_T|2025')!.value).toBe(2500);
    // SEX | COUNTERPART_AREA | BENEFIT_TYPE | EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD
    expect(cells(file, 'fund-median-days-to-payment').get('_T|_T|_T|_T|_T|2025')).toMatchObject({ value: 20, count: 1, excluded: 0 });
  });

  it('publishes them in SDMX-CSV and HTML', async () => {
    const { file } = await report({ report: 'fund', format: 'sdmx-csv', frequency: 'year' });
    expect(file.body).toContain('HOMEWARD:DF_FUND_CLAIMS(1.0)');
    expect(file.body).toContain('HOMEWARD:DF_FUND_PAID(1.0)');
    const html = (await report({ report: 'fund', format: 'html' })).file.body;
    for (const title of [
      'Emergency fund: claims filed, approved, rejected and paid',
      'Emergency fund: median days from the incident to the payment',
    ])
      expect(html).toContain(title);
  });
});
