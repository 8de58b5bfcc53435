import { startHarness, type RegistrationHarness } from './registration.harness';
import { legacyRegister } from '../src/demo/legacy-register.generator';

// Issue 3's acceptance, in the test suite rather than only in the benchmark: a generated legacy register of
// 100,000 rows with 1% bad rows, imported through the API in parts, then imported again. How fast is the
// benchmark's business (bench/registration.bench.ts); this is what must hold whatever the speed.

describe('importing a legacy register of 100,000 rows', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('legacy_import_100k');
    // Publishing is tested elsewhere; here the relay would only compete with the import for the cores.
    await h.runtime.relay.stop();
  });
  afterAll(() => h?.stop());

  const ROWS = 100_000;
  const PART = 10_000;

  async function importAll(records: readonly object[]) {
    const totals = { imported: 0, alreadyImported: 0, failed: [] as { row: number; errors: { field: string }[] }[] };
    for (let offset = 0; offset < records.length; offset += PART) {
      const response = await h.runtime.app.inject({
        method: 'POST',
        url: `/imports?source=dmw-legacy-2015&firstRow=${offset + 1}`,
        headers: { authorization: `Bearer ${h.tokens.agency}`, 'content-type': 'application/x-ndjson' },
        payload: records
          .slice(offset, offset + PART)
          .map((r) => JSON.stringify(r))
          .join('\n'),
      });
      expect(response.statusCode).toBe(200);
      const report = JSON.parse(response.body) as typeof totals;
      totals.imported += report.imported;
      totals.alreadyImported += report.alreadyImported;
      totals.failed.push(...report.failed);
    }
    return totals;
  }

  it('reports every bad row with its number and field, imports the rest, and imports nothing twice when re-run', async () => {
    const { records, bad } = legacyRegister(ROWS, 0.01, 2026);
    expect(bad.length).toBeGreaterThan(ROWS * 0.009);
    expect(bad.length).toBeLessThan(ROWS * 0.011);

    const first = await importAll(records);
    expect(first.imported).toBe(ROWS - bad.length);
    expect(first.alreadyImported).toBe(0);
    expect(first.failed.map((f) => f.row)).toEqual(bad.map((b) => b.row));
    expect(first.failed.every((f, i) => f.errors.some((e) => e.field === bad[i]!.field))).toBe(true);
    const registered = async () =>
      (await h.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE event_type = 'WorkerRegistered'")).rows[0]!.n;
    expect(await registered()).toBe(ROWS - bad.length);

    const again = await importAll(records);
    expect(again.imported).toBe(0);
    expect(again.alreadyImported).toBe(ROWS - bad.length);
    expect(again.failed.map((f) => f.row)).toEqual(bad.map((b) => b.row));
    expect(await registered()).toBe(ROWS - bad.length);
  }, 600_000);
});
