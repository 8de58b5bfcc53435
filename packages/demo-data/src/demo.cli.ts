// npm run demo -- --workers 500 --country PH --seed 7 --api http://127.0.0.1:3001 --token … [--mission-token SA=…]
//   [--dev-tokens] [--via api|import|plan] [--today YYYY-MM-DD] [--years 10] [--concurrency 16] [--first 0]
//   [--source demo-ph] [--batch 2000] [--out histories.ndjson]
// Generates synthetic migration histories and writes them through the registration API (every stage, as
// the agency and the missions would record them), or through its bulk import (registration, last departure
// and return only: for volume), or prints them (plan) as NDJSON. A progress line goes to stderr.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { utcToday } from './calendar';
import { ORIGIN_COUNTRIES, type OriginCountry } from './country-profiles';
import { devTokens } from './dev-tokens';
import { generateHistories, type DemoOptions } from './history.generator';
import { writeThroughApi } from './api.writer';
import { writeThroughImport } from './import.writer';

const USAGE = `usage: npm run demo -- --workers N --country ${ORIGIN_COUNTRIES.join('|')} --seed S --api URL (--token T | --dev-tokens)
  --via api|import|plan   through every API call (default), the bulk import, or print the histories as NDJSON
  --mission-token CC=T    a mission's token for country CC (repeat); without one, the agency token records for it
  --dev-tokens            make the agency's and missions' tokens with the development issuer (.local/dev-issuer)
  --today YYYY-MM-DD      the registry's today (default: today, UTC); histories end there
  --years N               how far back histories go (default 10)
  --first I               index of the first worker (default 0): extend a population without redoing it
  --concurrency N         histories in flight through the API (default 16)
  --source NAME --batch N bulk import: the register's name (default demo-<country>) and records per request
  --out FILE              plan: where to write (default stdout)`;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '100' },
      country: { type: 'string', default: 'PH' },
      seed: { type: 'string', default: '1' },
      today: { type: 'string' },
      years: { type: 'string', default: '10' },
      first: { type: 'string', default: '0' },
      api: { type: 'string', default: process.env.HOMEWARD_API ?? 'http://127.0.0.1:3001' },
      token: { type: 'string' },
      'mission-token': { type: 'string', multiple: true },
      'dev-tokens': { type: 'boolean', default: false },
      via: { type: 'string', default: 'api' },
      concurrency: { type: 'string', default: '16' },
      source: { type: 'string' },
      batch: { type: 'string', default: '2000' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const integer = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const country = values.country.toUpperCase() as OriginCountry;
  if (!ORIGIN_COUNTRIES.includes(country)) fail(`--country must be one of ${ORIGIN_COUNTRIES.join(', ')}`);
  const count = integer('workers', values.workers, 1);
  const first = integer('first', values.first, 0);
  const today = values.today ?? utcToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today))) fail('--today must be a date YYYY-MM-DD');
  const options: DemoOptions = { country, seed: integer('seed', values.seed, 0), today, years: integer('years', values.years, 1) };
  const histories = generateHistories(options, count, first);
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`\r${line}\u001b[K`);

  if (values.via === 'plan') {
    const out: NodeJS.WritableStream = values.out ? createWriteStream(values.out) : process.stdout;
    let n = 0;
    for (const history of histories) {
      if (!out.write(`${JSON.stringify(history)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      if (++n % 1000 === 0 || n === count) progress(`demo: ${n.toLocaleString('en')}/${count.toLocaleString('en')} histories`);
    }
    if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
    process.stderr.write('\n');
    return;
  }

  let agencyToken = values.token ?? process.env.HOMEWARD_TOKEN;
  let missionTokens: Record<string, string> = {};
  if (values['dev-tokens']) {
    const minted = await devTokens(process.env.HOMEWARD_DEV_ISSUER_DIR ?? join(process.cwd(), '.local', 'dev-issuer'), country);
    agencyToken ??= minted.agency;
    missionTokens = minted.missions;
  }
  for (const pair of values['mission-token'] ?? []) {
    const [code, token] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    if (!/^[A-Z]{2}$/.test(code) || !token) fail(`--mission-token takes COUNTRY=TOKEN, got ${pair.slice(0, 12)}…`);
    missionTokens[code] = token;
  }
  if (!agencyToken) fail('an agency token is needed: --token, HOMEWARD_TOKEN or --dev-tokens');

  if (values.via === 'import') {
    const summary = await writeThroughImport(histories, {
      baseUrl: values.api,
      token: agencyToken,
      source: values.source ?? `demo-${country.toLowerCase()}`,
      batchSize: integer('batch', values.batch, 1),
      onProgress: ({ records, imported, failed, elapsedMs }) => {
        const rate = records / Math.max(elapsedMs / 1000, 0.001);
        progress(
          `demo: ${records.toLocaleString('en')}/${count.toLocaleString('en')} records · ${imported.toLocaleString('en')} imported · ${failed} failed · ${rate.toFixed(0)} records/s · ETA ${duration(((count - records) / Math.max(rate, 1e-9)) * 1000)}`,
        );
      },
    });
    process.stderr.write('\n');
    process.stdout.write(
      `${summary.imported} imported, ${summary.alreadyImported} already there, ${summary.flaggedAsPossibleDuplicates} flagged as possible duplicates, ${summary.failed.length} refused, in ${duration(summary.elapsedMs)}\n`,
    );
    for (const f of summary.failed.slice(0, 10))
      process.stderr.write(`  row ${f.row} ${f.sourceRowId ?? ''}: ${JSON.stringify(f.errors)}\n`);
    process.exitCode = summary.failed.length > 0 ? 1 : 0;
    return;
  }
  if (values.via !== 'api') fail('--via must be api, import or plan');

  const report = await writeThroughApi(histories, {
    baseUrl: values.api,
    agencyToken,
    missionTokens,
    concurrency: integer('concurrency', values.concurrency, 1),
    onProgress: ({ workersDone, calls, failedWorkers, elapsedMs }) => {
      const rate = calls / Math.max(elapsedMs / 1000, 0.001);
      const perWorker = elapsedMs / workersDone;
      progress(
        `demo: ${workersDone.toLocaleString('en')}/${count.toLocaleString('en')} workers · ${calls.toLocaleString('en')} calls · ${rate.toFixed(1)} calls/s · ${failedWorkers} failed · ETA ${duration((count - workersDone) * perWorker)}`,
      );
    },
  });
  process.stderr.write('\n');
  const missions = Object.keys(missionTokens).length;
  process.stdout.write(
    `${report.workers - report.failed} of ${report.workers} workers written (${report.calls} calls, ${missions ? `missions' tokens for ${missions} countries` : 'all as the agency'}) in ${duration(Date.now() - started)}\n`,
  );
  for (const r of report.results.filter((x) => x.failure).slice(0, 10)) {
    process.stderr.write(`  worker ${r.index} at ${r.failure!.step}: ${r.failure!.status} ${r.failure!.detail}\n`);
  }
  process.exitCode = report.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`\ndemo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
