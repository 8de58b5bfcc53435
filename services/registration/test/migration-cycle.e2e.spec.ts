import { eventually, readTopic } from '@homeward/testing/infrastructure';
import { decodeRegistrationEvent } from '../src/messaging/worker-event.proto-mapper';
import { departure, homecoming, startHarness, aWorker, type RegistrationHarness } from './registration.harness';

// Every stage of a migration cycle through the API, on the real PostgreSQL and Kafka.

describe('the whole migration cycle', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('migration_cycle');
  });
  afterAll(() => h?.stop());

  async function registered(): Promise<string> {
    const created = await h.call('POST', '/workers', aWorker());
    expect(created.status).toBe(201);
    return created.body!.workerId as string;
  }

  async function post(path: string, body: unknown, token = h.tokens.agency) {
    const response = await h.call('POST', path, body, token);
    if (response.status !== 201) throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  it('records orientation, departure, the stay abroad by the mission, the return and reintegration, in order, on the topic', async () => {
    const id = await registered();
    await post(`/workers/${id}/orientations`, {
      completedOn: '2023-01-20',
      topics: ['rights', 'credit_and_savings'],
      provider: 'OWWA Region III',
    });
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, h.tokens.missionSA);
    await post(
      `/workers/${id}/employment-changes`,
      { changedOn: '2023-08-01', change: 'new_employer', employerName: 'Gulf Care' },
      h.tokens.missionSA,
    );
    await post(
      `/workers/${id}/skills`,
      { recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] },
      h.tokens.missionSA,
    );
    const incident = await post(
      `/workers/${id}/incidents`,
      {
        occurredOn: '2023-11-03',
        kind: 'abuse',
        fundAssistanceRequested: true,
        caseNotes: 'Passport withheld by employer; bruising reported.',
      },
      h.tokens.missionSA,
    );
    await post(`/workers/${id}/returns`, homecoming, h.tokens.missionSA);
    await post(`/workers/${id}/reintegration/needs`, { assessedOn: '2024-07-05', economic: 'high', social: 'some', psychosocial: 'high' });
    const referred = await post(`/workers/${id}/reintegration/referrals`, { referredOn: '2024-07-06', service: 'counselling' });
    const referralId = referred.body!.cycles[0].reintegration.referrals[0].referralId as string;
    const done = await post(`/workers/${id}/reintegration/referrals/${referralId}/outcome`, {
      recordedOn: '2024-09-30',
      outcome: 'completed',
    });

    expect(done.headers.etag).toBe('"11"');
    expect(done.body).toMatchObject({
      status: 'returned',
      orientations: [{ completedOn: '2023-01-20', topics: ['rights', 'credit_and_savings'], provider: 'OWWA Region III' }],
      cycles: [
        {
          number: 1,
          departedOn: '2023-02-01',
          arrivedOn: '2023-02-02',
          employmentChanges: [{ changedOn: '2023-08-01', change: 'new_employer', employerName: 'Gulf Care' }],
          skills: [{ kind: 'language', title: 'Arabic, spoken (A2)', recordedOn: '2023-09-01' }],
          incidents: [{ occurredOn: '2023-11-03', kind: 'abuse', fundAssistanceRequested: true }],
          returnedOn: '2024-06-30',
          reintegration: {
            needs: { assessedOn: '2024-07-05', economic: 'high', social: 'some', psychosocial: 'high' },
            referrals: [
              { referralId, referredOn: '2024-07-06', service: 'counselling', outcome: 'completed', outcomeRecordedOn: '2024-09-30' },
            ],
          },
        },
      ],
    });
    // The worker's record lists incidents without their case notes.
    expect(JSON.stringify(done.body)).not.toContain('Passport withheld');

    const messages = await readTopic(
      h.runtime.topic,
      (m) => ({ key: m.key, event: decodeRegistrationEvent(m.value!), raw: m.value! }),
      (read) => read.filter((r) => r.key === id).length >= 11,
    );
    const mine = messages.filter((m) => m.key === id);
    expect(mine.map((m) => m.event.event.case)).toEqual([
      'workerRegistered',
      'preDepartureOrientationCompleted',
      'departureRecorded',
      'arrivalRecorded',
      'employmentChanged',
      'skillsAcquired',
      'welfareIncidentRecorded',
      'returnRecorded',
      'reintegrationNeedsAssessed',
      'reintegrationReferralMade',
      'reintegrationOutcomeRecorded',
    ]);
    // Events of the stay abroad carry the destination in their jurisdiction, for the mission's read model.
    expect(mine.slice(3, 9).map((m) => m.event.envelope!.jurisdiction!.destinationCountry)).toEqual(['SA', 'SA', 'SA', 'SA', 'SA', 'SA']);
    expect(mine[3]!.event.envelope!.actor).toMatchObject({ organisationId: 'ph-embassy-riyadh' });
    // Case notes travel sealed, never in the clear, on Kafka and in the event store.
    expect(mine[6]!.raw.toString('latin1')).not.toContain('Passport withheld');
    const stored = await h.db.pool.query<{ data: string }>(
      "SELECT data::text AS data FROM events WHERE event_type = 'WelfareIncidentRecorded'",
    );
    expect(stored.rows.map((r) => r.data).join()).not.toContain('Passport withheld');

    // Reading the case notes is possible, and recorded.
    const incidentId = incident.body!.cycles[0].incidents[0].incidentId as string;
    const read = await h.call('GET', `/workers/${id}/incidents/${incidentId}`, undefined, h.tokens.missionSA);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      workerId: id,
      cycleNumber: 1,
      kind: 'abuse',
      caseNotes: 'Passport withheld by employer; bruising reported.',
    });
    const audit = await h.db.pool.query(
      'SELECT organisation_id, organisation_kind, record_type, record_id FROM sensitive_reads WHERE worker_id = $1',
      [id],
    );
    expect(audit.rows).toEqual([
      { organisation_id: 'ph-embassy-riyadh', organisation_kind: 'mission', record_type: 'welfare-incident', record_id: incidentId },
    ]);

    const statistics = await h.call('GET', `/workers/${id}/incidents/${incidentId}`, undefined, h.tokens.statistics);
    expect(statistics.status).toBe(403);
    expect(await h.db.pool.query('SELECT 1 FROM sensitive_reads WHERE worker_id = $1', [id]).then((r) => r.rowCount)).toBe(1);
  });

  it('opens a new cycle on re-migration', async () => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);
    await post(`/workers/${id}/returns`, homecoming);
    const again = await post(`/workers/${id}/departures`, {
      ...departure,
      destinationCountry: 'QA',
      departedOn: '2024-09-01',
      contractStart: '2024-09-02',
      contractEnd: '2026-09-01',
    });
    expect(again.body!.cycles.map((c: { number: number; destinationCountry: string }) => [c.number, c.destinationCountry])).toEqual([
      [1, 'SA'],
      [2, 'QA'],
    ]);
  });

  it('keeps missions to the stay abroad in their own country', async () => {
    const id = await registered();
    await post(`/workers/${id}/departures`, { ...departure, destinationCountry: 'AE' });
    const before = await h.counts();
    for (const [path, body] of [
      [`/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'AE' }],
      [`/workers/${id}/incidents`, { occurredOn: '2023-03-01', kind: 'accident', fundAssistanceRequested: false }],
    ] as const) {
      expect((await h.call('POST', path, body, h.tokens.missionSA)).status).toBe(403);
    }
    expect((await h.call('POST', `/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'AE' }, h.tokens.missionAE)).status).toBe(
      201,
    );
    await post(`/workers/${id}/returns`, { ...homecoming, fromCountry: 'AE' });
    expect(
      (
        await h.call(
          'POST',
          `/workers/${id}/reintegration/referrals`,
          { referredOn: '2024-07-06', service: 'legal_aid' },
          h.tokens.missionAE,
        )
      ).status,
    ).toBe(403);
    expect((await h.counts()).events).toBe(before.events + 2);
  });

  it('corrects registered details with an event that names what it corrects, and the projection follows', async () => {
    const id = await registered();
    const corrected = await post(`/workers/${id}/corrections`, {
      correctsVersion: 1,
      sex: 'M',
      originArea: 'PH-07',
      personalData: { ...aWorker().personalData, familyName: 'Santos-Reyes' },
    });
    expect(corrected.body).toMatchObject({ sex: 'M', originArea: 'PH-07', personalData: { familyName: 'Santos-Reyes' }, version: 2 });
    const stored = await h.db.pool.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM events WHERE stream_id = $1 AND event_type = 'WorkerDetailsCorrected'",
      [`worker-${id}`],
    );
    expect(stored.rows[0]!.data).toMatchObject({ correctsVersion: 1, sex: 'M', originArea: 'PH-07' });
    expect(JSON.stringify(stored.rows[0]!.data)).not.toContain('Santos-Reyes');
    await eventually(
      () => h.call('GET', '/workers?status=at_home&limit=500'),
      (r) =>
        (r.body!.items as { workerId: string; sex: string; originArea: string }[]).some(
          (i) => i.workerId === id && i.sex === 'M' && i.originArea === 'PH-07',
        ),
    );
  });

  it.each([
    ['an arrival before the departure', '/arrivals', { arrivedOn: '2023-01-01', country: 'SA' }, 'arrivedOn', 'arrival-before-departure'],
    ['an arrival in another country', '/arrivals', { arrivedOn: '2023-02-02', country: 'QA' }, 'country', 'arrival-outside-cycle-country'],
    [
      'a new employer without a name',
      '/employment-changes',
      { changedOn: '2023-08-01', change: 'new_employer' },
      'employerName',
      'change-detail-missing',
    ],
    [
      'reintegration while abroad',
      '/reintegration/referrals',
      { referredOn: '2023-08-01', service: 'employment' },
      'referredOn',
      'not-returned',
    ],
    [
      'an orientation while abroad',
      '/orientations',
      { completedOn: '2023-03-01', topics: ['rights'], provider: 'X' },
      'completedOn',
      'orientation-while-abroad',
    ],
    [
      'a correction of an event that does not exist',
      '/corrections',
      { correctsVersion: 9, sex: 'M' },
      'correctsVersion',
      'correction-version-unknown',
    ],
  ])('refuses %s with 422 naming the field and the rule, writing nothing', async (_name, path, body, field, rule) => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);
    const before = await h.counts();
    const refused = await h.call('POST', `/workers/${id}${path}`, body);
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect((refused.body!.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(refused.body).toMatchObject({ code: `registration.${rule}`, errors: [{ field, code: `registration.${rule}` }] });
    expect(await h.counts()).toEqual(before);
  });

  it.each([
    [
      'an incident of an unknown kind',
      '/incidents',
      { occurredOn: '2023-03-01', kind: 'bad luck', fundAssistanceRequested: false },
      'kind',
    ],
    ['skills without a list', '/skills', { recordedOn: '2023-03-01' }, 'skills'],
    [
      'an ESCO URI from elsewhere',
      '/skills',
      { recordedOn: '2023-03-01', skills: [{ kind: 'technology', title: 'x', escoUri: 'http://example.org/x' }] },
      'skills.0.escoUri',
    ],
    ['a correction that corrects nothing', '/corrections', { correctsVersion: 1 }, ''],
  ])('refuses %s with 400 naming the field', async (_name, path, body, field) => {
    const id = await registered();
    await post(`/workers/${id}/departures`, departure);
    const refused = await h.call('POST', `/workers/${id}${path}`, body);
    expect(refused.status).toBe(400);
    expect((refused.body!.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });
});
