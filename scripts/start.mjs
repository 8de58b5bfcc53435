#!/usr/bin/env node
// `npm start`: the whole system on this machine, without Docker.
// Starts PostgreSQL and Kafka if needed, builds the workspaces, creates the service databases, starts
// the services, loads a little demo data through the public API, prints the URLs, and on Ctrl-C stops
// everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadDemoData } from './demo-data.mjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kafkaBrokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

const services = [{ name: 'registration', port: Number(process.env.REGISTRATION_PORT ?? 3001), database: 'homeward_registration' }];

function step(title, command, args) {
  process.stdout.write(`\n==> ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    process.stderr.write(`npm start: "${title}" failed\n`);
    process.exit(1);
  }
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

async function waitReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the service exited with code ${child.exitCode}`);
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

const kafkaWasRunning = spawnSync('bash', ['infra/bin/kafka.sh', 'status'], { cwd: root, stdio: 'ignore' }).status === 0;
step('infrastructure (PostgreSQL, Kafka)', 'bash', ['infra/bin/infra.sh', 'up']);
step('build', 'npx', ['turbo', 'run', 'build', ...services.map((s) => `--filter=@homeward/${s.name}...`), '--output-logs=errors-only']);

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
const auth = {
  PERSONAL_DATA_MASTER_KEY: readFileSync(masterKeyFile, 'utf8').trim(),
  AUTH_JWKS_URL: new URL('.local/dev-issuer/jwks.json', new URL('..', import.meta.url)).toString(),
  AUTH_ISSUER: 'homeward-dev-issuer',
  AUTH_AUDIENCE: 'homeward',
};

const children = [];
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping…\n');
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  if (!kafkaWasRunning) spawnSync('bash', ['infra/bin/kafka.sh', 'down'], { cwd: root, stdio: 'inherit' });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  for (const service of services) {
    await ensureDatabase(service.database);
    const child = spawn('node', [`services/${service.name}/dist/main.js`], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ...auth,
        DATABASE_URL: databaseUrlFor(service.database),
        KAFKA_BROKERS: kafkaBrokers,
        PORT: String(service.port),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    });
    child.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`${service.name} exited (${code}); stopping the rest\n`);
        void stop(1);
      }
    });
    children.push(child);
    await waitReady(`http://127.0.0.1:${service.port}/health/ready`, child);
  }
  const registration = `http://127.0.0.1:${services[0].port}`;
  const loaded = await loadDemoData(registration, agencyToken);
  process.stdout.write(`
Homeward is running.
  registration API   ${registration}/workers
  Swagger UI         ${registration}/docs
  OpenAPI document   ${registration}/openapi.json
  health             ${registration}/health/ready
  Kafka              ${kafkaBrokers} (topic homeward.registration.events.v1)
  demo data          ${loaded}

Every call needs a bearer token. An agency token valid for a day:
  export TOKEN=${agencyToken}
  curl -H "authorization: Bearer $TOKEN" ${registration}/workers
Tokens for other principals: npm run token -- --org ph-embassy-riyadh --kind mission --country SA

Read the topic with a plain Kafka client:
  kcat -b ${kafkaBrokers} -C -t homeward.registration.events.v1 -o beginning -e -f '%k %h %s\\n'

Ctrl-C stops everything npm start started.
`);
} catch (error) {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
