import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { Scopes } from '@homeward/auth';
import { loadOpenApiDocument } from '@homeward/service-kit';
import { eventsTopic } from '@homeward/contracts';
import { TopicOffsets } from '@homeward/messaging';
import { checkpointLag } from '@homeward/messaging/consumer';
import { eventually, messagesIn, readTopic, testIssuer, topicsStartingWith } from '@homeward/testing/infrastructure';
import { ResponseOracle, type Answer } from '../src/oracle';
import { RequestGenerator, type FuzzContext, type FuzzRequest } from '../src/requests';
import { startHarness, type RegistrationHarness } from '@homeward/registration/test/harness';
import { startAgencyViewHarness, type AgencyViewHarness } from '@homeward/agency-view/test/harness';
import { namespaceOf, startMissionViewHarness, type MissionViewHarness } from '@homeward/mission-view/test/harness';
import { startStatisticsHarness, type StatisticsHarness } from '@homeward/statistics/test/harness';
import { startSkillsHarness, type SkillsHarness } from '@homeward/skills-certification/test/harness';
import { EMPLOYER_A, startEmploymentHarness, type EmploymentHarness } from '@homeward/employment-matching/test/harness';
import { OFFICER_SCOPES, startFundHarness, type FundHarness } from '@homeward/emergency-fund/test/harness';
import { OPENAPI_PATH as REGISTRATION_OPENAPI } from '@homeward/registration/app';
import { OPENAPI_PATH as AGENCY_VIEW_OPENAPI } from '@homeward/agency-view/app';
import { OPENAPI_PATH as MISSION_VIEW_OPENAPI } from '@homeward/mission-view/app';
import { OPENAPI_PATH as STATISTICS_OPENAPI } from '@homeward/statistics/app';
import { OPENAPI_PATH as SKILLS_OPENAPI } from '@homeward/skills-certification/app';
import { OPENAPI_PATH as EMPLOYMENT_OPENAPI } from '@homeward/employment-matching/app';
import { OPENAPI_PATH as FUND_OPENAPI } from '@homeward/emergency-fund/app';

// Contract fuzzing: requests generated from each service's own OpenAPI document, sent over HTTP to the
// seven services running together on the real PostgreSQL and Kafka. Passes when no answer is a server
// error, every answer is one its operation documents (status, media type, schema), no refused request
// wrote anything, and afterwards the relay and every consumer are ready and every event the registry
// accepted is on Kafka. FUZZ_RUNS sets the number of requests (3,000 by default; `npm run fuzz` for a long
// run), FUZZ_SEED replays a run.

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);
/**
 * Generators of areas whose fixes are pending on other branches are tagged (FuzzRequest.tags), and their cases
 * are not sent while their tag is listed here: the suite stays right while someone else's fix is under way.
 * None is pending now (`int64`, amounts past what the event contract carries, was until issue 9's defect 1
 * was fixed). FUZZ_PENDING_TAGS=int64,… holds some back.
 */
const PENDING_TAGS = new Set((process.env.FUZZ_PENDING_TAGS ?? '').split(',').filter(Boolean));
/**
 * FUZZ_ALL_FAULTS=1 goes on past a failing request and reports every distinct fault at the end (without
 * shrinking): for long runs that look for everything at once. By default the first failing request stops
 * the run and fast-check shrinks it.
 */
const ALL_FAULTS = process.env.FUZZ_ALL_FAULTS === '1';

// 120 ms a request is ample on an idle machine; FUZZ_TIMEOUT_MS gives a long run on a busy one more.
jest.setTimeout(Number(process.env.FUZZ_TIMEOUT_MS ?? Math.max(240_000, RUNS * 120)));

/** Who calls: each role is an Authorization header, or none. */
const CALLERS = [
  'agency',
  'agencyReader',
  'missionSA',
  'missionAE',
  'statistics',
  'skillsAuthority',
  'skillsAssessor',
  'employmentOffice',
  'employerA',
  'fundOfficer',
  'fundClerk',
  // The relays' quarantine and the views' rebuilds (drawn for half their requests: callersByTag); without them
  // those operations were only ever refused (403).
  'operator',
  'missionOperator',
];
const STRANGERS = ['employer', 'foreign', 'expired', 'malformed', 'basic', 'none'];
/** The callers each service serves: drawn most often, so that requests get past authorisation to the operations. */
const SERVED: Readonly<Record<string, readonly string[]>> = {
  registration: ['agency', 'agency', 'missionSA'],
  'agency-view': ['agency', 'agency', 'agencyReader'],
  'mission-view': ['missionSA'],
  statistics: ['statistics', 'agency'],
  // The skills authority holds every skills scope; an assessor only skills:assess (refused the rest: 403).
  'skills-certification': ['skillsAuthority', 'skillsAuthority', 'skillsAuthority', 'skillsAssessor'],
  // The employment office holds every employment scope; employer A its own vacancies' (another's are 404).
  'employment-matching': ['employmentOffice', 'employmentOffice', 'employmentOffice', 'employerA'],
  // A fund officer holds every fund scope; a clerk only fund:claims (refused the rest: 403).
  'emergency-fund': ['fundOfficer', 'fundOfficer', 'fundOfficer', 'fundClerk', 'missionSA'],
};

