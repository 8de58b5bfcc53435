import { writeFileSync } from 'node:fs';
import { ChaosSystem, EVENT_STORES, type EventSourcedService } from './chaos-system';
import { MixedLoad, type MixedLoadReport } from './mixed-load';

export interface ChaosOptions {
  /** How long the load runs, in seconds (CHAOS_SECONDS, default 600). */
  readonly seconds: number;
  /** Seed of the moments and the targets of the faults (CHAOS_SEED). */
  readonly seed: number;
  /** Concurrent clients (CHAOS_CLIENTS) and the cap on commands per second (CHAOS_RATE, 0: none). */
  readonly clients: number;
  readonly rate: number;
  /** Mean seconds between the end of one fault's recovery and the next fault (CHAOS_KILL_EVERY). */
  readonly killEvery: number;
  /** The kinds of fault to draw from (default all). */
  readonly kinds?: readonly FaultKind[];
  /**
   * The first round of faults in the order `kinds` gives rather than a seeded one: a short run whose time
   * allows a few faults makes sure of the kinds it names first (the rounds after are drawn as usual).
   */
  readonly firstRoundInOrder?: boolean;
  /** Where to write the JSON summary (CHAOS_SUMMARY), if anywhere. */
  readonly summaryFile?: string;
  readonly log?: (line: string) => void;
}

export type FaultKind = 'api' | 'relay' | 'read-model' | 'statistics' | 'broker' | 'postgres';
export const FAULT_KINDS: readonly FaultKind[] = ['api', 'relay', 'read-model', 'statistics', 'broker', 'postgres'];

export interface Fault {
  readonly kind: FaultKind;
  readonly target: string;
  /** Seconds since the load began. */
  readonly at: number;
  /** How long the target stayed down (ms), and how long after its restart the system had recovered (ms). */
  readonly downMs: number;
  readonly recoveryMs: number | null;
}

export interface ChaosSummary {
  readonly options: Omit<ChaosOptions, 'log'>;
  readonly seconds: number;
  readonly commands: {
    acknowledged: number;
    perSecond: number;
    byCommand: Record<string, number>;
    retries: number;
    statuses: Record<string, number>;
  };
  readonly kills: Record<string, number>;
  readonly faults: readonly Fault[];
  readonly recovery: { p50Ms: number | null; maxMs: number | null; unrecovered: number };
  readonly lost: number;
  readonly duplicated: number;
  readonly eventStores: Record<string, { events: number; missingOnTopic: number; notInStore: number; redeliveredMessages: number }>;
  readonly readModels: Record<string, { tables: number; rows: number; differences: Record<string, string> }>;
  readonly statistics: { kafka?: string; eventStore?: string; equal: boolean; error?: string };
  readonly effects: Record<string, number>;
  readonly fund: { balanced: boolean; totalDebits: string; totalCredits: string; claimsPaid: number; paidTwice: number };
  readonly deadLetters: Record<string, string[]>;
  readonly problems: readonly string[];
  readonly passed: boolean;
}

/** mulberry32: a small seeded generator, so that a run's faults can be drawn again. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The chaos run (issue 14 §1): the whole system on a private PostgreSQL and a private three-broker Kafka
 * cluster, a mixed load through the REST APIs for `seconds`, and meanwhile, at seeded moments, one fault
 * at a time — SIGKILL of an API process, a relay, a read model's consumer, statistics, one Kafka broker,
 * or PostgreSQL stopped immediately — each target started again after a pause, and the time until the
 * system has recovered measured. Then the checks: every acknowledged command's events stored and on
 * their topic, each stored event on it (copies counted), read models equal to fresh rebuilds row for row,
 * statistics from the topics equal to statistics from the event store, no effect twice, the fund's
 * ledger balanced and no claim paid twice, nothing in a dead-letter topic.
 */
