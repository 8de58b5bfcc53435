import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import { TopicOffsets, silentLogger, type Kafka, type Logger, type PartitionOffsets } from '@homeward/messaging';
import { ConsumerRunner, checkpointLag, consumerMigrations, type IncomingMessage } from '@homeward/messaging/consumer';
import {
  BUILDS_LOCK_CLASS,
  BUILD_COLUMNS,
  READERS_LOCK_CLASS,
  assertProjectionName,
  consumerGroupFor,
  lockKey,
  projectionMigrations,
  quoteIdent,
  schemaNameFor,
  type BuildRow,
} from './builds';
import { applyChunk, buildSchema, type DecodedEvent, type ProjectionDefinition, type Source } from './projection';
import type { Registry } from 'prom-client';
import { registerProjectionMetrics, renderMetrics } from './projection-metrics';
import { ProjectionReader } from './projection-reader';
import type { BuildStatus, ProjectionStatus } from './projection-status';

// What `status()` answers, named where the host's callers import it from.
export type { BuildStatus, ProjectionStatus } from './projection-status';

export interface ProjectionHostOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  /** Prefix of consumer group names (tests isolate runs with it, as they do topics). */
  readonly topicNamespace?: string;
  /** Where messages that cannot be decoded or applied go, with the reason. */
  readonly deadLetterTopic: string;
  /** How often builds are reconciled: consumers started or stopped, catch-up checked, old builds dropped (default 1 s). */
  readonly pollIntervalMs?: number;
  readonly maxMessagesPerTransaction?: number;
  /** Readiness fails when the serving build is more than this many messages behind; absent: lag never fails readiness. */
  readonly maxReadyLag?: number;
  readonly logger?: Logger;
}

/**
 * Runs a versioned read model: the consumer group of the serving build and, while one is projected, of
 * the next build, and the swap between them.
 *
 * - Each build projects from offset zero into a schema of its own (`<name>_v<version>_b<build>`) through a
 *   consumer group of its own; its writes, the versions of the streams it holds and its Kafka checkpoint
 *   commit in one transaction per chunk (ConsumerRunner with checkpoints kept in PostgreSQL).
 * - A build starts when no build of the code's version serves (first start, or a new version), or on
 *   request (`requestRebuild`). Meanwhile the serving build goes on serving.
 * - When the new build has caught up — every partition's checkpoint at the end offset read at that moment
 *   — one transaction moves the serving pointer to it. Readers resolve the pointer per transaction
 *   (ProjectionReader), so each query sees one build or the other, and none fails.
 * - The superseded build's consumer stops; its schema is dropped once every reader that may still use it
 *   has finished and every write to it has committed; its checkpoints and consumer group go too.
 *
 * Several replicas may run the same host on one database: builds are rows, creating one is serialised by
 * an advisory lock, swapping and dropping lock the rows they change, and a consumer whose build is no longer
 * building or serving writes nothing.
 */
/** Partitions of a fetch a read model applies at the same time (each holds a pooled connection meanwhile). */
const PARTITIONS_APPLIED_AT_ONCE = 6;

export class ProjectionHost<E> {
  readonly reader: ProjectionReader;
  private readonly logger: Logger;
  private readonly namespace: string;
  private readonly sourceByTopic: ReadonlyMap<string, Source<E>>;
  private readonly topics: readonly string[];
  private readonly offsets: TopicOffsets;
  private readonly runners = new Map<number, ConsumerRunner<DecodedEvent<E>>>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private tickInFlight: Promise<void> | undefined;
  private outdated: string | undefined;
  private lastTickError: unknown;
  /** Per building build: the end offsets at an earlier check, which it has caught up with once it reaches them. */
  private readonly catchUpTargets = new Map<number, PartitionOffsets[]>();

