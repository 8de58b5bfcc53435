// The processes `npm start` runs, kept running: one that stops on its own is started again after a pause
// that grows while it keeps stopping soon after its start; `stop` ends them all, however each ends.
// CommonJS (not .mjs like the other scripts) so that its jest test loads it as it is; Node built-ins only.
const { spawn } = require('node:child_process');

/**
 * @typedef {object} Supervised One process kept running.
 * @property {string} name
 * @property {string} command
 * @property {readonly string[]} args
 * @property {import('node:child_process').SpawnOptions} spawnOptions
 * @property {number} restarts how often it was started again
 * @property {number} delayMs the pause before its next start
 * @property {import('node:child_process').ChildProcess | undefined} child the process running now, if any
 * @property {string | undefined} gaveUp why it is not started again, once it exited with a configuration error
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} [ended] how the current process ended
 * @property {NodeJS.Timeout} [timer] its next start, while it waits for one
 */

/** Exit code of a service whose configuration is wrong (EX_CONFIG, see service-kit's runService): starting it again would not help. */
const EX_CONFIG = 78;

class Supervisor {
  /**
   * @param {{ firstDelayMs?: number, longestDelayMs?: number, stableAfterMs?: number, killAfterMs?: number, log?: (line: string) => void }} [options]
   */
  constructor(options = {}) {
    this.firstDelayMs = options.firstDelayMs ?? 1_000;
    this.longestDelayMs = options.longestDelayMs ?? 30_000;
    // A process that ran this long before it stopped starts again after the shortest pause.
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
    // How long a process may take to stop after SIGTERM before it gets SIGKILL.
    this.killAfterMs = options.killAfterMs ?? 20_000;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    /** @type {Supervised[]} */
    this.entries = [];
    this.stopping = false;
  }

  /**
   * Starts `command` and keeps it running. The returned entry tells its current `child`, its `restarts`,
   * and `gaveUp` (why) once it exited with a configuration error.
   * @param {string} name
   * @param {string} command
   * @param {readonly string[]} args
   * @param {import('node:child_process').SpawnOptions} [spawnOptions]
   * @returns {Supervised}
   */
  start(name, command, args, spawnOptions = {}) {
    /** @type {Supervised} */
    const entry = { name, command, args, spawnOptions, restarts: 0, delayMs: this.firstDelayMs, child: undefined, gaveUp: undefined };
    this.entries.push(entry);
    this.launch(entry);
    return entry;
  }

  /** @param {Supervised} entry */
  launch(entry) {
    if (this.stopping) return;
    // A process group of its own: a Ctrl-C in the terminal reaches the supervisor, which stops the
    // processes in order, rather than all of them at once while it still restarts what stops.
    const child = spawn(entry.command, entry.args, { detached: true, ...entry.spawnOptions });
    const startedAt = Date.now();
    entry.child = child;
    // Resolves however the process ends: with an exit code, or by a signal (then its exitCode stays null).
    entry.ended = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        this.log(`[npm start] ${entry.name} could not be started: ${error.message}`);
        resolve({ code: null, signal: null });
      });
    });
    void entry.ended.then(({ code, signal }) => {
      if (entry.child === child) entry.child = undefined;
      if (this.stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (code === EX_CONFIG) {
        entry.gaveUp = `configuration error, ${how}`;
        this.log(`[npm start] ${entry.name} exited (${how}): its configuration is wrong; not starting it again`);
        return;
      }
      if (Date.now() - startedAt >= this.stableAfterMs) entry.delayMs = this.firstDelayMs;
      entry.restarts += 1;
      this.log(`[npm start] ${entry.name} exited (${how}); starting it again in ${entry.delayMs / 1000} s (restart ${entry.restarts})`);
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        this.launch(entry);
      }, entry.delayMs);
      entry.delayMs = Math.min(entry.delayMs * 2, this.longestDelayMs);
    });
  }

  /** Ends every process, the last started first: SIGTERM (each stops cleanly), SIGKILL after `killAfterMs`. */
  async stop() {
    this.stopping = true;
    for (const entry of [...this.entries].reverse()) {
      clearTimeout(entry.timer);
      const child = entry.child;
      if (!child) continue;
      const killer = setTimeout(() => child.kill('SIGKILL'), this.killAfterMs);
      child.kill('SIGTERM');
      await entry.ended;
      clearTimeout(killer);
    }
  }
}

module.exports = { Supervisor, EX_CONFIG };
