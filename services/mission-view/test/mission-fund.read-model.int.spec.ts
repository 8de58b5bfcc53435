import { eventsTopic } from '@homeward/contracts';
import { BenefitType, FiledBy, IncidentKind } from '@homeward/contracts/fund/v1';
import type { IncomingMessage } from '@homeward/messaging/consumer';
import { buildSchema, projectEvents } from '@homeward/projections';
import { claimStream, type FundMessage } from '@homeward/testing/fund-events';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { missionViewProjection } from '../src/projection/mission.read-model';

// Given the fund topic's messages (protobuf of the generated contract, decoded by the view's own source),
// then these rows — for every mission × claim country of a generated set, on the real PostgreSQL through the
// machinery's chunk handling: a mission holds exactly its country's claims, and nothing of a claim is ever
// stored that is not its own (no case notes: the table has no column for them, the source never reads them).

const MISSIONS = ['SA', 'AE', 'QA', 'KW', 'HK', 'MY'];
const W = '01930000-0000-7000-8000-0000000000d1';

const SEALED = { keyId: 'k', nonce: new Uint8Array([1]), ciphertext: new TextEncoder().encode('SECRET-NOTE') };

/** One claim's path in `country`: filed with case notes, approved by two officers, paid (in SA also reconciled). */
function claimIn(country: string): FundMessage[] {
  const claimId = `claim-in-${country}`;
  const s = claimStream(claimId, country);
  const php = { currency: 'PHP', amountMinor: 5_000_000n };
  return [
    s.event('2026-02-02', {
      case: 'claimFiled',
      value: {
        claimId,
        workerId: W,
        fundId: 'PH-OWWA',
        filedBy: FiledBy.MISSION,
        benefitType: BenefitType.REPATRIATION,
        incidentKind: IncidentKind.STRANDING,
        incidentOn: '2026-02-01',
        destinationCountry: country,
        cycleNumber: 1,
        documentsRequired: ['passport-copy'],
        filedOn: '2026-02-02',
        caseNotes: SEALED,
      },
    }),
    s.event('2026-02-03', {
      case: 'caseNotesAdded',
      value: { claimId, workerId: W, notes: SEALED, addedOn: '2026-02-03', addedBy: 'officer-1' },
    }),
    s.event('2026-02-04', {
      case: 'eligibilityAssessed',
      value: { claimId, fundId: 'PH-OWWA', policyVersion: 2, assessedOn: '2026-02-04', eligible: true, decisionNumber: 1 },
    }),
    s.event('2026-02-05', {
      case: 'claimApproved',
      value: { claimId, officerId: 'officer-1', level: 1, amount: php, approvedOn: '2026-02-05', decisionNumber: 1 },
    }),
    s.event('2026-02-06', {
      case: 'claimApproved',
      value: { claimId, officerId: 'officer-2', level: 2, amount: php, final: true, approvedOn: '2026-02-06', decisionNumber: 1 },
    }),
    s.event('2026-02-07', {
      case: 'disbursementMade',
      value: { claimId, transferId: 't2', pendingTransferId: 't1', amount: php, provider: 'local', disbursedOn: '2026-02-07' },
    }),
    // Saudi Arabia's payment is also matched with the provider's statement: reconciled, as the fund says it.
    ...(country === 'SA'
      ? [
          s.event('2026-02-09', {
            case: 'paymentReconciled' as const,
            value: { claimId, provider: 'local', providerReference: 'L-1', amount: php, statementId: 'S1', reconciledOn: '2026-02-09' },
          }),
        ]
      : []),
  ];
}

describe("each mission's view, given the claims of every country", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('mission_fund_rows');
  });
  afterAll(() => db.drop());

  const claims = MISSIONS.flatMap(claimIn);

  it.each(MISSIONS)('the mission in %s holds its own country’s claim of the six, and nothing of the others', async (mission) => {
    const definition = missionViewProjection(mission, '');
    const fund = definition.sources.find((s) => s.topic === eventsTopic('fund'))!;
    const decoded = claims.map((m, i) => {
      const message: IncomingMessage = {
        topic: fund.topic,
        partition: 0,
        offset: String(i),
        key: m.key,
        value: Buffer.from(m.value),
        headers: {},
        eventId: m.event.envelope!.eventId,
      };
      const event = fund.decode(message);
      return { event, meta: fund.meta(event), erasedSubject: fund.erasedSubject(event) };
    });
    const schema = `mission_fund_${mission.toLowerCase()}`;
    const client = await db.pool.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      for (const ddl of buildSchema(definition)) await client.query(ddl);
      await client.query('BEGIN');
      await projectEvents(definition, decoded, client);
      await client.query('COMMIT');
      const { rows } = await client.query(
        `SELECT claim_id, status, policy_version, approved_minor::int, paid_minor::int, paid_currency FROM fund_claims ORDER BY claim_id`,
      );
      expect(rows).toEqual([
        {
          claim_id: `claim-in-${mission}`,
          status: mission === 'SA' ? 'reconciled' : 'disbursed',
          policy_version: 2,
          approved_minor: 5_000_000,
          paid_minor: 5_000_000,
          paid_currency: 'PHP',
        },
      ]);
      // Nothing anywhere in the mission's tables mentions another country's claim or any case note.
      const { rows: dump } = await client.query(
        `SELECT string_agg(t::text, ' ') AS everything FROM (SELECT row_to_json(c)::text FROM fund_claims c) t`,
      );
      const everything = String(dump[0].everything);
      for (const other of MISSIONS.filter((m) => m !== mission)) expect(everything).not.toContain(`claim-in-${other}`);
      expect(everything).not.toContain('SECRET');
      const { rows: columns } = await client.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'fund_claims'`,
        [schema],
      );
      expect(columns.map((c: { column_name: string }) => c.column_name).filter((c: string) => /note|ground/.test(c))).toEqual([]);
    } finally {
      await client.query('RESET search_path');
      client.release();
    }
  });
});
