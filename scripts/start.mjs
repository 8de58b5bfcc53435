#!/usr/bin/env node
// `npm start`: the whole system on this machine, without Docker.
// Installs the locked dependencies if they are not (first run, or a changed lockfile), starts PostgreSQL
// and Kafka if needed, builds the workspaces, creates the service databases, starts the services (and
// starts again, with a growing pause, any that stops on its own), loads a little demo data through the
// public API, prints the URLs, and on Ctrl-C stops everything it started: the services, then Kafka and
// PostgreSQL if it started them.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadDemoData, loadEmploymentDemo, loadFundDemo, loadSkillsDemo } from './demo-data.mjs';
import { ensureDependencies } from './dependencies.mjs';
import supervision from './supervisor.js';

const root = new URL('..', import.meta.url).pathname;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

// Each service instance with its own database. Mission views run one per mission abroad, each started
// with its destination country; the read models and statistics read only the Kafka topics (statistics
// may also read the registration event store, given its URL).
const services = [
  // The registration API, and its event relay and worker-status projection in a process of their own
  // (ROLES; the relay's process answers only health checks).
  {
    name: 'registration',
    port: Number(process.env.REGISTRATION_PORT ?? 3001),
    database: 'homeward_registration',
    env: { ROLES: 'api' },
  },
  {
    name: 'registration',
    instance: 'registration relay',
    port: Number(process.env.REGISTRATION_RELAY_PORT ?? 3011),
    database: 'homeward_registration',
    env: { ROLES: 'relay,projection' },
  },
  // Skills certification: its API, and its relay and consumer of registration's topic in a process of their own.
  {
    name: 'skills-certification',
    port: Number(process.env.SKILLS_PORT ?? 3002),
    database: 'homeward_skills',
    env: { ROLES: 'api' },
    skills: true,
  },
  {
    name: 'skills-certification',
    instance: 'skills-certification relay',
    port: Number(process.env.SKILLS_RELAY_PORT ?? 3012),
    database: 'homeward_skills',
    env: { ROLES: 'relay,projection' },
    skills: true,
  },
  // Employment matching: its API, and its relay and consumer of registration's topic in a process of their own.
  {
    name: 'employment-matching',
    port: Number(process.env.EMPLOYMENT_PORT ?? 3003),
    database: 'homeward_employment',
    env: { ROLES: 'api' },
  },
  {
    name: 'employment-matching',
    instance: 'employment-matching relay',
    port: Number(process.env.EMPLOYMENT_RELAY_PORT ?? 3013),
    database: 'homeward_employment',
    env: { ROLES: 'relay,projection' },
  },
  // The emergency fund: its API, and its relay and consumer of registration's topic in a process of their own.
  {
    name: 'emergency-fund',
    port: Number(process.env.FUND_PORT ?? 3008),
    database: 'homeward_fund',
    env: { ROLES: 'api' },
  },
  {
    name: 'emergency-fund',
    instance: 'emergency-fund relay',
    port: Number(process.env.FUND_RELAY_PORT ?? 3018),
    database: 'homeward_fund',
    env: { ROLES: 'relay,projection' },
  },
  { name: 'agency-view', port: Number(process.env.AGENCY_VIEW_PORT ?? 3004), database: 'homeward_agency_view' },
  {
    name: 'mission-view',
    instance: 'mission-view (SA)',
    port: Number(process.env.MISSION_VIEW_SA_PORT ?? 3005),
    database: 'homeward_mission_view_sa',
    env: { MISSION_COUNTRY: 'SA' },
  },
  {
    name: 'mission-view',
    instance: 'mission-view (AE)',
    port: Number(process.env.MISSION_VIEW_AE_PORT ?? 3006),
    database: 'homeward_mission_view_ae',
    env: { MISSION_COUNTRY: 'AE' },
  },
  {
    name: 'statistics',
    port: Number(process.env.STATISTICS_PORT ?? 3007),
    database: 'homeward_statistics',
    env: { REGISTRATION_EVENTS_DATABASE_URL: 'homeward_registration' },
  },
];

/** The services' processes, each started again whenever it stops on its own, until `stop`. */
const supervisor = new supervision.Supervisor();
let stopping = false;

