import { aWorker, departure, startHarness, type RegistrationHarness } from './registration.harness';

// Issue 9, defects 4 and 6: codes that name nothing and dates no working life holds are refused at the
// API and in the bulk import, naming the field and a stable code, and nothing is written.

describe('codes and dates the registry refuses', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('codes_and_dates');
  });
  afterAll(() => h?.stop());

  async function registered(): Promise<string> {
    const created = await h.call('POST', '/workers', aWorker());
    expect(created.status).toBe(201);
    return created.body!.workerId as string;
  }

  /** The refusal, after checking that it is problem+json and that nothing was written. */
  async function refused(method: 'POST', url: string, body: unknown, status: number) {
    const before = await h.counts();
    const response = await h.call(method, url, body);
    expect([response.status, response.headers['content-type']]).toEqual([status, expect.stringContaining('application/problem+json')]);
    expect(await h.counts()).toEqual(before);
    return response.body!;
  }

  it.each(['XX', 'ZZ', 'AA', 'QM', 'UK', 'EU'])('refuses a departure for %s (no country) with 400 naming the field', async (country) => {
    const id = await registered();
    const problem = await refused('POST', `/workers/${id}/departures`, { ...departure, destinationCountry: country }, 400);
    expect(problem).toMatchObject({
      status: 400,
      code: 'validation.unknown-country',
      errors: [{ in: 'body', field: 'destinationCountry', pointer: '/destinationCountry', code: 'validation.unknown-country' }],
    });
  });

  it('says what UK is, and which code the United Kingdom has', async () => {
    const id = await registered();
    const problem = await refused('POST', `/workers/${id}/departures`, { ...departure, destinationCountry: 'UK' }, 400);
    expect(problem.errors[0].detail).toContain('GB');
  });

  it('refuses an origin area that names no subdivision (XX-99)', async () => {
    const problem = await refused('POST', '/workers', { ...aWorker(), originArea: 'XX-99' }, 400);
    expect(problem).toMatchObject({
      code: 'validation.unknown-origin-area',
      errors: [{ field: 'originArea', pointer: '/originArea', code: 'validation.unknown-origin-area' }],
    });
  });

  it('refuses a language that is no ISO 639-1 code (qq), pointing at it in the list', async () => {
    const problem = await refused('POST', '/workers', { ...aWorker(), languages: ['tl', 'qq'] }, 400);
    expect(problem).toMatchObject({
      code: 'validation.unknown-language',
      errors: [{ field: 'languages.1', pointer: '/languages/1', code: 'validation.unknown-language' }],
    });
  });

  it('refuses ISCO-08 0000, which is no unit group, and a currency that is none', async () => {
    const id = await registered();
    const problem = await refused(
      'POST',
      `/workers/${id}/departures`,
      { ...departure, occupationIsco: '0000', monthlyWage: { currency: 'XTS', amountMinor: 1 } },
      400,
    );
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'occupationIsco', code: 'validation.unknown-occupation' }),
      expect.objectContaining({ field: 'monthlyWage.currency', pointer: '/monthlyWage/currency', code: 'validation.unknown-currency' }),
    ]);
  });

  it('refuses an employment change to ISCO-08 0000 by a mission', async () => {
    const id = await registered();
    expect((await h.call('POST', `/workers/${id}/departures`, departure)).status).toBe(201);
    const before = await h.counts();
    const response = await h.call(
      'POST',
      `/workers/${id}/employment-changes`,
      { changedOn: '2023-08-01', change: 'new_occupation', occupationIsco: '0000' },
      h.tokens.missionSA,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation.unknown-occupation', errors: [{ field: 'occupationIsco' }] });
    expect(await h.counts()).toEqual(before);
  });

  it('refuses a departure dated 0001-01-01 with 422 naming the field', async () => {
    const id = await registered();
    const problem = await refused(
      'POST',
      `/workers/${id}/departures`,
      { ...departure, departedOn: '0001-01-01', contractStart: '2023-02-05' },
      422,
    );
    expect(problem).toMatchObject({
      code: 'registration.date-before-earliest',
      errors: [{ field: 'departedOn', pointer: '/departedOn', code: 'registration.date-before-earliest' }],
    });
  });

  it('refuses a departure dated before the worker was born (born 1990)', async () => {
    const id = await registered();
    const problem = await refused(
      'POST',
      `/workers/${id}/departures`,
      { ...departure, departedOn: '1985-03-01', contractStart: '1985-03-01', contractEnd: '1987-03-01' },
      422,
    );
    expect(problem).toMatchObject({ code: 'registration.date-before-working-age', errors: [{ field: 'departedOn' }] });
  });

  it('refuses a contract ending more than ten years ahead', async () => {
    const id = await registered();
    const problem = await refused('POST', `/workers/${id}/departures`, { ...departure, contractEnd: '2999-12-31' }, 422);
    expect(problem).toMatchObject({ code: 'registration.date-too-far-ahead', errors: [{ field: 'contractEnd' }] });
  });

  it('accepts the same requests with real codes and plausible dates', async () => {
    const id = await registered();
    const departed = await h.call('POST', `/workers/${id}/departures`, { ...departure, destinationCountry: 'GB' });
    expect(departed.status).toBe(201);
  });
});

describe('a legacy register with codes and dates the registry refuses', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('codes_and_dates_import');
  });
  afterAll(() => h?.stop());

  const row = (n: number, changes: Record<string, string>) => ({
    source_row_id: `C-${n}`,
    given_name: 'Rosario',
    family_name: `Codes ${n}`,
    date_of_birth: `1988-0${n}-11`,
    sex: 'F',
    origin_area: 'PH-07',
    national_id: `CD-${process.pid}-${n}`,
    languages: 'tl;en',
    destination_country: 'AE',
    departed_on: '2020-03-01',
    employer_name: 'Al Waha',
    occupation_isco: '5322',
    contract_start: '2020-03-05',
    contract_end: '2022-03-04',
    channel: 'regular',
    ...changes,
  });

  it('reports each refused row with its number, field and code, and imports only the valid one', async () => {
    const records = [
      row(1, {}),
      row(2, { destination_country: 'UK' }),
      row(3, { origin_area: 'XX-99', languages: 'tl;qq' }),
      row(4, { occupation_isco: '0000' }),
      row(5, { departed_on: '0001-01-01' }),
      row(6, { departed_on: '1987-01-01', contract_start: '1987-01-05' }),
    ];
    const response = await h.runtime.app.inject({
      method: 'POST',
      url: '/imports?source=codes-and-dates',
      headers: { authorization: `Bearer ${h.tokens.agency}`, 'content-type': 'application/x-ndjson' },
      payload: records.map((r) => JSON.stringify(r)).join('\n'),
    });
    expect(response.statusCode).toBe(200);
    const report = JSON.parse(response.body) as { imported: number; failed: { row: number; errors: { field: string; code?: string }[] }[] };
    expect(report.imported).toBe(1);
    expect(report.failed.map((f) => [f.row, f.errors.map((e) => [e.field, e.code])])).toEqual([
      [2, [['destination_country', 'validation.unknown-country']]],
      [
        3,
        [
          ['origin_area', 'validation.unknown-origin-area'],
          ['languages', 'validation.unknown-language'],
        ],
      ],
      [4, [['occupation_isco', 'validation.unknown-occupation']]],
      [5, [['departed_on', 'registration.date-before-earliest']]],
      [6, [['departed_on', 'registration.date-before-working-age']]],
    ]);
    const { rows } = await h.db.pool.query("SELECT count(*)::int AS n FROM events WHERE event_type = 'WorkerRegistered'");
    expect(rows[0].n).toBe(1);
  });
});
