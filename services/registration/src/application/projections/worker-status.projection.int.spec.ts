import { create } from '@homeward/contracts';
import { migrate } from '@homeward/pg-kit/migrations';
import { withTransaction } from '@homeward/pg-kit';
import { RegistrationEventSchema, Sex, type RegistrationEvent } from '@homeward/contracts/registration/v1';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { registrationMigrations } from '../../persistence/migrations';
import { projectWorkerStatus } from './worker-status.projection';

// The projection keeps no record of handled event ids: stream versions alone must make a redelivered
// chunk change nothing, in whatever order a worker's kinds of change meet in one chunk.

const W = '01930000-0000-7000-8000-000000000001';

const envelope = (version: number) => ({ streamId: `worker-${W}`, streamVersion: BigInt(version) });
const registered = (version: number): RegistrationEvent =>
  create(RegistrationEventSchema, {
    envelope: envelope(version),
    event: { case: 'workerRegistered', value: { workerId: W, sex: Sex.UNKNOWN, originArea: 'PH-03' } },
  });
const departed = (version: number, country: string, cycleNumber: number): RegistrationEvent =>
  create(RegistrationEventSchema, {
    envelope: envelope(version),
    event: { case: 'departureRecorded', value: { workerId: W, cycleNumber, destinationCountry: country, departedOn: '2025-01-01' } },
  });
const returned = (version: number, country: string, cycleNumber: number): RegistrationEvent =>
  create(RegistrationEventSchema, {
    envelope: envelope(version),
    event: { case: 'returnRecorded', value: { workerId: W, cycleNumber, fromCountry: country, returnedOn: '2025-06-01' } },
  });
const corrected = (version: number, sex: Sex): RegistrationEvent =>
  create(RegistrationEventSchema, {
    envelope: envelope(version),
    event: { case: 'workerDetailsCorrected', value: { workerId: W, correctsVersion: 1n, sex } },
  });

describe('the worker-status projection', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('worker_status');
    await migrate(db.pool, 'registration', registrationMigrations);
  });
  afterEach(() => db.drop());

  const apply = (events: readonly RegistrationEvent[]) =>
    withTransaction(db.pool, (tx) =>
      projectWorkerStatus(
        events.map((decoded) => ({ decoded })),
        tx,
      ),
    );
  const row = async () =>
    (
      await db.pool.query<{ status: string; sex: string; destination_country: string; cycle_number: number }>(
        'SELECT status, sex, destination_country, cycle_number FROM worker_status WHERE worker_id = $1',
        [W],
      )
    ).rows[0];

  it('keeps a correction and a later departure met in one chunk, and changes nothing when the chunk comes again', async () => {
    const chunk = [registered(1), corrected(2, Sex.FEMALE), departed(3, 'SA', 1)];
    await apply(chunk);
    expect(await row()).toEqual({ status: 'abroad', sex: 'F', destination_country: 'SA', cycle_number: 1 });
    await apply(chunk);
    expect(await row()).toEqual({ status: 'abroad', sex: 'F', destination_country: 'SA', cycle_number: 1 });
  });

  it('does not move back when older events are redelivered after newer ones', async () => {
    await apply([registered(1), departed(2, 'SA', 1), returned(3, 'SA', 1), corrected(4, Sex.MALE), departed(5, 'AE', 2)]);
    expect(await row()).toEqual({ status: 'abroad', sex: 'M', destination_country: 'AE', cycle_number: 2 });
    // A resend of the first cycle and of an earlier correction.
    await apply([corrected(2, Sex.FEMALE), departed(2, 'SA', 1), returned(3, 'SA', 1)]);
    expect(await row()).toEqual({ status: 'abroad', sex: 'M', destination_country: 'AE', cycle_number: 2 });
  });

  it("keeps a cycle's country when the worker came home through another (a mission lists by it)", async () => {
    const throughTheEmirates = create(RegistrationEventSchema, {
      envelope: { ...envelope(3), jurisdiction: { originCountry: 'PH', destinationCountry: 'SA' } },
      event: { case: 'returnRecorded', value: { workerId: W, cycleNumber: 1, fromCountry: 'AE', returnedOn: '2025-06-01' } },
    });
    await apply([registered(1), departed(2, 'SA', 1), throughTheEmirates]);
    expect(await row()).toEqual({ status: 'returned', sex: 'U', destination_country: 'SA', cycle_number: 1 });
  });
});