function step(title, command, args) {
  process.stdout.write(`\n==> ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    process.stderr.write(`npm start: "${title}" ${result.signal ? `stopped (${result.signal})` : 'failed'}\n`);
    stopInfrastructure();
    process.exit(1);
  }
}

/** Kafka and PostgreSQL, each only if this run started it. */
function stopInfrastructure() {
  if (kafkaWasRunning === false) spawnSync('bash', ['infra/bin/kafka.sh', 'down'], { cwd: root, stdio: 'inherit' });
  if (postgresWasRunning === false)
    spawnSync('bash', ['infra/bin/postgres.sh', 'down'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
}

function databaseUrlFor(name) {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function ensureDatabase(name) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** Waits for a service's readiness; it may be restarted meanwhile, but one that gave up fails the wait. */
async function waitReady(url, entry, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.gaveUp) throw new Error(`${entry.name} cannot start (${entry.gaveUp})`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
}

ensureDependencies();
const require = createRequire(import.meta.url);
// Set before the infrastructure starts: what was already running is left running on the way out.
let kafkaWasRunning;
let postgresWasRunning;
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));
kafkaWasRunning = spawnSync('bash', ['infra/bin/kafka.sh', 'status'], { cwd: root, stdio: 'ignore' }).status === 0;
postgresWasRunning =
  spawnSync('bash', ['infra/bin/postgres.sh', 'status'], { cwd: root, stdio: 'ignore', env: { ...process.env, DATABASE_URL: databaseUrl } })
    .status === 0;
step('infrastructure (PostgreSQL, Kafka)', 'bash', ['infra/bin/infra.sh', 'up']);
step('build', 'npx', [
  'turbo',
  'run',
  'build',
  ...[...new Set(services.map((s) => s.name))].map((name) => `--filter=@homeward/${name}...`),
  '--filter=@homeward/demo-data...',
  '--output-logs=errors-only',
]);

// The development identity issuer: a local signing key (created on first use) and its JWKS. Deployments
// point AUTH_JWKS_URL at a real identity provider instead.
function devToken(...args) {
  const result = spawnSync('npm', ['run', '-s', 'token', '--', ...args], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run token failed: ${result.stderr}`);
  return result.stdout.trim();
}
const agencyToken = devToken('--org', 'ph-dmw-registry', '--kind', 'agency', '--ttl', '86400');
// The master key that wraps workers' data keys: made once per machine, kept in .local (never committed).
// Deployments take it from their secret store, or replace it with a KMS (packages/personal-data KeyWrapper).
const masterKeyFile = new URL('.local/secrets/personal-data-master.key', new URL('..', import.meta.url)).pathname;
if (!existsSync(masterKeyFile)) {
  mkdirSync(new URL('.', `file://${masterKeyFile}`).pathname, { recursive: true });
  writeFileSync(masterKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
}
// The directory key that registration seals its directory of people with for the agency view (docs/adr/0004):
// made once per machine too. Deployments hold it in their secret store, given only to those two services.
const directoryKeyFile = new URL('.local/secrets/directory.key', new URL('..', import.meta.url)).pathname;
if (!existsSync(directoryKeyFile))
  writeFileSync(directoryKeyFile, `directory-local:${randomBytes(32).toString('base64')}`, { mode: 0o600 });
// The skills service's secrets, made once per machine too: the HMAC key of the public verification codes,
// and the issuer's signing key (an Ed25519 seed; rotation appends a key: CREDENTIALS_ISSUER_KEYS=old,new).
const verificationSecretFile = new URL('.local/secrets/skills-verification.key', new URL('..', import.meta.url)).pathname;
if (!existsSync(verificationSecretFile)) writeFileSync(verificationSecretFile, randomBytes(32).toString('base64'), { mode: 0o600 });
const issuerKeyFile = new URL('.local/secrets/skills-issuer.key', new URL('..', import.meta.url)).pathname;
if (!existsSync(issuerKeyFile)) writeFileSync(issuerKeyFile, `key-1:${randomBytes(32).toString('base64url')}`, { mode: 0o600 });
const skillsUrl = `http://127.0.0.1:${Number(process.env.SKILLS_PORT ?? 3002)}`;
const skillsSecrets = {
  VERIFICATION_SECRET: readFileSync(verificationSecretFile, 'utf8').trim(),
  CREDENTIALS_ISSUER_KEYS: readFileSync(issuerKeyFile, 'utf8').trim(),
  PUBLIC_BASE_URL: skillsUrl,
  OBJECT_STORE_DIR: new URL('.local/skills-evidence', new URL('..', import.meta.url)).pathname,
};
const auth = {
  PERSONAL_DATA_MASTER_KEY: readFileSync(masterKeyFile, 'utf8').trim(),
  DIRECTORY_KEY: readFileSync(directoryKeyFile, 'utf8').trim(),
  AUTH_JWKS_URL: new URL('.local/dev-issuer/jwks.json', new URL('..', import.meta.url)).toString(),
  AUTH_ISSUER: 'homeward-dev-issuer',
  AUTH_AUDIENCE: 'homeward',
};

function envFor(service) {
  return {
    ...process.env,
    ...auth,
    ...(service.skills ? skillsSecrets : {}),
    ...Object.fromEntries(Object.entries(service.env ?? {}).map(([k, v]) => [k, k.endsWith('DATABASE_URL') ? databaseUrlFor(v) : v])),
    DATABASE_URL: databaseUrlFor(service.database),
    KAFKA_BROKERS: kafkaBrokers,
    PORT: String(service.port),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping…\n');
  // The services in the reverse order of their start (the read models and the relay before the API),
  // each with SIGTERM so that it leaves its consumer groups; then the infrastructure this run started.
  await supervisor.stop();
  stopInfrastructure();
  process.exit(code);
}

try {
  for (const service of services) {
    await ensureDatabase(service.database);
    const entry = supervisor.start(service.instance ?? service.name, 'node', [`services/${service.name}/dist/main.js`], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: envFor(service),
    });
    await waitReady(`http://127.0.0.1:${service.port}/health/ready`, entry);
  }
  const registration = `http://127.0.0.1:${services[0].port}`;
  const loaded = await loadDemoData(registration, agencyToken);
  const skillsToken = devToken(
    '--org',
    'ph-tesda',
    '--kind',
    'agency',
    '--scope',
    'workers:read skills:standards skills:centres skills:assess skills:certify',
    '--ttl',
    '86400',
  );
  const skills = await loadSkillsDemo(skillsUrl, skillsToken, registration, agencyToken);
  const employmentToken = devToken(
    '--org',
    'ph-peso',
    '--kind',
    'agency',
    '--scope',
    'employment:vacancies employment:referrals employment:seekers employment:read',
    '--ttl',
    '86400',
  );
  const employerToken = devToken('--org', 'ph-employer-cebu-hotel', '--kind', 'employer', '--ttl', '86400');
  const missionToken = devToken('--org', 'ph-embassy-riyadh', '--kind', 'mission', '--country', 'SA', '--ttl', '86400');
  const statisticsToken = devToken('--org', 'ph-psa', '--kind', 'statistics', '--ttl', '86400');
  const url = (name) => `http://127.0.0.1:${services.find((s) => (s.instance ?? s.name) === name).port}`;
  const employment = await loadEmploymentDemo(url('employment-matching'), url('agency-view'), agencyToken);
  const fundDemo = await loadFundDemo(registration, url('emergency-fund'));
  process.stdout.write(`
Homeward is running.
  registration API   ${registration}/workers      (Swagger UI at /docs on every service)
  registration relay ${url('registration relay')}/health/ready (events not yet on Kafka)
  skills             ${skillsUrl}/docs (skills certification; public: /verify/{number}?code=…, /.well-known/did.json)
  skills relay       ${url('skills-certification relay')}/health/ready
  employment         ${url('employment-matching')}/docs (vacancies, job seekers, referrals)
  employment relay   ${url('employment-matching relay')}/health/ready
  agency-view        ${url('agency-view')}/workers
  mission-view SA    ${url('mission-view (SA)')}/workers/present
  mission-view AE    ${url('mission-view (AE)')}/workers/present
  statistics         ${url('statistics')}/reports
  health             /health/ready on every service (read models show their lag), /metrics
  Kafka              ${kafkaBrokers} (topics homeward.registration.events.v1, homeward.registration.directory.v1)
  demo data          ${loaded}
  skills demo        ${skills.summary}
  employment demo    ${employment.summary}
  fund demo          ${fundDemo.summary}

Verify a certificate in a browser (no login): ${skills.verificationLink ?? '(none issued)'}
A revoked one:                              ${skills.revokedLink ?? '(none)'}
The employment office's token (every employment scope): export EMPLOYMENT_TOKEN=${employment.officeToken ?? '(none)'}
The skills authority's token (every skills scope):
  export SKILLS_TOKEN=${skillsToken}
  curl -H "authorization: Bearer $SKILLS_TOKEN" ${skillsUrl}/standards/rmcs-housekeeping-nc2

The employment office's token (every employment scope), and an employer's (its own vacancies only):
  export EMPLOYMENT_TOKEN=${employmentToken}
  export EMPLOYER_TOKEN=${employerToken}
  curl -H "authorization: Bearer $EMPLOYMENT_TOKEN" ${url('employment-matching')}/vacancies

A fund officer's token (every fund scope; claims, the ledger's trial balance, case notes with their audited read):
  export FUND_TOKEN=${fundDemo.officerToken ?? '(none)'}
  curl -H "authorization: Bearer $FUND_TOKEN" ${url('emergency-fund')}/ledger/trial-balance
  The Riyadh mission's claims (its country's only, no case notes): mission-view SA ${url('mission-view (SA)')}/claims

Every call needs a bearer token. An agency token valid for a day:
  export TOKEN=${agencyToken}
  curl -H "authorization: Bearer $TOKEN" ${registration}/workers
The Riyadh mission's token (mission-view SA only):
  export MISSION_TOKEN=${missionToken}
  curl -H "authorization: Bearer $MISSION_TOKEN" ${url('mission-view (SA)')}/workers/present
A statistics office's token, and a report run as a job:
  export STATS_TOKEN=${statisticsToken}
  curl -i -H "authorization: Bearer $STATS_TOKEN" -H 'content-type: application/json' \\
    -d '{"asOf":"2025-12-31","period":"2025","report":"all","format":"html"}' ${url('statistics')}/reports
Or from the terminal: npm run report -- --as-of 2025-12-31 --period 2025 --format sdmx-csv --out report.csv
Other principals: npm run token -- --org ph-embassy-abu-dhabi --kind mission --country AE

Read the topic with a plain Kafka client:
  kcat -b ${kafkaBrokers} -C -t homeward.registration.events.v1 -o beginning -e -f '%k %h %s\\n'

A service that stops on its own is started again (after 1 s, then longer while it keeps stopping).
Ctrl-C stops everything npm start started.
`);
} catch (error) {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
