import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { ContractType } from '@homeward/contracts/employment/v1';
import { RecruitmentChannel, RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import {
  publishEmploymentEvents,
  referralStream,
  seekerStream,
  vacancyStream,
  type EmploymentMessage,
} from '@homeward/testing/employment-events';
import { infrastructure, testTopicNamespace } from '@homeward/testing/infrastructure';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import { crossTab } from '../src/domain/reports/reports.spec-helpers';
import type { Report, ReportRequest, ReportTable } from '../src/domain/reports/report-table';
import { renderCsv } from '../src/output/csv.format';
import { EmploymentTopicSource, KafkaReplaySource, replay } from '../src/sources/replay';

/*
 * Registration's topic and the employment topic from Kafka (protobuf of the generated contracts), read to
 * their end offsets and folded into one history: the reintegration outcome tables, by sex, as of 2026-06-30
 * for the returns of 2025.
 *
 *  ana  F  SA, regular through an agency → back 2025-01-15; hired, starts 2025-03-01: within 3, 6, 12 months.
 *  ben  M  MY, irregular → back 2025-02-10; hired, starts 2025-07-01 (4 months): within 6 and 12, not 3.
 *  cora F  HK → back 2025-03-01; RE-MIGRATES 2025-05-01; a hire that starts 2025-06-01, after she left: not
 *          placed in any window.
 *  dan  M  undocumented return from AE 2025-12-20; hired, starts 2026-04-01 (3 months): within 6 (elapsed
 *          on 2026-06-20) and 12 (NOT YET ELAPSED: placed all the same); his hire is recorded late, 2026-07-15.
 *  eve  F  undocumented return from SA 2025-11-15; never placed: not within 3 or 6; 12 not yet elapsed (open).
 *  One message on the employment topic that is no EmploymentEvent: counted as undecodable, the rest replayed.
 */

let kafka: Kafka;

type RegistrationInit = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;
class WorkerStream {
  private version = 0;
  constructor(readonly workerId: string) {}
  event(on: string, event: RegistrationInit, recorded = `${on}T08:00:00Z`) {
    const value = create(RegistrationEventSchema, {
      envelope: {
        eventId: randomUUID(),
        streamId: `worker-${this.workerId}`,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(new Date(recorded)),
      },
      event,
    });
    return { key: `worker-${this.workerId}`, value: Buffer.from(toBinary(RegistrationEventSchema, value)) };
  }
}

function people() {
  const ids = { ana: randomUUID(), ben: randomUUID(), cora: randomUUID(), dan: randomUUID(), eve: randomUUID() };
  const w = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, new WorkerStream(id)])) as Record<
    keyof typeof ids,
    WorkerStream
  >;
  const registered = (s: WorkerStream, sex: Sex, on: string, educationIsced?: number) =>
    s.event(on, {
      case: 'workerRegistered',
      value: {
        workerId: s.workerId,
        sex,
        birthYear: 1990,
        originArea: 'PH-03',
        ...(educationIsced === undefined ? {} : { educationIsced }),
      },
    });
  const departed = (s: WorkerStream, cycle: number, on: string, to: string, channel: RecruitmentChannel, agency = '') =>
    s.event(on, {
      case: 'departureRecorded',
      value: {
        workerId: s.workerId,
        cycleNumber: cycle,
        destinationCountry: to,
        departedOn: on,
        occupationIsco: '5322',
        channel,
        recruitmentAgency: agency,
      },
    });
  const returned = (s: WorkerStream, on: string, from: string, undocumented = false) =>
    s.event(on, {
      case: 'returnRecorded',
      value: {
        workerId: s.workerId,
        cycleNumber: 1,
        returnedOn: on,
        fromCountry: from,
        assistance: ReturnAssistance.UNASSISTED,
        reason: ReturnReason.CONTRACT_COMPLETED,
        withoutRecordedDeparture: undocumented,
      },
    });
  const registration = [
    registered(w.ana, Sex.FEMALE, '2023-01-01', 6),
    departed(w.ana, 1, '2023-01-10', 'SA', RecruitmentChannel.REGULAR, 'Agency A'),
    returned(w.ana, '2025-01-15', 'SA'),
    registered(w.ben, Sex.MALE, '2022-04-01'),
    departed(w.ben, 1, '2022-05-01', 'MY', RecruitmentChannel.IRREGULAR),
    returned(w.ben, '2025-02-10', 'MY'),
    registered(w.cora, Sex.FEMALE, '2023-12-01', 3),
    departed(w.cora, 1, '2024-01-01', 'HK', RecruitmentChannel.REGULAR),
    returned(w.cora, '2025-03-01', 'HK'),
    departed(w.cora, 2, '2025-05-01', 'HK', RecruitmentChannel.REGULAR, 'Agency B'),
    registered(w.dan, Sex.MALE, '2025-12-20'),
    returned(w.dan, '2025-12-20', 'AE', true),
    registered(w.eve, Sex.FEMALE, '2025-11-15'),
    returned(w.eve, '2025-11-15', 'SA', true),
  ];

  const vacancy = (id: string, occupationIsco: string, location: string, postedOn: string) => {
    const stream = vacancyStream(id);
    return {
      id,
      posted: stream.event(postedOn, {
        case: 'vacancyPosted',
        value: { vacancyId: id, employerId: 'org-1', title: 't', occupationIsco, location, openings: 1, closingOn: '2026-12-31', postedOn },
      }),
    };
  };
  const v1 = vacancy(randomUUID(), '5120', 'PH-00', '2025-02-01');
  const v2 = vacancy(randomUUID(), '9112', 'PH-CEB', '2025-05-15');
  const hire = (
    worker: WorkerStream,
    vacancyId: string,
    referredOn: string,
    hiredOn: string,
    startsOn: string,
    occupationIsco: string,
    recorded?: Date,
  ) => {
    const referralId = randomUUID();
    const r = referralStream(referralId);
    return [
      r.event(referredOn, {
        case: 'referralMade',
        value: { referralId, vacancyId, workerId: worker.workerId, employerId: 'org-1', referredOn },
      }),
      r.event(
        hiredOn,
        {
          case: 'hireRecorded',
          value: {
            referralId,
            vacancyId,
            workerId: worker.workerId,
            hiredOn,
            startsOn,
            contractType: ContractType.PERMANENT,
            occupationIsco,
          },
        },
        recorded ? { recordedAt: recorded } : {},
      ),
    ];
  };
  const seeker = (worker: WorkerStream, on: string) =>
    seekerStream(worker.workerId).event(on, { case: 'jobSeekerRegistered', value: { workerId: worker.workerId, registeredOn: on } });
  const danHire = hire(w.dan, v2.id, '2026-03-01', '2026-03-25', '2026-04-01', '9112', new Date('2026-07-15T09:00:00Z'));
  // What the employment service had recorded by the end of January 2026, and what it recorded after.
  const employmentThen: EmploymentMessage[] = [
    v1.posted,
    v2.posted,
    seeker(w.ana, '2025-01-16'),
    ...hire(w.ana, v1.id, '2025-02-01', '2025-02-20', '2025-03-01', '5120'),
    seeker(w.ben, '2025-02-11'),
    ...hire(w.ben, v1.id, '2025-06-01', '2025-06-20', '2025-07-01', '7112'),
    ...hire(w.cora, v2.id, '2025-05-20', '2025-05-25', '2025-06-01', '9112'),
  ];
  const employmentLater: EmploymentMessage[] = [danHire[0]!, danHire[1]!];
  return { registration, employmentThen, employmentLater };
}

