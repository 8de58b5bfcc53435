import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { cloudEventHeaders, create, eventsTopic, timestampFromDate, toBinary } from '@homeward/contracts';
import { RegistrationEventSchema, ReturnAssistance, ReturnReason, Sex } from '@homeward/contracts/registration/v1';
import { testKafka } from '@homeward/testing/infrastructure';
import { EMPLOYER_A, type EmploymentHarness } from './employment.harness';

/** A date `days` from the harness's today (the real clock: the service checks closing dates against it). */
export const daysFromToday = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const vacancyBody = (extra: Record<string, unknown> = {}) => ({
  employerId: EMPLOYER_A,
  title: 'Room attendant',
  occupationIsco: '9112',
  requiredUnits: [{ standardId: 'rmcs-housekeeping', unitCode: 'HHK-01' }],
  experienceMonths: 12,
  location: 'PH-CEB',
  languages: ['en', 'tl'],
  monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
  openings: 1,
  closingOn: daysFromToday(30),
  ...extra,
});

/** Posts a vacancy (as the office for employer A unless a token says otherwise) and answers its id. */
export async function postVacancy(h: EmploymentHarness, extra: Record<string, unknown> = {}, token = h.tokens.office): Promise<string> {
  await h.knowStandard('rmcs-housekeeping', ['HHK-01', 'HHK-02', 'HHK-03']);
  const posted = await h.call('POST', '/vacancies', vacancyBody(extra), token);
  if (posted.status !== 201) throw new Error(`posting failed: ${posted.status} ${posted.text}`);
  return posted.body!.vacancyId as string;
}

export async function registerSeeker(h: EmploymentHarness, workerId = randomUUID()): Promise<string> {
  const registered = await h.call('POST', '/job-seekers', { workerId });
  if (registered.status !== 201) throw new Error(`registering failed: ${registered.status} ${registered.text}`);
  return workerId;
}

export async function refer(h: EmploymentHarness, vacancyId: string, workerId: string): Promise<string> {
  const referred = await h.call('POST', '/referrals', { vacancyId, workerId });
  if (referred.status !== 201) throw new Error(`referring failed: ${referred.status} ${referred.text}`);
  return referred.body!.referralId as string;
}

type RegistrationEvent = NonNullable<MessageInitShape<typeof RegistrationEventSchema>['event']>;

/** Publishes registration events of one worker on registration's topic, as registration's relay would; answers their event ids. */
export async function publishRegistration(
  namespace: string,
  workerId: string,
  events: readonly { on: string; event: RegistrationEvent; eventId?: string; version?: number }[],
) {
  const producer = testKafka('employment-test-registration').producer();
  await producer.connect();
  const ids: string[] = [];
  try {
    let version = 0;
    const messages = events.map(({ on, event, eventId: given, version: at }) => {
      const eventId = given ?? randomUUID();
      ids.push(eventId);
      const value = create(RegistrationEventSchema, {
        envelope: {
          eventId,
          eventType: `homeward.registration.v1.${event.case!.replace(/^./, (c) => c.toUpperCase())}`,
          streamId: `worker-${workerId}`,
          streamVersion: BigInt(at ?? ++version),
          occurredAt: timestampFromDate(new Date(`${on}T00:00:00Z`)),
          recordedAt: timestampFromDate(new Date(`${on}T08:00:00Z`)),
          jurisdiction: { originCountry: 'PH', destinationCountry: '' },
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

export const registered = (workerId: string): RegistrationEvent => ({
  case: 'workerRegistered',
  value: { workerId, sex: Sex.FEMALE, birthYear: 1990, originArea: 'PH-CEB' },
});
export const departed = (workerId: string, cycleNumber: number, departedOn: string): RegistrationEvent => ({
  case: 'departureRecorded',
  value: { workerId, cycleNumber, destinationCountry: 'SA', departedOn, occupationIsco: '9112' },
});
export const returned = (
  workerId: string,
  cycleNumber: number,
  returnedOn: string,
  reason = ReturnReason.CONTRACT_COMPLETED,
): RegistrationEvent => ({
  case: 'returnRecorded',
  value: { workerId, cycleNumber, returnedOn, fromCountry: 'SA', assistance: ReturnAssistance.UNASSISTED, reason },
});
