// Scratch (not committed): where does the outbox cost go in batch mode? Variants of the outbox schema.
import { createPool } from '@homeward/pg-kit';
import { createTestDatabase } from '@homeward/testing/infrastructure';
import { homewardWithOutbox, homewardWithoutOutbox, plainInsert, type Contender } from './contenders.js';
import { newEvents } from './payloads.js';
import { randomUUID } from 'node:crypto';

const variants: Record<string, { contender: Contender; alter?: string }> = {
  plain: { contender: plainInsert },
  noOutbox: { contender: homewardWithoutOutbox },
  outbox: { contender: homewardWithOutbox },
  outboxNoEventIdUnique: { contender: homewardWithOutbox, alter: 'ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_unique' },
  outboxNoUnsentIndex: { contender: homewardWithOutbox, alter: 'DROP INDEX outbox_unsent' },
  outboxOnlyPk: { contender: homewardWithOutbox, alter: 'ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_unique; DROP INDEX outbox_unsent' },
  outboxNoPkEither: { contender: homewardWithOutbox, alter: 'ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_unique; DROP INDEX outbox_unsent; ALTER TABLE outbox DROP CONSTRAINT outbox_pkey' },
  outboxEventsNoGlobalOrderIdx: { contender: homewardWithOutbox, alter: 'DROP INDEX events_global_order' },
};
const [which, appendsArg] = process.argv.slice(2);
const v = variants[which!]!;
const appends = Number(appendsArg ?? 1500);
const db = await createTestDatabase('exp_' + which);
const pool = createPool(db.url, { max: 32 });
const { append } = await v.contender.prepare(pool, db.url);
if (v.alter) await pool.query(v.alter);
const run = async (n: number) => {
  let claimed = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (claimed++ < n) { const s = `departure-${randomUUID()}`; await append(s, 0, newEvents(s, 100)); }
  }));
};
await run(100);
await pool.query('ANALYZE'); await pool.query('CHECKPOINT');
const lsn = (await pool.query('SELECT pg_current_wal_lsn() l')).rows[0].l;
const t0 = performance.now();
await run(appends);
const secs = (performance.now() - t0) / 1000;
const wal = (await pool.query('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) b', [lsn])).rows[0].b;
console.log(which.padEnd(30), Math.round(appends * 100 / secs), 'events/s', Math.round(Number(wal) / appends / 100), 'WAL B/event');
await pool.end(); await db.drop();
