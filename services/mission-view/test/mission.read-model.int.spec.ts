import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import type { MissionChange } from '../src/projection/mission.projection';
import { missionSchema, writeMissionChanges } from '../src/projection/mission.read-model';

// Real PostgreSQL: runs of one kind of change are written in one statement each, and must leave the same
// rows as writing them one by one would — also when a run holds the same stay twice.

describe('mission-view row writer', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('mission_writer');
    for (const ddl of missionSchema) await db.pool.query(ddl);
  });
  afterAll(() => db.drop());

  const at = new Date('2026-01-01T00:00:00Z');
  const opened = (workerId: string, occupationIsco: string): MissionChange => ({
    kind: 'stay-opened',
    workerId,
    cycleNumber: 1,
    departedOn: '2025-01-10',
    occupationIsco,
    contractStart: '2025-01-12',
    contractEnd: '2027-01-11',
    channel: 'regular',
    at,
  });
  const arrived = (workerId: string, arrivedOn: string): MissionChange => ({ kind: 'arrived', workerId, cycleNumber: 1, arrivedOn, at });

  async function stays(ids: readonly string[]) {
    const { rows } = await db.pool.query(
      `SELECT worker_id, stage, occupation_isco, arrived_on::text AS arrived_on, returned_on::text AS returned_on
         FROM stays WHERE worker_id = ANY($1::uuid[])`,
      [ids],
    );
    // Ordered by the worker's place in `ids`, not by the random uuid, so two runs compare row by row.
    return rows
      .map(({ worker_id, ...rest }) => ({ ...rest, worker: ids.indexOf(worker_id as string) }))
      .sort((left, right) => left.worker - right.worker);
  }

  it('writes runs (with a stay twice in one run) exactly as change-by-change writing does', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const [c, d] = [randomUUID(), randomUUID()];
    const script = (x: string, y: string): MissionChange[] => [
      opened(x, '9111'),
      opened(y, '5152'),
      opened(x, '9112'),
      arrived(x, '2025-01-11'),
      arrived(y, '2025-01-12'),
      arrived(x, '2025-01-13'),
      {
        kind: 'returned',
        workerId: y,
        cycleNumber: 1,
        returnedOn: '2025-06-01',
        assistance: 'unassisted',
        reason: 'voluntary',
        withoutRecordedDeparture: false,
        at,
      },
    ];
    await writeMissionChanges(db.pool as never, script(a, b));
    for (const change of script(c, d)) await writeMissionChanges(db.pool as never, [change]);
    const batched = await stays([a, b]);
    const oneByOne = await stays([c, d]);
    expect(batched).toEqual(oneByOne);
    expect(batched).toEqual(
      expect.arrayContaining([
        { worker: 0, stage: 'arrived', occupation_isco: '9112', arrived_on: '2025-01-13', returned_on: null },
        { worker: 1, stage: 'returned', occupation_isco: '5152', arrived_on: '2025-01-12', returned_on: '2025-06-01' },
      ]),
    );
  });
});
