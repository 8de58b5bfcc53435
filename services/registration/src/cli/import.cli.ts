// npm run import -- --file register.csv --source poea-2019 [--url http://127.0.0.1:3001] [--token …] [--part-size 5000] [--report failures.json]
//
// Sends a legacy register (CSV with a header line, or NDJSON) to the registration API in parts, showing
// progress, and writes every failed row (number, source row id, fields at fault) to the report. Safe to
// run again: rows imported before are skipped by the service.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCsv, parseNdjson, type LegacyRecord } from '../application/import/legacy-row';
import type { ImportReport, RowFailure } from '../application/import/import-legacy-register.handler';

function bar(done: number, total: number, started: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows · ${Math.round(rate).toLocaleString('en')} rows/s · ${left} s left`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      source: { type: 'string' },
      url: { type: 'string', default: process.env.HOMEWARD_REGISTRATION_URL ?? 'http://127.0.0.1:3001' },
      token: { type: 'string', default: process.env.HOMEWARD_TOKEN },
      'part-size': { type: 'string', default: '5000' },
      report: { type: 'string' },
    },
  });
  if (!values.file || !values.source) throw new Error('--file and --source are required');
  if (!values.token) throw new Error('--token (or HOMEWARD_TOKEN) is required: npm run token -- --org <your agency> --kind agency');
  const text = readFileSync(values.file, 'utf8');
  const records: LegacyRecord[] = /\.csv$/i.test(values.file) ? parseCsv(text) : parseNdjson(text);
  const partSize = Number(values['part-size']);
  const totals = { imported: 0, alreadyImported: 0, flaggedAsPossibleDuplicates: 0 };
  const failed: RowFailure[] = [];
  const started = Date.now();
  const interactive = process.stderr.isTTY;
  for (let offset = 0; offset < records.length; offset += partSize) {
    const part = records.slice(offset, offset + partSize);
    const response = await fetch(`${values.url}/imports?source=${encodeURIComponent(values.source)}&firstRow=${offset + 1}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${values.token}` },
      body: part.map((r) => JSON.stringify(r)).join('\n'),
    });
    if (!response.ok) throw new Error(`the service refused part ${offset / partSize + 1}: ${response.status} ${await response.text()}`);
    const report = (await response.json()) as ImportReport;
    totals.imported += report.imported;
    totals.alreadyImported += report.alreadyImported;
    totals.flaggedAsPossibleDuplicates += report.flaggedAsPossibleDuplicates;
    failed.push(...report.failed);
    const line = bar(Math.min(offset + partSize, records.length), records.length, started);
    process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
  }
  if (interactive) process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  const summary = { source: values.source, rows: records.length, ...totals, failed: failed.length, seconds: Math.round(seconds * 10) / 10 };
  if (values.report) writeFileSync(values.report, JSON.stringify({ ...summary, failures: failed }, null, 2));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const f of failed.slice(0, 10)) {
    process.stdout.write(
      `  row ${f.row}${f.sourceRowId ? ` (${f.sourceRowId})` : ''}: ${f.errors.map((e) => `${e.field || '(row)'} ${e.detail}`).join('; ')}\n`,
    );
  }
  if (failed.length > 10)
    process.stdout.write(
      `  … and ${failed.length - 10} more${values.report ? `, all in ${values.report}` : ' (use --report to keep them all)'}\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
