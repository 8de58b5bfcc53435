// Generated histories written through the real registration service (PostgreSQL, Kafka, HTTP on a real
// socket), then read back: every call accepted, every worker where the generator says it ends.
import { eventually } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { generateHistories, type ExpectedCycle, type WorkerHistory } from '../src/history.generator';
import { writeThroughApi } from '../src/api.writer';
import { expectedAfterImport, writeThroughImport } from '../src/import.writer';

const TODAY = new Date().toISOString().slice(0, 10);

/** The API's cycle in the shape of the generator's expectation. */
function asExpected(cycle: Record<string, any>): ExpectedCycle {
  const referrals = cycle.reintegration.referrals as { outcome?: string }[];
  return {
    number: cycle.number,
    withoutRecordedDeparture: cycle.withoutRecordedDeparture,
    ...(cycle.destinationCountry ? { destinationCountry: cycle.destinationCountry, departedOn: cycle.departedOn } : {}),
    ...(cycle.arrivedOn ? { arrivedOn: cycle.arrivedOn } : {}),
    employmentChanges: cycle.employmentChanges.length,
    skills: cycle.skills.length,
    incidents: cycle.incidents.length,
    ...(cycle.returnedOn
      ? { returnedOn: cycle.returnedOn, fromCountry: cycle.fromCountry, assistance: cycle.assistance, reason: cycle.reason }
      : {}),
    needsAssessed: cycle.reintegration.needs !== undefined,
    referrals: referrals.length,
    outcomes: referrals.filter((r) => r.outcome).length,
  };
}

describe('demo data written to the registration service', () => {
  let h: RegistrationHarness;
  let baseUrl: string;

  beforeAll(async () => {
    h = await startHarness('demo_data');
    await h.runtime.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await h.runtime.app.getUrl();
  });
  afterAll(() => h?.stop());

  describe('through the API, 40 Philippine workers with the Riyadh and Abu Dhabi missions recording for their countries', () => {
    const histories: WorkerHistory[] = [...generateHistories({ country: 'PH', seed: 5, today: TODAY }, 40)];
    const steps = histories.reduce((n, w) => n + w.steps.length, 0);
    let workerIds: string[];

    it('writes every call, and each worker ends as the generator expects', async () => {
      const progress: number[] = [];
      const report = await writeThroughApi(histories, {
        baseUrl,
        agencyToken: h.tokens.agency,
        missionTokens: { SA: h.tokens.missionSA, AE: h.tokens.missionAE },
        concurrency: 16,
        onProgress: (p) => progress.push(p.workersDone),
      });
      expect(report.results.filter((r) => r.failure)).toEqual([]);
      expect(report).toMatchObject({ workers: 40, failed: 0, calls: steps });
      expect(progress.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      workerIds = report.results.map((r) => r.workerId!);
      expect(new Set(workerIds).size).toBe(40);

      let flagged = 0;
      for (const [i, history] of histories.entries()) {
        const { status, body } = await h.call('GET', `/workers/${workerIds[i]}`);
        expect(status).toBe(200);
        expect({ status: body!.status, cycles: (body!.cycles as Record<string, any>[]).map(asExpected) }).toEqual(history.expected);
        expect(body!.sex).toBe(history.sex);
        // One event per call, and one more where registration flagged a possible duplicate.
        const duplicate = (body!.possibleDuplicates as unknown[]).length > 0 ? 1 : 0;
        flagged += duplicate;
        expect(body!.version).toBe(history.steps.length + duplicate);
      }
      expect((await h.counts()).events).toBe(steps + flagged);
    });

    it('records through the missions what they record, where they serve', async () => {
      const byMissions = histories.flatMap((w) =>
        w.steps.filter((s) => s.actor.kind === 'mission' && (s.actor.country === 'SA' || s.actor.country === 'AE')),
      );
      expect(byMissions.length).toBeGreaterThan(0);
      const { rows } = await h.db.pool.query<{ org: string; n: number }>(
        `SELECT metadata->'actor'->>'organisationId' AS org, count(*)::int AS n FROM events GROUP BY 1 ORDER BY 1`,
      );
      const counted = Object.fromEntries(rows.map((r) => [r.org, r.n]));
      expect((counted['ph-embassy-riyadh'] ?? 0) + (counted['ph-embassy-abu-dhabi'] ?? 0)).toBe(byMissions.length);
    });

    it('lists the workers by the status the generator expects, once the read model caught up', async () => {
      const expected = histories.map((w) => w.expected.status).sort();
      const listed = await eventually(
        async () =>
          ((await h.call('GET', '/workers?limit=500')).body!.items as { workerId: string; status: string }[]).filter((w) =>
            workerIds.includes(w.workerId),
          ),
        (items) => items.length === 40 && JSON.stringify(items.map((w) => w.status).sort()) === JSON.stringify(expected),
      );
      expect(listed).toHaveLength(40);
    });

    it('changes nothing when written again: the Idempotency-Keys replay the first answers', async () => {
      const before = await h.counts();
      const again = await writeThroughApi(histories, {
        baseUrl,
        agencyToken: h.tokens.agency,
        missionTokens: { SA: h.tokens.missionSA, AE: h.tokens.missionAE },
      });
      expect(again.failed).toBe(0);
      expect(again.results.map((r) => r.workerId)).toEqual(workerIds);
      expect((await h.counts()).events).toBe(before.events);
    });
  });

  describe('through the bulk import, 300 Nepali workers', () => {
    const histories = [...generateHistories({ country: 'NP', seed: 9, today: TODAY }, 300)];

    it('imports each record once, with its last cycle, and skips them all when sent again', async () => {
      const before = await h.counts();
      const first = await writeThroughImport(histories, { baseUrl, token: h.tokens.agency, source: 'demo-np-e2e', batchSize: 120 });
      expect(first.failed).toEqual([]);
      expect(first).toMatchObject({ received: 300, imported: 300, alreadyImported: 0, requests: 3 });
      const events = histories.reduce((n, w) => {
        const [cycle] = expectedAfterImport(w).cycles;
        return n + 1 + (cycle?.departedOn ? 1 : 0) + (cycle?.returnedOn ? 1 : 0);
      }, 0);
      expect((await h.counts()).events - before.events).toBe(events + first.flaggedAsPossibleDuplicates);

      const again = await writeThroughImport(histories, { baseUrl, token: h.tokens.agency, source: 'demo-np-e2e', batchSize: 120 });
      expect(again).toMatchObject({ received: 300, imported: 0, alreadyImported: 300, failed: [] });
    });
  });
});
