// Installs exactly the locked dependencies when they are not installed yet, or no longer match
// package-lock.json, so that `npm start` and `npm test` work on a fresh clone by themselves.
// Node built-ins only: this runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const lockfile = `${root}package-lock.json`;
const installedLock = `${root}node_modules/.package-lock.json`;
// The lockfile's hash as of the last install these scripts made or checked.
const marker = `${root}node_modules/.homeward-lock-hash`;

/**
 * Whether npm's own record of what it installed (node_modules/.package-lock.json) has every package of
 * the lockfile at its locked version (leaving out optional ones for other platforms) and nothing else:
 * true after an `npm ci` or `npm install` of this lockfile that someone ran by hand, or CI.
 */
function installedMatchesLock() {
  if (!existsSync(installedLock)) return false;
  try {
    const locked = JSON.parse(readFileSync(lockfile, 'utf8')).packages ?? {};
    const installed = JSON.parse(readFileSync(installedLock, 'utf8')).packages ?? {};
    const same = (a, b) => a.version === b.version && a.resolved === b.resolved && Boolean(a.link) === Boolean(b.link);
    for (const [path, entry] of Object.entries(locked)) {
      if (path === '') continue;
      const present = installed[path];
      if (present ? !same(entry, present) : !entry.optional) return false;
    }
    return Object.keys(installed).every((path) => path in locked);
  } catch {
    return false;
  }
}

/** Runs `npm ci` if the installed dependencies are missing or not the locked ones; exits if it fails. */
export function ensureDependencies() {
  const hash = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return;
  if (!installedMatchesLock()) {
    process.stdout.write('\n==> dependencies (npm ci: first run, or package-lock.json changed)\n');
    const started = Date.now();
    const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      process.stderr.write('installing the locked dependencies (npm ci) failed\n');
      process.exit(1);
    }
    process.stdout.write(`==> dependencies: ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  writeFileSync(marker, `${hash}\n`);
}