interface Target {
  readonly name: string;
  readonly port: number;
  readonly oracle: ResponseOracle;
  readonly generator: RequestGenerator;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
let registration: RegistrationHarness;
let agencyView: AgencyViewHarness;
let missionView: MissionViewHarness;
let statistics: StatisticsHarness;
let skills: SkillsHarness;
let employment: EmploymentHarness;
let fund: FundHarness;
let namespace: string;
const targets: Target[] = [];
const authorization: Record<string, string | undefined> = {};
const ids: Record<string, string[]> = { workerId: [], incidentId: [], referralId: [], reportId: [], candidateId: [] };
/**
 * Ids one service alone gives out, by parameter name, over `ids` for that service's requests: the skills
 * service's gap-training referrals are not registration's reintegration referrals, though both are `referralId`.
 */
const idsOf: Record<string, Record<string, string[]>> = {
  'skills-certification': {
    standardId: [],
    // Body fields by name too (FuzzContext): an accredited assessor, the standard's units.
    standardIds: [],
    assessorId: ['tesda-assessor-0042'],
    unitCode: ['FZ-01', 'FZ-02', 'FZ-03'],
    unitCodes: ['FZ-01', 'FZ-02', 'FZ-03'],
    centreId: [],
    accreditationId: [],
    referralId: [],
    certificateNumber: [],
    code: [],
    listId: [],
    streamId: [],
  },
  // The employment service's own vacancies and referrals (not registration's reintegration referrals).
  'employment-matching': { vacancyId: [], referralId: [], streamId: [] },
  // The fund's members (its own worker ids: covered, with cycles) and claims; its one fund of the default policies.
  'emergency-fund': { workerId: [], claimId: [], fundId: ['PH-OWWA'], streamId: [] },
};
/** A write registration accepted since the skills service last caught up with registration's topic. */
let registrationWrote = false;
/** The same, for the employment service's consumer of registration's topic (returns make job seekers). */
let registrationWroteForEmployment = false;
/** The same, for the fund's consumer of registration's topic (cycles, draft claims from welfare incidents, erasure). */
let registrationWroteForFund = false;
/** One admin connection for the skills consumer's lag, closed after the run (an open one keeps jest from exiting). */
let offsets: TopicOffsets | undefined;
/** Distinct faults, with the first request that showed each (FUZZ_ALL_FAULTS). */
const found = new Map<string, string>();
const tally = {
  sent: 0,
  byStatus: new Map<number, number>(),
  byService: new Map<string, number>(),
  skills: new Map<number, number>(),
  employment: new Map<number, number>(),
  fund: new Map<number, number>(),
  /** Statuses by operation ("service operationId"): whether every operation was reached, and how far. */
  byOperation: new Map<string, Map<number, number>>(),
};

async function listen(app: { listen(port: number, host: string): Promise<unknown>; getHttpServer(): unknown }): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer() as { address(): { port: number } }).address().port;
}

/** Sends a request as it is, over HTTP/1.1. */
function send(
  port: number,
  request: Pick<FuzzRequest, 'method' | 'path' | 'headers' | 'body' | 'caller'> & Pick<Partial<FuzzRequest>, 'bodyEncoding'>,
): Promise<Answer> {
  const auth = authorization[request.caller];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.path,
        agent,
        headers: { ...request.headers, ...(auth ? { authorization: auth } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body === undefined ? undefined : Buffer.from(request.body, request.bodyEncoding ?? 'utf8'));
  });
}

/** Files in the skills service's object store (evidence uploads), temporary ones included. */
async function evidenceFiles(): Promise<number> {
  const entries = await readdir(skills.objectStoreDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).length;
}

/** How far the skills service's consumer of registration's topic is behind (its checkpoints in its database). */
async function skillsConsumerLag(): Promise<number> {
  const topic = eventsTopic('registration', namespace);
  const partitions = await checkpointLag(
    skills.db.pool,
    `${namespace}homeward.skills-certification.registration`,
    await (offsets ??= new TopicOffsets(skills.runtime.kafka)).fetch([topic]),
  );
  return partitions.reduce((sum, p) => sum + p.lag, 0);
}

/**
 * The skills service writes on two paths: its API and its consumer of registration's topic (workers it
 * learns of, the skills missions record, erasures). Before a skills write is judged, everything registration
 * accepted is published and applied, so that what changes meanwhile is the request's doing alone.
 */
async function skillsCaughtUp(): Promise<void> {
  if (!registrationWrote) return;
  await registration.published();
  await eventually(skillsConsumerLag, (lag) => lag === 0, 60_000);
  registrationWrote = false;
}

/** How far the employment service's consumer of registration's topic is behind. */
async function employmentConsumerLag(): Promise<number> {
  const topic = eventsTopic('registration', namespace);
  const partitions = await checkpointLag(
    employment.db.pool,
    `${namespace}homeward.employment-matching.registration`,
    await (offsets ??= new TopicOffsets(skills.runtime.kafka)).fetch([topic]),
  );
  return partitions.reduce((sum, p) => sum + p.lag, 0);
}

/** Before an employment write is judged, everything registration accepted is applied there too (returns, departures). */
async function employmentCaughtUp(): Promise<void> {
  if (!registrationWroteForEmployment) return;
  await registration.published();
  await eventually(employmentConsumerLag, (lag) => lag === 0, 60_000);
  registrationWroteForEmployment = false;
}

/** How far the fund's consumer of registration's topic is behind. */
async function fundConsumerLag(): Promise<number> {
  const topic = eventsTopic('registration', namespace);
  const partitions = await checkpointLag(
    fund.db.pool,
    `${namespace}homeward.emergency-fund.registration`,
    await (offsets ??= new TopicOffsets(skills.runtime.kafka)).fetch([topic]),
  );
  return partitions.reduce((sum, p) => sum + p.lag, 0);
}

/** Before a fund write is judged, everything registration accepted is applied there too (its consumer opens draft claims). */
async function fundCaughtUp(): Promise<void> {
  if (!registrationWroteForFund) return;
  await registration.published();
  await eventually(fundConsumerLag, (lag) => lag === 0, 60_000);
  registrationWroteForFund = false;
}

