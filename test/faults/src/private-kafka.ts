import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePortPair } from './ports';

const repository = join(__dirname, '..', '..', '..');
const kafkaScript = join(repository, 'infra', 'bin', 'kafka.sh');
const run = promisify(execFile);

/**
 * A Kafka broker of the test's own (infra/bin/kafka.sh on a free port, its data in a temporary
 * directory), so that a test may kill it without touching the broker other tests share. The jars are
 * the repository's (.local/kafka/lib, resolved once by kafka.sh), linked rather than fetched again.
 */
export class PrivateKafka {
  private constructor(
    private readonly directory: string,
    readonly port: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateKafka> {
    await run('bash', [kafkaScript, 'jars']);
    const directory = mkdtempSync(join(tmpdir(), 'homeward-faults-kafka-'));
    mkdirSync(join(directory, 'kafka'));
    // Where `kafka.sh jars` put them: HOMEWARD_LOCAL_DIR, as for the machine's broker, or the repository's .local.
    symlinkSync(join(process.env.HOMEWARD_LOCAL_DIR ?? join(repository, '.local'), 'kafka', 'lib'), join(directory, 'kafka', 'lib'));
    const kafka = new PrivateKafka(directory, await freePortPair());
    await kafka.script('up');
    return kafka;
  }

  /** Kills the broker's JVM outright (SIGKILL): no shutdown hook, no clean leave of anything. */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(join(this.directory, 'kafka', `logs-${this.port}`, 'kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  }

  /** Starts the broker again on the same port and data; resolves once it serves. */
  async restart(): Promise<void> {
    await this.script('up');
  }

  async stop(): Promise<void> {
    try {
      await this.script('down');
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private async script(command: 'up' | 'down'): Promise<void> {
    await run('bash', [kafkaScript, command], {
      env: {
        ...process.env,
        // Its own port, data and logs; its controller on the port after.
        KAFKA_CONTROLLER_PORT: String(this.port + 1),
        KAFKA_PORT: String(this.port),
        HOMEWARD_LOCAL_DIR: this.directory,
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
        KAFKA_START_TIMEOUT: '120',
        KAFKA_STOP_TIMEOUT: '15',
      },
    });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
