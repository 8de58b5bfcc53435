import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repository = join(__dirname, '..', '..', '..');

/**
 * A service in a process of its own, started from its TypeScript sources as `npm start` starts its build:
 * the fault tests must see a real process die when something kills it (an unhandled 'error' event, say),
 * which a service started inside the test's own process would hide or take the test down with.
 */
export class ServiceProcess {
  private readonly child: ChildProcess;
  private output = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stopping = false;

  constructor(
    readonly name: string,
    readonly service: string,
    readonly port: number,
    readonly env: Readonly<Record<string, string>>,
  ) {
    this.child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--conditions=@homeward/source',
        '-r',
        join(__dirname, 'swc-register.js'),
        join(repository, 'services', service, 'src', 'main.ts'),
      ],
      {
        cwd: repository,
        env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      // Enough of the end of the log to say why a process died or what it complained about.
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How the process ended, if it did. */
  get exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  /** What the process wrote to stdout and stderr (its last 200 kB). */
  get log(): string {
    return this.output;
  }

  /** Lines of its log at level error or fatal (pino: 50, 60), or any line that is not pino's JSON. */
  errorLines(): string[] {
    return this.output.split('\n').filter((line) => {
      if (line.trim() === '') return false;
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 50;
      } catch {
        return true;
      }
    });
  }

  /** The checks /health/ready reports now (whatever its status), or undefined when it does not answer. */
  async readiness(): Promise<{ name: string; status: string; info?: Record<string, unknown> }[] | undefined> {
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(4_000) });
      return ((await response.json()) as { checks: { name: string; status: string; info?: Record<string, unknown> }[] }).checks;
    } catch {
      return undefined;
    }
  }

  /** Whether /health/ready answers 200 now. */
  async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(4_000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Resolves once the service is ready; fails early if its process ends. */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) while starting:\n${this.output.slice(-5_000)}`);
      if (await this.ready()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output.slice(-5_000)}`);
  }

  /** Kills the process with `signal` (no stop of its own under SIGKILL); resolves when it has ended. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exit) return;
    this.stopping = true;
    const ended = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await ended;
  }

  /** A new process of the same service, with the same settings and port. */
  again(): ServiceProcess {
    return new ServiceProcess(this.name, this.service, this.port, this.env);
  }

  /** SIGTERM, as an orchestrator stops a service; resolves when the process has ended. */
  async stop(): Promise<void> {
    if (this.exit || this.stopping) return;
    this.stopping = true;
    const ended = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await ended;
    clearTimeout(timer);
  }
}