/** What a refused request must not have changed: the registry's writes, the statistics service's jobs, the skills service's records and files. */
async function written(service: string): Promise<string> {
  if (service === 'registration') {
    const { rows } = await registration.db.pool.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT coalesce(max(global_position), 0) FROM events) AS position,
              (SELECT count(*) FROM data_keys) AS keys, (SELECT count(*) FROM idempotency_keys) AS idempotency,
              (SELECT count(*) FROM import_rows) AS imports`,
    );
    return JSON.stringify(rows[0]);
  }
  if (service === 'statistics') return JSON.stringify((await statistics.db.pool.query('SELECT count(*) AS jobs FROM report_jobs')).rows[0]);
  if (service === 'skills-certification') {
    // Certificates and credentials by their content: a suspension or revocation changes a row, not the count.
    const { rows } = await skills.db.pool.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT coalesce(max(global_position), 0) FROM events) AS position,
              (SELECT count(*) FROM data_keys) AS keys, (SELECT count(*) FROM data_keys WHERE wrapped_key IS NULL) AS erased,
              (SELECT count(*) FROM idempotency_keys) AS idempotency,
              (SELECT md5(coalesce(string_agg(c::text, '|' ORDER BY certificate_number), '')) FROM certificates c) AS certificates,
              (SELECT count(*) FROM status_entries) AS "statusEntries",
              (SELECT md5(coalesce(string_agg(i::text, '|' ORDER BY certificate_number), '')) FROM issued_credentials i) AS credentials,
              (SELECT md5(coalesce(string_agg(k::text, '|' ORDER BY worker_id), '')) FROM known_workers k) AS "knownWorkers"`,
    );
    return JSON.stringify({ ...rows[0], evidenceFiles: await evidenceFiles() });
  }
  if (service === 'employment-matching') {
    const { rows } = await employment.db.pool.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT coalesce(max(global_position), 0) FROM events) AS position,
              (SELECT count(*) FROM idempotency_keys) AS idempotency,
              (SELECT md5(coalesce(string_agg(v::text, '|' ORDER BY vacancy_id), '')) FROM vacancies v) AS vacancies,
              (SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY referral_id), '')) FROM referrals r) AS referrals`,
    );
    return JSON.stringify(rows[0]);
  }
  if (service === 'emergency-fund') {
    const { rows } = await fund.db.pool.query(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT coalesce(max(global_position), 0) FROM events) AS position,
              (SELECT count(*) FROM idempotency_keys) AS idempotency,
              (SELECT md5(coalesce(string_agg(c::text, '|' ORDER BY claim_id), '')) FROM claims c) AS claims,
              (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY seq), '')) FROM ledger_transfers t) AS transfers,
              (SELECT md5(coalesce(string_agg(a::text, '|' ORDER BY id), '')) FROM ledger_accounts a) AS accounts,
              (SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY reference), '')) FROM payments_outgoing p) AS payments`,
    );
    return JSON.stringify(rows[0]);
  }
  return '';
}

