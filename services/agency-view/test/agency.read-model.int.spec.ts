import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import type { AgencyChange } from '../src/projection/agency.projection';
import { agencySchema, writeAgencyChanges } from '../src/projection/agency.read-model';

// Real PostgreSQL: the writer deals a chunk's changes out in rounds and writes each round's changes of one
// kind in one statement. The rows must be exactly those of writing every change on its own — with a worker
// changed many times in one chunk, a redelivered registration, a return without departure, a re-migration
// and an erasure in the middle of the chunk.

describe('agency-view row writer', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('agency_writer');
    // What the agency view's start does for its name search (a build's schema cannot hold the extension).
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    for (const ddl of agencySchema) await db.pool.query(ddl);
  });
  afterAll(() => db.drop());

  const at = new Date('2026-01-01T00:00:00Z');
  const registered = (workerId: string, sex: 'F' | 'M', languages: string[]): AgencyChange => ({
    kind: 'worker-registered',
    workerId,
    registeredOn: '2024-12-01',
    sex,
    birthYear: 1990,
    originArea: 'PH-03',
    languages,
    at,
  });
  const opened = (workerId: string, cycleNumber: number, destinationCountry: string, occupationIsco: string): AgencyChange => ({
    kind: 'cycle-opened',
    workerId,
    cycleNumber,
    destinationCountry,
    departedOn: `202${4 + cycleNumber}-01-10`,
    employerName: `Employer ${cycleNumber}`,
    occupationIsco,
    contractStart: '',
    contractEnd: `202${6 + cycleNumber}-01-09`,
    recruitmentAgency: 'Agency A',
    channel: 'regular',
    at,
  });
  const arrived = (workerId: string, cycleNumber: number): AgencyChange => ({
    kind: 'arrived',
    workerId,
    cycleNumber,
    arrivedOn: `202${4 + cycleNumber}-01-11`,
  });
  const returned = (workerId: string, cycleNumber: number, fromCountry: string, withoutRecordedDeparture = false): AgencyChange => ({
    kind: 'returned',
    workerId,
    cycleNumber,
    returnedOn: `202${5 + cycleNumber}-06-01`,
    fromCountry,
    assistance: 'assisted',
    reason: 'contract_completed',
    withoutRecordedDeparture,
    at,
  });
  const timeline = (workerId: string, n: number): AgencyChange => ({
    kind: 'timeline',
    workerId,
    eventId: randomUUID(),
    source: 'registration',
    type: 'Something',
    streamId: `worker-${workerId}`,
    streamVersion: n,
    occurredOn: '2025-01-01',
    recordedAt: at,
    details: { employerName: 'Employer', note: n },
  });

  const identity = (workerId: string, streamVersion: number, familyName: string, passportNumber?: string): AgencyChange => ({
    kind: 'identity-known',
    workerId,
    streamVersion,
    identity: { givenName: 'María', familyName, dateOfBirth: '1990-04-12', ...(passportNumber ? { passportNumber } : {}) },
  });

  /**
   * Four workers' chunk: w0 migrates twice and has its name corrected (the older entry arriving last), w1 is
   * redelivered and erased mid-chunk (an entry published before the erasure arriving after it), w2 returns
   * undocumented, w3 only registers.
   */
  const script = ([w0, w1, w2, w3]: readonly string[]): AgencyChange[] => [
    identity(w0!, 1, 'Santos', 'p-123 456'),
    registered(w0!, 'F', ['tl', 'ar']),
    identity(w1!, 1, 'Reyes'),
    registered(w1!, 'M', []),
    timeline(w0!, 1),
    opened(w0!, 1, 'SA', '9111'),
    registered(w1!, 'F', ['en']),
    opened(w1!, 1, 'AE', '5131'),
    arrived(w0!, 1),
    registered(w2!, 'M', ['en']),
    arrived(w1!, 1),
    timeline(w1!, 2),
    { kind: 'erasure-recorded', workerId: w1!, erasedOn: '2025-03-01' },
    { kind: 'personal-data-erased', workerId: w1! },
    identity(w1!, 2, 'Reyes'),
    identity(w0!, 5, 'Santos-Reyes', 'p-123 456'),
    timeline(w1!, 3),
    returned(w2!, 1, 'KW', true),
    returned(w0!, 1, 'SA'),
    { kind: 'employment-changed', workerId: w1!, cycleNumber: 1, employerName: 'After Erasure', occupationIsco: '5132' },
    opened(w0!, 2, 'QA', '7411'),
    opened(w1!, 2, 'SA', '9112'),
    registered(w3!, 'F', []),
    arrived(w0!, 2),
    returned(w1!, 2, 'SA'),
    { kind: 'referred', workerId: w0!, cycleNumber: 1, referredOn: '2025-07-01' },
    identity(w0!, 3, 'Outdated'),
    timeline(w2!, 4),
  ];

  async function dump(ids: readonly string[]) {
    const worker = (id: unknown) => ids.indexOf(id as string);
    const byWorker = <T extends { worker: number }>(rows: T[]) => rows.sort((a, b) => a.worker - b.worker);
    const workers = await db.pool.query(
      `SELECT worker_id, registered_on::text, sex, birth_year, origin_area, languages, status, cycles, current_destination, destinations,
              occupation_codes, last_returned_on::text, personal_data_erased, erased_on::text
         FROM workers WHERE worker_id = ANY($1::uuid[])`,
      [ids],
    );
    const cycles = await db.pool.query(
      `SELECT worker_id, cycle_number, destination_country, departed_on::text, employer_name, occupation_isco, contract_start::text,
              contract_end::text, recruitment_agency, arrived_on::text, returned_on::text, from_country, without_recorded_departure,
              first_referral_on::text
         FROM cycles WHERE worker_id = ANY($1::uuid[]) ORDER BY cycle_number`,
      [ids],
    );
    const entries = await db.pool.query(`SELECT worker_id, stream_version, details FROM timeline WHERE worker_id = ANY($1::uuid[])`, [ids]);
    const identities = await db.pool.query(
      `SELECT worker_id, stream_version, given_name, family_name, date_of_birth::text, passport_number, name_key, name_skeleton, passport_key
         FROM identities WHERE worker_id = ANY($1::uuid[])`,
      [ids],
    );
    const strip = <R extends { worker_id: unknown }>(rows: R[]) =>
      rows.map(({ worker_id, ...rest }) => ({ ...rest, worker: worker(worker_id) }));
    return {
      workers: byWorker(strip(workers.rows)),
      cycles: byWorker(strip(cycles.rows)).sort((a, b) => a.worker - b.worker || (a.cycle_number as number) - (b.cycle_number as number)),
      timeline: byWorker(strip(entries.rows)).sort((a, b) => a.worker - b.worker || Number(a.stream_version) - Number(b.stream_version)),
      identities: byWorker(strip(identities.rows)),
    };
  }

  it('writes a chunk exactly as change-by-change writing does', async () => {
    const batchedIds = Array.from({ length: 4 }, () => randomUUID());
    const singleIds = Array.from({ length: 4 }, () => randomUUID());
    await writeAgencyChanges(db.pool as never, script(batchedIds));
    for (const change of script(singleIds)) await writeAgencyChanges(db.pool as never, [change]);
    const batched = await dump(batchedIds);
    expect(batched).toEqual(await dump(singleIds));

    // And the rows are the ones the script means, not merely equal to each other.
    const [w0, w1, w2, w3] = batched.workers;
    expect(w0).toMatchObject({ sex: 'F', languages: ['tl', 'ar'], status: 'abroad', cycles: 2, current_destination: 'QA' });
    expect(w0!.destinations).toEqual(['SA', 'QA']);
    expect(w0!.occupation_codes).toEqual(['7', '74', '741', '7411', '9', '91', '911', '9111']);
    expect(w1).toMatchObject({ sex: 'M', languages: [], status: 'returned', personal_data_erased: true, erased_on: '2025-03-01' });
    expect(w2).toMatchObject({ status: 'returned', destinations: ['KW'], last_returned_on: '2026-06-01' });
    expect(w3).toMatchObject({ status: 'at_home', cycles: 0 });
    const w1Cycles = batched.cycles.filter((c) => c.worker === 1);
    expect(w1Cycles.map((c) => c.employer_name)).toEqual([null, null]);
    expect(w1Cycles.map((c) => c.occupation_isco)).toEqual(['5132', '9112']);
    expect(batched.cycles.find((c) => c.worker === 2)).toMatchObject({ without_recorded_departure: true, departed_on: null });
    expect(batched.cycles.find((c) => c.worker === 0 && c.cycle_number === 1)).toMatchObject({
      arrived_on: '2025-01-11',
      returned_on: '2026-06-01',
      first_referral_on: '2025-07-01',
    });
    expect(batched.timeline.filter((t) => t.worker === 1).map((t) => t.details)).toEqual([{ note: 2 }, { note: 3 }]);
    // The newest identity of w0, whatever order the entries came in; none of the erased w1.
    expect(batched.identities).toEqual([
      {
        worker: 0,
        stream_version: '5',
        given_name: 'María',
        family_name: 'Santos-Reyes',
        date_of_birth: '1990-04-12',
        passport_number: 'p-123 456',
        name_key: 'maria santos reyes',
        name_skeleton: 'mr snts rs',
        passport_key: 'P123456',
      },
    ]);
  });
});
