import { randomUUID } from 'node:crypto';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { buildSituations, cycleDates, type Built } from '@homeward/registration/test/jurisdiction-fixture';
import {
  CALLERS,
  SITUATIONS,
  describeCaller,
  verdict,
  type Caller,
  type SituationName,
} from '@homeward/registration/test/jurisdiction-oracle';
import { namespaceOf, startMissionViewHarness, type MissionViewHarness } from './mission-view.harness';

// The jurisdiction matrix of the mission views: the registration service and the views of SA and AE on
// the real Kafka and PostgreSQL, fed the fixture workers of registration's matrix (one per situation).
// Every caller (kind × country × scope set) asks every operation of the view's OpenAPI document; the
// answer must be what the rules allow — only the mission of the view's country, with workers:read — and
// show exactly that country's stays and incidents; and the view must hold nothing else.

type Code = 'access.kind-not-allowed' | 'access.scope-required' | 'access.outside-jurisdiction';

/** The view's rule, stated again: the mission of its country with workers:read; builds also need projections:admin. */
function viewRefusal(caller: Caller, country: string, admin: boolean): Code | undefined {
  if (caller.kind !== 'mission') return 'access.kind-not-allowed';
  if (!caller.scopes.includes('workers:read') || admin) return 'access.scope-required'; // no caller of the matrix holds projections:admin
  return caller.country === country ? undefined : 'access.outside-jurisdiction';
}

interface Probe {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly admin?: boolean;
  /** What a 200 must hold, as sorted keys ("worker/cycle", or incident ids); undefined: not compared. */
  readonly expected?: readonly string[];
  readonly shown?: (body: any) => string[];
  readonly status200?: number;
}

const VIEWS = ['SA', 'AE'] as const;

