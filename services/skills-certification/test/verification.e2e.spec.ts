import { randomUUID } from 'node:crypto';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';
import { UNITS, givenAssessedCompetent, givenStandardAndCentre, ok } from './skills.story';

// Public verification for real, on the real PostgreSQL and Kafka: the answer's status comes from the
// certificate's stored signed credential (its eddsa-rdfc-2022 proof checked with the issuer's keys, its
// dates) and the service's own signed status lists; the register must agree, or the answer is `invalid`
// with a stable code. The workers are given as the consumer of registration's topic records them (rows of
// known_workers): what registration does is not under test here.

const ISSUER = { name: 'Technical Education and Skills Development Authority', id: 'did:web:skills.homeward.test' };

describe('public verification of a certificate', () => {
  let skills: SkillsHarness;
  let centreId: string;
  const standardId = 'rmcs-housekeeping-verify';

  beforeAll(async () => {
    skills = await startSkillsHarness('skills_verify');
    ({ centreId } = await givenStandardAndCentre(skills, standardId));
  }, 120_000);
  afterAll(async () => {
    await skills?.stop();
  });

  async function assessedWorker(): Promise<string> {
    const workerId = randomUUID();
    await skills.db.pool.query(
      `INSERT INTO known_workers (worker_id, sex, registered_on, last_destination) VALUES ($1, 'M', '2023-02-01', 'SA')`,
      [workerId],
    );
    await givenAssessedCompetent(skills, workerId, standardId, centreId);
    return workerId;
  }

  async function issued(
    body: { kind?: string; unitCodes?: string[]; issuedOn?: string; expiresOn?: string } = {},
    workerId?: string,
  ): Promise<{ number: string; code: string; workerId: string }> {
    const worker = workerId ?? (await assessedWorker());
    const response = await ok(
      skills,
      'POST',
      `/candidates/${worker}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05', expiresOn: '2029-08-04', ...body },
      skills.tokens.certifier,
    );
    const certificate = (response.body!.certificates as any[]).find((c) => c.kind === (body.kind ?? 'full_qualification'));
    return { number: certificate.certificateNumber, code: certificate.verificationCode, workerId: worker };
  }

  const verify = async (c: { number: string; code: string }) => {
    const response = await skills.call('GET', `/verify/${c.number}?code=${c.code}`, undefined, null);
    expect(response.status).toBe(200);
    return response.body!;
  };

  it('answers valid from the verified credential and the status lists, with the standard, the units and the issuer', async () => {
    const c = await issued();
    expect(await verify(c)).toEqual({
      certificateNumber: c.number,
      status: 'valid',
      verifiedBy: 'credential',
      kind: 'full_qualification',
      standard: { standardId, version: 1, title: 'Housekeeping NC II', occupationIsco: '9111', level: 2 },
      units: UNITS.map((code, i) => ({ code, title: `Housekeeping unit ${i + 1}` })),
      issuer: ISSUER,
      issuedOn: '2024-08-05',
      expiresOn: '2029-08-04',
    });
    // Again: the proof is remembered, the answer the same.
    expect(await verify(c)).toMatchObject({ status: 'valid', verifiedBy: 'credential' });
  });

  it('sees a revocation, a suspension and a reinstatement made in this process at the next verification', async () => {
    const revoked = await issued();
    const suspended = await issued();
    // Both verified once: their status lists are now kept in memory, and say valid.
    expect(await verify(revoked)).toMatchObject({ status: 'valid' });
    expect(await verify(suspended)).toMatchObject({ status: 'valid' });

    await ok(
      skills,
      'POST',
      `/certificates/${revoked.number}/revocation`,
      { revokedOn: '2025-01-15', reason: 'issued_in_error' },
      skills.tokens.certifier,
    );
    expect(await verify(revoked)).toMatchObject({ status: 'revoked', reason: 'issued_in_error', verifiedBy: 'credential' });
    await ok(
      skills,
      'POST',
      `/certificates/${suspended.number}/suspension`,
      { suspendedOn: '2025-01-15', reason: 'under_investigation' },
      skills.tokens.certifier,
    );
    expect(await verify(suspended)).toMatchObject({ status: 'suspended', reason: 'under_investigation', verifiedBy: 'credential' });
    await ok(skills, 'POST', `/certificates/${suspended.number}/reinstatement`, { reinstatedOn: '2025-02-01' }, skills.tokens.certifier);
    const reinstated = await verify(suspended);
    expect(reinstated).toMatchObject({ status: 'valid', verifiedBy: 'credential' });
    expect(reinstated.reason).toBeUndefined();

    // The published lists carry the same bits the verification read.
    const list = JSON.parse((await skills.call('GET', '/status-lists/revocation-1', undefined, null)).text);
    expect(list.type).toContain('BitstringStatusListCredential');
  });

  it('reads the lists again when the register changed in another process, rather than answering from stale ones', async () => {
    const c = await issued();
    expect(await verify(c)).toMatchObject({ status: 'valid' });
    // What another process of the service commits on a revocation, as far as this process sees it: the
    // register row (this process's lists are not told).
    await skills.db.pool.query(
      `UPDATE certificates SET status = 'revoked', status_reason = 'holder_request' WHERE certificate_number = $1`,
      [c.number],
    );
    expect(await verify(c)).toMatchObject({ status: 'revoked', reason: 'holder_request', verifiedBy: 'credential' });
  });

  it('answers expired after the credential’s validUntil, and superseded for a certificate of competency replaced by the full qualification', async () => {
    const expired = await issued({ issuedOn: '2024-08-05', expiresOn: '2024-12-31' });
    expect(await verify(expired)).toMatchObject({ status: 'expired', expiresOn: '2024-12-31', verifiedBy: 'credential' });

    const partial = await issued({ kind: 'certificate_of_competency', unitCodes: ['HHK-01', 'HHK-02'] });
    expect(await verify(partial)).toMatchObject({
      status: 'valid',
      kind: 'certificate_of_competency',
      units: [
        { code: 'HHK-01', title: 'Housekeeping unit 1' },
        { code: 'HHK-02', title: 'Housekeeping unit 2' },
      ],
    });
    const full = await issued({ issuedOn: '2024-09-01' }, partial.workerId);
    expect(await verify(partial)).toMatchObject({ status: 'superseded', supersededBy: full.number, verifiedBy: 'credential' });
    expect(await verify(full)).toMatchObject({ status: 'valid' });
  });

  it('fails closed when the stored credential was altered in the database: invalid, credential-tampered, nothing else', async () => {
    const c = await issued();
    expect(await verify(c)).toMatchObject({ status: 'valid' }); // its proof is remembered now
    await skills.db.pool.query(
      `UPDATE issued_credentials SET data_integrity = jsonb_set(data_integrity, '{validUntil}', '"2099-12-31T00:00:00Z"')
        WHERE certificate_number = $1`,
      [c.number],
    );
    const answer = await verify(c);
    expect(answer).toEqual({
      certificateNumber: c.number,
      status: 'invalid',
      code: 'verification.credential-tampered',
      detail: expect.any(String),
      issuer: ISSUER,
      verifiedBy: 'credential',
    });
    const page = await skills.call('GET', `/verify/${c.number}?code=${c.code}`, undefined, null, { accept: 'text/html' });
    expect(page.text).toContain('verification.credential-tampered');
    expect(page.text).toContain('Not a valid certificate');
  });

  it('fails closed when the register row was altered: invalid, register-mismatch', async () => {
    const longer = await issued();
    await skills.db.pool.query(`UPDATE certificates SET expires_on = '2039-08-04' WHERE certificate_number = $1`, [longer.number]);
    expect(await verify(longer)).toMatchObject({ status: 'invalid', code: 'verification.register-mismatch' });
    expect((await verify(longer)).detail).toContain('expiresOn');

    const units = await issued({ kind: 'certificate_of_competency', unitCodes: ['HHK-01'] });
    await skills.db.pool.query(`UPDATE certificates SET unit_codes = $2 WHERE certificate_number = $1`, [units.number, UNITS]);
    expect(await verify(units)).toMatchObject({ status: 'invalid', code: 'verification.register-mismatch' });
  });

  it('fails closed when the signed credential is gone: invalid, credential-missing', async () => {
    const c = await issued();
    await skills.db.pool.query(`DELETE FROM issued_credentials WHERE certificate_number = $1`, [c.number]);
    expect(await verify(c)).toMatchObject({ status: 'invalid', code: 'verification.credential-missing' });
  });
});
