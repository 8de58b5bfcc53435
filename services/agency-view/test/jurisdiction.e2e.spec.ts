import { randomUUID } from 'node:crypto';
import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { buildSituations, type Built } from '@homeward/registration/test/jurisdiction-fixture';
import { CALLERS, SITUATIONS, describeCaller, type Caller, type SituationName } from '@homeward/registration/test/jurisdiction-oracle';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// The jurisdiction matrix of the agency view: registration and the agency view on the real Kafka and
// PostgreSQL, fed the fixture workers of registration's matrix. Every caller (kind × country × scope set)
// asks every operation of the view's OpenAPI document; the answer must be what the rules allow — origin
// agencies with workers:read; names shown and searched by only with personal-data:read — listing exactly
// the fixture's workers, and never a case note.

type Code = 'access.kind-not-allowed' | 'access.scope-required';

/** The view's rule, stated again. */
function viewRefusal(caller: Caller, need: 'read' | 'identity' | 'admin'): Code | undefined {
  if (caller.kind !== 'agency') return 'access.kind-not-allowed';
  if (!caller.scopes.includes('workers:read')) return 'access.scope-required';
  if (need === 'identity' && !caller.scopes.includes('personal-data:read')) return 'access.scope-required';
  if (need === 'admin') return 'access.scope-required'; // no caller of the matrix holds projections:admin
  return undefined;
}

interface Probe {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly need: 'read' | 'identity' | 'admin';
  readonly status200?: number;
  /** The worker ids a 200 must list, sorted; undefined: not compared. */
  readonly listed?: readonly string[];
}

describe('jurisdiction over HTTP: the agency view, every caller × operation × worker', () => {
  let registry: RegistrationHarness;
  let view: AgencyViewHarness;
  const tokens = new Map<Caller, string>();
  let fixture: Map<SituationName, Built>;

  beforeAll(async () => {
    registry = await startHarness('agency_view_matrix', { logLevel: 'error' });
    const issuer = await testIssuer();
    view = await startAgencyViewHarness(namespaceOf(registry.runtime.topic), issuer, { logLevel: 'error' });
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
    // The view has applied every message of the registration topic and of the directory.
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  }, 120_000);
  afterAll(async () => {
    await view?.stop();
    await registry?.stop();
  });

  const registered = () => [...fixture.values()].filter((w) => w.model.registered);
  const ids = (workers: readonly Built[]) => workers.map((w) => w.workerId).sort();

  function probes(): Probe[] {
    const searched = fixture.get('back from SA')!;
    // Returned and not gone again: the pipeline's returnees (the fixture makes no referral nor placement).
    const returnees = registered().filter((w) => {
      const last = w.model.cycles[w.model.cycles.length - 1];
      return last !== undefined && last.from !== undefined;
    });
    return [
      { operationId: 'searchWorkers', method: 'GET', url: '/workers?limit=1000', need: 'read', listed: ids(registered()) },
      { operationId: 'searchWorkers', method: 'GET', url: '/workers?name=Maria%20Santos&limit=1000', need: 'identity' },
      {
        operationId: 'searchWorkers',
        method: 'GET',
        url: `/workers?nationalId=${searched.nationalId}`,
        need: 'identity',
        listed: [searched.workerId],
      },
      {
        operationId: 'listReturneePipeline',
        method: 'GET',
        url: '/returnees?returnedFrom=2016-01-01&returnedTo=2025-12-31&limit=1000',
        need: 'read',
        listed: ids(returnees),
      },
      ...[...fixture.values()].flatMap((worker): Probe[] => {
        const status200 = worker.model.registered ? 200 : 404;
        return [
          { operationId: 'getWorkerProfile', method: 'GET', url: `/workers/${worker.workerId}`, need: 'read', status200 },
          { operationId: 'getWorkerTimeline', method: 'GET', url: `/workers/${worker.workerId}/timeline`, need: 'read', status200 },
        ];
      }),
      { operationId: 'getWorkerProfile', method: 'GET', url: `/workers/${randomUUID()}`, need: 'read', status200: 404 },
      { operationId: 'getProjectionStatus', method: 'GET', url: '/admin/projection', need: 'admin' },
      { operationId: 'rebuildProjection', method: 'POST', url: '/admin/projection/rebuild', need: 'admin' },
    ];
  }

  it("covers every operation of the view's OpenAPI document", async () => {
    const document = (await view.call('GET', '/openapi.json', null)).body as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const documented = Object.values(document.paths).flatMap((ops) =>
      Object.values(ops).flatMap((o) => (o.operationId ? [o.operationId] : [])),
    );
    expect(new Set(documented)).toEqual(new Set(probes().map((p) => p.operationId)));
  });

  it('answers every caller as the rules allow, with names only for personal-data:read and never a case note', async () => {
    const notes = registered().flatMap((w) => w.incidents.flatMap((i) => (i ? [i.notes] : [])));
    const nationalIds = registered().map((w) => w.nationalId!);
    const work = probes().flatMap((probe) => CALLERS.map((caller) => ({ probe, caller })));
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < work.length) {
          const { probe, caller } = work[next++]!;
          const refusal = viewRefusal(caller, probe.need);
          const answer = await view.call(probe.method, probe.url, tokens.get(caller)!);
          const expectedStatus = refusal ? 403 : (probe.status200 ?? 200);
          const wrong: string[] = [];
          if (answer.status !== expectedStatus) wrong.push(`status ${answer.status}, expected ${expectedStatus}: ${answer.text}`);
          else if (refusal && answer.body?.code !== refusal) wrong.push(`code ${answer.body?.code}, expected ${refusal}`);
          if (answer.status >= 400 && !String(answer.headers['content-type']).startsWith('application/problem+json'))
            wrong.push('not problem+json');
          if (notes.some((n) => answer.text.includes(n)) || answer.text.includes('caseNotes')) wrong.push('case notes shown');
          if (answer.status === 200) {
            const withNames = caller.scopes.includes('personal-data:read');
            const items: { workerId: string; identity?: unknown }[] = answer.body.items ?? [answer.body];
            if (probe.listed && JSON.stringify(items.map((i) => i.workerId).sort()) !== JSON.stringify(probe.listed))
              wrong.push(`listed ${items.length}, expected ${probe.listed.length}`);
            if (
              probe.operationId !== 'getWorkerTimeline' &&
              probe.operationId !== 'listReturneePipeline' &&
              items.some((i) => 'identity' in i !== withNames)
            )
              wrong.push(withNames ? 'names missing' : 'names shown');
            if (!withNames && nationalIds.some((n) => answer.text.includes(n))) wrong.push('a document shown');
          }
          if (wrong.length > 0) failures.push(`${describeCaller(caller)} ${probe.method} ${probe.url}: ${wrong.join('; ')}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(work.length).toBeGreaterThan(2_000);
  }, 180_000);
});
