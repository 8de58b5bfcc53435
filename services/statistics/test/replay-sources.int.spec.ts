import { randomBytes } from 'node:crypto';
import { eventsTopic } from '@homeward/contracts';
import { createKafka } from '@homeward/messaging';
import {
  createTestDatabase,
  eventually,
  infrastructure,
  testIssuer,
  testTopicNamespace,
  type TestDatabase,
  testDirectoryKey,
} from '@homeward/testing/infrastructure';
// The real registration service, started in-process: the history is written through its API, so the
// replay reads exactly what registration stores and publishes.
import { startRegistration, type RegistrationRuntime } from '@homeward/registration/app';
import { loadRegistrationConfig } from '@homeward/registration/config';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import { crossTab } from '../src/domain/reports/reports.spec-helpers';
import type { ReportRequest } from '../src/domain/reports/report-table';
import { OUTPUT_FORMATS, render } from '../src/output/render';
import { EventStoreReplaySource, KafkaReplaySource, replay, type ReplayResult } from '../src/sources/replay';

/*
 * The same history, replayed from the registration topic twice and from the registration event store
 * once, gives byte-identical reports in every format. The history is recorded through the registration
 * API with the registry's clock set to each day it happened on (late-recorded return included):
 *
 *  ana   F 1990  left 2024-03-10 for SA (9111), arrived 2024-03-11; still abroad.
 *  ben   M 1985  left 2025-02-01 for AE (7112, cost AED 3,000 / income AED 2,000); back 2025-08-15, unassisted,
 *                terminated early; left again 2025-10-01 for QA (8322, cost QAR 1,000 / income QAR 4,000).
 *  carla F 2000  left 2023-05-20 for SA (5322); back 2025-11-20, assisted, abuse — recorded on 2026-01-15.
 *  dan   M 1995  undocumented return 2025-06-05 from MY, unassisted, deportation.
 *  eva   F 1978  left 2025-04-12 for HK (9111, cost PHP 10,000 / income HKD 4,600); personal data erased.
 *  fay   U→F 1992  sex corrected; left 2025-07-03 for SA (9111); new occupation 5152 from 2025-09-01.
 *  gina  F 1970  registered twice, the second record merged into the first; left 2025-05-05 for SG (9111).
 */

let registration: RegistrationRuntime;
let db: TestDatabase;
let namespace: string;
let token: string;
let now = new Date('2023-01-02T09:00:00Z');
let people = 0;

