// Makes sure the browser that the printable certificate's test drives is there: Debian's Chromium at
// /usr/bin/chromium. Installs it with apt-get when it is missing and we are root (a fresh machine, CI);
// otherwise says how to install it. Idempotent: does nothing when the browser is present.
// HOMEWARD_CHROMIUM names another Chromium (a developer's own machine) and skips all of this.
// Node built-ins only: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function aptGet(args) {
  return spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/** True when a Chromium is there for the browser test (after installing it if need be). */
export function ensureChromium() {
  const chosen = process.env.HOMEWARD_CHROMIUM;
  if (chosen) {
    if (existsSync(chosen)) return true;
    process.stderr.write(`HOMEWARD_CHROMIUM is ${chosen}, which does not exist: the certificate's browser test will fail\n`);
    return false;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    process.stderr.write(
      `\n${DEBIAN_CHROMIUM} is missing: the printable certificate's browser test needs it and will fail.\n` +
        (apt
          ? 'Install it as root: apt-get update && apt-get install -y --no-install-recommends chromium\n'
          : 'On a system without apt-get, set HOMEWARD_CHROMIUM to a Chromium or Chrome executable.\n'),
    );
    return false;
  }
  process.stdout.write('\n==> Chromium for the printable certificate test (apt-get install chromium)\n');
  const started = Date.now();
  // The package lists may be missing or stale on a fresh machine: update them once if the first try fails.
  const installed =
    aptGet(['install', '-y', '--no-install-recommends', 'chromium']) ||
    (aptGet(['update']) && aptGet(['install', '-y', '--no-install-recommends', 'chromium']));
  if (!installed || !existsSync(DEBIAN_CHROMIUM)) {
    process.stderr.write('installing chromium with apt-get failed: the printable certificate test will fail\n');
    return false;
  }
  process.stdout.write(`==> Chromium: ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(ensureChromium() ? 0 : 1);
