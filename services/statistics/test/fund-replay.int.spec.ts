import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { BenefitType, FiledBy } from '@homeward/contracts/fund/v1';
import { RecruitmentChannel, RegistrationEventSchema, Sex } from '@homeward/contracts/registration/v1';
import { createKafka, ensureTopics, type Kafka } from '@homeward/messaging';
import { claimStream, publishFundEvents, type FundMessage } from '@homeward/testing/fund-events';
import { infrastructure, testTopicNamespace } from '@homeward/testing/infrastructure';
import { buildReport } from '../src/domain/reports/build-report';
import { parsePeriod } from '../src/domain/reports/period';
import { crossTab } from '../src/domain/reports/reports.spec-helpers';
import type { Report, ReportRequest, ReportTable } from '../src/domain/reports/report-table';
import { renderCsv } from '../src/output/csv.format';
import { FundTopicSource, KafkaReplaySource, replay } from '../src/sources/replay';

/*
 * Registration's topic and the fund topic from Kafka (protobuf of the generated contracts), read to their
 * end offsets and folded into one history: the fund tables, by sex, for 2025 as of 2025-12-31.
 *
 *  ana  F  SA, regular through an agency. Death abroad 2025-03-01: a draft opened 03-02 by the incident,
 *          submitted 03-05 as repatriation of remains; approved by a maker (level 1, not final) then by a
 *          checker (final) 03-20, USD 2,000.00; paid 2025-04-10: 40 days. The payment message is SENT TWICE.
 *  ben  M  MY, irregular. Legal assistance 2025-05-01, filed 05-02, rejected 05-20 (fund.not-covered).
 *  cora F  HK. Medical 2025-11-01, filed 11-02, approved 11-20 PHP 5,000.00, paid 12-01 — the payment is
 *          RECORDED LATE, 2026-01-10.
 *  One message on the fund topic that is no FundEvent: counted as undecodable, the rest replayed.
 */

let kafka: Kafka;

type RegistrationInit = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;
class WorkerStream {
  private version = 0;
  constructor(readonly workerId: string) {}
  event(on: string, event: RegistrationInit) {
    const value = create(RegistrationEventSchema, {
      envelope: {
        eventId: randomUUID(),
        streamId: `worker-${this.workerId}`,
        streamVersion: BigInt(++this.version),
        occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
        recordedAt: timestampFromDate(new Date(`${on}T08:00:00Z`)),
      },
      event,
    });
    return { key: `worker-${this.workerId}`, value: Buffer.from(toBinary(RegistrationEventSchema, value)) };
  }
}

const usd = (amountMinor: bigint) => ({ currency: 'USD', amountMinor });
const php = (amountMinor: bigint) => ({ currency: 'PHP', amountMinor });

