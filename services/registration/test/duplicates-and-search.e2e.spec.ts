import { departure, startHarness, type RegistrationHarness } from './registration.harness';

// Possible duplicates at registration, an officer's decision, and search, on the real PostgreSQL (pg_trgm).

const person = (
  givenName: string,
  familyName: string,
  dateOfBirth: string,
  documents: { nationalId?: string; passportNumber?: string } = {},
) => ({
  personalData: { givenName, familyName, dateOfBirth, ...documents },
  sex: 'F',
  originArea: 'PH-03',
  languages: ['tl'],
});

describe('duplicates and search', () => {
  let h: RegistrationHarness;
  beforeAll(async () => {
    h = await startHarness('duplicates');
  });
  afterAll(() => h?.stop());

  async function register(body: unknown) {
    const response = await h.call('POST', '/workers', body);
    expect(response.status).toBe(201);
    return response.body!;
  }

  it('flags a registration that resembles a registered person, tolerating accents, case and spacing, and still registers', async () => {
    const first = await register(person('Rosario', 'Dela Cruz', '1985-03-14'));
    const second = await register(person('ROSARIO', 'dela  Crúz', '1985-03-14'));
    expect(second.possibleDuplicates).toEqual([{ workerId: first.workerId, score: expect.any(Number) }]);
    expect(second.possibleDuplicates[0].score).toBeGreaterThan(0.8);
    expect(second.version).toBe(2);
    const events = await h.db.pool.query('SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version', [
      `worker-${second.workerId}`,
    ]);
    expect(events.rows.map((r) => r.event_type)).toEqual(['WorkerRegistered', 'PossibleDuplicateFlagged']);
    // Another person with the same name but another birth date is not flagged.
    expect((await register(person('Rosario', 'Dela Cruz', '1991-07-01'))).possibleDuplicates).toEqual([]);
  });

  it('flags the same national id whatever the name and formatting, with full score', async () => {
    const first = await register(person('Lakshmi', 'Gurung', '1979-01-02', { nationalId: 'NP-77-001' }));
    const second = await register(person('Laxmi', 'Gurung Tamang', '1980-02-03', { nationalId: 'np 77 001' }));
    expect(second.possibleDuplicates).toEqual([{ workerId: first.workerId, score: 1 }]);
  });

  it('catches two registrations of one person made at the same moment', async () => {
    const [a, b] = await Promise.all([
      register(person('Siti', 'Rahmawati', '1992-12-12')),
      register(person('Siti', 'Rahmawati', '1992-12-12')),
    ]);
    const flagged = [a, b].filter((w) => w.possibleDuplicates.length > 0);
    expect(flagged).toHaveLength(1);
  });

  it('finds people by a misspelt name, by national id and by passport, for agencies only', async () => {
    const w = await register(person('Nirmala', 'Perera', '1988-08-08', { nationalId: 'LK-880808', passportNumber: 'N1234567' }));
    const byName = await h.call('GET', '/workers/search?name=Nirmla%20Pereira');
    expect(byName.status).toBe(200);
    expect(byName.body!.items[0]).toMatchObject({ workerId: w.workerId });
    const byId = await h.call('GET', '/workers/search?nationalId=lk%20880808');
    expect(byId.body!.items).toEqual([{ workerId: w.workerId, score: 1 }]);
    const byPassport = await h.call('GET', '/workers/search?passportNumber=n1234567&dateOfBirth=1988-08-08');
    expect(byPassport.body!.items).toEqual([{ workerId: w.workerId, score: 1 }]);
    expect((await h.call('GET', '/workers/search?name=Nirmala', undefined, h.tokens.missionSA)).status).toBe(403);
    expect((await h.call('GET', '/workers/search?name=Nirmala', undefined, h.tokens.statistics)).status).toBe(403);
    const nothing = await h.call('GET', '/workers/search');
    expect(nothing.status).toBe(400);
  });

  it('records an officer’s decision: merged into the other record, which carries on; this one takes no more changes', async () => {
    const first = await register(person('Ana', 'Reyes', '1983-05-05'));
    const second = await register(person('Anna', 'Reyes', '1983-05-05'));
    expect(second.possibleDuplicates.map((c: { workerId: string }) => c.workerId)).toEqual([first.workerId]);
    const decided = await h.call('POST', `/workers/${second.workerId}/duplicate-decisions`, {
      candidateId: first.workerId,
      samePerson: true,
    });
    expect(decided.status).toBe(201);
    expect(decided.body).toMatchObject({ mergedInto: first.workerId, possibleDuplicates: [] });
    const refused = await h.call('POST', `/workers/${second.workerId}/departures`, departure);
    expect(refused.status).toBe(422);
    expect(refused.body!.errors).toEqual([expect.objectContaining({ field: 'workerId' })]);
    expect(refused.body!.code).toBe('registration.worker-merged');
    expect((await h.call('POST', `/workers/${first.workerId}/departures`, departure)).status).toBe(201);
    const found = await h.call('GET', '/workers/search?name=Anna%20Reyes&dateOfBirth=1983-05-05');
    expect(found.body!.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ workerId: second.workerId, mergedInto: first.workerId })]),
    );
    // A decision on someone never flagged is refused.
    const stray = await h.call('POST', `/workers/${first.workerId}/duplicate-decisions`, {
      candidateId: second.workerId,
      samePerson: false,
    });
    expect(stray.status).toBe(422);
    expect(stray.body).toMatchObject({ code: 'registration.duplicate-not-flagged', errors: [{ field: 'candidateId' }] });
  });

  it('forgets the person on erasure: nothing of them stays searchable', async () => {
    const w = await register(person('Kamala', 'Shrestha', '1975-11-30', { nationalId: 'NP-751130' }));
    expect((await h.call('GET', '/workers/search?nationalId=NP-751130')).body!.items).toHaveLength(1);
    expect((await h.call('POST', `/workers/${w.workerId}/erasure`, { basis: 'subject_request' })).status).toBe(200);
    expect((await h.call('GET', '/workers/search?nationalId=NP-751130')).body!.items).toEqual([]);
    const rows = await h.db.pool.query('SELECT 1 FROM person_index WHERE worker_id = $1', [w.workerId]);
    expect(rows.rowCount).toBe(0);
  });
});