  constructor(
    readonly definition: ProjectionDefinition<E>,
    private readonly options: ProjectionHostOptions,
  ) {
    assertProjectionName(definition.name);
    if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error('a projection version is a positive integer');
    this.logger = options.logger ?? silentLogger;
    this.namespace = options.topicNamespace ?? '';
    this.sourceByTopic = new Map(definition.sources.map((s) => [s.topic, s]));
    this.topics = definition.sources.map((s) => s.topic);
    this.offsets = new TopicOffsets(options.kafka);
    this.reader = new ProjectionReader(options.pool, definition.name, definition.version);
  }

  get name(): string {
    return this.definition.name;
  }

  /** Creates the bookkeeping tables, starts what the builds need, and reconciles every pollIntervalMs from then on. */
  async start(): Promise<void> {
    await migrate(this.options.pool, 'messaging', consumerMigrations);
    await migrate(this.options.pool, 'projections', projectionMigrations);
    this.running = true;
    await this.tick();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.tickInFlight?.catch(() => undefined);
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    this.runners.clear();
    await this.offsets.close();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 1_000);
  }

  /** One reconciliation; never throws (the next one tries again). */
  tick(): Promise<void> {
    // One reconciliation at a time: a requested rebuild waits for the scheduled one under way.
    const run = (this.tickInFlight ?? Promise.resolve()).then(async () => {
      try {
        await this.reconcile();
        this.lastTickError = undefined;
      } catch (error) {
        this.lastTickError = error;
        this.logger.error({ err: error, projection: this.name }, 'projection reconciliation failed; retrying');
      }
    });
    this.tickInFlight = run;
    return run;
  }

  /**
   * Starts a rebuild of the code's version from offset zero, unless one is under way (then returns that one).
   * The serving build keeps serving until the new one has caught up.
   */
  async requestRebuild(reason: string): Promise<BuildRow> {
    if (this.outdated) throw new Error(this.outdated);
    const build = await this.createBuild(reason, true);
    await this.tick();
    return build;
  }

  private async builds(db: Pool | PoolClient = this.options.pool): Promise<BuildRow[]> {
    const { rows } = await db.query<BuildRow>(
      `SELECT ${BUILD_COLUMNS} FROM projection_builds
        WHERE projection = $1 AND state IN ('building', 'serving', 'superseded', 'abandoned') ORDER BY build`,
      [this.name],
    );
    return rows;
  }

  private async reconcile(): Promise<void> {
    if (!this.running) return;
    let builds = await this.builds();
    const serving = builds.find((b) => b.state === 'serving');
    const building = builds.find((b) => b.state === 'building');
    const code = this.definition.version;

    const newer = [serving, building].find((b) => b && b.version > code);
    this.outdated = newer ? `build ${newer.build} projects version ${newer.version}, newer than this release's ${code}` : undefined;
    if (this.outdated) {
      // A newer release owns the model: project nothing with older code.
      for (const build of [...this.runners.keys()]) await this.stopRunner(build);
      return;
    }

    if (building && building.version < code) {
      await this.abandon(building);
      builds = await this.builds();
    }
    if (!builds.some((b) => b.state === 'building') && (!serving || serving.version < code)) {
      await this.createBuild(serving ? `version ${serving.version} → ${code}` : 'first build', false);
      builds = await this.builds();
    }

    // Consumers for the live builds of this code's version; none for the rest.
    const live = builds.filter((b) => (b.state === 'serving' || b.state === 'building') && b.version === code);
    for (const build of [...this.runners.keys()]) if (!live.some((b) => b.build === build)) await this.stopRunner(build);
    for (const build of live) if (!this.runners.has(build.build)) await this.startRunner(build);

    const next = builds.find((b) => b.state === 'building');
    if (next && next.version === code && (await this.caughtUp(next))) await this.swap(next);

    for (const old of await this.builds()) {
      if (old.state === 'superseded' || old.state === 'abandoned') await this.drop(old);
    }
  }

  /** A new build: its row, its schema and its tables, in one transaction. */
  private async createBuild(reason: string, requested: boolean): Promise<BuildRow> {
    const code = this.definition.version;
    const token = randomBytes(4).toString('hex');
    return withTransaction(this.options.pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [BUILDS_LOCK_CLASS, lockKey(this.name)]);
      const current = await this.builds(tx);
      const building = current.find((b) => b.state === 'building');
      if (building && building.version === code) return building;
      if (building) throw new Error(`build ${building.build} of version ${building.version} is under way`);
      const serving = current.find((b) => b.state === 'serving');
      if (!requested && serving && serving.version >= code) return serving;
      const { rows } = await tx.query<{ next: number }>(
        'SELECT coalesce(max(build), 0) + 1 AS next FROM projection_builds WHERE projection = $1',
        [this.name],
      );
      const build = rows[0]!.next;
      const schema = schemaNameFor(this.name, code, build);
      const group = consumerGroupFor(this.namespace, this.name, code, build, token);
      const inserted = await tx.query<BuildRow>(
        `INSERT INTO projection_builds (projection, build, version, schema_name, consumer_group, state, reason)
         VALUES ($1, $2, $3, $4, $5, 'building', $6) RETURNING ${BUILD_COLUMNS}`,
        [this.name, build, code, schema, group, reason],
      );
      await tx.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(schema)}, public`]);
      for (const ddl of buildSchema(this.definition)) await tx.query(ddl);
      this.logger.info({ projection: this.name, build, version: code, schema, reason }, 'projection build started');
      return inserted.rows[0]!;
    });
  }

  private async startRunner(build: BuildRow): Promise<void> {
    const runner = new ConsumerRunner<DecodedEvent<E>>(this.options.kafka, this.options.pool, {
      consumer: build.consumerGroup,
      topics: this.topics,
      deadLetterTopic: this.options.deadLetterTopic,
      fromBeginning: true,
      decode: (message) => this.decode(message),
      handleBatch: (items, tx) => this.applyPartitionChunk(build, items, tx),
      deduplicateByEventId: false,
      resumeFromCheckpoints: true,
      // A superseded build's consumer stops while the service runs: its fetch should not hold that up.
      // Under load, fetches wait for 256 KiB (about 500 events) or 100 ms, whichever comes first: large
      // chunks, and at most 100 ms more lag on a quiet topic.
      maxWaitTimeMs: 100,
      minBytes: 256 * 1024,
      // Every row of a read model belongs to one stream, and a stream to one partition: partitions can be
      // applied side by side, each in its own transaction, without touching each other's rows.
      partitionsConsumedConcurrently: PARTITIONS_APPLIED_AT_ONCE,
      ...(this.options.maxMessagesPerTransaction ? { maxMessagesPerTransaction: this.options.maxMessagesPerTransaction } : {}),
      logger: this.logger,
    });
    this.runners.set(build.build, runner);
    try {
      await runner.start();
    } catch (error) {
      this.runners.delete(build.build);
      await runner.stop();
      throw error;
    }
  }

  private async stopRunner(build: number): Promise<void> {
    const runner = this.runners.get(build);
    this.runners.delete(build);
    await runner?.stop();
  }

  private decode(message: IncomingMessage): DecodedEvent<E> {
    const source = this.sourceByTopic.get(message.topic);
    if (!source) throw new Error(`no source reads topic ${message.topic}`);
    const event = source.decode(message);
    return { event, meta: source.meta(event), erasedSubject: source.erasedSubject(event) };
  }

  /**
   * One chunk of one partition, in the transaction that also checkpoints it: the build must still be
   * building or serving (a superseded build writes nothing), then relevance, deduplication by stream
   * version, erasures, the model's writes, the streams' versions and the partition's progress.
   */
  private async applyPartitionChunk(
    build: BuildRow,
    items: readonly { decoded: DecodedEvent<E>; message: IncomingMessage }[],
    tx: PoolClient,
  ) {
    // The build's row, shared-locked: a swap or a drop waits for this chunk, and a chunk after it writes nothing.
    const { rows } = await tx.query<{ state: string }>(
      // A read model's commit need not wait for the WAL flush: the checkpoint commits with the writes, and
      // consumption resumes from the checkpoint, so a chunk lost in a crash is simply applied again.
      `SELECT state, set_config('search_path', CASE WHEN state IN ('building', 'serving') THEN $3 ELSE current_setting('search_path') END, true),
              set_config('synchronous_commit', 'off', true)
         FROM projection_builds WHERE projection = $1 AND build = $2 FOR SHARE`,
      [this.name, build.build, `${quoteIdent(build.schemaName)}, public`],
    );
    const state = rows[0]?.state;
    if (state !== 'building' && state !== 'serving') return;

    const plan = await applyChunk(
      this.definition,
      items.map(({ decoded }) => decoded),
      tx,
    );
    const { topic, partition } = items[0]!.message;
    const newest = new Date(Math.max(...items.map(({ decoded }) => decoded.meta.recordedAt.getTime())));
    // The streams' new versions and the partition's progress, in one statement.
    await tx.query(
      `WITH streams AS (
         INSERT INTO projection_streams (stream_id, version) SELECT * FROM unnest($6::text[], $7::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET version = greatest(projection_streams.version, EXCLUDED.version)
       )
       INSERT INTO projection_progress (topic, partition, newest_event_at, processed, applied) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (topic, partition) DO UPDATE SET newest_event_at = greatest(projection_progress.newest_event_at, EXCLUDED.newest_event_at),
         processed = projection_progress.processed + EXCLUDED.processed, applied = projection_progress.applied + EXCLUDED.applied, updated_at = now()`,
      [topic, partition, newest, items.length, plan.accepted.length, [...plan.positions.keys()], [...plan.positions.values()]],
    );
  }

  private async endOffsets(): Promise<PartitionOffsets[]> {
    return this.offsets.fetch(this.topics);
  }

  /**
   * Caught up: every partition's checkpoint has reached the end offsets read at an earlier check (or
   * now). Under a steady flow of events the end keeps moving, so a build is compared with where the end
   * was, not where it is; the swap then closes the last gap.
   */
  private async caughtUp(build: BuildRow): Promise<boolean> {
    const target = this.catchUpTargets.get(build.build);
    if (target) {
      const behind = await checkpointLag(this.options.pool, build.consumerGroup, target);
      if (behind.every((p) => p.lag === 0)) return true;
    }
    const end = await this.endOffsets();
    this.catchUpTargets.set(build.build, end);
    return (await checkpointLag(this.options.pool, build.consumerGroup, end)).every((p) => p.lag === 0);
  }

  /**
   * One transaction moves the pointer: queries after it read the new build, queries before it finish on
   * the old one. It first freezes the serving build (its consumers' chunks wait on the row lock, and find
   * it superseded afterwards), then waits until the new build has applied at least what the old one had,
   * partition by partition, so that no answer goes back in time across the swap. If that takes too long
   * it gives up, and the next reconciliation tries again.
   */
  private async swap(next: BuildRow): Promise<void> {
    const swapped = await withTransaction(this.options.pool, async (tx) => {
      const old = await tx.query<{ consumerGroup: string }>(
        `SELECT consumer_group AS "consumerGroup" FROM projection_builds WHERE projection = $1 AND state = 'serving' FOR UPDATE`,
        [this.name],
      );
      const still = await tx.query('SELECT 1 FROM projection_builds WHERE projection = $1 AND build = $2 AND state = $3 FOR SHARE', [
        this.name,
        next.build,
        'building',
      ]);
      if (still.rowCount === 0) return false;
      const oldGroup = old.rows[0]?.consumerGroup;
      if (oldGroup && !(await this.hasOvertaken(tx, next.consumerGroup, oldGroup))) return false;
      await tx.query(`UPDATE projection_builds SET state = 'superseded', ended_at = now() WHERE projection = $1 AND state = 'serving'`, [
        this.name,
      ]);
      await tx.query(
        `UPDATE projection_builds SET state = 'serving', caught_up_at = now(), serving_since = now() WHERE projection = $1 AND build = $2`,
        [this.name, next.build],
      );
      await tx.query(
        `INSERT INTO projection_serving (projection, build, version, schema_name, swapped_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (projection) DO UPDATE SET build = EXCLUDED.build, version = EXCLUDED.version, schema_name = EXCLUDED.schema_name,
           swapped_at = EXCLUDED.swapped_at`,
        [this.name, next.build, next.version, next.schemaName],
      );
      return true;
    });
    this.catchUpTargets.delete(next.build);
    if (swapped) this.logger.info({ projection: this.name, build: next.build, version: next.version }, 'projection build now serves');
  }

  /** Whether `group` has applied, on every partition of this code's topics, at least what `frozen` had; waits a little for it. */
  private async hasOvertaken(tx: PoolClient, group: string, frozen: string, waitMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const { rows } = await tx.query<{ behind: number }>(
        `SELECT count(*)::int AS behind FROM consumer_checkpoints o
           LEFT JOIN consumer_checkpoints n ON n.consumer = $2 AND n.topic = o.topic AND n.partition = o.partition
          WHERE o.consumer = $1 AND o.topic = ANY($3::text[]) AND coalesce(n.next_offset, 0) < o.next_offset`,
        [frozen, group, this.topics],
      );
      if (rows[0]!.behind === 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async abandon(build: BuildRow): Promise<void> {
    await this.options.pool.query(
      `UPDATE projection_builds SET state = 'abandoned', ended_at = now() WHERE projection = $1 AND build = $2 AND state = 'building'`,
      [this.name, build.build],
    );
    this.logger.warn(
      { projection: this.name, build: build.build, version: build.version },
      'projection build abandoned for a newer version',
    );
  }

  /**
   * Drops a superseded or abandoned build: its consumer stops here first; the transaction then waits for
   * writes to the build that are still committing (row lock) and for readers that may have resolved its
   * schema (exclusive readers' lock), drops the schema and the build's checkpoints, and marks it retired.
   */
  private async drop(build: BuildRow): Promise<void> {
    await this.stopRunner(build.build);
    const dropped = await withTransaction(this.options.pool, async (tx) => {
      // Locks in the order a chunk of the build takes them (its checkpoint, then the build's row), so that
      // a chunk still running on another replica waits for this drop or this drop for it, never both.
      await tx.query('SELECT 1 FROM consumer_checkpoints WHERE consumer = $1 ORDER BY topic, partition FOR UPDATE', [build.consumerGroup]);
      const { rows } = await tx.query<{ state: string }>(
        'SELECT state FROM projection_builds WHERE projection = $1 AND build = $2 FOR UPDATE',
        [this.name, build.build],
      );
      if (rows[0]?.state !== 'superseded' && rows[0]?.state !== 'abandoned') return false;
      await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [READERS_LOCK_CLASS, lockKey(this.name)]);
      await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(build.schemaName)} CASCADE`);
      await tx.query('DELETE FROM consumer_checkpoints WHERE consumer = $1', [build.consumerGroup]);
      await tx.query('DELETE FROM handled_messages WHERE consumer = $1', [build.consumerGroup]);
      await tx.query(`UPDATE projection_builds SET state = 'retired', dropped_at = now() WHERE projection = $1 AND build = $2`, [
        this.name,
        build.build,
      ]);
      return true;
    });
    if (!dropped) return;
    this.logger.info({ projection: this.name, build: build.build, schema: build.schemaName }, 'projection build dropped');
    // Other replicas may still be members for a moment; the group's offsets are harmless if it stays.
    await this.offsets
      .deleteConsumerGroups([build.consumerGroup])
      .catch((error: unknown) =>
        this.logger.warn({ err: error, group: build.consumerGroup }, 'consumer group of a dropped build not deleted'),
      );
  }

  /** The serving and building builds with their lag; what readiness and metrics report. */
  async status(): Promise<ProjectionStatus> {
    const builds = await this.builds();
    const offsets = await this.endOffsets();
    const describe = async (build: BuildRow | undefined): Promise<BuildStatus | undefined> => {
      if (!build) return undefined;
      const partitions = await checkpointLag(this.options.pool, build.consumerGroup, offsets);
      const progress = await this.options.pool
        .query<{ newest: Date | null; processed: string; applied: string }>(
          `SELECT max(newest_event_at) AS newest, coalesce(sum(processed), 0) AS processed, coalesce(sum(applied), 0) AS applied
             FROM ${quoteIdent(build.schemaName)}.projection_progress`,
        )
        .then((r) => r.rows[0])
        .catch(() => undefined); // dropped meanwhile
      const newest = progress?.newest ?? undefined;
      return {
        build: build.build,
        version: build.version,
        state: build.state,
        schema: build.schemaName,
        consumerGroup: build.consumerGroup,
        reason: build.reason,
        startedAt: build.startedAt.toISOString(),
        ...(build.servingSince ? { servingSince: build.servingSince.toISOString() } : {}),
        lag: partitions.reduce((sum, p) => sum + p.lag, 0),
        partitions,
        ...(newest
          ? { newestEventAt: newest.toISOString(), newestEventAgeSeconds: Math.max(0, (Date.now() - newest.getTime()) / 1000) }
          : {}),
        eventsProcessed: Number(progress?.processed ?? 0),
        eventsApplied: Number(progress?.applied ?? 0),
        consumingHere: this.runners.has(build.build),
      };
    };
    const serving = await describe(builds.find((b) => b.state === 'serving'));
    const building = await describe(builds.find((b) => b.state === 'building'));
    return {
      projection: this.name,
      codeVersion: this.definition.version,
      ...(serving ? { serving } : {}),
      ...(building ? { building } : {}),
      ...(this.outdated ? { outdated: this.outdated } : {}),
    };
  }

  /**
   * A readiness check (service-kit's shape): ready when a build of this release's version serves, its
   * consumer runs, and (if maxReadyLag is set) it is no further behind than that. Resolves to the lag
   * figures, shown by /health/ready.
   */
  readiness(): { readonly name: string; check(): Promise<Record<string, unknown>> } {
    return {
      name: `projection:${this.name}`,
      check: async () => {
        const status = await this.status();
        if (status.outdated) throw new Error(status.outdated);
        const serving = status.serving;
        if (!serving || serving.version !== this.definition.version) {
          const progress = status.building ? `; build ${status.building.build} is ${status.building.lag} messages behind` : '';
          throw new Error(`no build of version ${this.definition.version} serves yet${progress}`);
        }
        const runner = this.runners.get(serving.build);
        const failure = runner?.failure;
        if (failure) throw new Error(`the consumer stopped: ${failure instanceof Error ? failure.message : String(failure)}`);
        if (this.lastTickError) throw new Error(`reconciliation failing: ${String(this.lastTickError)}`);
        const max = this.options.maxReadyLag;
        if (max !== undefined && serving.lag > max) throw new Error(`${serving.lag} messages behind (more than ${max})`);
        // Queries are answered from the serving build whether or not its consumer is in its group yet (a
        // restart waits out the session of a member that died without leaving); the lag says how current.
        return {
          build: serving.build,
          version: serving.version,
          lag: serving.lag,
          ...(runner ? { consumer: runner.member ? 'member' : 'joining' } : {}),
          ...(serving.newestEventAgeSeconds === undefined ? {} : { newestEventAgeSeconds: round(serving.newestEventAgeSeconds) }),
          ...(status.building ? { rebuilding: { build: status.building.build, lag: status.building.lag } } : {}),
        };
      },
    };
  }

  /** Prometheus text exposition of the projection's lag. */
  async metrics(): Promise<string> {
    return renderMetrics([await this.status()]);
  }

  /** The projection's metrics in a service's registry (served at `/metrics`), read from `status()` at each scrape. */
  registerMetrics(registry: Registry): void {
    registerProjectionMetrics(registry, async () => [await this.status()]);
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
