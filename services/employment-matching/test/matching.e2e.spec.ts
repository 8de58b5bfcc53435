import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { create, eventsTopic, OrganisationKind, timestampFromDate, toBinary } from '@homeward/contracts';
import { RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { createKafka } from '@homeward/messaging';
import { eventually, infrastructure, readTopic } from '@homeward/testing/infrastructure';
import { candidateStream, publishSkillsEvents, standardStream } from '@homeward/testing/skills-events';
import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';
import { rebuildScore } from '../src/domain/matching/rebuild';
import type { MatchingFact } from '../src/domain/matching/matching.facts';
import { MatchingEngine } from '../src/matching/matching.engine';
import { decodeMatchingInput, matchingTopics } from '../src/matching/matching.consumer';
import type { MatchingInput } from '../src/matching/matching.store';

/**
 * The matching engine end to end on the real PostgreSQL and Kafka: registration's returns make job seekers
 * (the write side's consumer) whose profiles the matching consumer folds from registration's, skills' and the
 * service's own topics; a vacancy posted through the API is ranked for; a certificate from skills-certification
 * lifts its holder above an otherwise equal seeker, and the explanation says "certified".
 */

type RegistrationInit = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;
const TYPE: Record<string, string> = {
  workerRegistered: 'WorkerRegistered',
  departureRecorded: 'DepartureRecorded',
  returnRecorded: 'ReturnRecorded',
};

function registrationMessage(workerId: string, version: number, on: string, event: RegistrationInit) {
  const message = create(RegistrationEventSchema, {
    envelope: {
      eventId: randomUUID(),
      eventType: `homeward.registration.v1.${TYPE[event.case!]}`,
      streamId: `worker-${workerId}`,
      streamVersion: BigInt(version),
      occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
      recordedAt: timestampFromDate(new Date(`${on}T08:00:00Z`)),
      actor: { organisationId: 'ph-dmw-registry', kind: OrganisationKind.AGENCY },
      jurisdiction: { originCountry: 'PH', destinationCountry: event.case === 'workerRegistered' ? '' : 'SA' },
      schemaVersion: 1,
    },
    event,
  });
  return { key: workerId, value: Buffer.from(toBinary(RegistrationEventSchema, message)), headers: { ce_id: message.envelope!.eventId } };
}

function returnee(workerId: string, sex: Sex) {
  return [
    registrationMessage(workerId, 1, '2021-01-04', {
      case: 'workerRegistered',
      value: { workerId, sex, birthYear: 1990, originArea: 'PH-CEB', languages: ['tl', 'en'] },
    }),
    registrationMessage(workerId, 2, '2021-02-01', {
      case: 'departureRecorded',
      value: {
        workerId,
        cycleNumber: 1,
        destinationCountry: 'SA',
        departedOn: '2021-02-01',
        occupationIsco: '7212',
        contractStart: '2021-02-01',
        contractEnd: '2023-02-01',
        recruitmentAgency: 'agency',
      },
    }),
    registrationMessage(workerId, 3, '2023-02-01', {
      case: 'returnRecorded',
      value: {
        workerId,
        cycleNumber: 1,
        returnedOn: '2023-02-01',
        fromCountry: 'SA',
        assistance: ReturnAssistance.UNASSISTED,
        reason: ReturnReason.CONTRACT_COMPLETED,
      },
    }),
  ];
}

let h: EmploymentHarness;
const kafka = createKafka({ clientId: 'matching-e2e', brokers: infrastructure.kafkaBrokers });
const ana = randomUUID();
const ben = randomUUID();
const STANDARD = 'PH-WELD-SMAW-NCII';
let vacancyId: string;

beforeAll(async () => {
  h = await startEmploymentHarness('matching_e2e');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: eventsTopic('registration', h.config.TOPIC_NAMESPACE),
    messages: [...returnee(ana, Sex.FEMALE), ...returnee(ben, Sex.MALE)],
  });
  await producer.disconnect();
  const standard = standardStream(STANDARD);
  await publishSkillsEvents(kafka, h.config.TOPIC_NAMESPACE, [
    standard.event('2024-01-10', {
      case: 'competencyStandardPublished',
      value: {
        standardId: STANDARD,
        version: 1,
        title: 'Shielded metal arc welding NC II',
        occupationIsco: '7212',
        level: 2,
        units: [
          { code: 'SMAW-01', title: 'Weld carbon steel plates', escoSkills: [] },
          { code: 'SMAW-02', title: 'Weld carbon steel pipes', escoSkills: [] },
        ],
        effectiveFrom: '2024-01-10',
        publishedOn: '2024-01-10',
      },
    }),
  ]);
  // The standard reaches the write side's known_standards through the matching consumer: until then the
  // posting is refused (employment.unknown-standard) and nothing is written.
  const post = () =>
    h.call('POST', '/vacancies', {
      employerId: 'ph-employer-cebu-shipyard',
      title: 'Welder',
      occupationIsco: '7212',
      requiredStandards: [STANDARD],
      experienceMonths: 24,
      location: 'PH-CEB',
      languages: ['en'],
      monthlyWage: { currency: 'PHP', amountMinor: 2_500_000 },
      openings: 2,
      closingOn: '2099-12-31',
    });
  const posted = await eventually(post, (r) => r.status !== 422, 60_000);
  expect(posted.status).toBe(201);
  vacancyId = posted.body!.vacancyId;
}, 120_000);
afterAll(async () => h?.stop());

