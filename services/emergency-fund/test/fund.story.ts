import { createHash, randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { cloudEventHeaders, create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { IncidentKind, RegistrationEventSchema } from '@homeward/contracts/registration/v1';
import { testKafka } from '@homeward/testing/infrastructure';
import type { FundHarness } from './fund.harness';

/** A date `days` before the harness's today (the real clock: time limits are checked against it). */
export const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
export const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });
export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export const OWWA_DEATH_DOCUMENTS = ['death-certificate', 'passport-copy', 'proof-of-relationship'];

/** Books a budget allocation into a fund's pool. */
export async function allocate(
  h: FundHarness,
  fundId: string,
  amount: { currency: string; amountMinor: number },
  allocationId = randomUUID(),
) {
  const r = await h.call('POST', `/funds/${fundId}/allocations`, { allocationId, amount });
  if (r.status !== 201) throw new Error(`allocation failed: ${r.status} ${r.text}`);
}

/** A worker covered by OWWA (a contribution paid 30 days ago), deployed to Saudi Arabia. */
export async function coveredWorker(h: FundHarness, workerId = randomUUID()): Promise<string> {
  await h.knowCycle(workerId, { cycleNumber: 1, destinationCountry: 'SA', departedOn: daysAgo(200) });
  const paid = await h.call('POST', `/members/${workerId}/contributions`, {
    fundId: 'PH-OWWA',
    contributionId: randomUUID(),
    amount: php(1_400),
    paidOn: daysAgo(210),
  });
  if (paid.status !== 201) throw new Error(`contribution failed: ${paid.status} ${paid.text}`);
  return workerId;
}

export const deathClaim = (workerId: string, extra: Record<string, unknown> = {}) => ({
  workerId,
  fundId: 'PH-OWWA',
  benefitType: 'death',
  incidentKind: 'death',
  incidentOn: daysAgo(10),
  destinationCountry: 'SA',
  cycleNumber: 1,
  grade: 'natural',
  claimantRelation: 'spouse',
  ...extra,
});

/** Files a claim and attaches every document it requires; answers its id. */
export async function documentedClaim(h: FundHarness, body: Record<string, unknown>, token = h.tokens.officerA): Promise<string> {
  const filed = await h.call('POST', '/claims', body, token);
  if (filed.status !== 201) throw new Error(`filing failed: ${filed.status} ${filed.text}`);
  const claimId = filed.body!.claimId as string;
  for (const documentType of filed.body!.documentsRequired as string[]) {
    const r = await h.call(
      'POST',
      `/claims/${claimId}/documents`,
      { documentType, documentId: `doc-${documentType}`, sha256: sha(documentType) },
      token,
    );
    if (r.status !== 200) throw new Error(`attaching failed: ${r.status} ${r.text}`);
  }
  return claimId;
}

type RegistrationEvent = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;

/** Publishes registration events of one worker on registration's topic, as registration's relay would; answers their ids. */
export async function publishRegistration(
  namespace: string,
  workerId: string,
  events: readonly { on: string; event: RegistrationEvent; eventId?: string }[],
) {
  const producer = testKafka('fund-test-registration').producer();
  await producer.connect();
  const ids: string[] = [];
  try {
    let version = 0;
    const messages = events.map(({ on, event, eventId: given }) => {
      const eventId = given ?? randomUUID();
      ids.push(eventId);
      const value = create(RegistrationEventSchema, {
        envelope: {
          eventId,
          eventType: `homeward.registration.v1.${event.case!.replace(/^./, (c) => c.toUpperCase())}`,
          streamId: `worker-${workerId}`,
          streamVersion: BigInt(++version),
          occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
          recordedAt: timestampFromDate(new Date(`${on}T08:00:00Z`)),
          jurisdiction: { originCountry: 'PH', destinationCountry: 'SA' },
        },
        event,
      });
      const headers = { ...cloudEventHeaders(value.envelope!, '/homeward/ph/registration', 'homeward.registration.v1.RegistrationEvent') };
      return { key: `worker-${workerId}`, value: Buffer.from(toBinary(RegistrationEventSchema, value)), headers };
    });
    await producer.send({ topic: eventsTopic('registration', namespace), messages });
  } finally {
    await producer.disconnect();
  }
  return ids;
}

export const departed = (workerId: string, cycleNumber: number, departedOn: string): RegistrationEvent => ({
  case: 'departureRecorded',
  value: { workerId, cycleNumber, destinationCountry: 'SA', departedOn, occupationIsco: '9112' },
});
export const deathAbroad = (
  workerId: string,
  cycleNumber: number,
  occurredOn: string,
  fundAssistanceRequested = true,
): RegistrationEvent => ({
  case: 'welfareIncidentRecorded',
  value: { workerId, cycleNumber, incidentId: randomUUID(), occurredOn, kind: IncidentKind.DEATH, fundAssistanceRequested },
});
