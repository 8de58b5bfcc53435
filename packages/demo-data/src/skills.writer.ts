import { createHash } from 'node:crypto';

/**
 * Demo data for the skills-certification service, written through its public API like everything else:
 * three competency standards, two assessment centres with their accredited assessors, and the
 * recognition-of-prior-learning path of a few hundred returnees — counselling, a work sample in the
 * portfolio, an assessment; those not yet competent in a unit go through gap training and a reassessment;
 * certificates of competency superseded by full qualifications, and one revoked. Deterministic for a list of
 * workers and a day, and safe to re-run: every POST carries an Idempotency-Key derived from what it does.
 */

export interface SkillsDemoOptions {
  /** The skills-certification service, e.g. http://127.0.0.1:3002. */
  readonly baseUrl: string;
  /** An agency's token with skills:standards, skills:centres, skills:assess and skills:certify. */
  readonly token: string;
  /** Registered workers (returnees) to take through the path. */
  readonly workerIds: readonly string[];
  /** Today (UTC, YYYY-MM-DD): the path is dated in the months before it. */
  readonly today: string;
  readonly concurrency?: number;
  readonly fetch?: typeof globalThis.fetch;
}

export interface SkillsDemoReport {
  readonly standards: number;
  readonly centres: number;
  readonly assessments: number;
  readonly certificates: number;
  readonly failures: readonly string[];
  /** A certificate's public verification link (valid), and one revoked. */
  readonly verificationLink?: string;
  readonly revokedLink?: string;
}

interface StandardSpec {
  readonly standardId: string;
  readonly title: string;
  readonly occupationIsco: string;
  readonly level: number;
  readonly units: readonly { code: string; title: string }[];
}

/** The shape of ILO / ASEAN regional model competency standards, for three occupations returnees often had abroad. */
export const DEMO_STANDARDS: readonly StandardSpec[] = [
  {
    standardId: 'rmcs-housekeeping-nc2',
    title: 'Housekeeping NC II',
    occupationIsco: '9111',
    level: 2,
    units: [
      { code: 'HHK-01', title: 'Clean living areas' },
      { code: 'HHK-02', title: 'Launder linen and clothing' },
      { code: 'HHK-03', title: 'Prepare and serve simple meals' },
      { code: 'HHK-04', title: 'Follow workplace safety and hygiene procedures' },
    ],
  },
  {
    standardId: 'rmcs-caregiving-nc2',
    title: 'Caregiving NC II',
    occupationIsco: '5322',
    level: 2,
    units: [
      { code: 'CGV-01', title: 'Assist with personal care' },
      { code: 'CGV-02', title: 'Support mobility and positioning' },
      { code: 'CGV-03', title: 'Respond to emergencies and first aid' },
    ],
  },
  {
    standardId: 'rmcs-smaw-nc2',
    title: 'Shielded Metal Arc Welding NC II',
    occupationIsco: '7212',
    level: 2,
    units: [
      { code: 'SMAW-01', title: 'Weld carbon steel plates (fillet)' },
      { code: 'SMAW-02', title: 'Weld carbon steel plates (groove)' },
      { code: 'SMAW-03', title: 'Read welding symbols and drawings' },
    ],
  },
];

const CENTRES = [
  {
    name: 'Regional Assessment Center III, San Fernando',
    subdivision: 'PH-03',
    assessor: 'assessor-ph03-001',
    assessorName: 'Liza Manalo',
  },
  { name: 'Assessment Center NCR, Taguig', subdivision: 'PH-00', assessor: 'assessor-ncr-001', assessorName: 'Ramon Dizon' },
];

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const hashOf = (text: string) => createHash('sha256').update(text).digest();