async function ok(target: string, method: string, path: string, body?: unknown, caller = 'agency'): Promise<Record<string, any>> {
  const port = targets.find((t) => t.name === target)!.port;
  const answer = await send(port, {
    method,
    path,
    caller,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (answer.status >= 300) throw new Error(`${method} ${path} → ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, any>;
}

/** Workers with whole cycles, so that requests on known ids reach real records (and their skills, incidents, referrals). */
async function seed(): Promise<void> {
  for (let n = 0; n < 3; n++) {
    const worker = await ok('registration', 'POST', '/workers', {
      personalData: { givenName: 'Maria', familyName: `Santos ${n}`, dateOfBirth: `199${n}-04-12`, nationalId: `PH-FUZZ-${n}` },
      sex: 'F',
      originArea: 'PH-03',
      educationIsced: 3,
      languages: ['tl', 'en'],
    });
    const id = worker.workerId as string;
    ids.workerId!.push(id);
    ids.candidateId!.push(id);
    await ok('registration', 'POST', `/workers/${id}/departures`, {
      destinationCountry: 'SA',
      departedOn: '2023-02-01',
      employerName: 'Al Noor Household Services',
      occupationIsco: '9111',
      contractStart: '2023-02-05',
      contractEnd: '2025-02-04',
      channel: 'regular',
      recruitmentCost: { currency: 'PHP', amountMinor: 1500000 },
    });
    await ok('registration', 'POST', `/workers/${id}/arrivals`, { arrivedOn: '2023-02-02', country: 'SA' }, 'missionSA');
    await ok(
      'registration',
      'POST',
      `/workers/${id}/skills`,
      { recordedOn: '2023-09-01', skills: [{ kind: 'language', title: 'Arabic, spoken (A2)' }] },
      'missionSA',
    );
    const withIncident = await ok(
      'registration',
      'POST',
      `/workers/${id}/incidents`,
      { occurredOn: '2023-11-03', kind: 'abuse', fundAssistanceRequested: true, caseNotes: 'Passport withheld.\nShelter.' },
      'missionSA',
    );
    ids.incidentId!.push(withIncident.cycles[0].incidents[0].incidentId as string);
    if (n === 0) continue; // one stays abroad
    await ok('registration', 'POST', `/workers/${id}/returns`, {
      returnedOn: '2024-06-30',
      fromCountry: 'SA',
      assistance: 'assisted',
      reason: 'abuse_or_exploitation',
    });
    const referred = await ok('registration', 'POST', `/workers/${id}/reintegration/referrals`, {
      referredOn: '2024-07-06',
      service: 'counselling',
    });
    ids.referralId!.push(referred.cycles[0].reintegration.referrals[0].referralId as string);
  }
  const job = await ok(
    'statistics',
    'POST',
    '/reports',
    { asOf: '2024-12-31', period: '2024', report: 'returns', source: 'event-store' },
    'statistics',
  );
  ids.reportId!.push(job.id as string);
  // The views answer for the seeded workers once they have caught up with the topics.
  await eventually(
    () =>
      send(targets.find((t) => t.name === 'agency-view')!.port, {
        method: 'GET',
        path: `/workers/${ids.workerId![2]}`,
        caller: 'agency',
        headers: {},
      }),
    (a) => a.status === 200,
    60_000,
  );
}

/**
 * The skills service's givens, on the seeded workers (known to it through registration's topic): a standard,
 * a centre with an accredited assessor, and cases taken through counselling, evidence, assessment, gap
 * training and certificates — a certificate of competency, one superseded by a full qualification, one
 * suspended — whose numbers and verification codes the generator then reuses.
 */
async function seedSkills(): Promise<void> {
  const skillsIds = idsOf['skills-certification']!;
  const as = 'skillsAuthority';
  const target = 'skills-certification';
  const standardId = 'fuzz-housekeeping';
  const units = ['FZ-01', 'FZ-02', 'FZ-03'];
  await ok(
    target,
    'POST',
    '/standards',
    {
      standardId,
      title: 'Housekeeping NC II',
      occupationIsco: '9111',
      level: 2,
      units: units.map((code, i) => ({
        code,
        title: `Housekeeping unit ${i + 1}`,
        escoSkills: [`http://data.europa.eu/esco/skill/0000000${i + 1}-aaaa-4bbb-8ccc-000000000000`],
        evidenceRequired: ['work_sample', 'employer_reference'],
      })),
      effectiveFrom: '2024-01-01',
    },
    as,
  );
  skillsIds.standardId!.push(standardId);
  skillsIds.standardIds!.push(standardId);
  const centre = await ok(target, 'POST', '/centres', { name: 'TESDA Regional Training Center III', subdivision: 'PH-03' }, as);
  const centreId = centre.centreId as string;
  skillsIds.centreId!.push(centreId);
  const accredited = await ok(
    target,
    'POST',
    `/centres/${centreId}/accreditations`,
    { assessorId: 'tesda-assessor-0042', assessorName: 'Liza Manalo', standardId, validFrom: '2024-01-01', validUntil: '2027-12-31' },
    as,
  );
  skillsIds.accreditationId!.push(accredited.accreditations[0].accreditationId as string);
  // The seeded workers, known to the skills service once it has read registration's topic.
  await registration.published();
  await eventually(
    () => skills.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM known_workers'),
    (r) => r.rows[0]!.n >= ids.workerId!.length,
    60_000,
  );
  const assessment = (workerId: string, assessedOn: string, results: { unitCode: string; outcome: string; remarks?: string }[]) =>
    ok(
      target,
      'POST',
      `/candidates/${workerId}/${assessedOn === '2024-08-01' ? 'assessments' : 'reassessments'}`,
      { standardId, centreId, assessorId: 'tesda-assessor-0042', assessedOn, method: 'observation', results },
      as,
    );
  const issued: { certificateNumber: string; verificationCode: string }[] = [];
  for (const [n, workerId] of ids.workerId!.slice(1).entries()) {
    skillsIds.streamId!.push(`candidate-${workerId}`);
    await ok(
      target,
      'POST',
      `/candidates/${workerId}/counselling`,
      { counselledOn: '2024-07-10', standardIds: [standardId], notes: 'Fuzz.' },
      as,
    );
    const file = await send(targets.find((t) => t.name === target)!.port, {
      method: 'POST',
      path: '/evidence-files',
      caller: as,
      headers: { 'content-type': 'application/pdf' },
      body: `%PDF-1.4 work sample of ${workerId}`,
    });
    if (file.status !== 201) throw new Error(`evidence file → ${file.status} ${file.body}`);
    await ok(
      target,
      'POST',
      `/candidates/${workerId}/evidence`,
      { kind: 'work_sample', file: JSON.parse(file.body), description: 'Photographs.' },
      as,
    );
    await assessment(workerId, '2024-08-01', [
      { unitCode: 'FZ-01', outcome: 'competent' },
      { unitCode: 'FZ-02', outcome: 'competent' },
      { unitCode: 'FZ-03', outcome: 'not_yet_competent', remarks: 'Needs practice.' },
    ]);
    const partial = await ok(
      target,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'certificate_of_competency', standardId, unitCodes: ['FZ-01', 'FZ-02'], issuedOn: '2024-08-05', expiresOn: '2029-08-04' },
      as,
    );
    issued.push(...(partial.certificates as typeof issued));
    const referred = await ok(
      target,
      'POST',
      `/candidates/${workerId}/gap-trainings`,
      { standardId, unitCodes: ['FZ-03'], provider: 'TESDA Provincial Training Center', referredOn: '2024-08-06' },
      as,
    );
    const referralId = referred.gapTrainings[0].referralId as string;
    skillsIds.referralId!.push(referralId);
    if (n === 0) continue; // one referral stays open
    await ok(target, 'POST', `/candidates/${workerId}/gap-trainings/${referralId}/completion`, { completedOn: '2024-09-30' }, as);
    await assessment(workerId, '2024-10-07', [{ unitCode: 'FZ-03', outcome: 'competent' }]);
    const full = await ok(
      target,
      'POST',
      `/candidates/${workerId}/certificates`,
      { kind: 'full_qualification', standardId, unitCodes: units, issuedOn: '2024-10-10', expiresOn: '2029-10-09' },
      as,
    );
    issued.push(...(full.certificates as typeof issued).filter((c) => !issued.some((i) => i.certificateNumber === c.certificateNumber)));
  }
  await ok(
    target,
    'POST',
    `/certificates/${issued[0]!.certificateNumber}/suspension`,
    { suspendedOn: '2025-01-15', reason: 'under_investigation' },
    as,
  );
  for (const certificate of issued) {
    skillsIds.certificateNumber!.push(certificate.certificateNumber);
    skillsIds.code!.push(certificate.verificationCode);
  }
  for (const listId of ['revocation-0', 'suspension-0']) {
    const list = await send(targets.find((t) => t.name === target)!.port, {
      method: 'GET',
      path: `/status-lists/${listId}`,
      caller: 'none',
      headers: {},
    });
    if (list.status === 200) skillsIds.listId!.push(listId);
  }
}

/**
 * The employment service's givens: the seeded workers as job seekers (on request: their returns may not be
 * recorded), a published standard as the matching engine's consumer of the skills topic would record it,
 * vacancies of employer A and of another employer, and referrals to them.
 */
