// npm run report -- --as-of 2025-12-31 --period 2025
//   [--report all|stock|departures|returns|durations|recruitment-cost|assessments|pass-rates|certificates|placements|vacancies|referrals|fund]
//   [--format csv|json|sdmx-csv|html] [--out file] [--source kafka|event-store] [--known-at 2026-01-15]
//   [--suppress-below 5] [--frequency month|quarter|year] [--rates rates.json] [--generated-at …]
//
// Replays the registry's history (the Kafka topic from its beginning, or the registration event store; the
// skills topic for the skills tables) into labour-migration statistics and writes them to --out (or stdout), with a progress bar on stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eventsTopic } from '@homeward/contracts';
import { createKafka } from '@homeward/messaging';
import { createPool, type Pool } from '@homeward/pg-kit';
import { migrate } from '@homeward/pg-kit/migrations';
import { ReportSpecError, parseSpec, type ReportSpec, type SourceName } from '../application/report-spec';
import { runReport } from '../application/run-report';
import { FoldCheckpointStore } from '../persistence/fold-checkpoints';
import { statisticsMigrations } from '../persistence/migrations';
import { scaledReplay } from '../sources/scaled-replay';
import { EmploymentTopicSource, EventStoreReplaySource, FundTopicSource, KafkaReplaySource, SkillsTopicSource } from '../sources/replay';

const USAGE = `usage: npm run report -- --as-of YYYY-MM-DD --period 2025|2025-Q3|2025-07|2025-01-01..2025-06-30
  --report all|stock|departures|returns|durations|recruitment-cost|assessments|pass-rates|certificates|placements|vacancies|referrals|fund   (default all)
  --format csv|json|sdmx-csv|html                                   (default csv)
  --out <file>                                                      (default stdout)
  --source kafka|event-store                                        (default kafka)
  --known-at <date or instant>   what was known then (recorded-at cut-off; a date means the end of that day, UTC)
  --suppress-below <n>           show counts from 1 to n-1 as suppressed
  --frequency month|quarter|year breakdown of flows within the period (default month)
  --rates <file.json>            {"PHP": 0.0171, "SAR": 0.2666, …}: value of one unit in a common currency
  --ref-area <alpha-2>           reporting country (default $ORIGIN_COUNTRY or PH)
  --agency <id>                  SDMX agency of the dataflows (default $SDMX_AGENCY or HOMEWARD)
  --generated-at <instant>       printed in the output (never taken from the clock: outputs are reproducible)
  --brokers <list>               Kafka (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --topic <name>                 (default $TOPIC_NAMESPACE + homeward.registration.events.v1; repeatable)
  --skills-topic <name>          for the skills tables (default $TOPIC_NAMESPACE + homeward.skills.events.v1)
  --employment-topic <name>      for the placement, vacancy and referral tables (default $TOPIC_NAMESPACE + homeward.employment.events.v1)
  --fund-topic <name>            for the fund tables (default $TOPIC_NAMESPACE + homeward.fund.events.v1)
  --database-url <url>           the registration event store (default $REGISTRATION_EVENTS_DATABASE_URL)
  --members <n>                  Kafka source: replay in n worker threads, each folding some partitions, merged (issue 14)
  --checkpoints <url>            Kafka source: carry on from (and save) fold checkpoints in this database, the
                                 statistics service's (its migrations are applied if missing)`;

