import { eventually, readTopic, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';

// The acceptance story on the real PostgreSQL and Kafka: registration and skills-certification side
// by side, the skills service reading registration's topic. A mission records skills abroad; back home the
// worker is counselled, builds a portfolio (the mission's record is in it), is assessed with one unit not
// yet competent, gets a certificate of competency, goes through gap training, is reassessed, gets the full
// qualification (the partial certificate is superseded); one certificate is revoked, and the public
// verification says so — without the holder's name.

const namespaceOf = (topic: string) => topic.slice(0, topic.indexOf('homeward.'));
const standardId = 'rmcs-housekeeping';
const UNITS = ['HHK-01', 'HHK-02', 'HHK-03'];
const esco = (n: number) => `http://data.europa.eu/esco/skill/0000000${n}-aaaa-4bbb-8ccc-000000000000`;
const content = {
  title: 'Housekeeping NC II',
  occupationIsco: '9111',
  level: 2,
  units: UNITS.map((code, i) => ({
    code,
    title: `Housekeeping unit ${i + 1}`,
    escoSkills: [esco(i + 1)],
    evidenceRequired: ['work_sample', 'employer_reference'],
  })),
  effectiveFrom: '2024-01-01',
};

describe('a returnee’s skills recognised, certified and verified', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('skills_accept_registry', { issuer });
    skills = await startSkillsHarness('skills_accept', { issuer, env: { TOPIC_NAMESPACE: namespaceOf(registry.runtime.topic) } });
  }, 120_000);
  afterAll(async () => {
    await skills?.stop();
    await registry?.stop();
  });

  type Caller = {
    call(
      method: 'GET' | 'POST',
      url: string,
      body?: unknown,
      token?: string,
    ): Promise<{ status: number; body: Record<string, any> | undefined }>;
  };
  async function ok(h: Caller, method: 'GET' | 'POST', url: string, body?: unknown, token?: string) {
    const response = await h.call(method, url, body, token);
    if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response;
  }

  it('takes the worker from a mission’s record abroad to a verified full qualification, and a revocation anyone can see', async () => {
    // Abroad: registration records the cycle, the mission the skills.
    const workerId = (await ok(registry, 'POST', '/workers', aWorker(), registry.tokens.agency)).body!.workerId as string;
    await ok(registry, 'POST', `/workers/${workerId}/departures`, departure, registry.tokens.agency);
    await ok(registry, 'POST', `/workers/${workerId}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, registry.tokens.missionSA);
    await ok(
      registry,
      'POST',
      `/workers/${workerId}/skills`,
      {
        recordedOn: '2023-09-01',
        skills: [
          { kind: 'work_process', title: 'Household cleaning routines' },
          { kind: 'language', title: 'Arabic, spoken (A2)' },
        ],
      },
      registry.tokens.missionSA,
    );
    await ok(registry, 'POST', `/workers/${workerId}/returns`, homecoming, registry.tokens.agency);
    await registry.published();

    // The skills service learnt of the worker and put the mission's record in the portfolio by itself.
    const attested = await eventually(
      () => skills.call('GET', `/candidates/${workerId}`),
      (r) => r.status === 200 && r.body!.missionAttested.length === 1,
    );
    expect(attested.body!.missionAttested[0]).toMatchObject({
      cycleNumber: 1,
      country: 'SA',
      recordedOn: '2023-09-01',
      skills: [
        { kind: 'work_process', title: 'Household cleaning routines' },
        { kind: 'language', title: 'Arabic, spoken (A2)' },
      ],
    });
    const known = await skills.db.pool.query(`SELECT sex, last_destination FROM known_workers WHERE worker_id = $1`, [workerId]);
    expect(known.rows[0]).toEqual({ sex: 'F', last_destination: 'SA' });

    // The skills authority's standard, a centre and its accredited assessor.
    await ok(skills, 'POST', '/standards', { standardId, ...content }, skills.tokens.standards);
    const centre = (
      await ok(skills, 'POST', '/centres', { name: 'TESDA Regional Training Center III', subdivision: 'PH-03' }, skills.tokens.centres)
    ).body!;
    await ok(
      skills,
      'POST',
      `/centres/${centre.centreId}/accreditations`,
      { assessorId: 'tesda-assessor-0042', assessorName: 'Liza Manalo', standardId, validFrom: '2024-01-01', validUntil: '2027-12-31' },
      skills.tokens.centres,
    );

    // Counselling and the portfolio: a work sample and an employer reference, their files uploaded first.
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/counselling`,
      { counselledOn: '2024-07-10', standardIds: [standardId], notes: 'Eight years of household work abroad.' },
      skills.tokens.assessor,
    );
    const upload = await skills.call(
      'POST',
      '/evidence-files',
      Buffer.from('%PDF-1.4 a photographed work sample'),
      skills.tokens.assessor,
      {
        'content-type': 'application/pdf',
      },
    );
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ sizeBytes: 35, mediaType: 'application/pdf' });
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/evidence`,
      { kind: 'work_sample', file: upload.body, description: 'Photographs of a cleaned household' },
      skills.tokens.assessor,
    );
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/employer-references`,
      {
        file: upload.body,
        issuer: 'Al Noor Household Services',
        description: 'Reliable, thorough.',
        periodFrom: '2023-02-05',
        periodTo: '2024-06-30',
        issuerCountry: 'SA',
      },
      skills.tokens.assessor,
    );

    // Assessed: two units competent, one not yet.
    const assessment = {
      standardId,
      centreId: centre.centreId,
      assessorId: 'tesda-assessor-0042',
      assessedOn: '2024-08-01',
      method: 'observation',
      results: [
        { unitCode: 'HHK-01', outcome: 'competent' },
        { unitCode: 'HHK-02', outcome: 'competent' },
        { unitCode: 'HHK-03', outcome: 'not_yet_competent', remarks: 'Needs practice with laundry chemicals.' },
      ],
    };
    await ok(skills, 'POST', `/candidates/${workerId}/assessments`, assessment, skills.tokens.assessor);

    // A certificate of competency for the two units.
    const partial = await ok(
      skills,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'certificate_of_competency', standardId, unitCodes: ['HHK-01', 'HHK-02'], issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
      skills.tokens.certifier,
    );
    const partialNumber = partial.body!.certificates[0].certificateNumber as string;
    expect(partialNumber).toMatch(/^SKL-2024-\d{6}$/);

    // Gap training for the third unit, completed, and the reassessment of that unit only.
    const referred = await ok(
      skills,
      'POST',
      `/candidates/${workerId}/gap-trainings`,
      { standardId, unitCodes: ['HHK-03'], provider: 'TESDA Provincial Training Center', referredOn: '2024-08-06' },
      skills.tokens.assessor,
    );
    const referralId = referred.body!.gapTrainings[0].referralId as string;
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/gap-trainings/${referralId}/completion`,
      { completedOn: '2024-09-30' },
      skills.tokens.assessor,
    );
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/reassessments`,
      { ...assessment, assessedOn: '2024-10-07', method: 'test', results: [{ unitCode: 'HHK-03', outcome: 'competent' }] },
      skills.tokens.assessor,
    );

    // The full qualification supersedes the certificate of competency.
    const full = await ok(
      skills,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-10-10', expiresOn: '2029-10-09' },
      skills.tokens.certifier,
    );
    const byNumber = Object.fromEntries((full.body!.certificates as any[]).map((c) => [c.certificateNumber, c]));
    const fullNumber = (full.body!.certificates as any[]).find((c) => c.kind === 'full_qualification').certificateNumber as string;
    expect(byNumber[partialNumber]).toMatchObject({ status: 'superseded', supersededBy: fullNumber });
    expect(byNumber[fullNumber]).toMatchObject({ status: 'valid', unitCodes: UNITS });

    // The case as the agency reads it: everything, the sealed text opened.
    const read = (await ok(skills, 'GET', `/candidates/${workerId}`, undefined, skills.tokens.reader)).body!;
    expect(read.counselling[0].notes).toBe('Eight years of household work abroad.');
    expect(read.evidence.map((e: any) => e.kind)).toEqual(['work_sample', 'employer_reference']);
    expect(read.evidence[1].issuer).toBe('Al Noor Household Services');
    expect(read.assessments.map((a: any) => a.reassessment)).toEqual([false, true]);
    expect(read.assessments[0].results[2].remarks).toBe('Needs practice with laundry chemicals.');
    expect(read.gapTrainings[0].completedOn).toBe('2024-09-30');

    // Public verification, without a token: valid, with the standard, the units and the issuer, no person.
    const code = byNumber[fullNumber].verificationCode as string;
    const valid = await skills.call('GET', `/verify/${fullNumber}?code=${code}`, undefined, null);
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({
      certificateNumber: fullNumber,
      status: 'valid',
      kind: 'full_qualification',
      standard: { standardId, version: 1, title: 'Housekeeping NC II', occupationIsco: '9111', level: 2 },
      units: UNITS.map((unitCode, i) => ({ code: unitCode, title: `Housekeeping unit ${i + 1}` })),
      issuer: { name: 'Technical Education and Skills Development Authority' },
    });
    expect(valid.text).not.toMatch(/Maria|Santos|workerId/);
    const superseded = await skills.call(
      'GET',
      `/verify/${partialNumber}?code=${byNumber[partialNumber].verificationCode}`,
      undefined,
      null,
    );
    expect(superseded.body).toMatchObject({ status: 'superseded', supersededBy: fullNumber });

    // Revoked: the public verification says so, with the reason code.
    const revoked = await ok(
      skills,
      'POST',
      `/certificates/${fullNumber}/revocation`,
      { revokedOn: '2025-01-15', reason: 'assessment_irregularity' },
      skills.tokens.certifier,
    );
    expect(revoked.body).toMatchObject({ status: 'revoked', reason: 'assessment_irregularity' });
    const afterRevocation = await skills.call('GET', `/verify/${fullNumber}?code=${code}`, undefined, null);
    expect(afterRevocation.status).toBe(200);
    expect(afterRevocation.body).toMatchObject({ status: 'revoked', reason: 'assessment_irregularity' });
    const page = await skills.call('GET', `/verify/${fullNumber}?code=${code}`, undefined, null, {
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+';/);
    expect(page.text).toContain('Revoked certificate');
    expect(page.text).toContain('assessment_irregularity');
    expect(page.text).not.toMatch(/Maria|Santos/);
    const register = await skills.db.pool.query(`SELECT status, status_reason FROM certificates WHERE certificate_number = $1`, [
      fullNumber,
    ]);
    expect(register.rows[0]).toEqual({ status: 'revoked', status_reason: 'assessment_irregularity' });

    // Every step is on the skills topic, in order, keyed by the case's stream; free text only sealed.
    await skills.published();
    const onTopic = await readTopic(
      skills.runtime.topic,
      (m) => ({ key: m.key, type: m.headers['ce_type'], value: m.value }),
      (read) => read.some((m) => m.key === `candidate-${workerId}` && m.type?.endsWith('CertificateRevoked')),
    );
    const types = onTopic.filter((m) => m.key === `candidate-${workerId}`).map((m) => m.type!.split('.').pop());
    expect(types).toEqual([
      'MissionAttestedSkillsAdded',
      'CounsellingRecorded',
      'EvidenceAdded',
      'EvidenceAdded',
      'AssessmentRecorded',
      'CertificateIssued',
      'GapTrainingReferred',
      'GapTrainingCompleted',
      'ReassessmentRecorded',
      'CertificateIssued',
      'CertificateSuperseded',
      'CertificateRevoked',
    ]);
    const bytes = Buffer.concat(onTopic.map((m) => m.value ?? Buffer.alloc(0))).toString('latin1');
    expect(bytes).not.toContain('Eight years of household work abroad');
    expect(bytes).not.toContain('Needs practice with laundry chemicals');

    // Erasure on registration shreds the case's sealed text here; the certificate still verifies, as revoked.
    await ok(registry, 'POST', `/workers/${workerId}/erasure`, { basis: 'subject_request' }, registry.tokens.agency);
    await registry.published();
    const erased = await eventually(
      () => skills.call('GET', `/candidates/${workerId}`, undefined, skills.tokens.reader),
      (r) => r.status === 200 && r.body!.erased === true,
    );
    expect(erased.body!.counselling[0].notes).toBeUndefined();
    expect(erased.body!.evidence.every((e: any) => e.issuer === undefined && e.description === undefined)).toBe(true);
    expect(erased.body!.assessments[0].results[2].remarks).toBeUndefined();
    const keys = await skills.db.pool.query(`SELECT count(*)::int AS n FROM data_keys WHERE subject_id = $1 AND wrapped_key IS NOT NULL`, [
      workerId,
    ]);
    expect(keys.rows[0].n).toBe(0);
    const stillRevoked = await skills.call('GET', `/verify/${fullNumber}?code=${code}`, undefined, null);
    expect(stillRevoked.body).toMatchObject({ status: 'revoked', reason: 'assessment_irregularity' });
  }, 180_000);
});
