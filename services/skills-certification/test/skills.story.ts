import { eventually } from '@homeward/testing/infrastructure';
import { aWorker, departure, type RegistrationHarness } from '@homeward/registration/test/harness';
import type { SkillsHarness } from './skills.harness';

// Givens shared by the end-to-end tests: a standard, a centre with its accredited assessor, and workers
// registered on registration and known to the skills service through registration's topic.

export const UNITS = ['HHK-01', 'HHK-02', 'HHK-03'];
const esco = (n: number) => `http://data.europa.eu/esco/skill/0000000${n}-aaaa-4bbb-8ccc-000000000000`;
export const standardContent = {
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
export const ASSESSOR = 'tesda-assessor-0042';

type Caller = {
  call(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, any> | undefined }>;
};

export async function ok(h: Caller, method: 'GET' | 'POST', url: string, body?: unknown, token?: string, headers?: Record<string, string>) {
  const response = await h.call(method, url, body, token, headers);
  if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

/** A standard under `standardId`, a centre, and the assessor accredited there for it from 2024 to 2027. */
export async function givenStandardAndCentre(skills: SkillsHarness, standardId: string): Promise<{ centreId: string }> {
  await ok(skills, 'POST', '/standards', { standardId, ...standardContent }, skills.tokens.standards);
  const centre = (
    await ok(skills, 'POST', '/centres', { name: 'TESDA Regional Training Center III', subdivision: 'PH-03' }, skills.tokens.centres)
  ).body!;
  await ok(
    skills,
    'POST',
    `/centres/${centre.centreId}/accreditations`,
    { assessorId: ASSESSOR, assessorName: 'Liza Manalo', standardId, validFrom: '2024-01-01', validUntil: '2027-12-31' },
    skills.tokens.centres,
  );
  return { centreId: centre.centreId as string };
}

/** A worker registered and departed on registration, known to the skills service once it answers their case. */
export async function givenKnownWorker(registry: RegistrationHarness, skills: SkillsHarness): Promise<string> {
  const workerId = (await ok(registry, 'POST', '/workers', aWorker(), registry.tokens.agency)).body!.workerId as string;
  await ok(registry, 'POST', `/workers/${workerId}/departures`, departure, registry.tokens.agency);
  await registry.published();
  await eventually(
    () => skills.db.pool.query(`SELECT last_destination FROM known_workers WHERE worker_id = $1`, [workerId]),
    (r) => r.rows[0]?.last_destination === 'SA',
  );
  return workerId;
}

/** Counselled, with a work sample in the portfolio, and assessed competent in every unit on 2024-08-01. */
export async function givenAssessedCompetent(skills: SkillsHarness, workerId: string, standardId: string, centreId: string) {
  await ok(
    skills,
    'POST',
    `/candidates/${workerId}/counselling`,
    { counselledOn: '2024-07-10', standardIds: [standardId] },
    skills.tokens.assessor,
  );
  const file = await ok(skills, 'POST', '/evidence-files', Buffer.from(`work sample of ${workerId}`), skills.tokens.assessor, {
    'content-type': 'application/octet-stream',
  });
  await ok(skills, 'POST', `/candidates/${workerId}/evidence`, { kind: 'work_sample', file: file.body }, skills.tokens.assessor);
  await ok(
    skills,
    'POST',
    `/candidates/${workerId}/assessments`,
    {
      standardId,
      centreId,
      assessorId: ASSESSOR,
      assessedOn: '2024-08-01',
      method: 'observation',
      results: UNITS.map((unitCode) => ({ unitCode, outcome: 'competent' })),
    },
    skills.tokens.assessor,
  );
}