const matches = (token?: string) => h.call('GET', `/vacancies/${vacancyId}/matches?limit=5`, undefined, token);

describe('a vacancy for welders in Cebu with two returnee welders', () => {
  it('ranks both, equal, with their five explained factors and the fairness audit', async () => {
    const ranking = await eventually(
      () => matches(),
      (r) => r.status === 200 && r.body!.results.length === 2,
      60_000,
    );
    const [first, second] = ranking.body!.results;
    expect(first.scoreMilli).toBe(second.scoreMilli);
    // 24 of 24 months as 7212, Cebu, speaks en; both units missing.
    expect(first.factors.map((f: { name: string; contributionMilli: number }) => [f.name, f.contributionMilli])).toEqual([
      ['occupation', 300],
      ['units', 0],
      ['experience', 150],
      ['location', 150],
      ['languages', 100],
    ]);
    expect(first.scoreMilli).toBe(first.factors.reduce((sum: number, f: { contributionMilli: number }) => sum + f.contributionMilli, 0));
    expect(ranking.body!.fairness).toMatchObject({
      topK: { total: 2, women: 1, men: 1 },
      pool: { total: 2, women: 1, men: 1 },
      passesFourFifths: true,
    });
  });

  it('puts the holder of a certificate first, and the explanation says certified', async () => {
    const candidate = candidateStream(ben);
    await publishSkillsEvents(kafka, h.config.TOPIC_NAMESPACE, [
      candidate.event('2024-03-01', {
        case: 'certificateIssued',
        value: {
          workerId: ben,
          certificateNumber: 'PH-2024-000777',
          standardId: STANDARD,
          unitCodes: ['SMAW-01', 'SMAW-02'],
          issuingBody: 'TESDA',
          issuedOn: '2024-03-01',
        },
      }),
    ]);
    const ranking = await eventually(
      () => matches(),
      (r) => r.status === 200 && r.body!.results[0]?.workerId === ben && r.body!.results[0].scoreMilli > r.body!.results[1].scoreMilli,
      60_000,
    );
    const [first, second] = ranking.body!.results;
    expect(first.scoreMilli - second.scoreMilli).toBe(300);
    const units = first.factors.find((f: { name: string }) => f.name === 'units');
    expect(units.evidence).toEqual([
      `certified ${STANDARD}/SMAW-01 (certificate PH-2024-000777)`,
      `certified ${STANDARD}/SMAW-02 (certificate PH-2024-000777)`,
    ]);
    expect(units.citedEventIds.length).toBeGreaterThanOrEqual(3);
  });

  it('gives the referral command a score that rebuilds exactly from the cited events read back from the three topics', async () => {
    const match = (await new MatchingEngine(h.db.pool).explain(vacancyId, ben))!;
    expect(match.factors.find((f) => f.name === 'units')!.valueMilli).toBe(1000);
    const topics = matchingTopics(h.config.TOPIC_NAMESPACE);
    const decode = decodeMatchingInput(h.config.TOPIC_NAMESPACE);
    const factsOf = async (topic: string, until: (read: MatchingInput[]) => boolean) =>
      (
        await readTopic(
          topic,
          (m) =>
            decode({ topic, partition: 0, offset: '0', key: m.key, value: m.value, headers: m.headers, eventId: m.headers.ce_id ?? '' }),
          until,
        )
      ).flatMap((input) => input.facts);
    const facts: MatchingFact[] = [
      ...(await factsOf(topics.registration, (read) => read.length >= 6)),
      ...(await factsOf(topics.skills, (read) => read.length >= 2)),
      ...(await factsOf(topics.employment, (read) => read.some((i) => i.facts.some((f) => f.type === 'VacancyPosted')))),
    ];
    const rebuilt = rebuildScore({ vacancyId, workerId: ben, ...match }, facts);
    expect(rebuilt).toMatchObject({ outcome: 'rebuilt', same: true, match: { scoreMilli: match.scoreMilli } });
  });

  it('ranks the vacancy for the seeker too', async () => {
    const ranking = await h.call('GET', `/job-seekers/${ben}/matches`);
    expect(ranking.status).toBe(200);
    expect(ranking.body!.results.map((r: { vacancyId: string }) => r.vacancyId)).toEqual([vacancyId]);
  });

  it('refuses an employer (403) and answers an unknown vacancy 404, with codes', async () => {
    const employer = await matches(h.tokens.employerA);
    expect(employer.status).toBe(403);
    expect(employer.body!.code).toBe('access.kind-not-allowed');
    const unknown = await h.call('GET', `/vacancies/${randomUUID()}/matches`);
    expect(unknown.status).toBe(404);
    expect(unknown.body!.code).toBe('vacancy.not-found');
    const badLimit = await h.call('GET', `/vacancies/${vacancyId}/matches?limit=0`);
    expect(badLimit.status).toBe(400);
  });

  it('with certifiedOnly lists only the holder of every required unit', async () => {
    const response = await h.call('GET', `/vacancies/${vacancyId}/matches?certifiedOnly=true`);
    expect(response.status).toBe(200);
    expect(response.body!.results.map((r: { workerId: string }) => r.workerId)).toEqual([ben]);
  });
});
