import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

/**
 * A PostgreSQL server of the test's own, in a temporary directory on a free port: the fault tests stop
 * and restart it, which they must never do to the server other tests share. initdb refuses to run as
 * root, so as root the server runs as the `postgres` user.
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly directory: string,
    readonly port: number,
  ) {}

  private get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinaries();
    const directory = mkdtempSync(join(tmpdir(), 'homeward-faults-pg-'));
    const server = new PrivatePostgres(bin, directory, await freePort());
    if (asRoot()) chownSync(directory, postgresUid(), postgresUid());
    await server.run('initdb', [
      '-D',
      server.dataDirectory,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '--no-instructions',
      '-E',
      'UTF8',
    ]);
    await server.pgCtl('start');
    return server;
  }

  /**
   * Stops the server the way a crash does (immediate mode: every backend is killed at once, nothing is
   * flushed or checkpointed); `restart` then recovers it from its WAL.
   */
  async crash(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDirectory, '-m', 'immediate', '-w', 'stop']);
  }

  /** Starts the server again after a crash; resolves once it accepts connections. */
  async restart(): Promise<void> {
    await this.pgCtl('start');
  }

  async stop(): Promise<void> {
    try {
      if (existsSync(join(this.dataDirectory, 'postmaster.pid')))
        await this.run('pg_ctl', ['-D', this.dataDirectory, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(this.directory, { recursive: true, force: true });
    }
  }

  private async pgCtl(action: 'start'): Promise<void> {
    // fsync off: the tests crash the server process, never the machine, and the page cache survives that.
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.directory} -c fsync=off -c max_connections=200`;
    await this.run('pg_ctl', ['-D', this.dataDirectory, '-l', join(this.directory, 'server.log'), '-o', options, '-w', '-t', '60', action]);
  }

  private async run(program: string, args: readonly string[]): Promise<void> {
    const command = join(this.bin, program);
    const [file, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
    await promisify(execFile)(file, argv, { cwd: this.directory });
  }
}

const asRoot = () => process.getuid?.() === 0;

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
}

/** The newest server installed the Debian way (/usr/lib/postgresql/<major>/bin), or PG_BIN. */
function postgresBinaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error(`no PostgreSQL server binaries under ${root}; set PG_BIN to the directory holding initdb and pg_ctl`);
  return join(root, majors[0], 'bin');
}
