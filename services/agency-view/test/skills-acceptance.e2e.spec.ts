import { eventually, testIssuer } from '@homeward/testing/infrastructure';
import { aWorker, departure, homecoming, startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startSkillsHarness, type SkillsHarness } from '@homeward/skills-certification/test/harness';
import { startStatisticsHarness, type StatisticsHarness } from '@homeward/statistics/test/harness';
import { namespaceOf } from '@homeward/mission-view/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from './agency-view.harness';

// Issue 11's acceptance, the read side: registration, the real skills-certification service, the agency
// view and statistics side by side on the real PostgreSQL and Kafka. A returnee whose mission recorded skills
// abroad is counselled, assessed (one unit not yet competent), certified for two units, trained, reassessed
// and given the full qualification (the partial certificate superseded); the full one is then revoked. The
// agency view shows each step as it happens; statistics show each step as of the dates in between.

const standardId = 'rmcs-housekeeping-views';
const UNITS = ['HHK-01', 'HHK-02', 'HHK-03'];

describe('a returnee’s skills recognition, read in the agency view and in statistics', () => {
  let registry: RegistrationHarness;
  let skills: SkillsHarness;
  let view: AgencyViewHarness;
  let statistics: StatisticsHarness;

  beforeAll(async () => {
    const issuer = await testIssuer();
    registry = await startHarness('skills_views_registry', { issuer });
    const ns = namespaceOf(registry.runtime.topic);
    skills = await startSkillsHarness('skills_views_skills', { issuer, env: { TOPIC_NAMESPACE: ns } });
    view = await startAgencyViewHarness(ns, issuer);
    statistics = await startStatisticsHarness(ns, issuer);
  }, 120_000);
  afterAll(async () => {
    await statistics?.stop();
    await view?.stop();
    await skills?.stop();
    await registry?.stop();
  });

  type Caller = { call(method: 'GET' | 'POST', url: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> };
  async function ok(h: Caller, method: 'GET' | 'POST', url: string, body?: unknown, token?: string) {
    const response = await h.call(method, url, body, token);
    if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** Everything published by both services and applied by the view. */
  const settled = async () => {
    await registry.published();
    await skills.published();
    await eventually(
      () => view.runtime.host.status(),
      (s) => s.serving?.lag === 0,
    );
  };
  /** The agency view, read by the registry's agency. */
  const read = async (path: string) => {
    const response = await view.call('GET', path, registry.tokens.agency);
    expect(response.status).toBe(200);
    return response.body;
  };
  const profile = (workerId: string) => read(`/workers/${workerId}`);
  const pipeline = async () => (await read('/returnees?returnedFrom=2024-06-01&returnedTo=2024-07-31&originArea=PH-03')).items as any[];

  /** A statistics report through its API, as JSON: the tables by id. */
  async function report(request: Record<string, unknown>): Promise<Map<string, Map<string, any>>> {
    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const response = await statistics.runtime.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${skills.tokens.statistics}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return JSON.parse(response.body) as Record<string, any>;
    };
    const job = await call('POST', '/reports', { format: 'json', source: 'kafka', ...request });
    const done = await eventually(
      () => call('GET', `/reports/${job.id}`),
      (j) => j.status === 'succeeded' || j.status === 'failed',
    );
    expect(done.status).toBe('succeeded');
    const file = await call('GET', done.result.href);
    return new Map((file.tables as any[]).map((t) => [t.id, new Map((t.observations as any[]).map((o) => [o.key.join('|'), o.value]))]));
  }

  it('shows each step', async () => {
    // Abroad: the cycle, and the skills the mission recorded; then home.
    const workerId = (await ok(registry, 'POST', '/workers', aWorker(), registry.tokens.agency)).workerId as string;
    await ok(registry, 'POST', `/workers/${workerId}/departures`, departure, registry.tokens.agency);
    await ok(
      registry,
      'POST',
      `/workers/${workerId}/skills`,
      { recordedOn: '2023-09-01', skills: [{ kind: 'work_process', title: 'Household cleaning routines' }] },
      registry.tokens.missionSA,
    );
    await ok(registry, 'POST', `/workers/${workerId}/returns`, homecoming, registry.tokens.agency);
    await registry.published();
    await eventually(
      () => skills.call('GET', `/candidates/${workerId}`),
      (r) => r.status === 200 && r.body!.missionAttested.length === 1,
    );

    // The standard, a centre, its accredited assessor; counselling.
    await ok(
      skills,
      'POST',
      '/standards',
      {
        standardId,
        title: 'Housekeeping NC II',
        occupationIsco: '9111',
        level: 2,
        units: UNITS.map((code, i) => ({ code, title: `Housekeeping unit ${i + 1}`, escoSkills: [], evidenceRequired: ['work_sample'] })),
        effectiveFrom: '2024-01-01',
      },
      skills.tokens.standards,
    );
    const centre = await ok(
      skills,
      'POST',
      '/centres',
      { name: 'TESDA Regional Training Center III', subdivision: 'PH-03' },
      skills.tokens.centres,
    );
    await ok(
      skills,
      'POST',
      `/centres/${centre.centreId}/accreditations`,
      { assessorId: 'tesda-assessor-0042', assessorName: 'Liza Manalo', standardId, validFrom: '2024-01-01', validUntil: '2027-12-31' },
      skills.tokens.centres,
    );
    await ok(
      skills,
      'POST',
      `/candidates/${workerId}/counselling`,
      { counselledOn: '2024-07-10', standardIds: [standardId], notes: 'Eight years of household work abroad.' },
      skills.tokens.assessor,
    );

    // Assessed: one unit not yet competent.
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
    await settled();
    let shown = await profile(workerId);
    expect(shown.skills.assessments).toEqual([
      expect.objectContaining({
        standardId,
        standardVersion: 1,
        standardTitle: 'Housekeeping NC II',
        occupationIsco: '9111',
        centreName: 'TESDA Regional Training Center III',
        assessedOn: '2024-08-01',
        method: 'observation',
        unitsCompetent: ['HHK-01', 'HHK-02'],
        unitsNotYetCompetent: ['HHK-03'],
      }),
    ]);
    expect(JSON.stringify(shown)).not.toContain('laundry');
    expect(shown.skills.certificates).toEqual([]);
    expect((await pipeline()).find((r) => r.workerId === workerId)).toMatchObject({ skillsAssessedOn: '2024-08-01' });
    expect((await pipeline()).find((r) => r.workerId === workerId).certifiedOn).toBeUndefined();

    // A certificate of competency for the two units.
    const partial = (
      await ok(
        skills,
        'POST',
        `/candidates/${workerId}/certificates`,
        { kind: 'certificate_of_competency', standardId, unitCodes: ['HHK-01', 'HHK-02'], issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
        skills.tokens.certifier,
      )
    ).certificates[0].certificateNumber as string;
    await settled();
    shown = await profile(workerId);
    expect(shown.skills.certificates).toEqual([
      expect.objectContaining({ certificateNumber: partial, kind: 'certificate_of_competency', status: 'active', issuedOn: '2024-08-05' }),
    ]);
    expect((await pipeline()).find((r) => r.workerId === workerId)).toMatchObject({ certifiedOn: '2024-08-05' });

    // Gap training, the reassessment of the third unit, the full qualification.
    const referralId = (
      await ok(
        skills,
        'POST',
        `/candidates/${workerId}/gap-trainings`,
        { standardId, unitCodes: ['HHK-03'], provider: 'TESDA Provincial Training Center', referredOn: '2024-08-06' },
        skills.tokens.assessor,
      )
    ).gapTrainings[0].referralId as string;
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
    const full = (
      (
        await ok(
          skills,
          'POST',
          `/candidates/${workerId}/certificates`,
          { kind: 'full_qualification', standardId, unitCodes: UNITS, issuedOn: '2024-10-10', expiresOn: '2029-10-09' },
          skills.tokens.certifier,
        )
      ).certificates as any[]
    ).find((c) => c.kind === 'full_qualification').certificateNumber as string;
    await settled();
    shown = await profile(workerId);
    expect(shown.skills.gapTraining).toEqual([expect.objectContaining({ referralId, unitCodes: ['HHK-03'], completedOn: '2024-09-30' })]);
    expect(shown.skills.assessments.map((a: any) => [a.reassessment, a.unitsCompetent, a.unitsNotYetCompetent])).toEqual([
      [false, ['HHK-01', 'HHK-02'], ['HHK-03']],
      [true, ['HHK-03'], []],
    ]);
    expect(shown.skills.certificates.map((c: any) => [c.certificateNumber, c.status, c.supersededBy])).toEqual([
      [partial, 'superseded', full],
      [full, 'active', undefined],
    ]);

    // One certificate revoked.
    await ok(
      skills,
      'POST',
      `/certificates/${full}/revocation`,
      { revokedOn: '2025-01-15', reason: 'assessment_irregularity' },
      skills.tokens.certifier,
    );
    await settled();
    shown = await profile(workerId);
    expect(shown.skills.certificates[1]).toMatchObject({
      certificateNumber: full,
      status: 'revoked',
      statusOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      statusReason: 'assessment_irregularity',
    });
    const timeline = await read(`/workers/${workerId}/timeline`);
    // In the order they happened (the skills service dates each event); compared as a set here.
    expect(
      (timeline.items as any[])
        .filter((e) => e.source === 'skills')
        .map((e) => e.type)
        .sort(),
    ).toEqual([
      'AssessmentRecorded',
      'AssessmentRecorded',
      'CertificateIssued',
      'CertificateIssued',
      'CertificateStatusChanged',
      'CertificateStatusChanged',
      'CounsellingRecorded',
      'GapTrainingCompleted',
      'GapTrainingReferred',
      'MissionAttestedSkillsAdded',
    ]);

    // Statistics, as of a day after each step: both topics replayed from Kafka, joined by worker id. Keys end
    // with EDUCATION | RECRUITMENT_CHANNEL | TIME_PERIOD.
    const cell = (tables: Map<string, Map<string, any>>, table: string, key: string) => tables.get(table)!.get(key);
    const afterAssessment = await report({ asOf: '2024-08-02', period: '2024', report: 'all', frequency: 'year' });
    expect(cell(afterAssessment, 'assessments', 'F|SA|9|_T|_T|2024')).toBe(1);
    expect(cell(afterAssessment, 'pass-rate-standard', `F|SA|9|${standardId}|_T|_T|2024`)).toBe(0.6667);
    expect(cell(afterAssessment, 'certificates', '_T|_T|_T|_T|_T|_T|_T|2024')).toBe(0);
    const afterPartial = await report({ asOf: '2024-08-06', period: '2024', report: 'certificates', frequency: 'year' });
    expect(cell(afterPartial, 'certificates', 'F|SA|9|PARTIAL|ACTIVE|_T|_T|2024')).toBe(1);
    const afterFull = await report({ asOf: '2024-12-31', period: '2024', report: 'all', frequency: 'year' });
    expect(cell(afterFull, 'assessments', 'F|SA|9|_T|_T|2024')).toBe(2);
    expect(cell(afterFull, 'pass-rate-unit', `F|SA|${standardId}:HHK-03|_T|_T|2024`)).toBe(0.5);
    expect(cell(afterFull, 'pass-rate-standard', `F|SA|9|${standardId}|_T|_T|2024`)).toBe(0.75);
    expect(cell(afterFull, 'certificates', 'F|SA|9|PARTIAL|SUPERSEDED|_T|_T|2024')).toBe(1);
    expect(cell(afterFull, 'certificates', 'F|SA|9|FULL|ACTIVE|_T|_T|2024')).toBe(1);
    // The skills service dates the revocation event the day it records it (not the request's revokedOn): as of
    // that day, the full one is revoked.
    const revokedOn = shown.skills.certificates[1].statusOn as string;
    const dayBefore = new Date(Date.parse(`${revokedOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const beforeRevocation = await report({ asOf: dayBefore, period: '2024', report: 'certificates', frequency: 'year' });
    expect(cell(beforeRevocation, 'certificates', 'F|SA|9|FULL|ACTIVE|_T|_T|2024')).toBe(1);
    const afterRevocation = await report({ asOf: revokedOn, period: '2024', report: 'certificates', frequency: 'year' });
    expect(cell(afterRevocation, 'certificates', 'F|SA|9|FULL|REVOKED|_T|_T|2024')).toBe(1);
    expect(cell(afterRevocation, 'certificates', 'F|SA|9|FULL|ACTIVE|_T|_T|2024')).toBe(0);
  }, 240_000);
});
