import type { Pool } from 'pg';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { namespaceOf, startMissionViewHarness, type MissionViewHarness } from '@homeward/mission-view/test/harness';
import type { ProjectionHost } from '@homeward/projections/host';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

/**
 * The backup procedure's second half (docs/operations/backup-restore.md): a read model needs no backup.
 * A read model whose database is gone (dropped, lost, never backed up) is rebuilt from the topics alone
 * by starting the service on an empty database: it projects from offset zero. The rebuilt tables must
 * equal the live ones, row for row — every table of the serving build's schema, the stream versions and
 * per-partition progress included (only the time that progress was written differs).
 */
describe('a read model rebuilt from the topics alone', () => {
  let registry: RegistrationHarness;
  const views: (AgencyViewHarness | MissionViewHarness)[] = [];

  beforeAll(async () => {
    registry = await startHarness('rebuild_registry');
  }, 60_000);
  afterAll(async () => {
    await Promise.all(views.map((v) => v.stop()));
    await registry?.stop();
  }, 60_000);

  async function caughtUp(host: ProjectionHost<unknown>): Promise<void> {
    await eventually(
      () => host.status(),
      (s) => s.serving !== undefined && s.serving.lag === 0 && s.building === undefined,
      60_000,
    );
  }

  /** Every table of the serving build's schema, each row as JSON text, sorted: a row-for-row picture. */
  async function tables(pool: Pool): Promise<Record<string, string[]>> {
    const { rows: serving } = await pool.query<{ schema_name: string }>('SELECT schema_name FROM projection_serving');
    expect(serving).toHaveLength(1);
    const schema = serving[0]!.schema_name;
    const { rows: names } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    const picture: Record<string, string[]> = {};
    for (const { table_name: table } of names) {
      // When the machinery wrote a partition's progress is the one thing a rebuild cannot repeat.
      const row = table === 'projection_progress' ? `to_jsonb(t) - 'updated_at'` : 'to_jsonb(t)';
      const { rows } = await pool.query<{ row: string }>(`SELECT (${row})::text AS row FROM "${schema}"."${table}" t`);
      picture[table] = rows.map((r) => r.row).sort();
    }
    return picture;
  }

  it('equals the live agency view and mission view row for row', async () => {
    const issuer = await testIssuer();
    const ns = namespaceOf(registry.runtime.topic);
    const [liveAgency, liveMission] = await Promise.all([startAgencyViewHarness(ns, issuer), startMissionViewHarness('SA', ns, issuer)]);
    views.push(liveAgency, liveMission);

    for (let i = 0; i < 6; i++) {
      const created = await registry.call('POST', '/workers', aWorker());
      expect(created.status).toBe(201);
      const id = created.body!.workerId as string;
      expect((await registry.call('POST', `/workers/${id}/departures`, departure)).status).toBe(201);
      if (i % 2 === 0) expect((await registry.call('POST', `/workers/${id}/returns`, homecoming)).status).toBe(201);
    }
    await registry.published();
    await Promise.all([
      caughtUp(liveAgency.runtime.host as ProjectionHost<unknown>),
      caughtUp(liveMission.runtime.host as ProjectionHost<unknown>),
    ]);
    const live = { agency: await tables(liveAgency.db.pool), mission: await tables(liveMission.db.pool) };
    expect(live.agency.workers).toHaveLength(6);
    expect(Object.values(live.mission).flat().length).toBeGreaterThan(6);

    // The databases are gone: the services start on empty ones and project the topics from offset zero.
    const [rebuiltAgency, rebuiltMission] = await Promise.all([
      startAgencyViewHarness(ns, issuer),
      startMissionViewHarness('SA', ns, issuer),
    ]);
    views.push(rebuiltAgency, rebuiltMission);
    await Promise.all([
      caughtUp(rebuiltAgency.runtime.host as ProjectionHost<unknown>),
      caughtUp(rebuiltMission.runtime.host as ProjectionHost<unknown>),
    ]);
    expect(await tables(rebuiltAgency.db.pool)).toEqual(live.agency);
    expect(await tables(rebuiltMission.db.pool)).toEqual(live.mission);
  }, 180_000);
});