function history() {
  const ana = new WorkerStream(randomUUID());
  const ben = new WorkerStream(randomUUID());
  const cora = new WorkerStream(randomUUID());
  const person = (s: WorkerStream, sex: Sex, to: string, channel: RecruitmentChannel, agency = '') => [
    s.event('2023-01-01', { case: 'workerRegistered', value: { workerId: s.workerId, sex, birthYear: 1990, originArea: 'PH-03' } }),
    s.event('2023-01-10', {
      case: 'departureRecorded',
      value: {
        workerId: s.workerId,
        cycleNumber: 1,
        destinationCountry: to,
        departedOn: '2023-01-10',
        occupationIsco: '5322',
        channel,
        recruitmentAgency: agency,
      },
    }),
  ];
  const registration = [
    ...person(ana, Sex.FEMALE, 'SA', RecruitmentChannel.REGULAR, 'Agency A'),
    ...person(ben, Sex.MALE, 'MY', RecruitmentChannel.IRREGULAR),
    ...person(cora, Sex.FEMALE, 'HK', RecruitmentChannel.REGULAR),
  ];
  const c1 = claimStream(randomUUID(), 'SA');
  const c1Id = c1.streamId.slice('claim-'.length);
  const c2 = claimStream(randomUUID(), 'MY');
  const c2Id = c2.streamId.slice('claim-'.length);
  const c3 = claimStream(randomUUID(), 'HK');
  const c3Id = c3.streamId.slice('claim-'.length);
  // A stream's events are numbered in the order they are made: ana's payment after her approvals.
  const anaClaim: FundMessage[] = [
    c1.event('2025-03-02', {
      case: 'claimFiled',
      value: {
        claimId: c1Id,
        workerId: ana.workerId,
        draft: true,
        filedBy: FiledBy.WELFARE_INCIDENT,
        incidentOn: '2025-03-01',
        destinationCountry: 'SA',
        filedOn: '2025-03-02',
      },
    }),
    c1.event('2025-03-05', {
      case: 'claimSubmitted',
      value: { claimId: c1Id, submittedOn: '2025-03-05', benefitType: BenefitType.REPATRIATION_OF_REMAINS },
    }),
    c1.event('2025-03-19', {
      case: 'claimApproved',
      value: { claimId: c1Id, officerId: 'o1', level: 1, amount: usd(200_000n), approvedOn: '2025-03-19' },
    }),
    c1.event('2025-03-20', {
      case: 'claimApproved',
      value: { claimId: c1Id, officerId: 'o2', level: 2, amount: usd(200_000n), final: true, approvedOn: '2025-03-20' },
    }),
  ];
  const anaPaid = c1.event('2025-04-10', {
    case: 'disbursementMade',
    value: {
      claimId: c1Id,
      transferId: 't2',
      pendingTransferId: 't1',
      amount: usd(200_000n),
      provider: 'local',
      disbursedOn: '2025-04-10',
    },
  });
  const fundThen: FundMessage[] = [
    ...anaClaim,
    anaPaid,
    anaPaid,
    c2.event('2025-05-02', {
      case: 'claimFiled',
      value: {
        claimId: c2Id,
        workerId: ben.workerId,
        filedBy: FiledBy.WORKER,
        benefitType: BenefitType.LEGAL_ASSISTANCE,
        incidentOn: '2025-05-01',
        destinationCountry: 'MY',
        filedOn: '2025-05-02',
      },
    }),
    c2.event('2025-05-20', {
      case: 'claimRejected',
      value: { claimId: c2Id, officerId: 'o1', reasonCodes: ['fund.not-covered'], rejectedOn: '2025-05-20' },
    }),
    c3.event('2025-11-02', {
      case: 'claimFiled',
      value: {
        claimId: c3Id,
        workerId: cora.workerId,
        filedBy: FiledBy.AGENCY,
        benefitType: BenefitType.MEDICAL,
        incidentOn: '2025-11-01',
        destinationCountry: 'HK',
        filedOn: '2025-11-02',
      },
    }),
    c3.event('2025-11-20', {
      case: 'claimApproved',
      value: { claimId: c3Id, officerId: 'o1', level: 1, amount: php(500_000n), final: true, approvedOn: '2025-11-20' },
    }),
  ];
  const fundLater: FundMessage[] = [
    c3.event(
      '2025-12-01',
      {
        case: 'disbursementMade',
        value: {
          claimId: c3Id,
          transferId: 't4',
          pendingTransferId: 't3',
          amount: php(500_000n),
          provider: 'local',
          disbursedOn: '2025-12-01',
        },
      },
      { recordedAt: new Date('2026-01-10T09:00:00Z') },
    ),
  ];
  return { registration, fundThen, fundLater };
}

const request: ReportRequest = { asOf: '2025-12-31', period: parsePeriod('2025'), frequency: 'quarter', reports: ['fund'] };
const tableOf = (report: Report, id: string): ReportTable => report.tables.find((t) => t.id === id)!;

beforeAll(() => {
  kafka = createKafka({ brokers: infrastructure.kafkaBrokers, clientId: 'statistics-fund-replay-test' });
});

