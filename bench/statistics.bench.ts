/**
 * Statistics replay (issue 4): the statistics service replays a synthetic registration history of
 * `--events` events (10 million unless said otherwise; see history.ts) into every report, from Kafka and
 * from the event store, beside the limit of each source: a bare kafkajs consumer that only reads and
 * decodes the same messages, and a bare `COPY … TO STDOUT` of the same rows (the faster of: the rows as
 * stored, and the source's own statement selecting the reported fields). Each phase runs in a process
 * of its own, which reports its peak resident memory. `--copies=N` reads the history N times in every phase,
 * each copy's people under other ids: a history N times the size (see statistics.phase.ts).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchHistory } from './history.js';

interface PhaseResult {
  phase: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
  reportBytes?: number;
}

const here = new URL('.', import.meta.url).pathname;

function runPhase(phase: string, topic: string, databaseUrl: string, copies: number): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', '--conditions=@homeward/source', 'statistics.phase.ts', phase, topic, databaseUrl, String(copies)], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`phase ${phase} exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as PhaseResult);
    });
  });
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      events: { type: 'string', default: '10000000' },
      rounds: { type: 'string', default: '1' },
      copies: { type: 'string', default: '1' },
    },
  });
  const history = await benchHistory(Number(values.events));
  const phases = ['bare-kafka', 'replay-kafka', 'bare-copy', 'bare-copy-fields', 'replay-event-store'];
  const runs: PhaseResult[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const phase of phases) {
      const result = await runPhase(phase, history.topic, history.databaseUrl, Number(values.copies));
      console.log(`  ${JSON.stringify(result)}`);
      runs.push(result);
    }
  }
  const best = (phase: string) => runs.filter((r) => r.phase === phase).sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0]!;
  const limitOfStore = best('bare-copy').eventsPerSecond >= best('bare-copy-fields').eventsPerSecond ? 'bare-copy' : 'bare-copy-fields';
  const ratio = (a: string, b: string) => Math.round((best(a).eventsPerSecond / best(b).eventsPerSecond) * 100) / 100;
  const results = {
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    history: { events: history.events, topic: history.topic, copies: Number(values.copies) },
    runs,
    kafka: { replay: best('replay-kafka'), bare: best('bare-kafka'), ratio: ratio('replay-kafka', 'bare-kafka') },
    // The faster of the two bare reads is the limit: the rows as stored, or the source's own statement.
    eventStore: {
      replay: best('replay-event-store'),
      bare: best(limitOfStore),
      bareAsStored: best('bare-copy'),
      bareFields: best('bare-copy-fields'),
      ratio: ratio('replay-event-store', limitOfStore),
    },
    // The highest of every replay run, not only of the fastest ones: memory is a limit, not a best case.
    peakRssMiB: Math.max(...runs.filter((r) => r.phase.startsWith('replay-')).map((r) => r.peakRssMiB)),
  };
  console.log(
    JSON.stringify({ kafkaRatio: results.kafka.ratio, eventStoreRatio: results.eventStore.ratio, peakRssMiB: results.peakRssMiB }),
  );
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL(`./results/statistics${Number(values.copies) > 1 ? `-x${values.copies}` : ''}.json`, import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  );
}
