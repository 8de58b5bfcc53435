import { readFileSync, readdirSync } from 'node:fs';

/**
 * Who used the CPUs during a timed run: this process (the bench client), PostgreSQL working for it (its
 * database's backends and the server's own processes: WAL writer, checkpointer…), and everything else,
 * including backends serving other databases.
 * The benchmark machine is shared, so "everything else" tells a reader whether a figure was taken on a
 * quiet machine. Linux only (/proc); elsewhere the sample is undefined and nothing is reported.
 */
export interface CpuShare {
  /** Percent of the whole machine (100 = every core busy for the whole run). */
  readonly clientPercent: number;
  readonly postgresPercent: number;
  readonly othersPercent: number;
}

interface Sample {
  readonly wall: bigint;
  readonly busySeconds: number;
  readonly postgresTicks: ReadonlyMap<string, number>;
  readonly client: NodeJS.CpuUsage;
}

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux. */
const TICKS = 100;

function busyTicks(): number {
  // cpu  user nice system idle iowait irq softirq steal ...
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/**
 * The whole machine's CPU seconds so far, from /proc/stat: `busy` (user, nice, system, irq, softirq),
 * `steal` (time the hypervisor gave this machine's vCPUs to someone else: a slower machine for a while),
 * and `all` of them with idle and iowait. Undefined where /proc is not there.
 */
export function machineCpuSeconds(): { busy: number; steal: number; all: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return {
      busy: (user + nice + system + irq + softirq) / TICKS,
      steal: steal / TICKS,
      all: (user + nice + system + idle + iowait + irq + softirq + steal) / TICKS,
    };
  } catch {
    return undefined;
  }
}

/** User and system CPU ticks from a /proc stat line: after "pid (comm) ", state is field 3, utime 14, stime 15. */
function statTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** A client backend's process title: "postgres: 15/main: <user> <database> <host>(<port>) <state>". */
const CLIENT_BACKEND = /^postgres: \S+: \S+ (\S+) (?:\S+\(\d+\)|\[local\])/;

/** CPU ticks used so far by each PostgreSQL process working for `database`, by pid. */
function postgresTicks(database: string): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const backend = CLIENT_BACKEND.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      if (backend && backend[1] !== database) continue;
      ticks.set(pid, statTicks(stat));
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

/** `database`: the benchmark's database; backends serving others count as someone else's work. */
export function sampleCpu(database: string): Sample | undefined {
  try {
    return {
      wall: process.hrtime.bigint(),
      busySeconds: busyTicks() / TICKS,
      postgresTicks: postgresTicks(database),
      client: process.cpuUsage(),
    };
  } catch {
    return undefined;
  }
}

export function cpuShareSince(start: Sample | undefined, database: string, cores: number): CpuShare | undefined {
  const end = sampleCpu(database);
  if (!start || !end) return undefined;
  const capacity = (Number(end.wall - start.wall) / 1e9) * cores;
  const client = process.cpuUsage(start.client);
  const clientSeconds = (client.user + client.system) / 1e6;
  // Per process, so a backend that exits in between (CPU then counted as others') cannot make this negative.
  let postgresTicksUsed = 0;
  for (const [pid, ticks] of end.postgresTicks) postgresTicksUsed += ticks - (start.postgresTicks.get(pid) ?? 0);
  const postgresSeconds = postgresTicksUsed / TICKS;
  const othersSeconds = Math.max(0, end.busySeconds - start.busySeconds - clientSeconds - postgresSeconds);
  const percent = (seconds: number) => Math.round((seconds / capacity) * 100);
  return { clientPercent: percent(clientSeconds), postgresPercent: percent(postgresSeconds), othersPercent: percent(othersSeconds) };
}

/** CPU seconds (user + system) a process has used so far; undefined where /proc is not there. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS;
  } catch {
    return undefined;
  }
}

/**
 * A process's CPU seconds so far on its JavaScript thread (`main`) and on all its other threads (`others`:
 * V8's helpers — the collector's concurrent marking and sweeping, the optimising compiler — and libuv's
 * pool), from /proc/<pid>/task. Node names them all "node", so they are told apart only from the main one.
 * Where a process's extra CPU goes when its JavaScript profile does not show it. Empty where /proc is not there.
 */
export function threadCpuSeconds(pid: number | undefined): { main?: number; others?: number } {
  const seconds: { main?: number; others?: number } = {};
  if (pid === undefined) return seconds;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const kind = tid === String(pid) ? 'main' : 'others';
        seconds[kind] = (seconds[kind] ?? 0) + statTicks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')) / TICKS;
      } catch {
        // The thread ended while we looked.
      }
    }
  } catch {
    // The process ended, or no /proc.
  }
  return seconds;
}

/** CPU ticks used so far by each PostgreSQL process working for `database` (and the server's own), by pid. */
export function postgresCpu(database: string): ReadonlyMap<string, number> {
  try {
    return postgresTicks(database);
  } catch {
    return new Map();
  }
}

/** CPU seconds PostgreSQL used for `database` since `before`, per process (one that ended in between is left out). */
export function postgresCpuSecondsSince(before: ReadonlyMap<string, number>, database: string): number {
  let ticks = 0;
  for (const [pid, t] of postgresCpu(database)) ticks += t - (before.get(pid) ?? 0);
  return ticks / TICKS;
}
