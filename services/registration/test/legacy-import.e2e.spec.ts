import { readTopic } from '@homeward/testing/infrastructure';
import { decodeRegistrationEvent } from '../src/messaging/worker-event.proto-mapper';
import { startHarness, type RegistrationHarness } from './registration.harness';
import { legacyRegister, toCsv } from '../src/demo/legacy-register.generator';

// Bulk import of a legacy register through the API, on the real PostgreSQL and Kafka.

describe('importing a legacy register', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('legacy_import');
  });
  afterAll(() => h?.stop());

  async function send(source: string, body: string, type: 'text/csv' | 'application/x-ndjson', firstRow = 1) {
    const response = await h.runtime.app.inject({
      method: 'POST',
      url: `/imports?source=${source}&firstRow=${firstRow}`,
      headers: { authorization: `Bearer ${h.tokens.agency}`, 'content-type': type },
      payload: body,
    });
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
  }

  it('imports the valid rows, reports each bad row with its number and field, and imports nothing twice when re-run', async () => {
    const { records, bad } = legacyRegister(2_000, 0.01, 7);
    const csv = toCsv(records);
    const first = await send('poea-2019', csv, 'text/csv');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ source: 'poea-2019', received: 2_000, imported: 2_000 - bad.length, alreadyImported: 0 });
    expect(first.body.failed.map((f: { row: number }) => f.row)).toEqual(bad.map((b) => b.row));
    for (const [i, failure] of (first.body.failed as { row: number; errors: { field: string }[] }[]).entries()) {
      expect(failure.errors.map((e) => e.field)).toContain(bad[i]!.field);
    }
    const { rows } = await h.db.pool.query(
      "SELECT count(*)::int AS workers, count(*) FILTER (WHERE stream_version = 1)::int AS registered FROM events WHERE event_type = 'WorkerRegistered'",
    );
    expect(rows[0]).toEqual({ workers: 2_000 - bad.length, registered: 2_000 - bad.length });

    // The same file again, this time in two parts: nothing is imported twice.
    const lines = csv.split('\n');
    const again1 = await send('poea-2019', lines.slice(0, 1001).join('\n'), 'text/csv', 1);
    const again2 = await send('poea-2019', [lines[0], ...lines.slice(1001)].join('\n'), 'text/csv', 1001);
    expect(again1.body.imported + again2.body.imported).toBe(0);
    expect(again1.body.alreadyImported + again2.body.alreadyImported).toBe(2_000 - bad.length);
    expect(again2.body.failed.map((f: { row: number }) => f.row)).toEqual(bad.filter((b) => b.row > 1000).map((b) => b.row));
    const count = await h.db.pool.query("SELECT count(*)::int AS n FROM events WHERE event_type = 'WorkerRegistered'");
    expect(count.rows[0].n).toBe(2_000 - bad.length);
  });

  it('keeps the imported history: departures and returns, personal data sealed, events on the topic', async () => {
    const { records } = legacyRegister(50, 0, 11);
    const result = await send('owwa-legacy', records.map((r) => JSON.stringify(r)).join('\n'), 'application/x-ndjson');
    expect(result.body).toMatchObject({ imported: 50, failed: [] });
    const mapping = await h.db.pool.query<{ row_id: string; worker_id: string }>(
      "SELECT row_id, worker_id FROM import_rows WHERE source = 'owwa-legacy' ORDER BY row_id LIMIT 1",
    );
    const { row_id: rowId, worker_id: workerId } = mapping.rows[0]!;
    const record = records.find((r) => r.source_row_id === rowId)!;
    const worker = await h.call('GET', `/workers/${workerId}`);
    expect(worker.body).toMatchObject({ personalData: { familyName: record.family_name, dateOfBirth: record.date_of_birth } });
    if (record.destination_country)
      expect(worker.body!.cycles[0]).toMatchObject({ destinationCountry: record.destination_country, departedOn: record.departed_on });
    const stored = await h.db.pool.query<{ data: string }>('SELECT data::text AS data FROM events WHERE stream_id = $1', [
      `worker-${workerId}`,
    ]);
    expect(stored.rows.map((r) => r.data).join()).not.toContain(record.family_name as string);
    const messages = await readTopic(
      h.runtime.topic,
      (m) => m.key,
      (read) => read.includes(workerId),
    );
    expect(messages).toContain(workerId);
    expect(decodeRegistrationEvent).toBeDefined();
  });

  it('flags a person listed twice in one part against the first listing, and never against a refused row', async () => {
    const [base] = legacyRegister(1, 0, 23).records;
    // A name no generated register uses, so that nobody registered by another test resembles her.
    const person = (row: string, changes: Record<string, string>) => ({
      ...base!,
      given_name: 'Zenaida',
      family_name: 'Quisumbing Tolentino',
      source_row_id: row,
      ...changes,
    });
    const records = [
      person('twice-1', { national_id: 'N-TWICE-1' }),
      // The same person again, a letter off in the name and with another document: flagged against row 1.
      person('twice-2', { family_name: 'Quisumbing Tolentinoo', national_id: 'N-TWICE-2' }),
      // Refused (a return before its departure): registers nobody.
      person('refused', {
        given_name: 'Someone',
        family_name: 'Else Entirely',
        national_id: 'N-REFUSED',
        returned_on: '2000-01-01',
        from_country: base!.destination_country!,
        assistance: 'unassisted',
        return_reason: 'other',
      }),
      // Like the refused row: nobody to be flagged against.
      person('like-refused', { given_name: 'Someone', family_name: 'Else Entirely', national_id: 'N-LIKE-REFUSED' }),
    ];
    const result = await send('twice', records.map((r) => JSON.stringify(r)).join('\n'), 'application/x-ndjson');
    expect(result.body).toMatchObject({ imported: 3, flaggedAsPossibleDuplicates: 1 });
    expect(result.body.failed).toEqual([expect.objectContaining({ row: 3 })]);
    const ids = await h.db.pool.query<{ row_id: string; worker_id: string }>(
      "SELECT row_id, worker_id FROM import_rows WHERE source = 'twice'",
    );
    const idOf = Object.fromEntries(ids.rows.map((r) => [r.row_id, r.worker_id]));
    const flags = await h.db.pool.query<{ stream_id: string; data: { candidates: { workerId: string }[] } }>(
      `SELECT stream_id, data FROM events WHERE event_type = 'PossibleDuplicateFlagged' AND stream_id = ANY($1::text[])`,
      [Object.values(idOf).map((id) => `worker-${id}`)],
    );
    expect(flags.rows.map((f) => [f.stream_id, f.data.candidates.map((c) => c.workerId)])).toEqual([
      [`worker-${idOf['twice-2']}`, [idOf['twice-1']]],
    ]);
  });

  it('reports lines that are not records, and refuses principals who may not import', async () => {
    const result = await send('broken', '{"source_row_id": "a"\nnot json\n[1,2]', 'application/x-ndjson');
    expect(result.body.failed).toEqual([
      expect.objectContaining({ row: 1 }),
      expect.objectContaining({ row: 2, errors: [expect.objectContaining({ detail: 'the line is not valid JSON' })] }),
      expect.objectContaining({ row: 3, errors: [expect.objectContaining({ detail: 'the line is not a JSON object' })] }),
    ]);
    const mission = await h.runtime.app.inject({
      method: 'POST',
      url: '/imports?source=x',
      headers: { authorization: `Bearer ${h.tokens.missionSA}`, 'content-type': 'text/csv' },
      payload: 'source_row_id\n1',
    });
    expect(mission.statusCode).toBe(403);
    const noSource = await h.runtime.app.inject({
      method: 'POST',
      url: '/imports',
      headers: { authorization: `Bearer ${h.tokens.agency}`, 'content-type': 'text/csv' },
      payload: 'source_row_id\n1',
    });
    expect(noSource.statusCode).toBe(400);
    expect(JSON.parse(noSource.body).errors).toEqual([expect.objectContaining({ in: 'query', field: 'source' })]);
  });
});
