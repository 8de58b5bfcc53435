import { dropDatabase, dumpDatabase, eventStoreRows, restoreService } from '@homeward/testing/backup';
import { postVacancy, refer, registerSeeker } from './employment.story';
import { startEmploymentHarness, type EmploymentHarness } from './employment.harness';

/**
 * The backup procedure (docs/operations/backup-restore.md) for employment-matching, through its scripts on
 * the real PostgreSQL and Kafka, with this service's mapper and topic (homeward.employment.events.v1): a
 * vacancy and a job seeker before the dump, another seeker and referrals after it, taken back exactly.
 */
describe('backup and restore of employment-matching', () => {
  let h: EmploymentHarness;
  let stopped = false;

  beforeAll(async () => {
    h = await startEmploymentHarness('employment_backup');
  }, 60_000);
  afterAll(async () => {
    if (!stopped) await h.runtime.stop();
    await h.db.pool.end().catch(() => undefined);
    await dropDatabase(h.db.name);
  }, 60_000);

  it('restores the dump and takes back the events acknowledged after it', async () => {
    const vacancyId = await postVacancy(h);
    const first = await registerSeeker(h);
    await h.published();
    const dump = await dumpDatabase(h.db.url, h.db.name);
    const atDump = await eventStoreRows(h.db.url);

    await refer(h, vacancyId, first);
    await refer(h, vacancyId, await registerSeeker(h));
    await h.published();
    const before = await eventStoreRows(h.db.url);
    const later = before.length - atDump.length;
    expect(later).toBeGreaterThan(0);

    await h.runtime.stop();
    stopped = true;
    await h.db.pool.end();

    const applied = await restoreService('employment-matching', h.db.url, dump, h.config.TOPIC_NAMESPACE);
    expect(applied).toMatchObject({ missing: later, imported: later, complete: true });
    expect(await eventStoreRows(h.db.url)).toEqual(before);
  }, 120_000);
});