describe('a replay of the registration and fund topics from Kafka', () => {
  it('gives claims, decisions, amounts and days to payment by sex; a full replay as known then equals the report made then', async () => {
    const namespace = testTopicNamespace();
    const { registration, fundThen, fundLater } = history();
    await ensureTopics(kafka, [
      { topic: eventsTopic('registration', namespace), partitions: 3 },
      { topic: eventsTopic('fund', namespace), partitions: 3 },
    ]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
    await producer.connect();
    await producer.send({ topic: eventsTopic('registration', namespace), messages: registration });
    await producer.disconnect();
    const odd = { ...fundThen[0]!, value: Buffer.from('not a FundEvent') };
    await publishFundEvents(kafka, namespace, [...fundThen, odd]);
    const sources = () =>
      [
        new KafkaReplaySource(kafka, [eventsTopic('registration', namespace)]),
        { fund: new FundTopicSource(kafka, eventsTopic('fund', namespace)) },
      ] as const;

    const then = await replay(...sources());
    expect(then).toMatchObject({ eventsRead: registration.length + fundThen.length + 1, undecodable: 1 });
    const reportThen = buildReport(then.facts, request);

    await publishFundEvents(kafka, namespace, fundLater);
    const [source, options] = sources();
    const asKnown = await replay(source, { ...options, knownAt: new Date('2026-01-01T00:00:00Z') });
    const reportAsKnown = buildReport(asKnown.facts, request);
    expect(renderCsv(reportAsKnown)).toBe(renderCsv(reportThen));

    const report = buildReport((await replay(...sources())).facts, request);
    expect(crossTab(tableOf(report, 'fund-claims'), 'FUND_STEP', 'SEX')).toEqual([
      ['FUND_STEP\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['CLAIMS', 3, 2, 1, 0, 0],
      ['APPROVALS', 2, 2, 0, 0, 0],
      ['REJECTIONS', 1, 0, 1, 0, 0],
      ['DISBURSEMENTS', 2, 2, 0, 0, 0],
    ]);
    expect(crossTab(tableOf(reportThen, 'fund-claims'), 'FUND_STEP', 'SEX')[4]).toEqual(['DISBURSEMENTS', 1, 1, 0, 0, 0]);
    expect(crossTab(tableOf(report, 'fund-amounts-paid'), 'CURRENCY', 'SEX')).toEqual([
      ['CURRENCY\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['PHP', 5000, 5000, 0, 0, 0],
      ['USD', 2000, 2000, 0, 0, 0],
    ]);
    expect(crossTab(tableOf(report, 'fund-rejections'), 'REJECTION_REASON', 'SEX')[1]).toEqual(['fund.not-covered', 1, 0, 1, 0, 0]);
    // ana: 40 days; cora: 30 days. The median of 30 and 40.
    expect(crossTab(tableOf(report, 'fund-median-days-to-payment'), 'SEX', 'BENEFIT_TYPE')[1]!.slice(0, 2)).toEqual(['_T', 35]);
    expect(crossTab(tableOf(report, 'fund-claims'), 'RECRUITMENT_CHANNEL', 'SEX', { FUND_STEP: 'CLAIMS' })).toEqual([
      ['RECRUITMENT_CHANNEL\\SEX', '_T', 'F', 'M', '_O', '_U'],
      ['_T', 3, 2, 1, 0, 0],
      ['REG_AGENCY', 1, 1, 0, 0, 0],
      ['REG_DIRECT', 1, 1, 0, 0, 0],
      ['IRREG_AGENCY', 0, 0, 0, 0, 0],
      ['IRREG_DIRECT', 1, 0, 1, 0, 0],
      ['_U', 0, 0, 0, 0, 0],
    ]);
    expect(crossTab(tableOf(report, 'fund-claims'), 'BENEFIT_TYPE', 'SEX', { FUND_STEP: 'CLAIMS' })[3]).toEqual(['REMAINS', 1, 1, 0, 0, 0]);
  });

  it('reads a fund topic that does not exist yet as empty: the fund tables are zeros', async () => {
    const namespace = testTopicNamespace();
    const { registration } = history();
    await ensureTopics(kafka, [{ topic: eventsTopic('registration', namespace), partitions: 1 }]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); // idempotent: a retried send under load writes no second copy
    await producer.connect();
    await producer.send({ topic: eventsTopic('registration', namespace), messages: registration });
    await producer.disconnect();
    const replayed = await replay(new KafkaReplaySource(kafka, [eventsTopic('registration', namespace)]), {
      fund: new FundTopicSource(kafka, eventsTopic('fund', namespace)),
    });
    expect(replayed).toMatchObject({ eventsRead: registration.length, undecodable: 0 });
    expect(crossTab(tableOf(buildReport(replayed.facts, request), 'fund-claims'), 'FUND_STEP', 'SEX')[1]).toEqual([
      'CLAIMS',
      0,
      0,
      0,
      0,
      0,
    ]);
  });
});
