import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import type { AgencyChange } from '../src/projection/agency.projection';
import { writeAgencyChanges } from '../src/projection/agency.read-model';
import { agencySchema } from '../src/persistence/agency.schema';

// Real PostgreSQL: employers' names as the directory brings them (docs/adr/0006). Given these changes,
// then these `employers` rows: entries in any order leave every employer once, and an erasure leaves
// none, whatever arrives after it.

describe("agency-view employers' names", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('agency_employers');
    await db.pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    for (const ddl of agencySchema) await db.pool.query(ddl);
  });
  afterAll(() => db.drop());

  const at = new Date('2026-01-01T00:00:00Z');
  const registered = (workerId: string): AgencyChange => ({
    kind: 'worker-registered',
    workerId,
    registeredOn: '2024-12-01',
    sex: 'F',
    birthYear: 1990,
    originArea: 'PH-03',
    languages: [],
    at,
  });
  const departure = { streamVersion: 2, cycleNumber: 1, employerName: 'Al Noor Household Services' };
  const change = { streamVersion: 4, cycleNumber: 1, employerName: 'Gulf Care' };
  const known = (workerId: string, ...employers: (typeof departure)[]): AgencyChange => ({ kind: 'employers-known', workerId, employers });

  const rows = async (workerId: string) =>
    (
      await db.pool.query(
        'SELECT stream_version::int, cycle_number, employer_name FROM employers WHERE worker_id = $1 ORDER BY stream_version',
        [workerId],
      )
    ).rows;

  it('keeps each employer once, whichever entry comes first and however often', async () => {
    const [inOrder, outOfOrder] = [randomUUID(), randomUUID()];
    await writeAgencyChanges(db.pool as never, [registered(inOrder), known(inOrder, departure), known(inOrder, departure, change)]);
    await writeAgencyChanges(db.pool as never, [
      known(outOfOrder, departure, change),
      registered(outOfOrder),
      known(outOfOrder, departure),
    ]);
    const expected = [
      { stream_version: 2, cycle_number: 1, employer_name: 'Al Noor Household Services' },
      { stream_version: 4, cycle_number: 1, employer_name: 'Gulf Care' },
    ];
    expect(await rows(inOrder)).toEqual(expected);
    expect(await rows(outOfOrder)).toEqual(expected);
  });

  it('deletes them on erasure, and takes none from an entry published before it that arrives after', async () => {
    const workerId = randomUUID();
    await writeAgencyChanges(db.pool as never, [
      registered(workerId),
      known(workerId, departure),
      { kind: 'personal-data-erased', workerId },
      known(workerId, departure, change),
    ]);
    expect(await rows(workerId)).toEqual([]);
  });
});