export async function runChaos(options: ChaosOptions, started?: ChaosSystem): Promise<ChaosSummary> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const random = seeded(options.seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  log(`chaos: starting the system (private PostgreSQL, three-broker Kafka cluster, 11 service processes)…`);
  const system = started ?? (await ChaosSystem.start());
  const problems: string[] = [];
  const faults: Fault[] = [];
  try {
    const load = new MixedLoad(
      {
        registration: system.url('registration-api'),
        skills: system.url('skills-api'),
        employment: system.url('employment-api'),
        fund: system.url('fund-api'),
      },
      system.tokens,
      { clients: options.clients, rate: options.rate },
    );
    await load.setUp();
    log(`chaos: load of ${options.clients} clients${options.rate ? ` capped at ${options.rate} commands/s` : ''} for ${options.seconds} s`);
    const loadStarted = Date.now();
    load.start();
    const end = loadStarted + options.seconds * 1000;
    // Every kind in turn (a seeded order per round), so that a long run kills each kind repeatedly.
    let round: FaultKind[] = options.firstRoundInOrder ? [...kinds] : [];
    let lastCount = 0;
    const progress = setInterval(() => {
      const count = load.count;
      log(`chaos: ${Math.round((Date.now() - loadStarted) / 1000)} s, ${count} acknowledged (${((count - lastCount) / 10).toFixed(0)}/s)`);
      lastCount = count;
    }, 10_000);
    try {
      for (;;) {
        const wait = options.killEvery * 1000 * (0.5 + random());
        if (Date.now() + wait + 5_000 > end) break;
        await sleep(wait);
        if (round.length === 0) round = [...kinds].sort(() => random() - 0.5);
        const kind = round.shift()!;
        const fault = await inject(system, kind, random, (Date.now() - loadStarted) / 1000, log);
        faults.push(fault);
      }
      await sleep(Math.max(0, end - Date.now()));
    } finally {
      clearInterval(progress);
    }
    log('chaos: load stopping; the commands under way finish');
    const report = await load.stop();
    log(`chaos: ${report.acknowledged.length} commands acknowledged in ${report.seconds.toFixed(0)} s; waiting for the system to settle`);
    await until('every process ready and every read model caught up', async () => (await system.behind()).length === 0, 180_000).catch(
      async (error: Error) => problems.push(`${error.message}: ${(await system.behind()).join('; ')}`),
    );
    return await check(system, options, report, faults, problems, log);
  } finally {
    if (!started) await system.stop();
  }
}

async function inject(system: ChaosSystem, kind: FaultKind, random: () => number, at: number, log: (line: string) => void): Promise<Fault> {
  const pause = 500 + Math.floor(random() * 4_500);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let target: string;
  const down = Date.now();
  if (kind === 'broker') {
    const node = 1 + Math.floor(random() * 3);
    target = `broker-${node}`;
    await system.kafka.kill(node);
    await sleep(pause);
    await system.kafka.restart(node);
  } else if (kind === 'postgres') {
    target = 'postgres';
    await system.postgres.crash();
    await sleep(pause);
    await system.postgres.restart();
  } else {
    target = pick(system.services.filter((s) => system.kindOf(s.name) === kind).map((s) => s.name));
    await system.kill(target);
    await sleep(pause);
    system.restart(target);
  }
  const restarted = Date.now();
  let recoveryMs: number | null = null;
  try {
    await until(`recovery after ${target}`, () => system.recovered(), 120_000);
    recoveryMs = Date.now() - restarted;
  } catch {
    log(`chaos: ${target} — NOT recovered within 120 s: ${(await system.behind()).join('; ').slice(0, 2_000)}`);
  }
  const fault = { kind, target, at: Math.round(at), downMs: restarted - down, recoveryMs };
  log(`chaos: at ${fault.at} s SIGKILL/crash ${target}, down ${fault.downMs} ms, recovered ${recoveryMs ?? 'never'} ms after restart`);
  return fault;
}

