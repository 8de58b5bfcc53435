import { Supervisor } from '../../../scripts/supervisor.js';

// `npm start`'s supervision of the services' processes (scripts/supervisor.js), with processes that do
// nothing but wait, killed the way a crash kills a service.

const idle = ['-e', 'setInterval(() => undefined, 1000)'];

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the supervisor of npm start', () => {
  let supervisor: Supervisor;
  let logged: string[];
  beforeEach(() => {
    logged = [];
    supervisor = new Supervisor({ firstDelayMs: 50, longestDelayMs: 400, log: (line: string) => void logged.push(line) });
  });
  afterEach(() => supervisor.stop());

  it('starts a killed service again, says so, and pauses longer while it keeps dying', async () => {
    const api = supervisor.start('registration', process.execPath, idle);
    const first = api.child!.pid!;
    process.kill(first, 'SIGKILL');
    await until(() => api.restarts === 1 && alive(api.child?.pid));
    process.kill(api.child!.pid!, 'SIGKILL');
    await until(() => api.restarts === 2 && alive(api.child?.pid));
    expect(logged).toEqual([
      '[npm start] registration exited (signal SIGKILL); starting it again in 0.05 s (restart 1)',
      '[npm start] registration exited (signal SIGKILL); starting it again in 0.1 s (restart 2)',
    ]);
  });

  it('leaves alone a service whose configuration is wrong', async () => {
    const misconfigured = supervisor.start('statistics', process.execPath, ['-e', 'process.exit(78)']);
    await until(() => misconfigured.gaveUp !== undefined);
    expect(misconfigured.restarts).toBe(0);
  });

  it('stops every process it started, also when one was ended by a signal before, and starts none again', async () => {
    const services = ['registration', 'agency-view', 'mission-view'].map((name) => supervisor.start(name, process.execPath, idle));
    const pids = services.map((s) => s.child!.pid!);
    // Killed by a signal, its exit code stays null: a stop that waited for that code to be set never ended.
    services[1]!.delayMs = 60_000;
    process.kill(pids[1]!, 'SIGKILL');
    await until(() => services[1]!.restarts === 1);
    await supervisor.stop();
    expect(pids.map(alive)).toEqual([false, false, false]);
    expect(services.map((s) => s.child)).toEqual([undefined, undefined, undefined]);
  });
});
