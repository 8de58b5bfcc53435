import { randomUUID } from 'node:crypto';
import { eventually } from '@homeward/testing/infrastructure';
import { aWorker, departure, startHarness, type RegistrationHarness } from './registration.harness';
import { buildSituations, buildWorker, type Built } from './jurisdiction.fixture';
import {
  CALLERS,
  COUNTRIES,
  SITUATIONS,
  describeCaller,
  listed,
  readableBy,
  verdict,
  type Caller,
  type Country,
  type Operation,
  type OperationId,
  type SituationName,
  type Verdict,
  type WorkerModel,
} from './jurisdiction.oracle';

// The jurisdiction matrix over HTTP: the registration service on the real PostgreSQL and Kafka, tokens
// from the development issuer. The fixture workers (one per situation of the oracle) are built once
// through the API; then every caller (kind × country × scope set) asks every operation of the OpenAPI
// document that touches a worker, about every fixture worker. Each answer must be what the oracle
// allows: the status, the problem's code, and what is shown (personal data, cycles, incidents, case
// notes, listed workers). Writes carry a stale If-Match, so that a write let through answers 412 and
// none is applied; the writes missions may make are then made for real, on fresh copies.

interface Probe {
  readonly op: Operation;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Answer = Awaited<ReturnType<RegistrationHarness['call']>>;

const WRITES_ON_A_WORKER: readonly OperationId[] = [
  'recordDeparture',
  'completeOrientation',
  'assessReintegrationNeeds',
  'referForReintegration',
  'recordReferralOutcome',
  'correctWorkerDetails',
  'resolveDuplicate',
  'erasePersonalData',
  'recordArrival',
  'recordEmploymentChange',
  'recordSkills',
  'recordIncident',
  'recordReturn',
];
const COVERED: ReadonlySet<OperationId> = new Set([
  ...WRITES_ON_A_WORKER,
  'registerWorker',
  'importLegacyRegister',
  'getWorker',
  'getIncident',
  'listWorkers',
  'searchWorkers',
]);

/** A request of each write that the OpenAPI document accepts, whatever the worker (the rules of the cycle come after access). */
function writeProbes(workerId: string): Probe[] {
  const at = (path: string) => `/workers/${workerId}${path}`;
  const probes: Probe[] = [
    {
      op: { id: 'recordDeparture' },
      method: 'POST',
      url: at('/departures'),
      body: { ...departure, departedOn: '2025-01-01', contractStart: '2025-01-01', contractEnd: '2027-01-01' },
    },
    {
      op: { id: 'completeOrientation' },
      method: 'POST',
      url: at('/orientations'),
      body: { completedOn: '2025-01-01', topics: ['rights'], provider: 'OWWA' },
    },
    {
      op: { id: 'assessReintegrationNeeds' },
      method: 'POST',
      url: at('/reintegration/needs'),
      body: { assessedOn: '2025-04-01', economic: 'some', social: 'none', psychosocial: 'high' },
    },
    {
      op: { id: 'referForReintegration' },
      method: 'POST',
      url: at('/reintegration/referrals'),
      body: { referredOn: '2025-04-01', service: 'employment' },
    },
    {
      op: { id: 'recordReferralOutcome' },
      method: 'POST',
      url: at(`/reintegration/referrals/${randomUUID()}/outcome`),
      body: { recordedOn: '2025-05-01', outcome: 'completed' },
    },
    { op: { id: 'correctWorkerDetails' }, method: 'POST', url: at('/corrections'), body: { correctsVersion: 1, originArea: 'PH-07' } },
    {
      op: { id: 'resolveDuplicate' },
      method: 'POST',
      url: at('/duplicate-decisions'),
      body: { candidateId: randomUUID(), samePerson: false },
    },
    { op: { id: 'erasePersonalData' }, method: 'POST', url: at('/erasure'), body: { basis: 'subject_request' } },
    { op: { id: 'recordArrival' }, method: 'POST', url: at('/arrivals'), body: { arrivedOn: '2025-01-02', country: 'SA' } },
    {
      op: { id: 'recordEmploymentChange' },
      method: 'POST',
      url: at('/employment-changes'),
      body: { changedOn: '2025-02-01', change: 'contract_renewal', contractEnd: '2027-06-01' },
    },
    {
      op: { id: 'recordSkills' },
      method: 'POST',
      url: at('/skills'),
      body: { recordedOn: '2025-02-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] },
    },
    {
      op: { id: 'recordIncident' },
      method: 'POST',
      url: at('/incidents'),
      body: { occurredOn: '2025-02-01', kind: 'accident', fundAssistanceRequested: false, caseNotes: 'Never recorded.' },
    },
    ...COUNTRIES.map((fromCountry): Probe => ({
      op: { id: 'recordReturn', fromCountry },
      method: 'POST',
      url: at('/returns'),
      body: { returnedOn: '2025-03-01', fromCountry, assistance: 'assisted', reason: 'contract_completed' },
    })),
  ];
  expect(new Set(probes.map((p) => p.op.id))).toEqual(new Set(WRITES_ON_A_WORKER));
  return probes;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('jurisdiction over HTTP: registration, every caller × operation × worker', () => {
  let h: RegistrationHarness;
  const tokens = new Map<Caller, string>();
  const fixture = new Map<SituationName, Built>();
  let seq = 0;

  beforeAll(async () => {
    h = await startHarness('jurisdiction_matrix', { logLevel: 'error' });
    for (const caller of CALLERS) {
      const organisationId = `${caller.kind}-${caller.country ?? 'home'}-${caller.scopes.length}`;
      tokens.set(
        caller,
        await h.issue({ organisationId, kind: caller.kind, scopes: caller.scopes, ...(caller.country ? { country: caller.country } : {}) }),
      );
    }
    for (const [name, built] of await buildSituations(h, SITUATIONS)) fixture.set(name, built);
  }, 120_000);
  afterAll(() => h?.stop());

  const ask = (caller: Caller, probe: Probe): Promise<Answer> =>
    h.call(probe.method, probe.url, probe.body, tokens.get(caller)!, probe.headers ?? {});

  /** What is wrong with an answer, judged by the oracle (empty when nothing is). */
  function judge(answer: Answer, expectedStatus: number, v: Verdict, worker: Built | undefined): string[] {
    const wrong: string[] = [];
    if (answer.status !== expectedStatus) return [`status ${answer.status}, expected ${expectedStatus}: ${JSON.stringify(answer.body)}`];
    const text = JSON.stringify(answer.body ?? '');
    if (answer.status >= 400 && !String(answer.headers['content-type']).startsWith('application/problem+json'))
      wrong.push(`${answer.status} without problem+json`);
    if (!v.allowed && answer.body?.code !== v.refusal) wrong.push(`code ${answer.body?.code}, expected ${v.refusal}`);
    const personalDataShown = v.allowed && v.personalData;
    if (worker?.nationalId && !personalDataShown && text.includes(worker.nationalId)) wrong.push('personal data shown');
    if (answer.status !== 200 || !worker) return wrong;
    for (const [i, incident] of worker.incidents.entries()) {
      // Case notes only in a case-notes read of that very incident.
      if (incident && text.includes(incident.notes) && answer.body!.incidentId !== incident.id)
        wrong.push(`case notes of cycle ${i + 1} shown`);
    }
    return wrong;
  }

  /** What a 200 answer to GET /workers/{id} must show. */
  function judgeWorker(answer: Answer, v: Verdict, worker: Built): string[] {
    if (answer.status !== 200 || !v.allowed) return [];
    const body = answer.body!;
    const wrong: string[] = [];
    if ('personalData' in body !== v.personalData) wrong.push(`personalData ${'personalData' in body ? 'shown' : 'missing'}`);
    const cycles = body.cycles as { number: number; incidents: { incidentId: string }[] }[];
    const shownCycles = cycles.map((c) => c.number - 1);
    if (JSON.stringify(shownCycles) !== JSON.stringify(v.cycles))
      wrong.push(`cycles ${JSON.stringify(shownCycles)}, expected ${JSON.stringify(v.cycles)}`);
    const shownIncidents = cycles.flatMap((c) => c.incidents.map((i) => i.incidentId)).sort();
    const expectedIncidents = v.incidents.map((i) => worker.incidents[i]!.id).sort();
    if (JSON.stringify(shownIncidents) !== JSON.stringify(expectedIncidents))
      wrong.push(`incidents ${shownIncidents.length}, expected ${expectedIncidents.length}`);
    if (JSON.stringify(body).includes('caseNotes')) wrong.push('case notes in the worker');
    return wrong;
  }

  async function matrix(probesOf: (worker: Built) => Probe[], status: (v: Verdict, probe: Probe, worker: Built) => number) {
    const work = [...fixture.values()].flatMap((worker) =>
      probesOf(worker).flatMap((probe) => CALLERS.map((caller) => ({ worker, probe, caller }))),
    );
    const failures: string[] = [];
    await inParallel(work, 16, async ({ worker, probe, caller }) => {
      const v = verdict(caller, probe.op, worker.model);
      const answer = await ask(caller, probe);
      const wrong = [
        ...judge(answer, status(v, probe, worker), v, worker),
        ...(probe.op.id === 'getWorker' ? judgeWorker(answer, v, worker) : []),
      ];
      if (wrong.length > 0)
        failures.push(`${describeCaller(caller)} ${probe.method} ${JSON.stringify(probe.op)} on "${worker.name}": ${wrong.join('; ')}`);
    });
    return { asked: work.length, failures };
  }

  it("covers every operation of the service's OpenAPI document that touches a worker", async () => {
    const document = (await h.call('GET', '/openapi.json', undefined, null)).body as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const touching = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/workers') || path.startsWith('/imports'))
      .flatMap(([, operations]) => Object.values(operations).flatMap((o) => (o.operationId ? [o.operationId] : [])));
    expect(new Set(touching)).toEqual(COVERED);
  });

  it('answers every read of a worker and of its incidents as the rules allow, showing only what they allow', async () => {
    const { asked, failures } = await matrix(
      (worker) => [
        { op: { id: 'getWorker' }, method: 'GET', url: `/workers/${worker.workerId}` },
        { op: { id: 'getIncident' }, method: 'GET', url: `/workers/${worker.workerId}/incidents/${randomUUID()}` },
        ...worker.incidents.flatMap((incident, i): Probe[] =>
          incident
            ? [
                {
                  op: { id: 'getIncident', incidentOfCycle: i },
                  method: 'GET',
                  url: `/workers/${worker.workerId}/incidents/${incident.id}`,
                },
              ]
            : [],
        ),
      ],
      (v, probe, worker) =>
        !v.allowed
          ? 403
          : !worker.model.registered || (probe.op.id === 'getIncident' && probe.op.incidentOfCycle === undefined)
            ? 404
            : 200,
    );
    expect(failures).toEqual([]);
    expect(asked).toBeGreaterThan(2_000);
    // And what a case-notes read lets through is what was recorded, each read logged.
    const worker = fixture.get('once in SA, now abroad in AE')!;
    const missionAE = CALLERS.find((c) => c.kind === 'mission' && c.country === 'AE' && c.scopes.length === 4)!;
    const read = await ask(missionAE, {
      op: { id: 'getIncident' },
      method: 'GET',
      url: `/workers/${worker.workerId}/incidents/${worker.incidents[1]!.id}`,
    });
    expect(read.body).toMatchObject({ incidentId: worker.incidents[1]!.id, cycleNumber: 2, caseNotes: worker.incidents[1]!.notes });
  }, 180_000);

  it('refuses or lets through every write as the rules allow, and a write let through with a stale If-Match writes nothing', async () => {
    const before = await h.counts();
    const { asked, failures } = await matrix(
      (worker) =>
        writeProbes(worker.workerId).map((probe) => (worker.model.registered ? { ...probe, headers: { 'if-match': '"999"' } } : probe)),
      (v, _probe, worker) => (!v.allowed ? 403 : worker.model.registered ? 412 : 404),
    );
    expect(failures).toEqual([]);
    expect(asked).toBeGreaterThan(10_000);
    expect(await h.counts()).toEqual(before);
  }, 180_000);

  it('lists exactly the workers each caller may list, and lets only agencies with personal data search people', async () => {
    const everyone = [...fixture.values()].filter((w) => w.model.registered);
    const agency = tokens.get(CALLERS.find((c) => c.kind === 'agency' && c.scopes.length === 4)!)!;
    await eventually(
      () => h.call('GET', '/workers?limit=500', undefined, agency),
      (r) => everyone.every((w) => (r.body!.items as { workerId: string }[]).some((i) => i.workerId === w.workerId)),
    );
    const searched = fixture.get('back from SA')!;
    const failures: string[] = [];
    await inParallel(CALLERS, 16, async (caller) => {
      const list = verdict(caller, { id: 'listWorkers' }, { registered: true, cycles: [] });
      const answer = await h.call('GET', '/workers?limit=500', undefined, tokens.get(caller)!);
      const wrong = judge(answer, list.allowed ? 200 : 403, list, undefined);
      if (answer.status === 200) {
        const items = answer.body!.items as { workerId: string; destinationCountry?: string }[];
        const shown = items.map((i) => i.workerId).sort();
        const expected = everyone
          .filter((w) => listed(caller, w.model))
          .map((w) => w.workerId)
          .sort();
        if (JSON.stringify(shown) !== JSON.stringify(expected)) wrong.push(`listed ${shown.length} workers, expected ${expected.length}`);
        if (caller.kind === 'mission' && items.some((i) => i.destinationCountry !== caller.country)) wrong.push('listed another country');
      }
      const search = verdict(caller, { id: 'searchWorkers' }, searched.model);
      const found = await h.call('GET', `/workers/search?nationalId=${searched.nationalId}`, undefined, tokens.get(caller)!);
      wrong.push(...judge(found, search.allowed ? 200 : 403, search, undefined));
      if (
        found.status === 200 &&
        JSON.stringify(found.body!.items.map((i: { workerId: string }) => i.workerId)) !== JSON.stringify([searched.workerId])
      )
        wrong.push('search found the wrong people');
      if (wrong.length > 0) failures.push(`${describeCaller(caller)}: ${wrong.join('; ')}`);
    });
    expect(failures).toEqual([]);
  });

  it('lets only agencies with the write scope register workers and import registers', async () => {
    const failures: string[] = [];
    await inParallel(CALLERS, 8, async (caller) => {
      const v = verdict(caller, { id: 'registerWorker' }, { registered: false, cycles: [] });
      const person = aWorker();
      const registered = await h.call('POST', '/workers', person, tokens.get(caller)!);
      const wrong = judge(registered, v.allowed ? 201 : 403, v, {
        name: 'unknown',
        model: { registered: false, cycles: [] },
        workerId: '',
        nationalId: person.personalData.nationalId,
        incidents: [],
      });
      if (registered.status === 201 && 'personalData' in registered.body! !== (v.allowed && v.personalData))
        wrong.push('personal data echoed to the wrong caller');
      // One record the import refuses on its own content: access comes first, and nothing is written.
      const imported = await h.call(
        'POST',
        `/imports?source=matrix-${++seq}`,
        JSON.stringify({ source_row_id: 'r1' }),
        tokens.get(caller)!,
        {
          'content-type': 'application/x-ndjson',
        },
      );
      const iv = verdict(caller, { id: 'importLegacyRegister' }, { registered: false, cycles: [] });
      wrong.push(...judge(imported, iv.allowed ? 200 : 403, iv, undefined));
      if (imported.status === 200 && imported.body!.imported !== 0) wrong.push('imported a refused record');
      if (wrong.length > 0) failures.push(`${describeCaller(caller)}: ${wrong.join('; ')}`);
    });
    expect(failures).toEqual([]);
  });

  it('records every write a mission may make, and no such write changes which missions may read the worker', async () => {
    const mission = (country: Country): Caller =>
      CALLERS.find((c) => c.kind === 'mission' && c.country === country && c.scopes.length === 4)!;
    const failures: string[] = [];
    for (const [name, model] of Object.entries(SITUATIONS) as [SituationName, WorkerModel][]) {
      if (!model.registered) continue;
      const last = model.cycles.length - 1;
      const year = 2016 + 2 * Math.max(last, 0);
      const open = model.cycles[last] && model.cycles[last]!.from === undefined;
      for (const country of COUNTRIES) {
        const writer = mission(country);
        const writes: { op: Operation; path: string; body: object; after: WorkerModel }[] = [
          { op: { id: 'recordArrival' }, path: '/arrivals', body: { arrivedOn: `${year}-01-05`, country }, after: model },
          {
            op: { id: 'recordEmploymentChange' },
            path: '/employment-changes',
            body: { changedOn: `${year}-07-01`, change: 'contract_renewal', contractEnd: `${year + 3}-01-01` },
            after: model,
          },
          {
            op: { id: 'recordSkills' },
            path: '/skills',
            body: { recordedOn: `${year}-07-01`, skills: [{ kind: 'technology', title: 'Forklift' }] },
            after: model,
          },
          {
            op: { id: 'recordIncident' },
            path: '/incidents',
            body: { occurredOn: `${year}-07-01`, kind: 'stranding', fundAssistanceRequested: true, caseNotes: 'Left without pay.' },
            after: model,
          },
          ...COUNTRIES.map((fromCountry) => ({
            op: { id: 'recordReturn' as const, fromCountry },
            path: '/returns',
            body: { returnedOn: open ? `${year}-12-01` : `${year + 1}-06-01`, fromCountry, assistance: 'assisted', reason: 'evacuation' },
            after: {
              registered: true,
              cycles: open
                ? [...model.cycles.slice(0, last), { ...model.cycles[last]!, from: fromCountry }]
                : [...model.cycles, { from: fromCountry }],
            },
          })),
        ];
        for (const write of writes) {
          const v = verdict(writer, write.op, model);
          // A write refused needs no copy: it must change nothing.
          const worker = v.allowed ? await buildWorker(h, name, model) : fixture.get(name)!;
          const before = await h.counts();
          const answer = await h.call('POST', `/workers/${worker.workerId}${write.path}`, write.body, tokens.get(writer)!);
          const label = `${describeCaller(writer)} ${JSON.stringify(write.op)} on "${name}"`;
          if (!v.allowed) {
            const wrong = judge(answer, 403, v, worker);
            if ((await h.counts()).events !== before.events) wrong.push('wrote an event');
            if (wrong.length > 0) failures.push(`${label}: ${wrong.join('; ')}`);
            continue;
          }
          if (answer.status !== 201) {
            failures.push(`${label}: status ${answer.status}: ${JSON.stringify(answer.body)}`);
            continue;
          }
          // The answer shows the worker as the mission may see it; the readers are those of before.
          const shown = verdict(writer, { id: 'getWorker' }, write.after);
          const wrong: string[] = [];
          const cycles = (answer.body!.cycles as { number: number }[]).map((c) => c.number - 1);
          if (!shown.allowed || JSON.stringify(cycles) !== JSON.stringify(shown.cycles))
            wrong.push(`answered with cycles ${JSON.stringify(cycles)}`);
          if ('personalData' in answer.body!) wrong.push('personal data in the answer to a write');
          if (JSON.stringify(answer.body).includes('caseNotes')) wrong.push('case notes in the answer to a write');
          if (JSON.stringify(readableBy(write.after)) !== JSON.stringify(readableBy(model)))
            wrong.push('the oracle says this write widens access');
          for (const reader of COUNTRIES) {
            const read = await h.call('GET', `/workers/${worker.workerId}`, undefined, tokens.get(mission(reader))!);
            if ((read.status === 200) !== readableBy(model).includes(reader))
              wrong.push(`the mission in ${reader} now answered ${read.status}`);
          }
          if (wrong.length > 0) failures.push(`${label}: ${wrong.join('; ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