async function check(
  system: ChaosSystem,
  options: ChaosOptions,
  report: MixedLoadReport,
  faults: readonly Fault[],
  problems: string[],
  log: (line: string) => void,
): Promise<ChaosSummary> {
  problems.push(...report.unexpected.map((u) => `load: ${u}`));
  problems.push(...system.exited().map((e) => `exited: ${e.slice(0, 1_000)}`));
  problems.push(...system.processLevelErrors());

  // Acknowledged commands in their event stores; every stored event on its topic.
  let lost = 0;
  let duplicated = 0;
  const eventStores: ChaosSummary['eventStores'] = {};
  for (const service of Object.keys(EVENT_STORES) as EventSourcedService[]) {
    const stored = await system.storedEvents(service);
    const streams = new Map<string, { top: number; count: number }>();
    const ids = new Map<string, number>();
    for (const e of stored) {
      const s = streams.get(e.streamId) ?? { top: 0, count: 0 };
      streams.set(e.streamId, { top: Math.max(s.top, e.version), count: s.count + 1 });
      ids.set(e.eventId, (ids.get(e.eventId) ?? 0) + 1);
    }
    const byEntity = new Map<string, number>();
    for (const [streamId, s] of streams) {
      if (s.count !== s.top) problems.push(`${service}: stream ${streamId} has ${s.count} events up to version ${s.top} (a gap or a twin)`);
      const entity = streamId.slice(streamId.indexOf('-') + 1);
      byEntity.set(entity, Math.max(byEntity.get(entity) ?? 0, s.top));
    }
    for (const a of report.acknowledged.filter((x) => x.service === service && x.entityId)) {
      const top = byEntity.get(a.entityId) ?? [...streams].find(([id]) => id.endsWith(a.entityId))?.[1].top;
      if (top === undefined || (a.version !== undefined && top < a.version)) {
        lost++;
        problems.push(`lost: ${service} ${a.command} of ${a.entityId} v${a.version ?? '?'} (stream at ${top ?? 'none'})`);
      }
    }
    // The relay may still be sending its backlog: asked again until nothing is missing or 60 s have passed.
    let copies = await system.topicCopies(service);
    let missingOnTopic = [...ids.keys()].filter((id) => !copies.has(id));
    for (const deadline = Date.now() + 60_000; missingOnTopic.length > 0 && Date.now() < deadline;) {
      await sleep(2_000);
      copies = await system.topicCopies(service);
      missingOnTopic = [...ids.keys()].filter((id) => !copies.has(id));
    }
    if (missingOnTopic.length > 0) {
      const details = await system.query<{ e: string }>(
        EVENT_STORES[service].database,
        `SELECT concat_ws(' ', event_id, stream_id, 'v' || stream_version, event_type, recorded_at) AS e FROM events WHERE event_id::text = ANY($1)`,
        [missingOnTopic.slice(0, 10)],
      );
      problems.push(`${service}: not on the topic: ${details.map((d) => d.e).join('; ')}`);
    }
    const notInStore = [...copies.keys()].filter((id) => !ids.has(id));
    const twinsInStore = [...ids].filter(([, n]) => n > 1).length;
    duplicated += twinsInStore;
    lost += missingOnTopic.length;
    if (missingOnTopic.length)
      problems.push(`${service}: ${missingOnTopic.length} stored events not on the topic (e.g. ${missingOnTopic[0]})`);
    if (notInStore.length) problems.push(`${service}: ${notInStore.length} event ids on the topic that the store does not hold`);
    eventStores[service] = {
      events: stored.length,
      missingOnTopic: missingOnTopic.length,
      notInStore: notInStore.length,
      redeliveredMessages: [...copies.values()].reduce((sum, n) => sum + n - 1, 0),
    };
  }
  log(`chaos: event stores ${JSON.stringify(eventStores)}`);

  // Effects once per event id.
  const effects: Record<string, number> = {};
  const [drafts] = await system.query<{ incidents: number; drafts: number; twice: number }>(
    'fund',
    `SELECT count(DISTINCT source_event_id)::int AS incidents, count(*) FILTER (WHERE source_event_id IS NOT NULL)::int AS drafts,
            (SELECT count(*)::int FROM (SELECT worker_id FROM claims WHERE source_event_id IS NOT NULL GROUP BY worker_id HAVING count(*) > 1) x) AS twice
       FROM claims`,
  );
  const [incidents] = await system.query<{ n: number }>(
    'registration',
    `SELECT count(*)::int AS n FROM events WHERE event_type = 'WelfareIncidentRecorded'`,
  );
  effects['fund draft claims per incident event, more than one'] = drafts!.drafts - drafts!.incidents + drafts!.twice;
  effects['incidents asking for help without their draft claim'] = Math.max(0, incidents!.n - drafts!.incidents);
  const [unprojected] = await system.query<{ n: number }>(
    'registration',
    `SELECT count(*)::int AS n FROM (
       SELECT stream_id, max(stream_version) AS top FROM events
        WHERE event_type IN ('WorkerRegistered', 'DepartureRecorded', 'ReturnRecorded') GROUP BY stream_id) e
       LEFT JOIN worker_status w ON 'worker-' || w.worker_id = e.stream_id AND w.stream_version >= e.top
      WHERE w.worker_id IS NULL`,
  );
  effects['workers not in registration’s worker-status projection'] = unprojected!.n;
  for (const [name, n] of Object.entries(effects)) if (n !== 0) problems.push(`effects: ${name}: ${n}`);
  duplicated += effects['fund draft claims per incident event, more than one']!;

  // The fund: a balanced ledger, no claim paid twice.
  const [paid] = await system.query<{ claims: number; twice: number }>(
    'fund',
    `SELECT count(*)::int AS claims, count(*) FILTER (WHERE n > 1)::int AS twice
       FROM (SELECT stream_id, count(*) AS n FROM events WHERE event_type = 'DisbursementMade' GROUP BY stream_id) d`,
  );
  const [transfers] = await system.query<{ twice: number }>(
    'fund',
    `SELECT count(*)::int AS twice FROM (SELECT reference FROM ledger_transfers WHERE reference IS NOT NULL AND kind IN ('single', 'post')
      GROUP BY reference, code HAVING count(*) > 1) x`,
  );
  const trial = (await (
    await fetch(`${system.url('fund-api')}/ledger/trial-balance`, { headers: { authorization: `Bearer ${system.tokens.fund}` } })
  ).json()) as { balanced: boolean; totalDebits: string; totalCredits: string };
  const fund = {
    balanced: trial.balanced && trial.totalDebits === trial.totalCredits,
    totalDebits: trial.totalDebits,
    totalCredits: trial.totalCredits,
    claimsPaid: paid!.claims,
    paidTwice: paid!.twice + transfers!.twice,
  };
  if (!fund.balanced) problems.push(`fund: trial balance not balanced: ${JSON.stringify(trial).slice(0, 500)}`);
  if (fund.paidTwice) problems.push(`fund: ${fund.paidTwice} claims or ledger references paid twice`);
  if (paid!.claims < new Set(report.paid).size)
    problems.push(`fund: ${report.paid.length} claims paid to clients, ${paid!.claims} in the store`);
  duplicated += fund.paidTwice;
  log(`chaos: fund ${JSON.stringify(fund)}, effects ${JSON.stringify(effects)}`);

  // Read models equal to fresh rebuilds from the topics, row for row — once the live ones have consumed all that
  // the relays sent while the checks above waited for them (a rebuild started later would see more otherwise).
  await until('every read model caught up before the comparison', () => system.caughtUp(), 120_000).catch((error: Error) =>
    problems.push(error.message),
  );
  const readModels: ChaosSummary['readModels'] = {};
  // Both rebuilt at once: each a fresh process projecting every topic from offset zero.
  await Promise.all(
    (
      [
        ['agency-view', 'agency_view'],
        ['mission-view', 'mission_view_sa'],
      ] as const
    ).map(async ([service, database]) => {
      try {
        const fresh = await system.freshReadModel(service);
        try {
          readModels[service] = await system.compareReadModels(database, fresh.database);
        } finally {
          await fresh.process.stop();
        }
        const differences = Object.entries(readModels[service]!.differences);
        if (differences.length) problems.push(...differences.map(([table, d]) => `${service} ≠ its rebuild: ${table}: ${d}`));
      } catch (error) {
        problems.push(`${service} rebuild: ${error instanceof Error ? error.message.slice(0, 1_000) : String(error)}`);
      }
    }),
  );
  log(
    `chaos: read models ${JSON.stringify(Object.fromEntries(Object.entries(readModels).map(([k, v]) => [k, { tables: v.tables, rows: v.rows, differing: Object.keys(v.differences).length }])))}`,
  );

  // Statistics replayed from the topics equal statistics replayed from registration's event store.
  const statistics = await compareStatistics(system);
  if (!statistics.equal) problems.push(`statistics: from Kafka ≠ from the event store ${JSON.stringify(statistics)}`);

  const deadLetters = await system.deadLetters();
  for (const [topic, messages] of Object.entries(deadLetters))
    problems.push(`dead letters on ${topic}: ${messages.length} (${messages[0]})`);

  const kills: Record<string, number> = {};
  for (const f of faults) kills[f.kind] = (kills[f.kind] ?? 0) + 1;
  const recoveries = faults.map((f) => f.recoveryMs).filter((r): r is number => r !== null);
  const unrecovered = faults.length - recoveries.length;
  if (unrecovered) problems.push(`${unrecovered} faults not recovered from within 120 s`);
  const { log: _log, ...printable } = options;
  const summary: ChaosSummary = {
    options: printable,
    seconds: Math.round(report.seconds),
    commands: {
      acknowledged: report.acknowledged.length,
      perSecond: Math.round((report.acknowledged.length / report.seconds) * 10) / 10,
      byCommand: report.byCommand,
      retries: report.retries,
      statuses: report.statuses,
    },
    kills,
    faults,
    recovery: { p50Ms: percentile(recoveries, 50), maxMs: percentile(recoveries, 100), unrecovered },
    lost,
    duplicated,
    eventStores,
    readModels,
    statistics,
    effects,
    fund,
    deadLetters,
    problems,
    passed: problems.length === 0 && lost === 0 && duplicated === 0,
  };
  if (options.summaryFile) writeFileSync(options.summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  log(
    `chaos: ${summary.passed ? 'PASSED' : 'FAILED'} — acknowledged ${summary.commands.acknowledged} (${summary.commands.perSecond}/s), ` +
      `kills ${JSON.stringify(kills)}, lost ${lost}, duplicated ${duplicated}, recovery p50 ${summary.recovery.p50Ms} ms max ${summary.recovery.maxMs} ms` +
      (problems.length ? `\nproblems:\n  ${problems.slice(0, 50).join('\n  ')}` : ''),
  );
  return summary;
}

async function compareStatistics(system: ChaosSystem): Promise<ChaosSummary['statistics']> {
  const base = system.url('statistics');
  const headers = { authorization: `Bearer ${system.tokens.statistics}`, 'content-type': 'application/json' };
  const today = new Date().toISOString().slice(0, 10);
  const run = async (source: 'kafka' | 'event-store') => {
    const accepted = await fetch(`${base}/reports`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ asOf: today, period: today.slice(0, 4), report: 'all', format: 'csv', source }),
    });
    const job = (await accepted.json()) as { id?: string };
    if (accepted.status !== 202 || !job.id) throw new Error(`report from ${source}: ${accepted.status} ${JSON.stringify(job)}`);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const status = (await (await fetch(`${base}/reports/${job.id}`, { headers })).json()) as {
        status: string;
        error?: string;
        result?: { sha256: string };
      };
      if (status.status === 'succeeded') return status.result!.sha256;
      if (status.status === 'failed') throw new Error(`report from ${source} failed: ${status.error}`);
      if (Date.now() > deadline) throw new Error(`report from ${source} not done within 180 s`);
      await sleep(500);
    }
  };
  try {
    const [kafka, eventStore] = [await run('kafka'), await run('event-store')];
    return { kafka, eventStore, equal: kafka === eventStore };
  } catch (error) {
    return { equal: false, error: error instanceof Error ? error.message : String(error) };
  }
}
