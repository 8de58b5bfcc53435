import { eventually } from '@homeward/testing/infrastructure';
import { PH_OWWA } from '../src/policies';
import { PRINCIPALS, startFundHarness, type FundHarness, type PrincipalName } from './fund.harness';
import { allocate, coveredWorker, deathClaim, documentedClaim, php, publishRegistration } from './fund.story';

// Every principal × every operation on a claim of a worker deployed to Saudi Arabia: the two fund officers,
// the mission in Saudi Arabia (the claim's country), the mission in the UAE, a statistics office, an employer.
// Missions file and read their own country's claims, never case notes; the others are refused everything.

type Operation =
  'read-claim' | 'list-claims' | 'file-claim' | 'add-case-notes' | 'read-case-notes' | 'assess' | 'trial-balance' | 'publish-policy';
const OPERATIONS: readonly Operation[] = [
  'read-claim',
  'list-claims',
  'file-claim',
  'add-case-notes',
  'read-case-notes',
  'assess',
  'trial-balance',
  'publish-policy',
];

const officer = {
  'read-claim': 200,
  'list-claims': 200,
  'file-claim': 201,
  'add-case-notes': 200,
  'read-case-notes': 200,
  assess: 200,
  'trial-balance': 200,
  'publish-policy': 422,
};
const EXPECTED: Record<PrincipalName, Record<Operation, number>> = {
  officerA: officer,
  officerB: officer,
  missionSA: {
    'read-claim': 200,
    'list-claims': 200,
    'file-claim': 201,
    'add-case-notes': 200,
    'read-case-notes': 403,
    assess: 403,
    'trial-balance': 403,
    'publish-policy': 403,
  },
  missionAE: {
    'read-claim': 404,
    'list-claims': 200,
    'file-claim': 403,
    'add-case-notes': 404,
    'read-case-notes': 403,
    assess: 403,
    'trial-balance': 403,
    'publish-policy': 403,
  },
  statistics: {
    'read-claim': 403,
    'list-claims': 403,
    'file-claim': 403,
    'add-case-notes': 403,
    'read-case-notes': 403,
    assess: 403,
    'trial-balance': 403,
    'publish-policy': 403,
  },
  employer: {
    'read-claim': 403,
    'list-claims': 403,
    'file-claim': 403,
    'add-case-notes': 403,
    'read-case-notes': 403,
    assess: 403,
    'trial-balance': 403,
    'publish-policy': 403,
  },
};

describe('who may do what in the emergency fund', () => {
  let h: FundHarness;
  let workerId: string;
  let claimId: string;
  beforeAll(async () => {
    h = await startFundHarness('fund-access');
    await allocate(h, 'PH-OWWA', php(500_000));
    workerId = await coveredWorker(h);
    claimId = await documentedClaim(h, deathClaim(workerId, { caseNotes: 'Beaten by the employer’s son; shelter in Riyadh.' }));
  }, 90_000);
  afterAll(() => h?.stop());

  const perform = (op: Operation, token: string) => {
    switch (op) {
      case 'read-claim':
        return h.call('GET', `/claims/${claimId}`, undefined, token);
      case 'list-claims':
        return h.call('GET', '/claims', undefined, token);
      case 'file-claim':
        return h.call('POST', '/claims', deathClaim(workerId), token);
      case 'add-case-notes':
        return h.call('POST', `/claims/${claimId}/case-notes`, { notes: 'called the family' }, token);
      case 'read-case-notes':
        return h.call('GET', `/claims/${claimId}/case-notes`, undefined, token);
      case 'assess':
        return h.call('POST', `/claims/${claimId}/assess`, {}, token);
      case 'trial-balance':
        return h.call('GET', '/ledger/trial-balance', undefined, token);
      case 'publish-policy':
        // A version effective before the one in force: refused by the rules (422) once access is granted.
        return h.call('POST', '/policies', { ...PH_OWWA, effectiveFrom: '2000-01-01' }, token);
    }
  };

  const combinations = PRINCIPALS.flatMap((p) => OPERATIONS.map((op) => [p, op, EXPECTED[p][op]] as const));
  it.each(combinations)('%s → %s: %i', async (principal, op, status) => {
    const r = await perform(op, h.tokens[principal]);
    expect(r.status).toBe(status);
    if (op === 'list-claims' && status === 200) {
      const ids = r.body!.items.map((c: { claimId: string }) => c.claimId);
      if (principal === 'missionAE') expect(ids).not.toContain(claimId);
      else expect(ids).toContain(claimId);
    }
    if (op === 'read-claim' && status === 200) {
      expect(r.text).not.toContain('Beaten');
      if (principal.startsWith('mission')) expect(r.body!.caseNoteCount).toBeUndefined();
    }
  });

  it('audits every read of case notes, and shreds them when registration erases the worker', async () => {
    const before = await h.db.pool.query(`SELECT count(*)::int AS n FROM case_note_reads WHERE claim_id = $1`, [claimId]);
    const read = await h.call('GET', `/claims/${claimId}/case-notes`, undefined, h.tokens.officerB);
    expect(read.status).toBe(200);
    expect(read.body!.notes[0].text).toBe('Beaten by the employer’s son; shelter in Riyadh.');
    const after = await h.db.pool.query(`SELECT read_by_subject, erased FROM case_note_reads WHERE claim_id = $1 ORDER BY read_id DESC`, [
      claimId,
    ]);
    expect(after.rows.length).toBe(before.rows[0].n + 1);
    expect(after.rows[0]).toEqual({ read_by_subject: 'officer-b', erased: false });
    // The event store holds the notes sealed only.
    const stored = await h.db.pool.query(`SELECT data::text AS data FROM events WHERE stream_id = $1`, [`claim-${claimId}`]);
    expect(stored.rows.map((r) => r.data).join()).not.toContain('Beaten');

    await publishRegistration(h.config.TOPIC_NAMESPACE, workerId, [
      { on: '2026-12-01', event: { case: 'personalDataErased', value: { workerId, erasedOn: '2026-12-01', basis: 1 } } },
    ]);
    const erased = await eventually(
      () => h.call('GET', `/claims/${claimId}/case-notes`, undefined, h.tokens.officerA),
      (r) => r.body?.erased === true,
      120_000,
    );
    expect(erased.body!.notes.every((n: { text?: string }) => n.text === undefined)).toBe(true);
    const member = await h.db.pool.query(`SELECT event_type AS type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [
      `member-${workerId}`,
    ]);
    expect(member.rows.map((r) => r.type)).toContain('PersonalDataErased');
    // The claim and the ledger stay, under the pseudonymous id.
    expect((await h.call('GET', `/claims/${claimId}`)).status).toBe(200);

    // Nothing more can be written about them: a clear refusal (it was a 500), and nothing stored.
    const events = async () => (await h.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`)).rows[0]!.n;
    const eventsBefore = await events();
    const notes = await h.call('POST', `/claims/${claimId}/case-notes`, { notes: 'called the family again' }, h.tokens.officerA);
    expect(notes.status).toBe(409);
    expect(notes.body).toMatchObject({
      code: 'fund.worker-erased',
      errors: [expect.objectContaining({ pointer: '/notes', code: 'fund.worker-erased' })],
    });
    const filed = await h.call('POST', '/claims', deathClaim(workerId, { caseNotes: 'the family called' }), h.tokens.officerA);
    expect(filed.status).toBe(409);
    expect(filed.body).toMatchObject({ code: 'fund.worker-erased', errors: [expect.objectContaining({ pointer: '/caseNotes' })] });
    expect(await events()).toBe(eventsBefore);
  }, 180_000);
});