export async function writeSkillsDemo(options: SkillsDemoOptions): Promise<SkillsDemoReport> {
  const fetch = options.fetch ?? globalThis.fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const failures: string[] = [];
  let assessments = 0;
  let certificates = 0;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    key?: string,
    raw?: Buffer,
  ): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(raw ? { 'content-type': 'application/octet-stream' } : body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        ...(raw ? { body: raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if ((response.status === 409 || response.status >= 500) && attempt < 4) {
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
        continue;
      }
      return { status: response.status, body: parsed };
    }
  }
  async function post(path: string, body: unknown, key: string): Promise<any> {
    const response = await call('POST', path, body, `demo-skills:${key}`);
    if (response.status >= 300 && !(response.status === 409 && /already/.test(response.body?.code ?? ''))) {
      throw new Error(`POST ${path} → ${response.status} ${response.body?.code ?? ''}: ${response.body?.detail ?? ''}`);
    }
    return response.body;
  }

  for (const s of DEMO_STANDARDS) {
    await post(
      '/standards',
      {
        standardId: s.standardId,
        title: s.title,
        occupationIsco: s.occupationIsco,
        level: s.level,
        units: s.units.map((u) => ({ ...u, escoSkills: [], evidenceRequired: ['work_sample', 'employer_reference'] })),
        effectiveFrom: '2024-01-01',
      },
      `standard:${s.standardId}`,
    );
  }
  const centres: { centreId: string; assessor: string }[] = [];
  for (const c of CENTRES) {
    const centre = await post('/centres', { name: c.name, subdivision: c.subdivision }, `centre:${c.subdivision}`);
    for (const s of DEMO_STANDARDS) {
      await post(
        `/centres/${centre.centreId}/accreditations`,
        {
          assessorId: c.assessor,
          assessorName: c.assessorName,
          standardId: s.standardId,
          validFrom: '2024-01-01',
          validUntil: addDays(options.today, 3 * 365),
        },
        `accreditation:${centre.centreId}:${s.standardId}`,
      );
    }
    centres.push({ centreId: centre.centreId, assessor: c.assessor });
  }

  let verificationLink: string | undefined;
  let revokedLink: string | undefined;
  const path = async (workerId: string, index: number) => {
    const h = hashOf(workerId);
    // Most returnees seek recognition for one occupation; about two in three for a second one they also had
    // abroad (a housekeeper who also cooked): a few hundred assessments for the demo's returnees.
    const first = h[0]! % DEMO_STANDARDS.length;
    const chosen = h[4]! % 3 === 0 ? [first] : [first, (first + 1) % DEMO_STANDARDS.length];
    const standards = chosen.map((n) => DEMO_STANDARDS[n]!);
    const centre = centres[h[1]! % centres.length]!;
    const day = (offset: number) => addDays(options.today, offset - 120);
    const at = `/candidates/${workerId}`;
    // Registration's topic tells the service of the worker; the first call waits for it.
    for (let attempt = 0; attempt < 60; attempt++) {
      if ((await call('GET', at)).status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await post(`${at}/counselling`, { counselledOn: day(0), standardIds: standards.map((s) => s.standardId) }, `counselling:${workerId}`);
    const file = await call('POST', '/evidence-files', undefined, undefined, Buffer.from(`demo work sample of ${workerId}`));
    await post(`${at}/evidence`, { kind: 'work_sample', file: file.body }, `evidence:${workerId}`);
    for (const [n, standard] of standards.entries()) {
      const units = standard.units.map((u) => u.code);
      const gap = h[2 + n]! % 10 < 4 ? units[h[3 + n]! % units.length]! : undefined;
      const key = (what: string) => `${what}:${workerId}${n === 0 ? '' : `:${standard.standardId}`}`;
      const assessment = { standardId: standard.standardId, centreId: centre.centreId, assessorId: centre.assessor, method: 'observation' };
      await post(
        `${at}/assessments`,
        {
          ...assessment,
          assessedOn: day(10 + n),
          results: units.map((unitCode) => ({ unitCode, outcome: unitCode === gap ? 'not_yet_competent' : 'competent' })),
        },
        key('assessment'),
      );
      assessments++;
      if (gap) {
        await post(
          `${at}/certificates`,
          {
            kind: 'certificate_of_competency',
            standardId: standard.standardId,
            unitCodes: units.filter((u) => u !== gap),
            issuedOn: day(12 + n),
            expiresOn: addDays(day(12 + n), 5 * 365),
          },
          key('partial'),
        );
        certificates++;
        const referred = await post(
          `${at}/gap-trainings`,
          { standardId: standard.standardId, unitCodes: [gap], provider: 'Provincial Training Center', referredOn: day(13 + n) },
          key('gap'),
        );
        const referralId = referred.gapTrainings.at(-1).referralId;
        await post(`${at}/gap-trainings/${referralId}/completion`, { completedOn: day(60 + n) }, key('gap-done'));
        await post(
          `${at}/reassessments`,
          { ...assessment, method: 'test', assessedOn: day(70 + n), results: [{ unitCode: gap, outcome: 'competent' }] },
          key('reassessment'),
        );
        assessments++;
      }
      const full = await post(
        `${at}/certificates`,
        {
          kind: 'full_qualification',
          standardId: standard.standardId,
          unitCodes: units,
          issuedOn: day((gap ? 75 : 15) + n),
          expiresOn: addDays(day((gap ? 75 : 15) + n), 5 * 365),
        },
        key('full'),
      );
      certificates++;
      if (n > 0) continue;
      const certificate = full.certificates.find(
        (c: any) => c.kind === 'full_qualification' && c.standardId === standard.standardId && c.status !== 'superseded',
      );
      if (index === 0) verificationLink = certificate.verificationUrl;
      if (index === 1) {
        await post(
          `/certificates/${certificate.certificateNumber}/revocation`,
          { revokedOn: day(100), reason: 'issued_in_error' },
          `revoke:${workerId}`,
        );
        revokedLink = certificate.verificationUrl;
      }
    }
  };

  const queue = options.workerIds.map((id, i) => [id, i] as const);
  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          await path(next[0], next[1]);
        } catch (error) {
          failures.push(`${next[0]}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }),
  );
  return {
    standards: DEMO_STANDARDS.length,
    centres: centres.length,
    assessments,
    certificates,
    failures,
    ...(verificationLink ? { verificationLink } : {}),
    ...(revokedLink ? { revokedLink } : {}),
  };
}
