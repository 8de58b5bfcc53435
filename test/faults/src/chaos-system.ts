import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandScopes } from '@homeward/auth';
import { createKafka, type Kafka } from '@homeward/messaging';
import { partitionRanges, readTopicsToEnd } from '@homeward/messaging/topic-reader';
import { testIssuer } from '@homeward/testing/infrastructure';
import { withClient } from './fault-system';
import { freePort } from './ports';
import { PrivateKafkaCluster } from './private-kafka-cluster';
import { PrivatePostgres } from './private-postgres';
import { ServiceProcess } from './service-process';

/** The four event-sourced services: their database on the private server and their topic. */
export const EVENT_STORES = {
  registration: { database: 'registration', topic: 'homeward.registration.events.v1' },
  skills: { database: 'skills', topic: 'homeward.skills.events.v1' },
  employment: { database: 'employment', topic: 'homeward.employment.events.v1' },
  fund: { database: 'fund', topic: 'homeward.fund.events.v1' },
} as const;
export type EventSourcedService = keyof typeof EVENT_STORES;

/** What a process of the system is, for the faults: an API, a relay (with its service's consumers), a read model. */
export type ProcessKind = 'api' | 'relay' | 'read-model' | 'statistics';

export interface Tokens {
  readonly registry: string;
  readonly mission: string;
  readonly skills: string;
  readonly employment: string;
  readonly fund: string;
  readonly statistics: string;
}

interface ProcessSpec {
  readonly name: string;
  readonly service: string;
  readonly kind: ProcessKind;
  readonly env: Record<string, string>;
}

/**
 * The whole registry on infrastructure of its own, for the chaos run (issue 14 §1): a private PostgreSQL,
 * a private three-broker Kafka cluster (topics at 3 replicas, min.insync.replicas 2, producers acks=all),
 * and every service in processes of its own — registration, skills-certification, employment-matching
 * and emergency-fund each as an API process and a relay process (the relay and the service's consumers of
 * other topics: `ROLES=relay,projection`), the agency view, the Riyadh mission's view and statistics.
 */