describe('jurisdiction over HTTP: the mission views of SA and AE, every caller × operation × worker', () => {
  let registry: RegistrationHarness;
  const views = new Map<string, MissionViewHarness>();
  const tokens = new Map<Caller, string>();
  let fixture: Map<SituationName, Built>;

  beforeAll(async () => {
    registry = await startHarness('mission_view_matrix', { logLevel: 'error' });
    const issuer = await testIssuer();
    const ns = namespaceOf(registry.runtime.topic);
    for (const country of VIEWS) views.set(country, await startMissionViewHarness(country, ns, issuer, { logLevel: 'error' }));
    for (const caller of CALLERS) {
      const organisationId = `${caller.kind}-${caller.country ?? 'home'}-${caller.scopes.length}`;
      tokens.set(
        caller,
        await issuer.token({
          organisationId,
          kind: caller.kind,
          scopes: caller.scopes,
          ...(caller.country ? { country: caller.country } : {}),
        }),
      );
    }
    fixture = await buildSituations(registry, SITUATIONS);
    await registry.published();
    // Each view has applied every message on the topic: what it holds now is all it will hold.
    for (const view of views.values()) {
      await eventually(
        () => view.runtime.host.status(),
        (s) => s.serving?.lag === 0,
      );
    }
  }, 120_000);
  afterAll(async () => {
    for (const view of views.values()) await view.stop();
    await registry?.stop();
  });

  const registered = () => [...fixture.values()].filter((w) => w.model.registered);
  /** The cycles (0-based) of a worker in `country`: those the rules show its mission. */
  const cyclesIn = (worker: Built, country: 'SA' | 'AE'): number[] => {
    const shown = verdict({ kind: 'mission', country, scopes: ['workers:read'] }, { id: 'getWorker' }, worker.model);
    return shown.allowed && worker.model.registered ? [...shown.cycles] : [];
  };
  const isOpen = (worker: Built, i: number) => worker.model.cycles[i]!.from === undefined;
  const stayKeys = (country: 'SA' | 'AE', keep: (worker: Built, i: number) => boolean) =>
    registered()
      .flatMap((w) =>
        cyclesIn(w, country)
          .filter((i) => keep(w, i))
          .map((i) => `${w.workerId}/${i + 1}`),
      )
      .sort();
  const incidentIds = (country: 'SA' | 'AE', keep: (worker: Built, i: number) => boolean) =>
    registered()
      .flatMap((w) =>
        cyclesIn(w, country)
          .filter((i) => w.incidents[i] && keep(w, i))
          .map((i) => w.incidents[i]!.id),
      )
      .sort();
  const stays = (body: any): string[] =>
    (body.items as { workerId: string; cycleNumber: number }[]).map((s) => `${s.workerId}/${s.cycleNumber}`).sort();
  const within = (day: string, from: string, to: string) => day >= from && day <= to;

  function probes(country: 'SA' | 'AE'): Probe[] {
    const windows = ['2017-06-01', '2019-06-01'];
    const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    return [
      {
        operationId: 'listPresentWorkers',
        method: 'GET',
        url: '/workers/present?limit=1000',
        expected: stayKeys(country, isOpen),
        shown: stays,
      },
      ...windows.map((asOf): Probe => ({
        operationId: 'listEndingContracts',
        method: 'GET',
        url: `/contracts/ending?asOf=${asOf}&withinDays=366&limit=1000`,
        expected: stayKeys(country, (w, i) => isOpen(w, i) && within(cycleDates(i).contractEnd, asOf, addDays(asOf, 366))),
        shown: stays,
      })),
      ...windows.map((asOf): Probe => ({
        operationId: 'listRecentReturns',
        method: 'GET',
        url: `/returns/recent?asOf=${asOf}&days=366&limit=1000`,
        expected: stayKeys(country, (w, i) => !isOpen(w, i) && within(cycleDates(i).returnedOn, addDays(asOf, -366), asOf)),
        shown: stays,
      })),
      {
        operationId: 'listOpenIncidents',
        method: 'GET',
        url: '/incidents/open?limit=1000',
        expected: incidentIds(country, isOpen),
        shown: (body) => (body.items as { incidentId: string }[]).map((i) => i.incidentId).sort(),
      },
      // No fund event in this fixture: the claims list obeys the same access rules and holds nothing
      // (mission-fund.read-model.int.spec.ts checks every mission × claim country).
      {
        operationId: 'listClaims',
        method: 'GET',
        url: '/claims?limit=1000',
        expected: [],
        shown: (body) => (body.items as { claimId: string }[]).map((c) => c.claimId).sort(),
      },
      ...[...fixture.values()].map((worker): Probe => {
        const cycles = cyclesIn(worker, country);
        return {
          operationId: 'getWorker',
          method: 'GET',
          url: `/workers/${worker.workerId}`,
          status200: cycles.length > 0 ? 200 : 404,
          expected: [
            ...cycles.map((i) => `${worker.workerId}/${i + 1}`),
            ...cycles.flatMap((i) => (worker.incidents[i] ? [`incident ${worker.incidents[i]!.id}`] : [])),
          ].sort(),
          shown: (body) =>
            (body.stays as { workerId: string; cycleNumber: number; incidents: { incidentId: string }[] }[])
              .flatMap((s) => [`${s.workerId}/${s.cycleNumber}`, ...s.incidents.map((i) => `incident ${i.incidentId}`)])
              .sort(),
        };
      }),
      { operationId: 'getWorker', method: 'GET', url: `/workers/${randomUUID()}`, status200: 404 },
      { operationId: 'getProjectionStatus', method: 'GET', url: '/admin/projection', admin: true },
      { operationId: 'rebuildProjection', method: 'POST', url: '/admin/projection/rebuild', admin: true },
    ];
  }

  it("covers every operation of the view's OpenAPI document", async () => {
    const document = (await views.get('SA')!.call('GET', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const documented = Object.values(document.paths).flatMap((ops) =>
      Object.values(ops).flatMap((o) => (o.operationId ? [o.operationId] : [])),
    );
    expect(new Set(documented)).toEqual(new Set(probes('SA').map((p) => p.operationId)));
  });

  it('answers every caller as the rules allow, showing the mission exactly its own country', async () => {
    const notes = registered().flatMap((w) => w.incidents.flatMap((i) => (i ? [i.notes] : [])));
    const work = VIEWS.flatMap((country) => probes(country).flatMap((probe) => CALLERS.map((caller) => ({ country, probe, caller }))));
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < work.length) {
          const { country, probe, caller } = work[next++]!;
          const refusal = viewRefusal(caller, country, probe.admin ?? false);
          const answer = await views.get(country)!.call(probe.method, probe.url, tokens.get(caller)!);
          const expectedStatus = refusal ? 403 : (probe.status200 ?? 200);
          const wrong: string[] = [];
          if (answer.status !== expectedStatus) wrong.push(`status ${answer.status}, expected ${expectedStatus}: ${answer.text}`);
          else if (refusal && answer.body?.code !== refusal) wrong.push(`code ${answer.body?.code}, expected ${refusal}`);
          else if (answer.status === 200 && probe.shown && JSON.stringify(probe.shown(answer.body)) !== JSON.stringify(probe.expected))
            wrong.push(`shown ${JSON.stringify(probe.shown(answer.body))}, expected ${JSON.stringify(probe.expected)}`);
          if (answer.status >= 400 && !String(answer.headers['content-type']).startsWith('application/problem+json'))
            wrong.push('not problem+json');
          if (notes.some((n) => answer.text.includes(n)) || answer.text.includes('caseNotes')) wrong.push('case notes shown');
          if (wrong.length > 0)
            failures.push(`view ${country}, ${describeCaller(caller)} ${probe.method} ${probe.url}: ${wrong.join('; ')}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(work.length).toBeGreaterThan(3_000);
  }, 180_000);

  it("holds no stay and no incident of another country's cycles, not even a worker's id", async () => {
    for (const country of VIEWS) {
      const view = views.get(country)!;
      const schema = (await view.runtime.host.status()).serving!.schema;
      const rows = async (sql: string) => (await view.db.pool.query<{ key: string }>(sql)).rows.map((r) => r.key).sort();
      expect(await rows(`SELECT worker_id || '/' || cycle_number AS key FROM "${schema}".stays`)).toEqual(stayKeys(country, () => true));
      expect(await rows(`SELECT incident_id::text AS key FROM "${schema}".incidents`)).toEqual(incidentIds(country, () => true));
      const held = new Set(await rows(`SELECT DISTINCT worker_id::text AS key FROM "${schema}".employment_changes`));
      for (const worker of registered()) if (cyclesIn(worker, country).length === 0) expect(held.has(worker.workerId)).toBe(false);
    }
  });
});
