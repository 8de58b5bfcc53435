import { eventually, readTopic, testIssuer, testKafka } from '@homeward/testing/infrastructure';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from './skills.harness';
import { ASSESSOR, UNITS, givenAssessedCompetent, givenKnownWorker, givenStandardAndCentre, ok } from './skills.story';

// What the service refuses, and that a refusal writes nothing: each bad input of the list answers
// 4xx problem+json with its code and the field at fault, and the rows a command may write (events, data
// keys, idempotency records, certificates, status entries) are as before. Then who may do what, the
// public verification's throttle, and the consumer's idempotency on a redelivered message.

const namespaceOf = (topic: string) => topic.slice(0, topic.indexOf('homeward.'));

describe('refusals of the skills service', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;
  let centreId: string;
  let workerId: string;
  const standardId = 'rmcs-housekeeping-bad';

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('skills_bad_registry', { issuer });
    skills = await startSkillsHarness('skills_bad', {
      issuer,
      env: { TOPIC_NAMESPACE: namespaceOf(registry.runtime.topic), VERIFY_FAILURES_PER_WINDOW: '3', VERIFY_WINDOW_SECONDS: '600' },
      logLevel: 'error',
    });
    ({ centreId } = await givenStandardAndCentre(skills, standardId));
    workerId = await givenKnownWorker(registry, skills);
  }, 120_000);
  afterAll(async () => {
    await skills?.stop();
    await registry?.stop();
  });

  const assessment = (overrides: Record<string, unknown> = {}) => ({
    standardId,
    centreId,
    assessorId: ASSESSOR,
    assessedOn: '2024-08-01',
    method: 'observation',
    results: UNITS.map((unitCode) => ({ unitCode, outcome: 'competent', remarks: `remark on ${unitCode}` })),
    ...overrides,
  });

  async function refused(
    path: string,
    body: unknown,
    token: string,
    expected: { status: number; code: string; pointer: string },
  ): Promise<void> {
    const before = await skills.counts();
    const response = await skills.call('POST', path, body, token, { 'idempotency-key': `bad-${Math.random()}` });
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
      status: expected.status,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(response.body).toMatchObject({ code: expected.code });
    expect(response.body!.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: expected.pointer })]));
    expect(await skills.counts()).toEqual(before);
  }

  it('refuses an assessment against an unknown standard, or naming an unknown unit, and writes nothing', async () => {
    await ok(skills, 'POST', `/candidates/${workerId}/counselling`, { counselledOn: '2024-07-10' }, skills.tokens.assessor);
    await refused(`/candidates/${workerId}/assessments`, assessment({ standardId: 'no-such-standard' }), skills.tokens.assessor, {
      status: 422,
      code: 'skills.unknown-standard',
      pointer: '/standardId',
    });
    const withUnknownUnit = assessment();
    (withUnknownUnit.results as { unitCode: string }[])[1]!.unitCode = 'HHK-99';
    await refused(`/candidates/${workerId}/assessments`, withUnknownUnit, skills.tokens.assessor, {
      status: 422,
      code: 'skills.unknown-unit',
      pointer: '/results/1/unitCode',
    });
  });

  it('refuses an assessment by an assessor not accredited for the standard on that date', async () => {
    await refused(`/candidates/${workerId}/assessments`, assessment({ assessorId: 'someone-else' }), skills.tokens.assessor, {
      status: 422,
      code: 'skills.assessor-not-accredited',
      pointer: '/assessorId',
    });
  });

  it('refuses an assessment dated before the portfolio was opened', async () => {
    await refused(`/candidates/${workerId}/assessments`, assessment({ assessedOn: '2024-07-09' }), skills.tokens.assessor, {
      status: 422,
      code: 'skills.assessment-before-portfolio',
      pointer: '/assessedOn',
    });
  });

  it('refuses a certificate for units not passed, and one that expires before it is issued', async () => {
    const other = await givenKnownWorker(registry, skills);
    await ok(skills, 'POST', `/candidates/${other}/counselling`, { counselledOn: '2024-07-10' }, skills.tokens.assessor);
    await ok(
      skills,
      'POST',
      `/candidates/${other}/assessments`,
      assessment({
        results: [
          { unitCode: 'HHK-01', outcome: 'competent' },
          { unitCode: 'HHK-02', outcome: 'not_yet_competent' },
          { unitCode: 'HHK-03', outcome: 'competent' },
        ],
      }),
      skills.tokens.assessor,
    );
    await refused(
      `/candidates/${other}/certificates`,
      { kind: 'certificate_of_competency', standardId, unitCodes: ['HHK-01', 'HHK-02'], issuedOn: '2024-08-05' },
      skills.tokens.certifier,
      { status: 422, code: 'skills.certificate-unit-not-competent', pointer: '/unitCodes/1' },
    );
    await refused(
      `/candidates/${other}/certificates`,
      { kind: 'certificate_of_competency', standardId, unitCodes: ['HHK-01'], issuedOn: '2024-08-05', expiresOn: '2024-08-01' },
      skills.tokens.certifier,
      { status: 422, code: 'skills.expiry-before-issue', pointer: '/expiresOn' },
    );
  });

  it('refuses codes that name nothing, files never uploaded and workers it does not know', async () => {
    await refused(
      '/standards',
      {
        standardId: 'bad-isco',
        title: 'x',
        occupationIsco: '0000',
        level: 2,
        units: [{ code: 'U1', title: 'u', escoSkills: [], evidenceRequired: ['document'] }],
        effectiveFrom: '2024-01-01',
      },
      skills.tokens.standards,
      {
        status: 400,
        code: 'validation.unknown-occupation',
        pointer: '/occupationIsco',
      },
    );
    await refused('/centres', { name: 'Nowhere', subdivision: 'PH-99' }, skills.tokens.centres, {
      status: 400,
      code: 'validation.unknown-subdivision',
      pointer: '/subdivision',
    });
    await refused(
      `/candidates/${workerId}/evidence`,
      { kind: 'document', file: { contentHash: 'b'.repeat(64), sizeBytes: 10 } },
      skills.tokens.assessor,
      { status: 422, code: 'skills.evidence-file-missing', pointer: '/file/contentHash' },
    );
    await refused('/candidates/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/counselling', { counselledOn: '2024-07-10' }, skills.tokens.assessor, {
      status: 404,
      code: 'candidate.worker-unknown',
      pointer: '/workerId',
    });
    await refused(`/candidates/${workerId}/counselling`, { counselledOn: '2024-07-10', extra: 1 }, skills.tokens.assessor, {
      status: 400,
      code: 'validation.failed',
      pointer: '/extra',
    });
  });

  it('lets only agencies with the right scope act, refuses missions everything, and answers the public paths without a token', async () => {
    const aStandard = {
      standardId: 'x-1',
      title: 'x',
      occupationIsco: '9111',
      level: 2,
      units: [{ code: 'U1', title: 'u', escoSkills: [], evidenceRequired: ['document'] }],
      effectiveFrom: '2024-01-01',
    };
    const cases: [string, string, unknown, string, number][] = [
      ['POST', '/standards', aStandard, skills.tokens.assessor, 403],
      ['POST', '/standards', aStandard, skills.tokens.missionSA, 403],
      ['POST', '/centres', { name: 'C', subdivision: 'PH-03' }, skills.tokens.standards, 403],
      ['POST', `/candidates/${workerId}/counselling`, { counselledOn: '2024-07-10' }, skills.tokens.certifier, 403],
      [
        'POST',
        `/candidates/${workerId}/certificates`,
        { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05' },
        skills.tokens.assessor,
        403,
      ],
      ['GET', `/candidates/${workerId}`, undefined, skills.tokens.missionSA, 403],
      ['POST', `/candidates/${workerId}/counselling`, { counselledOn: '2024-07-10' }, skills.tokens.missionSA, 403],
      ['GET', `/standards/${standardId}`, undefined, skills.tokens.missionSA, 403],
      ['GET', `/candidates/${workerId}`, undefined, skills.tokens.statistics, 403],
      ['GET', `/candidates/${workerId}`, undefined, skills.tokens.foreign, 401],
      ['GET', `/candidates/${workerId}`, undefined, '', 401],
    ];
    for (const [method, path, body, token, status] of cases) {
      const before = await skills.counts();
      const response = await skills.call(method as 'GET', path, body, token || null);
      expect({ method, path, status: response.status }).toEqual({ method, path, status });
      expect(await skills.counts()).toEqual(before);
    }
    expect((await skills.call('GET', `/candidates/${workerId}`, undefined, skills.tokens.reader)).status).toBe(200);
  });

  it('throttles guessing on the public verification per client address, an unknown number answered as a wrong code', async () => {
    const other = await givenKnownWorker(registry, skills);
    await givenAssessedCompetent(skills, other, standardId, centreId);
    const issued = await ok(
      skills,
      'POST',
      `/candidates/${other}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05' },
      skills.tokens.certifier,
    );
    const { certificateNumber, verificationCode } = issued.body!.certificates[0];
    expect((await skills.call('GET', `/verify/${certificateNumber}?code=${verificationCode}`, undefined, null)).body).toMatchObject({
      status: 'valid',
    });
    for (let i = 0; i < 3; i++) {
      const wrong = await skills.call('GET', `/verify/${certificateNumber}?code=AAAAA-AAAAA`, undefined, null);
      expect(wrong.body).toMatchObject({ status: 404, code: 'verification.not-found' });
    }
    // The address's budget is spent: even the right code is refused now, until Retry-After.
    const throttled = await skills.call('GET', `/verify/${certificateNumber}?code=${verificationCode}`, undefined, null);
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'verification.throttled' });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another address is not affected.
    const elsewhere = await skills.runtime.app.inject({
      method: 'GET',
      url: `/verify/${certificateNumber}?code=${verificationCode}`,
      remoteAddress: '203.0.113.7',
    });
    expect(elsewhere.statusCode).toBe(200);
    // An unknown number answers exactly as a wrong code does.
    const unknown = await skills.runtime.app.inject({
      method: 'GET',
      url: `/verify/SKL-2024-999999?code=${verificationCode}`,
      remoteAddress: '203.0.113.8',
    });
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).code).toBe('verification.not-found');
  });

  it('answers a retried issue from its Idempotency-Key: the same certificate, no second number, position or credential', async () => {
    const other = await givenKnownWorker(registry, skills);
    await givenAssessedCompetent(skills, other, standardId, centreId);
    const body = { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-08-05' };
    const headers = { 'idempotency-key': `issue-${other}` };
    const first = await ok(skills, 'POST', `/candidates/${other}/certificates`, body, skills.tokens.certifier, headers);
    const before = await skills.counts();
    const again = await ok(skills, 'POST', `/candidates/${other}/certificates`, body, skills.tokens.certifier, headers);
    expect(again.body!.certificates).toEqual(first.body!.certificates);
    expect(await skills.counts()).toEqual(before);
    const reused = await skills.call(
      'POST',
      `/candidates/${other}/certificates`,
      { ...body, issuedOn: '2024-08-06' },
      skills.tokens.certifier,
      headers,
    );
    expect(reused.body).toMatchObject({ status: 422, code: 'idempotency.key-reused' });
  });

  it('adds a mission’s skills to the portfolio once, even when registration’s message is delivered again', async () => {
    const other = await givenKnownWorker(registry, skills);
    await ok(registry, 'POST', `/workers/${other}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, registry.tokens.missionSA);
    await ok(
      registry,
      'POST',
      `/workers/${other}/skills`,
      { recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] },
      registry.tokens.missionSA,
    );
    await registry.published();
    await eventually(
      () => skills.call('GET', `/candidates/${other}`, undefined, skills.tokens.reader),
      (r) => r.body?.missionAttested?.length === 1,
    );
    // The same message, produced again on registration's topic as a redelivery would bring it.
    const [message] = await readTopic(
      registry.runtime.topic,
      (m) => m,
      (read) => read.some((m) => m.key === other && m.headers['ce_type']?.endsWith('SkillsAcquired')),
    ).then((read) => read.filter((m) => m.key === other && m.headers['ce_type']?.endsWith('SkillsAcquired')));
    const producer = testKafka('skills-redelivery').producer();
    await producer.connect();
    await producer.send({
      topic: registry.runtime.topic,
      messages: [{ key: message!.key, value: message!.value, headers: message!.headers }],
    });
    // And a marker after it, so that the test knows the consumer got past the redelivered message.
    await producer.disconnect();
    await ok(
      registry,
      'POST',
      `/workers/${other}/skills`,
      { recordedOn: '2023-10-01', skills: [{ kind: 'technology', title: 'Induction cooking' }] },
      registry.tokens.missionSA,
    );
    await registry.published();
    const after = await eventually(
      () => skills.call('GET', `/candidates/${other}`, undefined, skills.tokens.reader),
      (r) => r.body?.missionAttested?.length >= 2,
    );
    expect(after.body!.missionAttested.map((a: { recordedOn: string }) => a.recordedOn)).toEqual(['2023-09-01', '2023-10-01']);
  });
});
