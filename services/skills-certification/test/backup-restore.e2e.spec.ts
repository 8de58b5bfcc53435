import { randomUUID } from 'node:crypto';
import { dropDatabase, dumpDatabase, eventStoreRows, restoreService } from '@homeward/testing/backup';
import { givenStandardAndCentre } from './skills.story';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';

/**
 * The backup procedure (docs/operations/backup-restore.md) for skills-certification, through its scripts
 * on the real PostgreSQL and Kafka: the same restore and catch-up as registration's, with this service's
 * mapper and topic (homeward.skills.events.v1). Events written after the dump — new standards, centres
 * and accreditations — are taken back exactly.
 */
describe('backup and restore of skills-certification', () => {
  let h: SkillsHarness;
  let stopped = false;

  beforeAll(async () => {
    h = await startSkillsHarness('skills_backup');
  }, 60_000);
  afterAll(async () => {
    if (!stopped) await h.runtime.stop();
    await h.db.pool.end().catch(() => undefined);
    await dropDatabase(h.db.name);
  }, 60_000);

  it('restores the dump and takes back the events acknowledged after it', async () => {
    await givenStandardAndCentre(h, `std-${randomUUID().slice(0, 8)}`);
    await h.published();
    const dump = await dumpDatabase(h.db.url, h.db.name);
    const atDump = await eventStoreRows(h.db.url);

    await givenStandardAndCentre(h, `std-${randomUUID().slice(0, 8)}`);
    await h.published();
    const before = await eventStoreRows(h.db.url);
    const later = before.length - atDump.length;
    expect(later).toBeGreaterThan(0);

    await h.runtime.stop();
    stopped = true;
    await h.db.pool.end();

    const applied = await restoreService('skills-certification', h.db.url, dump, h.config.TOPIC_NAMESPACE);
    expect(applied).toMatchObject({ missing: later, imported: later, complete: true });
    expect(await eventStoreRows(h.db.url)).toEqual(before);
  }, 120_000);
});