async function seedEmployment(): Promise<void> {
  const employmentIds = idsOf['employment-matching']!;
  const target = 'employment-matching';
  const as = 'employmentOffice';
  await employment.knowStandard('fuzz-housekeeping', ['FZ-01', 'FZ-02', 'FZ-03']);
  const closingOn = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  for (const employerId of [EMPLOYER_A, 'gulf-care', EMPLOYER_A]) {
    const vacancy = await ok(
      target,
      'POST',
      '/vacancies',
      {
        employerId,
        title: 'Room attendant',
        occupationIsco: '9112',
        requiredUnits: [{ standardId: 'fuzz-housekeeping', unitCode: 'FZ-01' }],
        location: 'PH-CEB',
        languages: ['en'],
        monthlyWage: { currency: 'PHP', amountMinor: 1_800_000 },
        openings: 3,
        closingOn,
      },
      as,
    );
    employmentIds.vacancyId!.push(vacancy.vacancyId as string);
    employmentIds.streamId!.push(`vacancy-${vacancy.vacancyId as string}`);
  }
  await registration.published();
  await eventually(employmentConsumerLag, (lag) => lag === 0, 60_000);
  for (const [n, workerId] of ids.workerId!.entries()) {
    const seeker = await send(targets.find((t) => t.name === target)!.port, {
      method: 'POST',
      path: '/job-seekers',
      caller: as,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workerId }),
    });
    // A seeded return may already have made them one (409).
    if (seeker.status !== 201 && seeker.status !== 409) throw new Error(`job seeker → ${seeker.status} ${seeker.body}`);
    const vacancyId = employmentIds.vacancyId![n % employmentIds.vacancyId!.length]!;
    const referral = await ok(target, 'POST', '/referrals', { vacancyId, workerId }, as);
    employmentIds.referralId!.push(referral.referralId as string);
    employmentIds.streamId!.push(`referral-${referral.referralId as string}`, `seeker-${workerId}`);
  }
}

