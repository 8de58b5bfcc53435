import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isFree } from './ports';

const repository = join(__dirname, '..', '..', '..');
const kafkaScript = join(repository, 'infra', 'bin', 'kafka.sh');
const clusterScript = join(repository, 'infra', 'bin', 'kafka-cluster.sh');
const run = promisify(execFile);

/**
 * A three-node Kafka cluster of the test's own (infra/bin/kafka-cluster.sh: three KRaft nodes, each broker
 * and controller, a three-voter quorum, topics at 3 replicas with min.insync.replicas=2) on free ports in
 * 19000–19999, its data in a temporary directory, so that a test may kill a node without touching the
 * broker other tests share. The jars are the repository's (.local/kafka/lib), linked, not fetched again.
 */
export class PrivateKafkaCluster {
  static readonly NODES = 3;

  private constructor(
    private readonly directory: string,
    readonly basePort: number,
  ) {}

  /** Node n's (1-based) client port. */
  port(node: number): number {
    return this.basePort + 2 * (node - 1);
  }

  /** The bootstrap list of every node. */
  get brokers(): string[] {
    return Array.from({ length: PrivateKafkaCluster.NODES }, (_, i) => `127.0.0.1:${this.port(i + 1)}`);
  }

  static async start(): Promise<PrivateKafkaCluster> {
    await run('bash', [kafkaScript, 'jars']);
    const directory = mkdtempSync(join(tmpdir(), 'homeward-kafka-cluster-'));
    mkdirSync(join(directory, 'kafka'));
    symlinkSync(join(process.env.HOMEWARD_LOCAL_DIR ?? join(repository, '.local'), 'kafka', 'lib'), join(directory, 'kafka', 'lib'));
    const cluster = new PrivateKafkaCluster(directory, await freePortRun(2 * PrivateKafkaCluster.NODES));
    try {
      await cluster.script('up');
    } catch (error) {
      await cluster.stop().catch(() => undefined);
      throw error;
    }
    return cluster;
  }

  /** SIGKILLs node n's JVM: no shutdown hook, no clean handover of its partitions or its controller role. */
  async kill(node: number): Promise<void> {
    await this.script('kill', String(node));
  }

  /** Starts node n again on its port and data; resolves once it serves. */
  async restart(node: number): Promise<void> {
    await this.script('start', String(node));
  }

  async stop(): Promise<void> {
    try {
      await this.script('down');
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private async script(...args: string[]): Promise<void> {
    await run('bash', [clusterScript, ...args], {
      env: {
        ...process.env,
        KAFKA_CLUSTER_PORT: String(this.basePort),
        KAFKA_CLUSTER_NODES: String(PrivateKafkaCluster.NODES),
        HOMEWARD_LOCAL_DIR: this.directory,
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
        // The client compiler alone: a JVM starts in about half the CPU time, which three at once on a busy machine need.
        KAFKA_JVM_OPTS: '-XX:TieredStopAtLevel=1',
        KAFKA_START_TIMEOUT: '150',
        KAFKA_STOP_TIMEOUT: '15',
      },
    });
  }
}

/** The first of `count` consecutive free ports, from a random start in 19000–19999. */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 19_000 + Math.floor(Math.random() * (1_000 - count));
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await isFree(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free ports in 19000–19999`);
}