export class ChaosSystem {
  private readonly retired: ServiceProcess[] = [];

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly kafka: PrivateKafkaCluster,
    private readonly running: ServiceProcess[],
    private readonly kinds: ReadonlyMap<string, ProcessKind>,
    readonly tokens: Tokens,
    private readonly readModelEnv: Readonly<Record<string, Record<string, string>>>,
    private readonly scratch: string,
  ) {}

  get services(): readonly ServiceProcess[] {
    return this.running;
  }

  get everyProcess(): readonly ServiceProcess[] {
    return [...this.retired, ...this.running];
  }

  kindOf(name: string): ProcessKind {
    return this.kinds.get(name)!;
  }

  service(name: string): ServiceProcess {
    const found = this.running.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  url(name: string): string {
    return this.service(name).url;
  }

  static async start(): Promise<ChaosSystem> {
    const [postgres, kafka] = await Promise.all([PrivatePostgres.start(), PrivateKafkaCluster.start()]);
    const scratch = mkdtempSync(join(tmpdir(), 'homeward-chaos-'));
    try {
      const issuer = await testIssuer();
      const databases = ['registration', 'skills', 'employment', 'fund', 'agency_view', 'mission_view_sa', 'statistics'];
      await withClient(postgres.url(), async (client) => {
        for (const name of databases) await client.query(`CREATE DATABASE ${name}`);
      });
      const common = {
        KAFKA_BROKERS: kafka.brokers.join(','),
        TOPIC_PARTITIONS: '3',
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        LOG_LEVEL: 'warn',
      };
      const directoryKey = `directory-chaos:${randomBytes(32).toString('base64')}`;
      const masterKey = () => randomBytes(32).toString('base64');
      const skillsApiPort = await freePort();
      const env = {
        registration: {
          ...common,
          DATABASE_URL: postgres.url('registration'),
          PERSONAL_DATA_MASTER_KEY: masterKey(),
          DIRECTORY_KEY: directoryKey,
        },
        skills: {
          ...common,
          DATABASE_URL: postgres.url('skills'),
          PERSONAL_DATA_MASTER_KEY: masterKey(),
          VERIFICATION_SECRET: randomBytes(32).toString('base64'),
          OBJECT_STORE_DIR: join(scratch, 'skills-evidence'),
          PUBLIC_BASE_URL: `http://127.0.0.1:${skillsApiPort}`,
          CREDENTIALS_ISSUER_KEYS: `key-1:${randomBytes(32).toString('base64url')}`,
        },
        employment: { ...common, DATABASE_URL: postgres.url('employment') },
        fund: { ...common, DATABASE_URL: postgres.url('fund'), PERSONAL_DATA_MASTER_KEY: masterKey() },
      };
      const readModelEnv = {
        'agency-view': { ...common, DATABASE_URL: postgres.url('agency_view'), DIRECTORY_KEY: directoryKey },
        'mission-view': { ...common, DATABASE_URL: postgres.url('mission_view_sa'), MISSION_COUNTRY: 'SA' },
      };
      const eventSourced: [string, string, Record<string, string>][] = [
        ['registration', 'registration', env.registration],
        ['skills', 'skills-certification', env.skills],
        ['employment', 'employment-matching', env.employment],
        ['fund', 'emergency-fund', env.fund],
      ];
      const specs: ProcessSpec[] = [
        ...eventSourced.flatMap(([short, service, e]): ProcessSpec[] => [
          { name: `${short}-api`, service, kind: 'api', env: { ...e, ROLES: 'api' } },
          { name: `${short}-relay`, service, kind: 'relay', env: { ...e, ROLES: 'relay,projection' } },
        ]),
        { name: 'agency-view', service: 'agency-view', kind: 'read-model', env: readModelEnv['agency-view'] },
        { name: 'mission-view-sa', service: 'mission-view', kind: 'read-model', env: readModelEnv['mission-view'] },
        {
          name: 'statistics',
          service: 'statistics',
          kind: 'statistics',
          env: { ...common, DATABASE_URL: postgres.url('statistics'), REGISTRATION_EVENTS_DATABASE_URL: postgres.url('registration') },
        },
      ];
      const processes: ServiceProcess[] = [];
      const launch = async (spec: ProcessSpec) => {
        const port = spec.name === 'skills-api' ? skillsApiPort : await freePort();
        const process = new ServiceProcess(spec.name, spec.service, port, spec.env);
        processes.push(process);
        return process;
      };
      const system = new ChaosSystem(
        postgres,
        kafka,
        processes,
        new Map(specs.map((s) => [s.name, s.kind])),
        await tokens(issuer.token),
        readModelEnv,
        scratch,
      );
      try {
        // Each API creates its topic; two clients creating one topic at once race, so registration's (read
        // by every other) first, then the other owners', then the relays and read models.
        await (await launch(specs[0]!)).waitReady(180_000);
        const apis = await Promise.all(specs.filter((s) => s.kind === 'api' && s !== specs[0]).map(launch));
        await Promise.all(apis.map((p) => p.waitReady(180_000)));
        const rest = await Promise.all(specs.filter((s) => s.kind !== 'api').map(launch));
        await Promise.all(rest.map((p) => p.waitReady(240_000)));
      } catch (error) {
        await system.stop();
        throw error;
      }
      return system;
    } catch (error) {
      await Promise.allSettled([kafka.stop(), postgres.stop()]);
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((s) => s.stop()));
    await Promise.allSettled([this.kafka.stop(), this.postgres.stop()]);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** SIGKILLs a process (it has no say); the caller starts it again with `restart`. */
  async kill(name: string): Promise<void> {
    await this.service(name).kill('SIGKILL');
  }

  /** A new process in place of the one that was killed (same settings and port); resolves once started. */
  restart(name: string): ServiceProcess {
    const old = this.service(name);
    this.retired.push(old);
    const fresh = old.again();
    this.running.splice(this.running.indexOf(old), 1, fresh);
    return fresh;
  }

  /** Processes that ended without the run ending them. */
  exited(): string[] {
    return this.running.filter((s) => s.exited).map((s) => `${s.name}: ${JSON.stringify(s.exited)}\n${s.log.slice(-3_000)}`);
  }

  /** Lines any process logged about an error that reached the process itself (uncaught, unhandled). */
  processLevelErrors(): string[] {
    return this.everyProcess.flatMap((s) =>
      s.log
        .split('\n')
        .filter((line) => /uncaught|unhandled/i.test(line))
        .map((line) => `${s.name}: ${line.slice(0, 500)}`),
    );
  }

  /**
   * Whether the system has recovered: every process answers ready, and every read model's consumer is a
   * member of its group and less than a second behind (no lag, or its newest event under a second old).
   */
  async recovered(): Promise<boolean> {
    const answers = await Promise.all(this.running.map((s) => s.readiness()));
    if (answers.some((checks) => checks === undefined || checks.some((c) => !c.name.startsWith('projection:') && c.status !== 'up')))
      return false;
    const ready = await Promise.all(this.running.map((s) => s.ready()));
    if (ready.some((r) => !r)) return false;
    return answers.every((checks) =>
      checks!
        .filter((c) => c.name.startsWith('projection:'))
        .every(
          (c) =>
            c.status === 'up' &&
            c.info?.consumer === 'member' &&
            (c.info?.lag === 0 || (typeof c.info?.newestEventAgeSeconds === 'number' && c.info.newestEventAgeSeconds < 1)),
        ),
    );
  }

  /** Whether every read model's consumer has consumed everything on its topics (lag 0, not merely recent). */
  async caughtUp(): Promise<boolean> {
    const answers = await Promise.all(this.running.map((s) => s.readiness()));
    return answers.every(
      (checks) => checks !== undefined && checks.filter((c) => c.name.startsWith('projection:')).every((c) => c.info?.lag === 0),
    );
  }

  /** Read models (and processes) still behind or not ready, with their readiness, for a failure message. */
  async behind(): Promise<string[]> {
    const behind: string[] = [];
    for (const service of this.running) {
      const checks = await service.readiness();
      if (!checks) {
        behind.push(`${service.name}: no answer`);
        continue;
      }
      for (const check of checks) {
        const isProjection = check.name.startsWith('projection:');
        if (check.status !== 'up' || (isProjection && (check.info?.lag !== 0 || check.info?.consumer !== 'member')))
          behind.push(`${service.name} ${check.name}: ${JSON.stringify(check)}`);
      }
    }
    return behind;
  }

  client(clientId = 'chaos-check'): Kafka {
    return createKafka({ brokers: this.kafka.brokers, clientId });
  }

  /** Every stored event of a service: id, stream, version, type. */
  async storedEvents(service: EventSourcedService): Promise<{ eventId: string; streamId: string; version: number; type: string }[]> {
    return withClient(this.postgres.url(EVENT_STORES[service].database), async (client) => {
      const { rows } = await client.query<{ eventId: string; streamId: string; version: string; type: string }>(
        'SELECT event_id::text AS "eventId", stream_id AS "streamId", stream_version AS version, event_type AS type FROM events',
      );
      return rows.map((r) => ({ ...r, version: Number(r.version) }));
    });
  }

  /** How many messages carry each event id (`ce_id`) on a service's topic. */
  async topicCopies(service: EventSourcedService): Promise<Map<string, number>> {
    const copies = new Map<string, number>();
    await readTopicsToEnd(this.client(), {
      topics: [EVENT_STORES[service].topic],
      onMessage: (message) => {
        const id = message.headers?.ce_id;
        if (id === undefined) return;
        const key = String(id);
        copies.set(key, (copies.get(key) ?? 0) + 1);
      },
    });
    return copies;
  }

  /** Messages on every dead-letter topic, with the reason each carries (its headers), by topic. */
  async deadLetters(): Promise<Record<string, string[]>> {
    const kafka = this.client();
    const admin = kafka.admin();
    await admin.connect();
    let topics: string[];
    try {
      topics = (await admin.listTopics()).filter((t) => t.endsWith('.dlq.v1'));
    } finally {
      await admin.disconnect();
    }
    const found: Record<string, string[]> = {};
    const nonEmpty = (await partitionRanges(kafka, topics)).filter((r) => r.end > r.start);
    if (nonEmpty.length === 0) return found;
    await readTopicsToEnd(kafka, {
      topics: [...new Set(nonEmpty.map((r) => r.topic))],
      onMessage: (message, topic) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        (found[topic] ??= []).push(JSON.stringify(headers).slice(0, 600));
      },
    });
    return found;
  }

  /** Runs SQL on one of the system's databases. */
  async query<R extends object>(database: string, sql: string, params: unknown[] = []): Promise<R[]> {
    return withClient(this.postgres.url(database), async (client) => (await client.query<R>(sql, params)).rows);
  }

  /**
   * A fresh instance of a read model on a database of its own (hence consumer groups of its own), projected
   * from offset zero of the topics; resolves once it serves and has caught up. The caller stops it.
   */
  async freshReadModel(
    service: 'agency-view' | 'mission-view',
    timeoutMs = 300_000,
  ): Promise<{ process: ServiceProcess; database: string }> {
    const database = `${service.replace(/-/g, '_')}_rebuild_${randomBytes(3).toString('hex')}`;
    await withClient(this.postgres.url(), (client) => client.query(`CREATE DATABASE ${database}`));
    const process = new ServiceProcess(`${service}-rebuild`, service, await freePort(), {
      ...this.readModelEnv[service]!,
      DATABASE_URL: this.postgres.url(database),
    });
    const deadline = Date.now() + timeoutMs;
    try {
      await process.waitReady(timeoutMs);
      for (;;) {
        const checks = (await process.readiness()) ?? [];
        const projections = checks.filter((c) => c.name.startsWith('projection:'));
        if (projections.length > 0 && projections.every((c) => c.status === 'up' && c.info?.lag === 0)) break;
        if (Date.now() > deadline) throw new Error(`${service} rebuild not caught up: ${JSON.stringify(checks)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch (error) {
      await process.stop();
      throw error;
    }
    return { process, database };
  }

  /**
   * Compares, row for row, every table of the serving build of a read model in two databases (the
   * bookkeeping of progress aside: its counts include redeliveries); the differences by table, empty when equal.
   */
  async compareReadModels(live: string, rebuilt: string): Promise<{ tables: number; rows: number; differences: Record<string, string> }> {
    const snapshot = async (database: string) =>
      withClient(this.postgres.url(database), async (client) => {
        const serving = await client.query<{ projection: string; schema: string }>(
          'SELECT projection, schema_name AS schema FROM projection_serving ORDER BY projection',
        );
        const tables = new Map<string, string[]>();
        for (const { projection, schema } of serving.rows) {
          const { rows } = await client.query<{ table: string }>(
            `SELECT table_name AS table FROM information_schema.tables
              WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> 'projection_progress' ORDER BY table_name`,
            [schema],
          );
          for (const { table } of rows) {
            const content = await client.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM "${schema}"."${table}" t`);
            tables.set(`${projection}.${table}`, content.rows.map((x) => x.r).sort());
          }
        }
        return tables;
      });
    const [a, b] = await Promise.all([snapshot(live), snapshot(rebuilt)]);
    const differences: Record<string, string> = {};
    let rows = 0;
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const left = a.get(name) ?? [];
      const right = b.get(name) ?? [];
      rows += left.length;
      const counts = new Map<string, number>();
      for (const r of left) counts.set(r, (counts.get(r) ?? 0) + 1);
      for (const r of right) counts.set(r, (counts.get(r) ?? 0) - 1);
      const onlyLive = [...counts].filter(([, n]) => n > 0);
      const onlyRebuilt = [...counts].filter(([, n]) => n < 0);
      if (!a.has(name) || !b.has(name) || onlyLive.length > 0 || onlyRebuilt.length > 0)
        differences[name] =
          `live ${left.length} rows, rebuilt ${right.length}; only live: ${onlyLive.length} (e.g. ${onlyLive[0]?.[0]?.slice(0, 300) ?? '-'}), ` +
          `only rebuilt: ${onlyRebuilt.length} (e.g. ${onlyRebuilt[0]?.[0]?.slice(0, 300) ?? '-'})`;
    }
    return { tables: new Set([...a.keys(), ...b.keys()]).size, rows, differences };
  }
}

async function tokens(issue: (claims: Parameters<Awaited<ReturnType<typeof testIssuer>>['token']>[0]) => Promise<string>): Promise<Tokens> {
  const ttl = 6 * 3600;
  return {
    registry: await issue({ organisationId: 'ph-dmw-registry', kind: 'agency', ttl }),
    mission: await issue({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA', ttl }),
    skills: await issue({
      organisationId: 'ph-tesda',
      kind: 'agency',
      scopes: ['workers:read', 'skills:standards', 'skills:centres', 'skills:assess', 'skills:certify'],
      ttl,
    }),
    employment: await issue({
      organisationId: 'ph-peso',
      kind: 'agency',
      scopes: ['workers:read', 'employment:vacancies', 'employment:referrals', 'employment:seekers', 'employment:read'],
      ttl,
    }),
    fund: await issue({ organisationId: 'ph-owwa', kind: 'agency', subject: 'officer-a', scopes: expandScopes(['fund:*']).scopes, ttl }),
    statistics: await issue({ organisationId: 'ph-psa', kind: 'statistics', ttl }),
  };
}
