import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, dumpDatabase, eventStoreRows, restoreService, type CatchUpOutcome } from '@homeward/testing/backup';
import { UNITS, givenAssessedCompetent, givenStandardAndCentre, ok } from './skills.story';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';

/**
 * The backup procedure (docs/operations/backup-restore.md) for skills-certification, through its scripts
 * on the real PostgreSQL and Kafka: the same restore and catch-up as registration's, with this service's
 * mapper and topic (homeward.skills.events.v1). Events written after the dump — new standards, centres,
 * accreditations, assessments and a certificate — are taken back exactly; the certificate's
 * verification-code hash, which the topic never carries, is derived again with the service's secret.
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

  /** A worker known to the service (as its consumer of registration's topic records them), assessed competent, and certified. */
  async function certified(standardId: string, centreId: string): Promise<string> {
    const workerId = randomUUID();
    await h.db.pool.query(
      `INSERT INTO known_workers (worker_id, sex, registered_on, last_destination) VALUES ($1, 'F', '2023-02-01', 'SA')`,
      [workerId],
    );
    await givenAssessedCompetent(h, workerId, standardId, centreId);
    const issued = await ok(
      h,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05' },
      h.tokens.certifier,
    );
    return (issued.body!.certificates as { certificateNumber: string }[])[0]!.certificateNumber;
  }

  /** The certificate register: certificates, status positions, and the number the next issue would follow. */
  async function register(url: string) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const certificates = await client.query(
        `SELECT certificate_number, worker_id, standard_id, kind, status, status_index FROM certificates ORDER BY certificate_number`,
      );
      const entries = await client.query(`SELECT status_index, certificate_number FROM status_entries ORDER BY status_index`);
      const sequence = await client.query(`SELECT last_value::text, is_called FROM certificate_number_seq`);
      return { certificates: certificates.rows, entries: entries.rows, sequence: sequence.rows[0] };
    } finally {
      await client.end();
    }
  }

  it('restores the dump and takes back the events acknowledged after it, a certificate issued after it included', async () => {
    const early = `std-${randomUUID().slice(0, 8)}`;
    await certified(early, (await givenStandardAndCentre(h, early)).centreId);
    await h.published();
    const dump = await dumpDatabase(h.db.url, h.db.name);
    const atDump = await eventStoreRows(h.db.url);
    const registerAtDump = await register(h.db.url);

    const late = `std-${randomUUID().slice(0, 8)}`;
    const number = await certified(late, (await givenStandardAndCentre(h, late)).centreId);
    await h.published();
    const before = await eventStoreRows(h.db.url);
    const registerBefore = await register(h.db.url);
    expect(registerBefore.certificates.map((c) => c.certificate_number)).toContain(number);
    const later = before.length - atDump.length;
    expect(later).toBeGreaterThan(0);
    const certificate = before.find(
      (r) => r.event_type === 'CertificateIssued' && (r.data as { certificateNumber: string }).certificateNumber === number,
    )!;
    expect(atDump.map((r) => r.event_id)).not.toContain(certificate.event_id);
    expect(certificate.data).toMatchObject({ verificationCodeHash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    await h.runtime.stop();
    stopped = true;
    await h.db.pool.end();

    // Without the service's secret the hash cannot be said: the certificate blocks, nothing is written.
    const withoutSecret = await restoreService('skills-certification', h.db.url, dump, h.config.TOPIC_NAMESPACE).catch(
      (error: { stdout: string }) => JSON.parse(error.stdout.slice(error.stdout.indexOf('{'))) as CatchUpOutcome,
    );
    expect(withoutSecret).toMatchObject({ missing: later, imported: 0, complete: false, withheld: [certificate.event_id] });
    expect(await eventStoreRows(h.db.url)).toEqual(atDump);

    // Another secret would derive other hashes: refused, by the certificate issued before the dump.
    const env = (secret: string) => ({ env: { VERIFICATION_SECRET: secret } });
    await expect(
      restoreService('skills-certification', h.db.url, dump, h.config.TOPIC_NAMESPACE, env(randomBytes(32).toString('base64'))),
    ).rejects.toThrow(/VERIFICATION_SECRET is not the secret/);
    expect(await eventStoreRows(h.db.url)).toEqual(atDump);

    const applied = await restoreService(
      'skills-certification',
      h.db.url,
      dump,
      h.config.TOPIC_NAMESPACE,
      env(h.config.VERIFICATION_SECRET),
    );
    expect(applied).toMatchObject({ missing: later, imported: later, complete: true, withheld: [], restored: [certificate.event_id] });
    expect(await eventStoreRows(h.db.url)).toEqual(before);
    // The register too, in the same transaction: the certificate, its status position, and the number sequence past it.
    expect(registerAtDump.certificates.map((c) => c.certificate_number)).not.toContain(number);
    expect(await register(h.db.url)).toEqual(registerBefore);
  }, 180_000);
});