async function call(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Record<string, any>> {
  const response = await registration.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload: payload as object } : {}),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url} → ${response.statusCode}: ${response.body}`);
  return JSON.parse(response.body) as Record<string, any>;
}

/** The registry's clock on the day something is recorded. */
const on = (day: string) => {
  now = new Date(`${day}T10:00:00Z`);
};

async function register(day: string, sex: string, dateOfBirth: string, name = `Person${people++}`): Promise<string> {
  on(day);
  const worker = await call('POST', '/workers', {
    // Gina's two registrations carry no document that would tell them apart: the registry flags them.
    personalData: {
      givenName: name,
      familyName: `Family${process.pid}`,
      dateOfBirth,
      ...(name === 'Gina' ? {} : { nationalId: `ID-${process.pid}-${people}` }),
    },
    sex,
    originArea: 'PH-03',
    languages: ['tl'],
  });
  return worker.workerId as string;
}

const departure = (departedOn: string, destinationCountry: string, occupationIsco: string, cost?: [string, number, string, number]) => ({
  destinationCountry,
  departedOn,
  employerName: 'Employer',
  occupationIsco,
  contractStart: departedOn,
  contractEnd: '2027-12-31',
  recruitmentAgency: 'Agency',
  channel: 'regular',
  ...(cost
    ? { recruitmentCost: { currency: cost[0], amountMinor: cost[1] }, monthlyWage: { currency: cost[2], amountMinor: cost[3] } }
    : {}),
});

async function writeHistory(): Promise<void> {
  const ana = await register('2024-01-15', 'F', '1990-04-01');
  on('2024-03-10');
  await call('POST', `/workers/${ana}/departures`, departure('2024-03-10', 'SA', '9111'));
  on('2024-03-11');
  await call('POST', `/workers/${ana}/arrivals`, { arrivedOn: '2024-03-11', country: 'SA' });

  const carla = await register('2023-04-01', 'F', '2000-02-02');
  on('2023-05-20');
  await call('POST', `/workers/${carla}/departures`, departure('2023-05-20', 'SA', '5322'));

  const ben = await register('2024-11-02', 'M', '1985-06-30');
  on('2025-02-01');
  await call('POST', `/workers/${ben}/departures`, departure('2025-02-01', 'AE', '7112', ['AED', 300_000, 'AED', 200_000]));
  on('2025-08-15');
  await call('POST', `/workers/${ben}/returns`, {
    returnedOn: '2025-08-15',
    fromCountry: 'AE',
    assistance: 'unassisted',
    reason: 'terminated_early',
  });
  on('2025-10-01');
  await call('POST', `/workers/${ben}/departures`, departure('2025-10-01', 'QA', '8322', ['QAR', 100_000, 'QAR', 400_000]));

  const eva = await register('2025-03-01', 'F', '1978-12-12');
  on('2025-04-12');
  await call('POST', `/workers/${eva}/departures`, departure('2025-04-12', 'HK', '9111', ['PHP', 1_000_000, 'HKD', 460_000]));

  const gina = await register('2025-03-03', 'F', '1970-07-07', 'Gina');
  const ginaAgain = await register('2025-03-04', 'F', '1970-07-07', 'Gina');
  on('2025-03-05');
  await call('POST', `/workers/${ginaAgain}/duplicate-decisions`, { candidateId: gina, samePerson: true });
  on('2025-05-05');
  await call('POST', `/workers/${gina}/departures`, departure('2025-05-05', 'SG', '9111'));

  const dan = await register('2025-06-05', 'M', '1995-01-20');
  await call('POST', `/workers/${dan}/returns`, {
    returnedOn: '2025-06-05',
    fromCountry: 'MY',
    assistance: 'unassisted',
    reason: 'deportation',
  });

  const fay = await register('2025-06-01', 'U', '1992-09-09');
  on('2025-06-02');
  await call('POST', `/workers/${fay}/corrections`, { correctsVersion: 1, sex: 'F' });
  on('2025-07-03');
  await call('POST', `/workers/${fay}/departures`, departure('2025-07-03', 'SA', '9111'));
  on('2025-09-01');
  await call('POST', `/workers/${fay}/employment-changes`, { changedOn: '2025-09-01', change: 'new_occupation', occupationIsco: '5152' });
  await call('POST', `/workers/${eva}/erasure`, { basis: 'subject_request' });

  // Recorded late: the return of 20 November 2025 reaches the registry on 15 January 2026.
  on('2026-01-15');
  await call('POST', `/workers/${carla}/returns`, {
    returnedOn: '2025-11-20',
    fromCountry: 'SA',
    assistance: 'assisted',
    reason: 'abuse_or_exploitation',
  });
}

const request: ReportRequest = {
  asOf: '2025-12-31',
  period: parsePeriod('2025'),
  frequency: 'month',
  reports: ['stock', 'departures', 'returns', 'durations', 'recruitment-cost'],
};
const renderOptions = { refArea: 'PH', agency: 'PSA' };

describe('replaying the history written through the registration service', () => {
  let fromKafka: ReplayResult;
  let fromKafkaAgain: ReplayResult;
  let fromStore: ReplayResult;

  beforeAll(async () => {
    db = await createTestDatabase('statistics_replay');
    namespace = testTopicNamespace();
    const issuer = await testIssuer();
    token = await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' });
    registration = await startRegistration(
      loadRegistrationConfig({
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
        DIRECTORY_KEY: testDirectoryKey(),
        DATABASE_URL: db.url,
        KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
        TOPIC_NAMESPACE: namespace,
        TOPIC_PARTITIONS: '3',
        LOG_LEVEL: 'warn',
      }),
      () => now,
    );
    await writeHistory();
    // Everything committed is on the topic once the event relay's backlog is empty.
    await eventually(
      async () => (await registration.relay.backlog()).events,
      (unsent) => unsent === 0,
    );

    const kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-test' });
    const topic = eventsTopic('registration', namespace);
    fromKafka = await replay(new KafkaReplaySource(kafka, [topic]));
    fromKafkaAgain = await replay(new KafkaReplaySource(kafka, [topic]));
    fromStore = await replay(new EventStoreReplaySource(db.pool));
  }, 120_000);

  afterAll(async () => {
    await registration?.stop();
    await db?.drop();
  });

  it('reads every message of the topic, and the rows of the statistical event types from the store', async () => {
    const { rows } = await db.pool.query<{ all: number; statistical: number }>(
      `SELECT count(*)::int AS all,
              count(*) FILTER (WHERE event_type NOT IN ('PreDepartureOrientationCompleted', 'SkillsAcquired', 'WelfareIncidentRecorded',
                'ReintegrationNeedsAssessed', 'ReintegrationReferralMade', 'ReintegrationOutcomeRecorded', 'PossibleDuplicateFlagged'))::int AS statistical
         FROM events`,
    );
    expect(fromKafka.eventsRead).toBe(rows[0]!.all);
    expect(fromKafkaAgain.eventsRead).toBe(rows[0]!.all);
    expect(fromStore.eventsRead).toBe(rows[0]!.statistical);
    expect([fromKafka.undecodable, fromStore.undecodable]).toEqual([0, 0]);
  });

  it.each(OUTPUT_FORMATS)('gives byte-identical %s from two Kafka replays and the event store', (format) => {
    const outputs = [fromKafka, fromKafkaAgain, fromStore].map((r) => render(buildReport(r.facts, request), format, renderOptions).body);
    expect(outputs[0]!.length).toBeGreaterThan(1000);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });

  it('counts what the history says (worked out by hand): the merged person once, the erased person, the undocumented and the late return', () => {
    const report = buildReport(fromStore.facts, request);
    const table = (id: string) => report.tables.find((t) => t.id === id)!;
    expect(crossTab(table('stock'), 'COUNTERPART_AREA', 'SEX')).toEqual([
      ['COUNTERPART_AREA\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 5, 4, 1, 0, 0],
      ['AE', 0, 0, 0, 0, 0],
      ['HK', 1, 1, 0, 0, 0],
      ['MY', 0, 0, 0, 0, 0],
      ['QA', 1, 0, 1, 0, 0],
      ['SA', 2, 2, 0, 0, 0],
      ['SG', 1, 1, 0, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(table('stock'), 'OCCUPATION', 'SEX')[6]).toEqual(['5', 1, 1, 0, 0, 0]);
    expect(crossTab(table('departures'), 'SEX', 'COUNTERPART_AREA')[1]).toEqual(['_T', 5, 1, 1, 0, 1, 1, 1, 0]);
    expect(crossTab(table('returns'), 'RETURN_REASON', 'SEX').slice(1, 2)).toEqual([['_T', 3, 1, 2, 0, 0]]);
    expect(crossTab(table('returns'), 'COUNTERPART_AREA', 'TIME_PERIOD')[1]).toEqual(['_T', 3, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
    expect(crossTab(table('time-abroad'), 'DURATION_ABROAD', 'SEX')[1]).toEqual(['_T', 2, 1, 1, 0, 0]);
    expect(crossTab(table('recruitment-cost'), 'COUNTERPART_AREA', 'SEX')[1]).toEqual(['_T', 0.875, '-', 0.875, '-', '-']);
    expect(report.basis).toEqual({
      records: 8,
      erasedRecords: 1,
      cycles: 8,
      unplaced: { countryCodes: [], occupationCodes: [], undatedFacts: 0 },
    });
  });

  it('publishes SDMX-CSV with alpha-3 countries: the undocumented deportee from Malaysia in June', () => {
    const sdmx = render(buildReport(fromKafka.facts, request), 'sdmx-csv', renderOptions).body;
    const lines = sdmx.split('\r\n');
    expect(lines[0]).toBe(
      'STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,SEX,COUNTERPART_AREA,OCCUPATION,AGE,EDUCATION,RECRUITMENT_CHANNEL,TIME_PERIOD,RETURN_TYPE,RETURN_REASON,DURATION_ABROAD,TIME_SINCE_RETURN,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS,OBS_COUNT,OBS_EXCLUDED',
    );
    expect(lines).toContain('dataflow,PSA:DF_MIGW_RETURN(1.0),I,PHL,M,MYS,,,_T,_T,2025-06,UNASSISTED,DEPORTATION,,,1,NUM,A,F,,');
    expect(lines).toContain('dataflow,PSA:DF_MIGW_STOCK(1.0),I,PHL,_T,_T,_T,_T,_T,_T,2025-12-31,,,,,5,PS,A,F,,');
  });
});