/** Sends a request and tells its answer, for givens that may be refused by the rules (a step past what the seed needs). */
async function attempt(target: string, method: string, path: string, body: unknown, caller: string): Promise<Answer> {
  return send(targets.find((t) => t.name === target)!.port, {
    method,
    path,
    caller,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * The fund's givens: a budget allocation, members covered by a contribution with a cycle in Saudi Arabia
 * (as its consumer of registration's topic would record it), and their death claims at each stage — filed,
 * documented, assessed, approved by a maker, approved by a checker — so that valid requests reach the claim rules.
 */
async function seedFund(): Promise<void> {
  const fundIds = idsOf['emergency-fund']!;
  const target = 'emergency-fund';
  const as = 'fundOfficer';
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  const php = (major: number) => ({ currency: 'PHP', amountMinor: major * 100 });
  await ok(target, 'POST', '/funds/PH-OWWA/allocations', { allocationId: randomUUID(), amount: php(5_000_000) }, as);
  for (let n = 0; n < 5; n++) {
    const workerId = randomUUID();
    await fund.knowCycle(workerId, { cycleNumber: 1, destinationCountry: 'SA', departedOn: day(200) });
    await ok(
      target,
      'POST',
      `/members/${workerId}/contributions`,
      { fundId: 'PH-OWWA', contributionId: randomUUID(), amount: php(1_400), paidOn: day(210) },
      as,
    );
    fundIds.workerId!.push(workerId);
    const claim = await ok(
      target,
      'POST',
      '/claims',
      {
        workerId,
        fundId: 'PH-OWWA',
        benefitType: 'death',
        incidentKind: 'death',
        incidentOn: day(10),
        destinationCountry: 'SA',
        cycleNumber: 1,
        grade: 'natural',
        claimantRelation: 'spouse',
      },
      as,
    );
    const claimId = claim.claimId as string;
    fundIds.claimId!.push(claimId);
    if (n === 0) continue; // one stays a bare draft
    for (const documentType of claim.documentsRequired as string[]) {
      await ok(
        target,
        'POST',
        `/claims/${claimId}/documents`,
        { documentType, documentId: `doc-${documentType}`, sha256: 'ab'.repeat(32) },
        as,
      );
    }
    if (n === 1) continue;
    // Assessed, approved by one officer (the maker), approved by another (the checker: approved).
    const stages: [string, unknown, string][] = [
      ['assess', {}, as],
      ['approve', { amount: php(20_000) }, as],
      ['approve', { amount: php(20_000) }, 'fundOfficerB'],
    ];
    for (const [stage, body, caller] of stages.slice(0, n - 1)) {
      const answer = await attempt(target, 'POST', `/claims/${claimId}/${stage}`, body, caller);
      if (answer.status >= 300) break;
    }
  }
  const { rows } = await fund.db.pool.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM events ORDER BY stream_id LIMIT 20');
  fundIds.streamId!.push(...rows.map((r) => r.stream_id));
}

beforeAll(async () => {
  const issuer = await testIssuer();
  const impostor = await testIssuer();
  // Thousands of refusals on purpose: each is logged at warn.
  const quiet = { logLevel: 'error' };
  registration = await startHarness('contract_fuzz', { issuer, ...quiet });
  namespace = namespaceOf(registration.runtime.topic);
  [agencyView, missionView, statistics] = await Promise.all([
    startAgencyViewHarness(namespace, issuer, quiet),
    startMissionViewHarness('SA', namespace, issuer, quiet),
    startStatisticsHarness(namespace, issuer, { registrationEventsUrl: registration.db.url, ...quiet }),
  ]);
  // It reads registration's topic in the same namespace: the workers seeded there become candidates it knows.
  skills = await startSkillsHarness('contract_fuzz_skills', {
    issuer,
    ...quiet,
    // Far past what a run sends: wrong codes are answered 404 and valid ones reach the verifier (the throttle has its own test).
    env: { TOPIC_NAMESPACE: namespace, VERIFY_FAILURES_PER_WINDOW: '1000000', RATE_LIMITS: 'public-verification=1000000' },
  });
  // It reads registration's topic in the same namespace too: returns make job seekers there.
  employment = await startEmploymentHarness('contract_fuzz_employment', { issuer, ...quiet, env: { TOPIC_NAMESPACE: namespace } });
  // And the fund: registration's incidents asking for assistance open draft claims there.
  fund = await startFundHarness('contract_fuzz_fund', { issuer, ...quiet, env: { TOPIC_NAMESPACE: namespace } });
  const bearer = (token: string) => `Bearer ${token}`;
  Object.assign(authorization, {
    agency: bearer(
      await issuer.token({
        organisationId: 'ph-dmw-registry',
        kind: 'agency',
        scopes: [Scopes.workersRead, Scopes.workersWrite, Scopes.personalDataRead, Scopes.aggregatesRead],
      }),
    ),
    agencyReader: bearer(await issuer.token({ organisationId: 'ph-dole-research', kind: 'agency', scopes: [Scopes.workersRead] })),
    missionSA: bearer(await issuer.token({ organisationId: 'ph-embassy-riyadh', kind: 'mission', country: 'SA' })),
    missionAE: bearer(await issuer.token({ organisationId: 'ph-embassy-abu-dhabi', kind: 'mission', country: 'AE' })),
    statistics: bearer(await issuer.token({ organisationId: 'psa-statistics', kind: 'statistics' })),
    skillsAuthority: bearer(
      await issuer.token({
        organisationId: 'ph-tesda',
        kind: 'agency',
        scopes: [Scopes.workersRead, Scopes.skillsStandards, Scopes.skillsCentres, Scopes.skillsAssess, Scopes.skillsCertify],
      }),
    ),
    skillsAssessor: bearer(await issuer.token({ organisationId: 'ph-centre-manila', kind: 'agency', scopes: [Scopes.skillsAssess] })),
    employmentOffice: bearer(
      await issuer.token({
        organisationId: 'ph-peso',
        kind: 'agency',
        scopes: [Scopes.employmentVacancies, Scopes.employmentReferrals, Scopes.employmentSeekers, Scopes.employmentRead],
      }),
    ),
    employerA: bearer(await issuer.token({ organisationId: EMPLOYER_A, kind: 'employer' })),
    fundOfficer: bearer(await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', subject: 'fuzz-officer', scopes: OFFICER_SCOPES })),
    fundOfficerB: bearer(
      await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', subject: 'fuzz-officer-b', scopes: OFFICER_SCOPES }),
    ),
    fundClerk: bearer(
      await issuer.token({ organisationId: 'ph-owwa', kind: 'agency', subject: 'fuzz-clerk', scopes: [Scopes.fundClaims] }),
    ),
    // The scopes by their documented names (each service's OpenAPI document says which its admin operations need).
    operator: bearer(
      await issuer.token({
        organisationId: 'ph-dmw-registry',
        kind: 'agency',
        subject: 'fuzz-operator',
        scopes: [Scopes.workersRead, 'relay:admin', 'projections:admin'],
      }),
    ),
    // The mission view is its country's mission's alone, its rebuilds too.
    missionOperator: bearer(
      await issuer.token({
        organisationId: 'ph-embassy-riyadh',
        kind: 'mission',
        country: 'SA',
        subject: 'fuzz-mission-operator',
        scopes: [Scopes.workersRead, 'projections:admin'],
      }),
    ),
    employer: bearer(await issuer.token({ organisationId: 'gulf-care', kind: 'employer' })),
    foreign: bearer(await impostor.token({ organisationId: 'ph-dmw-registry', kind: 'agency' })),
    expired: bearer(await issuer.token({ organisationId: 'ph-dmw-registry', kind: 'agency', ttl: -3600 })),
    malformed: 'Bearer not.a.jwt',
    basic: 'Basic dXNlcjpwYXNzd29yZA==',
    none: undefined,
  });
  const services: [string, { listen(port: number, host: string): Promise<unknown>; getHttpServer(): unknown }, string][] = [
    ['registration', registration.runtime.app, REGISTRATION_OPENAPI],
    ['agency-view', agencyView.runtime.app, AGENCY_VIEW_OPENAPI],
    ['mission-view', missionView.runtime.app, MISSION_VIEW_OPENAPI],
    ['statistics', statistics.runtime.app, STATISTICS_OPENAPI],
    ['skills-certification', skills.runtime.app, SKILLS_OPENAPI],
    ['employment-matching', employment.runtime.app, EMPLOYMENT_OPENAPI],
    ['emergency-fund', fund.runtime.app, FUND_OPENAPI],
  ];
  for (const [name, app, openApi] of services) {
    const document = loadOpenApiDocument(openApi);
    targets.push({
      name,
      port: await listen(app),
      oracle: new ResponseOracle(name, document),
      generator: await RequestGenerator.create(name, document),
    });
  }
  await seed();
  await seedSkills();
  await seedEmployment();
  await seedFund();
}, 300_000);

afterAll(async () => {
  agent.destroy();
  await offsets?.close();
  await Promise.all([agencyView?.stop(), missionView?.stop(), statistics?.stop(), skills?.stop(), employment?.stop(), fund?.stop()]);
  await registration?.stop();
});

describe('every service, driven by its own OpenAPI document', () => {
  it(`answers ${RUNS} generated requests as documented, and no refused request writes anything (seed ${SEED})`, async () => {
    process.stdout.write(`contract fuzz: seed ${SEED}, ${RUNS} requests (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to replay)\n`);
    const started = Date.now();
    const contextOf = (service: string): FuzzContext => ({
      ids: { ...ids, ...idsOf[service] },
      callers: [...Array<readonly string[]>(6).fill(SERVED[service]!).flat(), ...CALLERS, ...STRANGERS],
      callersByTag: { admin: ['operator', 'missionOperator'] },
    });
    const requests = fc
      .oneof(...targets.map((t) => t.generator.request(contextOf(t.name))))
      .filter((r) => !r.tags.some((tag) => PENDING_TAGS.has(tag)));
    const exercise = async (request: FuzzRequest): Promise<void> => {
      const target = targets.find((t) => t.name === request.service)!;
      const writes = request.method !== 'GET';
      if (writes && request.service === 'skills-certification') await skillsCaughtUp();
      if (writes && request.service === 'employment-matching') await employmentCaughtUp();
      if (writes && request.service === 'emergency-fund') await fundCaughtUp();
      const before = writes ? await written(request.service) : '';
      const answer = await send(target.port, request);
      if (writes && request.service === 'registration' && answer.status < 300)
        registrationWrote = registrationWroteForEmployment = registrationWroteForFund = true;
      tally.sent++;
      if (tally.sent % 2000 === 0)
        process.stdout.write(
          `contract fuzz: ${tally.sent} sent after ${Math.round((Date.now() - started) / 1000)} s, ${found.size} faults so far\n`,
        );
      tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
      tally.byService.set(request.service, (tally.byService.get(request.service) ?? 0) + 1);
      if (request.service === 'skills-certification') tally.skills.set(answer.status, (tally.skills.get(answer.status) ?? 0) + 1);
      if (request.service === 'employment-matching') tally.employment.set(answer.status, (tally.employment.get(answer.status) ?? 0) + 1);
      if (request.service === 'emergency-fund') tally.fund.set(answer.status, (tally.fund.get(answer.status) ?? 0) + 1);
      if (request.operation) {
        const key = `${request.service} ${request.operation}`;
        const statuses = tally.byOperation.get(key) ?? new Map<number, number>();
        tally.byOperation.set(key, statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1));
      }
      const faults = target.oracle.judge(request.method, request.path, answer);
      if (writes && answer.status >= 400) {
        const after = await written(request.service);
        if (after !== before) faults.push(`refused with ${answer.status}, yet wrote: ${before} → ${after}`);
      }
      if (faults.length > 0) {
        const report =
          `${request.method} ${request.path.slice(0, 300)} as ${request.caller} (${request.kind})\n` +
          `  answered ${answer.status}: ${answer.body.slice(0, 500)}\n  ${faults.join('\n  ')}`;
        if (!ALL_FAULTS) throw new Error(report);
        for (const fault of faults) if (!found.has(fault.slice(0, 120))) found.set(fault.slice(0, 120), report);
      }
      // Ids the system gave out become ids later requests use.
      if (answer.status === 201 && request.service === 'registration' && request.path === '/workers') {
        ids.workerId!.push((JSON.parse(answer.body) as { workerId: string }).workerId);
      }
    };
    // First one valid request to every operation of every document, drawn with the run's seed: the random
    // run then reaches every operation whatever its draws (one was left out by seed 1312855683).
    for (const target of targets) {
      for (const operation of target.generator.operations) {
        const [request] = fc.sample(target.generator.valid(operation, contextOf(target.name)), { numRuns: 1, seed: SEED });
        if (request && !request.tags.some((tag) => PENDING_TAGS.has(tag))) await exercise(request);
      }
    }
    await fc.assert(fc.asyncProperty(requests, exercise), { numRuns: RUNS, seed: SEED, endOnFailure: ALL_FAULTS });
    process.stdout.write(
      `contract fuzz: ${tally.sent} requests in ${Math.round((Date.now() - started) / 1000)} s; by service ${JSON.stringify(Object.fromEntries(tally.byService))}; ` +
        `by status ${JSON.stringify(Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a - b)))}; ` +
        `skills-certification by status ${JSON.stringify(Object.fromEntries([...tally.skills].sort(([a], [b]) => a - b)))}; ` +
        `employment-matching by status ${JSON.stringify(Object.fromEntries([...tally.employment].sort(([a], [b]) => a - b)))}; ` +
        `emergency-fund by status ${JSON.stringify(Object.fromEntries([...tally.fund].sort(([a], [b]) => a - b)))}\n`,
    );
    // Coverage: every documented operation, how often it was sent and what it answered; none left out.
    const coverage = targets.flatMap((t) =>
      t.generator.operations.map((o) => {
        const statuses = tally.byOperation.get(`${t.name} ${o.id}`) ?? new Map<number, number>();
        const sent = [...statuses.values()].reduce((sum, n) => sum + n, 0);
        const succeeded = [...statuses].filter(([status]) => status < 300).reduce((sum, [, n]) => sum + n, 0);
        return { operation: `${t.name} ${o.method} ${o.path}`, sent, succeeded, statuses };
      }),
    );
    const unreached = coverage.filter((c) => c.sent === 0).map((c) => c.operation);
    const neverSucceeded = coverage.filter((c) => c.sent > 0 && c.succeeded === 0).map((c) => c.operation);
    process.stdout.write(
      `contract fuzz: ${coverage.length} operations, ${coverage.length - unreached.length} reached, ` +
        `${coverage.length - unreached.length - neverSucceeded.length} with a 2xx; requests per operation ` +
        `${Math.min(...coverage.map((c) => c.sent))}–${Math.max(...coverage.map((c) => c.sent))}; ` +
        `never reached ${JSON.stringify(unreached)}; never a 2xx ${JSON.stringify(neverSucceeded)}\n`,
    );
    if (process.env.FUZZ_COVERAGE_FILE)
      writeFileSync(
        process.env.FUZZ_COVERAGE_FILE,
        coverage
          .map((c) => `${c.operation}\t${c.sent}\t${JSON.stringify(Object.fromEntries([...c.statuses].sort(([a], [b]) => a - b)))}\n`)
          .join(''),
      );
    expect(tally.sent).toBeGreaterThanOrEqual(RUNS);
    expect([...found.values()]).toEqual([]);
    // Every operation of every document is sent at least once: by the first sweep, and by the random run (a GET
    // of a service with many operations is drawn only about six times in 3,000, so by chance sometimes never).
    expect(unreached).toEqual([]);
  });

  it('answers what the HTTP server itself refuses as documented problems too', async () => {
    for (const target of targets) {
      const judge = (method: string, path: string, answer: Answer) => expect(target.oracle.judge(method, path, answer)).toEqual([]);
      const aPath = target.oracle.operations.find((o) => o.method === 'GET')!.path.replace(/\{[^}]+\}/g, 'x');
      // A URL past Node's 16 KiB of request line and headers: refused by the HTTP parser (431).
      const long = await raw(target.port, `GET ${aPath}?q=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(long.status).toBe(431);
      expect(long.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(long.body)).toMatchObject({ status: 431, code: 'request.headers-too-large' });
      // Not HTTP at all.
      const garbage = await raw(target.port, 'HELLO\r\n\r\n');
      expect(garbage.status).toBe(400);
      expect(JSON.parse(garbage.body)).toMatchObject({ status: 400, code: 'request.malformed-http' });
      // A malformed percent-escape, a path segment past 100 characters, an unknown route, a method the path does not have.
      const malformed = await send(target.port, { method: 'GET', path: `${aPath}%ZZ`, caller: 'agency', headers: {} });
      expect(JSON.parse(malformed.body)).toMatchObject({ status: 400, code: 'request.malformed-url' });
      judge('GET', `${aPath}%ZZ`, malformed);
      const uuidPath = target.oracle.operations.find((o) => o.path.includes('{'));
      if (uuidPath) {
        const path = uuidPath.path.replace(/\{[^}]+\}/, 'x'.repeat(101)).replace(/\{[^}]+\}/g, 'x');
        const tooLong = await send(target.port, { method: uuidPath.method, path, caller: 'agency', headers: {} });
        expect(JSON.parse(tooLong.body)).toMatchObject({ status: 414, code: 'request.uri-too-long' });
        judge(uuidPath.method, path, tooLong);
      }
      const unknown = await send(target.port, { method: 'GET', path: '/no/such/thing', caller: 'none', headers: {} });
      expect(JSON.parse(unknown.body)).toMatchObject({ status: 404, code: 'request.unknown-route' });
      judge('GET', '/no/such/thing', unknown);
      const operation = target.oracle.operations[0]!;
      const concrete = operation.path.replace(/\{[^}]+\}/g, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
      const wrongMethod = await send(target.port, { method: 'DELETE', path: concrete, caller: 'none', headers: {} });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.allow).toContain(operation.method);
      judge('DELETE', concrete, wrongMethod);
    }
  });

  it('keeps the relay and every consumer ready, dead-letters nothing, and publishes every accepted event', async () => {
    for (const target of targets) {
      const ready = await send(target.port, { method: 'GET', path: '/health/ready', caller: 'none', headers: {} });
      expect({ service: target.name, status: ready.status, body: ready.body }).toMatchObject({ status: 200 });
    }
    await registration.published();
    const { rows } = await registration.db.pool.query<{ event_id: string }>('SELECT event_id::text FROM events');
    const stored = new Set(rows.map((r) => r.event_id));
    const onKafka = await readTopic(
      registration.runtime.topic,
      (m) => m.headers.ce_id!,
      (read) => new Set(read).size >= stored.size,
      60_000,
    );
    expect(new Set(onKafka)).toEqual(stored);
    // The skills service's relay likewise, and its consumer of registration's topic applied everything.
    await skills.published();
    const skillsStored = new Set(
      (await skills.db.pool.query<{ event_id: string }>('SELECT event_id::text FROM events')).rows.map((r) => r.event_id),
    );
    const skillsOnKafka = await readTopic(
      skills.runtime.topic,
      (m) => m.headers.ce_id!,
      (read) => new Set(read).size >= skillsStored.size,
      60_000,
    );
    expect(new Set(skillsOnKafka)).toEqual(skillsStored);
    await eventually(skillsConsumerLag, (lag) => lag === 0, 60_000);
    // No stream held back by either relay's quarantine (a degraded readiness still answers 200).
    expect(await registration.runtime.relay.quarantine.list()).toEqual([]);
    expect(await skills.runtime.relay.quarantine.list()).toEqual([]);
    // The employment service's relay and its consumer of registration's topic likewise.
    await employment.published();
    const employmentStored = new Set(
      (await employment.db.pool.query<{ event_id: string }>('SELECT event_id::text FROM events')).rows.map((r) => r.event_id),
    );
    const employmentOnKafka = await readTopic(
      employment.runtime.topic,
      (m) => m.headers.ce_id!,
      (read) => new Set(read).size >= employmentStored.size,
      60_000,
    );
    expect(new Set(employmentOnKafka)).toEqual(employmentStored);
    await eventually(employmentConsumerLag, (lag) => lag === 0, 60_000);
    expect(await employment.runtime.relay.quarantine.list()).toEqual([]);
    // The fund's relay and its consumer of registration's topic likewise.
    await fund.published();
    const fundStored = new Set(
      (await fund.db.pool.query<{ event_id: string }>('SELECT event_id::text FROM events')).rows.map((r) => r.event_id),
    );
    const fundOnKafka = await readTopic(
      fund.runtime.topic,
      (m) => m.headers.ce_id!,
      (read) => new Set(read).size >= fundStored.size,
      60_000,
    );
    expect(new Set(fundOnKafka)).toEqual(fundStored);
    await eventually(fundConsumerLag, (lag) => lag === 0, 60_000);
    expect(await fund.runtime.relay.quarantine.list()).toEqual([]);
    // The views applied all of it; nothing any consumer read was sent to a dead-letter topic.
    for (const view of [agencyView, missionView]) {
      await eventually(
        () => view.runtime.host.status(),
        (s) => s.serving?.lag === 0,
        60_000,
      );
    }
    const deadLetters = (await topicsStartingWith(namespace)).filter((t) => t.includes('.dlq.'));
    expect(deadLetters.length).toBeGreaterThan(0);
    const counts = await messagesIn(deadLetters);
    expect(counts).toEqual(Object.fromEntries(deadLetters.map((t) => [t, 0])));
  });
});

/** Sends bytes as they are and reads the answer: for what an HTTP client would refuse to send. */
function raw(port: number, text: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const response = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = response.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(text);
  });
}