function progressBar(): { update: (read: number, total: number) => void; done: () => void } {
  const started = Date.now();
  const interactive = process.stderr.isTTY === true;
  let last = 0;
  let lastRead = 0;
  let lastTotal = 0;
  const line = (read: number, total: number) => {
    const width = 30;
    const filled = total === 0 ? width : Math.min(width, Math.round((read / total) * width));
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? read / seconds : 0;
    const left = rate > 0 ? Math.max(0, Math.ceil((total - read) / rate)) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${read.toLocaleString('en')}/${total.toLocaleString('en')} events · ${Math.round(rate).toLocaleString('en')} events/s · ${left} s left`;
  };
  return {
    update(read, total) {
      lastRead = read;
      lastTotal = total;
      const now = Date.now();
      if (now - last < (interactive ? 200 : 5000)) return;
      last = now;
      process.stderr.write(interactive ? `\r${line(read, total)}` : `${line(read, total)}\n`);
    },
    done() {
      process.stderr.write(interactive ? `\r${line(lastRead, lastTotal)}\n` : `${line(lastRead, lastTotal)}\n`);
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      'as-of': { type: 'string' },
      period: { type: 'string' },
      report: { type: 'string', default: 'all' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      source: { type: 'string', default: 'kafka' },
      'known-at': { type: 'string' },
      'suppress-below': { type: 'string' },
      frequency: { type: 'string', default: 'month' },
      rates: { type: 'string' },
      'ref-area': { type: 'string', default: process.env.ORIGIN_COUNTRY ?? 'PH' },
      agency: { type: 'string', default: process.env.SDMX_AGENCY ?? 'HOMEWARD' },
      'generated-at': { type: 'string' },
      brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
      topic: { type: 'string', multiple: true },
      'skills-topic': { type: 'string' },
      'employment-topic': { type: 'string' },
      'fund-topic': { type: 'string' },
      'database-url': { type: 'string', default: process.env.REGISTRATION_EVENTS_DATABASE_URL },
      members: { type: 'string' },
      checkpoints: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values['as-of'] || !values.period) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 64);
  }
  const suppress = values['suppress-below'];
  const spec = parseSpec({
    asOf: values['as-of'],
    period: values.period,
    report: values.report as ReportSpec['report'],
    format: values.format as ReportSpec['format'],
    source: values.source as SourceName,
    frequency: values.frequency as ReportSpec['frequency'],
    ...(values['known-at'] ? { knownAt: values['known-at'] } : {}),
    ...(suppress === undefined ? {} : { suppressBelow: Number(suppress) }),
    ...(values.rates ? { exchangeRates: JSON.parse(readFileSync(values.rates, 'utf8')) as Record<string, number> } : {}),
  });

  let pool: Pool | undefined;
  let checkpointPool: Pool | undefined;
  const bar = progressBar();
  const members = values.members === undefined ? undefined : Number(values.members);
  if (members !== undefined && !(Number.isInteger(members) && members >= 1 && members <= 64))
    throw new ReportSpecError([{ field: 'members', detail: 'expected a whole number from 1 to 64' }]);
  if ((members !== undefined || values.checkpoints) && (values.topic?.length ?? 0) > 1)
    throw new ReportSpecError([{ field: 'topic', detail: '--members and --checkpoints read one registration topic' }]);
  try {
    if (values.checkpoints) {
      checkpointPool = createPool(values.checkpoints, { max: 2 });
      await migrate(checkpointPool, 'statistics', statisticsMigrations);
    }
    const brokers = values.brokers.split(',').map((b) => b.trim());
    const namespace = (process.env.TOPIC_NAMESPACE ?? '').trim();
    const scaled = members !== undefined || checkpointPool !== undefined;
    const result = await runReport(spec, {
      ...(scaled
        ? {
            scaledKafka: (needs, knownAt, onProgress) =>
              scaledReplay({
                kafka: createKafka({ brokers, clientId: 'homeward-statistics-cli' }),
                brokers,
                topics: {
                  registration: values.topic?.[0] ?? eventsTopic('registration', namespace),
                  ...(needs.skills ? { skills: values['skills-topic'] ?? eventsTopic('skills', namespace) } : {}),
                  ...(needs.employment ? { employment: values['employment-topic'] ?? eventsTopic('employment', namespace) } : {}),
                  ...(needs.fund ? { fund: values['fund-topic'] ?? eventsTopic('fund', namespace) } : {}),
                },
                ...(members !== undefined ? { members } : {}),
                ...(checkpointPool ? { checkpoints: new FoldCheckpointStore(checkpointPool) } : {}),
                ...(knownAt ? { knownAt } : {}),
                onProgress,
              }).then((replayed) => {
                if (replayed.fromCheckpoint)
                  process.stderr.write(
                    `carried on from checkpoint ${replayed.fromCheckpoint}: ${replayed.eventsFolded} new events folded\n`,
                  );
                if (replayed.savedCheckpoint) process.stderr.write(`checkpoint ${replayed.savedCheckpoint} saved\n`);
                return replayed;
              }),
          }
        : {}),
      sourceFor: (name) => {
        if (name === 'kafka') {
          const kafka = createKafka({ brokers: values.brokers.split(',').map((b) => b.trim()), clientId: 'homeward-statistics-cli' });
          const topics = values.topic ?? [eventsTopic('registration', (process.env.TOPIC_NAMESPACE ?? '').trim())];
          return new KafkaReplaySource(kafka, topics);
        }
        if (!values['database-url'])
          throw new ReportSpecError([
            { field: 'database-url', detail: 'the event store source needs --database-url or REGISTRATION_EVENTS_DATABASE_URL' },
          ]);
        pool = createPool(values['database-url'], { max: 1 });
        return new EventStoreReplaySource(pool);
      },
      skillsSource: () =>
        new SkillsTopicSource(
          createKafka({ brokers: values.brokers.split(',').map((b) => b.trim()), clientId: 'homeward-statistics-cli' }),
          values['skills-topic'] ?? eventsTopic('skills', (process.env.TOPIC_NAMESPACE ?? '').trim()),
        ),
      employmentSource: () =>
        new EmploymentTopicSource(
          createKafka({ brokers: values.brokers.split(',').map((b) => b.trim()), clientId: 'homeward-statistics-cli' }),
          values['employment-topic'] ?? eventsTopic('employment', (process.env.TOPIC_NAMESPACE ?? '').trim()),
        ),
      fundSource: () =>
        new FundTopicSource(
          createKafka({ brokers: values.brokers.split(',').map((b) => b.trim()), clientId: 'homeward-statistics-cli' }),
          values['fund-topic'] ?? eventsTopic('fund', (process.env.TOPIC_NAMESPACE ?? '').trim()),
        ),
      renderOptions: {
        refArea: values['ref-area'],
        agency: values.agency,
        ...(values['generated-at'] ? { generatedAt: values['generated-at'] } : {}),
      },
      onProgress: bar.update,
    });
    bar.done();
    if (values.out) writeFileSync(values.out, result.body);
    else process.stdout.write(result.body);
    process.stderr.write(
      `${result.eventsRead.toLocaleString('en')} events read from ${spec.source}${values.out ? `; report written to ${values.out}` : ''} (${result.contentType})\n`,
    );
    if (result.undecodable > 0) process.stderr.write(`warning: ${result.undecodable} events could not be decoded and were left out\n`);
    // CSV and SDMX-CSV have no place for it: say on stderr what was counted as unknown or left out.
    const { countryCodes, occupationCodes, undatedFacts } = result.unplaced;
    const listed = (codes: readonly { code: string; cycles: number }[]) => codes.map((c) => `${c.code} (${c.cycles})`).join(', ');
    if (countryCodes.length > 0)
      process.stderr.write(`warning: country codes that name no country, counted as _U: ${listed(countryCodes)}\n`);
    if (occupationCodes.length > 0)
      process.stderr.write(`warning: occupation codes that are no ISCO-08 unit group, counted as _U: ${listed(occupationCodes)}\n`);
    if (undatedFacts > 0) process.stderr.write(`warning: ${undatedFacts} events with a date that cannot be placed were left out\n`);
  } finally {
    await pool?.end();
    await checkpointPool?.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`report: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof ReportSpecError) process.stderr.write(`${USAGE}\n`);
  process.exit(error instanceof ReportSpecError ? 64 : 1);
});