const request: ReportRequest = {
  asOf: '2026-06-30',
  period: parsePeriod('2025'),
  frequency: 'quarter',
  reports: ['placements', 'referrals'],
};
const tableOf = (report: Report, id: string): ReportTable => report.tables.find((t) => t.id === id)!;
const byStatus = (report: Report, window: string) =>
  crossTab(tableOf(report, 'placements'), 'SEX', 'PLACEMENT_STATUS', { PLACEMENT_WINDOW: window }).slice(0, 4);

beforeAll(() => {
  kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-employment-replay-test' });
});

async function publishRegistration(namespace: string, messages: { key: string; value: Buffer }[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
  await producer.connect();
  await producer.send({ topic: eventsTopic('registration', namespace), messages });
  await producer.disconnect();
}

describe('a replay of the registration and employment topics from Kafka', () => {
  it('gives the exact share and counts placed within 3, 6 and 12 months by sex; a full replay as known then equals the report made then', async () => {
    const namespace = testTopicNamespace();
    const { registration, employmentThen, employmentLater } = people();
    await ensureTopics(kafka, [
      { topic: eventsTopic('registration', namespace), partitions: 3 },
      { topic: eventsTopic('employment', namespace), partitions: 3 },
    ]);
    await publishRegistration(namespace, registration);
    const odd = { ...employmentThen[0]!, value: Buffer.from('not an EmploymentEvent') };
    await publishEmploymentEvents(kafka, namespace, [...employmentThen, odd]);
    const sources = () =>
      [
        new KafkaReplaySource(kafka, [eventsTopic('registration', namespace)]),
        { employment: new EmploymentTopicSource(kafka, eventsTopic('employment', namespace)) },
      ] as const;

    // The report as it could be made at the end of January 2026, from the log as it was then.
    const then = await replay(...sources());
    expect(then).toMatchObject({ eventsRead: registration.length + employmentThen.length + 1, undecodable: 1 });
    const reportThen = buildReport(then.facts, request);

    // Later the employment service records dan's hire; a full replay as known at the end of January gives
    // the same report, byte for byte, and one as known now counts his placement.
    await publishEmploymentEvents(kafka, namespace, employmentLater);
    const [source, options] = sources();
    const asKnown = await replay(source, { ...options, knownAt: new Date('2026-01-31T23:59:59.999Z') });
    const reportAsKnown = buildReport(asKnown.facts, request);
    expect(reportAsKnown.tables).toEqual(reportThen.tables);
    expect(renderCsv(reportAsKnown)).toBe(renderCsv(reportThen));
    expect(byStatus(reportAsKnown, 'M6')).toEqual([
      ['SEX\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 2, 3, 0],
      ['F', 3, 1, 2, 0],
      ['M', 2, 1, 1, 0],
    ]);

    const now = await replay(...sources());
    expect(now).toMatchObject({ undecodable: 1 });
    const report = buildReport(now.facts, request);
    expect(byStatus(report, 'M3')).toEqual([
      ['SEX\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 1, 4, 0],
      ['F', 3, 1, 2, 0],
      ['M', 2, 0, 2, 0],
    ]);
    expect(byStatus(report, 'M6')).toEqual([
      ['SEX\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['F', 3, 1, 2, 0],
      ['M', 2, 2, 0, 0],
    ]);
    // dan placed while his 12-month window is still open; eve's is open and she is not placed yet.
    expect(byStatus(report, 'M12')).toEqual([
      ['SEX\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 1, 1],
      ['F', 3, 1, 1, 1],
      ['M', 2, 2, 0, 0],
    ]);
    expect(crossTab(tableOf(report, 'placement-rate'), 'PLACEMENT_WINDOW', 'SEX')).toEqual([
      ['PLACEMENT_WINDOW\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['M3', 0.2, 0.3333, 0, '-', '-'],
      ['M6', 0.6, 0.3333, 1, '-', '-'],
      ['M12', 0.6667, 0.5, 1, '-', '-'],
    ]);
    expect(crossTab(tableOf(report, 'placed-within-6-months-by-sex'), 'SEX', 'PLACEMENT_STATUS').slice(1, 4)).toEqual([
      ['_T', 5, 3, 2, 0],
      ['F', 3, 1, 2, 0],
      ['M', 2, 2, 0, 0],
    ]);
    // The recruitment channel from the departures: ana regular through an agency, ben irregular without one.
    expect(crossTab(tableOf(report, 'placements'), 'RECRUITMENT_CHANNEL', 'PLACEMENT_STATUS', { PLACEMENT_WINDOW: 'M6' })).toEqual([
      ['RECRUITMENT_CHANNEL\\PLACEMENT_STATUS', '_T', 'PLACED', 'NOT_PLACED', 'OPEN'],
      ['_T', 5, 3, 2, 0],
      ['REG_AGENCY', 1, 1, 0, 0],
      ['REG_DIRECT', 1, 0, 1, 0],
      ['IRREG_AGENCY', 0, 0, 0, 0],
      ['IRREG_DIRECT', 1, 1, 0, 0],
      ['_U', 2, 1, 1, 0],
    ]);
    expect(crossTab(tableOf(report, 'referrals'), 'EMPLOYMENT_SERVICE', 'SEX')).toEqual([
      ['EMPLOYMENT_SERVICE\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['JOB_SEEKERS', 2, 1, 1, 0, 0],
      ['REFERRALS', 3, 2, 1, 0, 0],
      ['INTERVIEWS', 0, 0, 0, 0, 0],
      ['HIRES', 3, 2, 1, 0, 0],
    ]);
  });

  it('reads an employment topic that does not exist yet as empty: every return of the cohort not placed', async () => {
    const namespace = testTopicNamespace();
    const { registration } = people();
    await ensureTopics(kafka, [{ topic: eventsTopic('registration', namespace), partitions: 1 }]);
    await publishRegistration(namespace, registration);
    const replayed = await replay(new KafkaReplaySource(kafka, [eventsTopic('registration', namespace)]), {
      employment: new EmploymentTopicSource(kafka, eventsTopic('employment', namespace)),
    });
    expect(replayed).toMatchObject({ eventsRead: registration.length, undecodable: 0 });
    expect(byStatus(buildReport(replayed.facts, request), 'M6')[1]).toEqual(['_T', 5, 0, 5, 0]);
  });
});
