import { dropDatabase, dumpDatabase, eventStoreRows, restoreService } from '@homeward/testing/backup';
import { allocate, coveredWorker, php } from './fund.story';
import { startFundHarness, type FundHarness } from './fund.harness';

/**
 * The backup procedure (docs/operations/backup-restore.md) for the emergency fund, through its scripts on
 * the real PostgreSQL and Kafka, with this service's mapper and topic (homeward.fund.events.v1): an
 * allocation before the dump, contributions after it, taken back exactly. (The ledger's transfers after
 * the dump are on no topic: the document says how they are reconciled.)
 */
describe('backup and restore of emergency-fund', () => {
  let h: FundHarness;
  let stopped = false;

  beforeAll(async () => {
    h = await startFundHarness('fund_backup');
  }, 60_000);
  afterAll(async () => {
    if (!stopped) await h.runtime.stop();
    await h.db.pool.end().catch(() => undefined);
    await dropDatabase(h.db.name);
  }, 60_000);

  it('restores the dump and takes back the events acknowledged after it', async () => {
    await allocate(h, 'PH-OWWA', php(500_000));
    await coveredWorker(h);
    await h.published();
    const dump = await dumpDatabase(h.db.url, h.db.name);
    const atDump = await eventStoreRows(h.db.url);

    await coveredWorker(h);
    await coveredWorker(h);
    await h.published();
    const before = await eventStoreRows(h.db.url);
    const later = before.length - atDump.length;
    expect(later).toBeGreaterThan(0);

    await h.runtime.stop();
    stopped = true;
    await h.db.pool.end();

    const applied = await restoreService('emergency-fund', h.db.url, dump, h.config.TOPIC_NAMESPACE);
    expect(applied).toMatchObject({ missing: later, imported: later, complete: true });
    expect(await eventStoreRows(h.db.url)).toEqual(before);
  }, 120_000);
});
