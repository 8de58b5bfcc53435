import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createKafka, headersToStrings, reliableProducer, type Kafka } from '@homeward/messaging';
import { partitionRanges, readTopicsToEnd, type TopicMessage } from '@homeward/messaging/topic-reader';
import { testIssuer } from '@homeward/testing/infrastructure';
import type { Acknowledged } from './command-load';
import { freePort } from './ports';
import { PrivateKafka } from './private-kafka';
import { PrivatePostgres } from './private-postgres';
import { ServiceProcess } from './service-process';

const REGISTRATION_TOPIC = 'homeward.registration.events.v1';

/**
 * The registry on infrastructure of its own: a private PostgreSQL and a private Kafka broker, and every
 * service in a process of its own (the registration API; its relay and worker-status projection; the
 * agency view; the Riyadh mission's view; statistics). The fault tests break the infrastructure under it
 * and then ask what every process and every store says.
 */
export class FaultSystem {
  /** Processes the tests ended on purpose (restarted), kept for their logs. */
  private readonly retired: ServiceProcess[] = [];

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly kafka: PrivateKafka,
    private readonly running: ServiceProcess[],
    readonly agencyToken: string,
  ) {}

  get services(): readonly ServiceProcess[] {
    return this.running;
  }

  /** Every process the system ran, those restarted included. */
  get everyProcess(): readonly ServiceProcess[] {
    return [...this.retired, ...this.running];
  }

  get api(): ServiceProcess {
    return this.service('registration-api');
  }

  service(name: string): ServiceProcess {
    const found = this.running.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  /**
   * Ends a service's process with `signal` (SIGTERM: it stops cleanly; SIGKILL: it has no say) and starts
   * a new one in its place; resolves when the new one has been started, not when it is ready.
   */
  async restart(name: string, signal: NodeJS.Signals): Promise<ServiceProcess> {
    const old = this.service(name);
    await old.kill(signal);
    this.retired.push(old);
    const fresh = old.again();
    this.running.splice(this.running.indexOf(old), 1, fresh);
    return fresh;
  }

  /** Messages on the registration topic so far: what the relay has published. */
  async published(): Promise<number> {
    let count = 0;
    await readTopicsToEnd(this.client(), { topics: [REGISTRATION_TOPIC], onMessage: () => void count++ });
    return count;
  }

  /**
   * Sends the last `count` messages of the registration topic again, as a relay that crashed between
   * sending and checkpointing does: valid messages that every consumer must take (and deduplicate).
   */
  async resendRecent(count: number): Promise<number> {
    const kafka = this.client();
    const recent: TopicMessage[] = [];
    await readTopicsToEnd(kafka, {
      topics: [REGISTRATION_TOPIC],
      onMessage: (message) => {
        recent.push(message);
        if (recent.length > count) recent.shift();
      },
    });
    const producer = kafka.producer(reliableProducer);
    await producer.connect();
    try {
      await producer.send({
        topic: REGISTRATION_TOPIC,
        acks: -1,
        messages: recent.map((m) => ({ key: m.key, value: m.value, headers: headersToStrings(m.headers as never) })),
      });
    } finally {
      await producer.disconnect();
    }
    return recent.length;
  }

  static async start(): Promise<FaultSystem> {
    const [postgres, kafka] = await Promise.all([PrivatePostgres.start(), PrivateKafka.start()]);
    const issuer = await testIssuer();
    const databases = ['registration', 'agency_view', 'mission_view_sa', 'statistics'];
    await withClient(postgres.url(), async (client) => {
      for (const name of databases) await client.query(`CREATE DATABASE ${name}`);
    });
    const common = {
      KAFKA_BROKERS: kafka.brokers,
      TOPIC_PARTITIONS: '3',
      AUTH_JWKS_URL: issuer.jwksUrl,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      LOG_LEVEL: 'warn',
    };
    const directoryKey = `directory-faults:${randomBytes(32).toString('base64')}`;
    const registration = {
      ...common,
      DATABASE_URL: postgres.url('registration'),
      PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
      DIRECTORY_KEY: directoryKey,
    };
    // The API first, alone: it creates the topics the others read, and two clients creating a topic at
    // once race (one fails to start). Whether it started is asked with the others below.
    const api = new ServiceProcess('registration-api', 'registration', await freePort(), { ...registration, ROLES: 'api' });
    await api.waitReady().catch(() => undefined);
    const services = [
      api,
      new ServiceProcess('registration-relay', 'registration', await freePort(), { ...registration, ROLES: 'relay,projection' }),
      new ServiceProcess('agency-view', 'agency-view', await freePort(), {
        ...common,
        DATABASE_URL: postgres.url('agency_view'),
        DIRECTORY_KEY: directoryKey,
      }),
      new ServiceProcess('mission-view-sa', 'mission-view', await freePort(), {
        ...common,
        DATABASE_URL: postgres.url('mission_view_sa'),
        MISSION_COUNTRY: 'SA',
      }),
      new ServiceProcess('statistics', 'statistics', await freePort(), {
        ...common,
        DATABASE_URL: postgres.url('statistics'),
        REGISTRATION_EVENTS_DATABASE_URL: postgres.url('registration'),
      }),
    ];
    const system = new FaultSystem(
      postgres,
      kafka,
      [...services],
      await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency' }),
    );
    try {
      await Promise.all(services.map((s) => s.waitReady()));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((s) => s.stop()));
    await Promise.allSettled([this.kafka.stop(), this.postgres.stop()]);
  }

  /** Processes that ended without a test ending them, with how; none while the registry is healthy. */
  exited(): string[] {
    return this.running.filter((s) => s.exited).map((s) => `${s.name}: ${JSON.stringify(s.exited)}\n${s.log.slice(-3_000)}`);
  }

  /** The services that do not answer ready now. */
  async notReady(): Promise<string[]> {
    const answers = await Promise.all(this.services.map(async (s) => ((await s.ready()) ? undefined : s.name)));
    return answers.filter((name): name is string => name !== undefined);
  }

  /**
   * Polls every service's readiness from now on; resolves with how long each took to answer ready, or
   * rejects naming those still not ready after `timeoutMs`.
   */
  async allReadyWithin(timeoutMs: number): Promise<Record<string, number>> {
    const started = Date.now();
    const readyAfter: Record<string, number> = {};
    while (Date.now() - started <= timeoutMs) {
      await Promise.all(
        this.services
          .filter((s) => readyAfter[s.name] === undefined)
          .map(async (s) => {
            if (await s.ready()) readyAfter[s.name] = Date.now() - started;
          }),
      );
      if (Object.keys(readyAfter).length === this.services.length) return readyAfter;
      await new Promise((r) => setTimeout(r, 250));
    }
    const late = this.services.filter((s) => readyAfter[s.name] === undefined);
    throw new Error(
      `not ready ${timeoutMs} ms after the fault ended: ${late.map((s) => s.name).join(', ')}\n` +
        late.map((s) => `--- ${s.name}\n${s.log.slice(-3_000)}`).join('\n'),
    );
  }

  /**
   * Each acknowledged command's events that are missing from the event store (its stream not up to the
   * acknowledged version, or with a gap), as "<worker> v<version>".
   */
  async missingFromEventStore(acknowledged: readonly Acknowledged[]): Promise<string[]> {
    const streams = await withClient(this.postgres.url('registration'), async (client) => {
      const { rows } = await client.query<{ stream_id: string; top: string; n: string }>(
        'SELECT stream_id, max(stream_version) AS top, count(*) AS n FROM events GROUP BY stream_id',
      );
      return new Map(rows.map((r) => [r.stream_id, { top: Number(r.top), count: Number(r.n) }]));
    });
    return acknowledged
      .filter((a) => {
        const stream = streams.get(`worker-${a.workerId}`);
        return !stream || stream.top < a.version || stream.count !== stream.top;
      })
      .map((a) => `${a.command} of ${a.workerId} v${a.version}`);
  }

  /** Ids of the events in the registration event store that are not (yet) on the registration topic. */
  async unpublished(): Promise<string[]> {
    const stored = await withClient(this.postgres.url('registration'), async (client) => {
      const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM events');
      return rows.map((r) => r.event_id);
    });
    const onKafka = new Set<string>();
    const kafka = this.client();
    await readTopicsToEnd(kafka, {
      topics: [REGISTRATION_TOPIC],
      onMessage: (message) => {
        const id = message.headers?.ce_id;
        if (id !== undefined) onKafka.add(String(id));
      },
    });
    return stored.filter((id) => !onKafka.has(id));
  }

  /** Messages on every dead-letter topic of the broker, by topic. */
  async deadLetters(): Promise<Record<string, number>> {
    const kafka = this.client();
    const admin = kafka.admin();
    await admin.connect();
    let topics: string[];
    try {
      topics = (await admin.listTopics()).filter((t) => t.endsWith('.dlq.v1'));
    } finally {
      await admin.disconnect();
    }
    const counts: Record<string, number> = {};
    for (const range of await partitionRanges(kafka, topics)) counts[range.topic] = (counts[range.topic] ?? 0) + range.end - range.start;
    return counts;
  }

  /** Read models whose serving build is behind its topics, or whose consumer is not in its group, with their readiness figures. */
  async readModelsBehind(): Promise<string[]> {
    const behind: string[] = [];
    for (const service of this.running) {
      for (const check of (await service.readiness()) ?? [{ name: 'health', status: 'no answer' }]) {
        if (!check.name.startsWith('projection:') && check.status === 'up') continue;
        if (check.status !== 'up' || check.info?.lag !== 0 || check.info?.consumer !== 'member')
          behind.push(`${service.name} ${check.name}: ${JSON.stringify(check)}`);
      }
    }
    return behind;
  }

  /** Workers in the event store without their latest status in registration's worker-status projection. */
  async workersNotProjected(): Promise<number> {
    return withClient(this.postgres.url('registration'), async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           SELECT stream_id, max(stream_version) AS top FROM events
            WHERE event_type IN ('WorkerRegistered', 'DepartureRecorded', 'ReturnRecorded') GROUP BY stream_id) e
           LEFT JOIN worker_status w ON 'worker-' || w.worker_id = e.stream_id AND w.stream_version >= e.top
          WHERE w.worker_id IS NULL`,
      );
      return rows[0]!.n;
    });
  }

  private client(): Kafka {
    return createKafka({ brokers: [this.kafka.brokers], clientId: 'faults-check' });
  }
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
