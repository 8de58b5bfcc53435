import { nameSkeleton, normaliseDocument, normaliseName } from '@homeward/names';
import type { PoolClient } from 'pg';
import type { ProjectionReader } from '@homeward/projections/reader';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from '../http/generated/agency-view.v1';

type Schemas = components['schemas'];
export type WorkerSummary = Schemas['WorkerSummary'];
export type WorkerProfile = Schemas['WorkerProfile'];
export type Returnee = Schemas['Returnee'];
export type TimelineEntry = Schemas['TimelineEntry'];

const SUMMARY_COLUMNS = `
  w.worker_id AS "workerId", w.sex, w.birth_year AS "birthYear", w.origin_area AS "originArea", w.status, w.cycles,
  w.current_destination AS "currentDestination", w.destinations,
  ARRAY(SELECT c FROM unnest(w.occupation_codes) c WHERE length(c) = 4 ORDER BY c) AS occupations,
  w.last_returned_on::text AS "lastReturnedOn", w.personal_data_erased AS "personalDataErased", w.merged_into AS "mergedInto"`;

/**
 * A cycle's employer (in a query on `cycles`): the latest the registration directory names for it
 * (docs/adr/0006), or the one events recorded before employer names were sealed brought in the clear.
 */
const EMPLOYER_OF_CYCLE = `coalesce((SELECT e.employer_name FROM employers e WHERE e.worker_id = cycles.worker_id
  AND e.cycle_number = cycles.cycle_number ORDER BY e.stream_version DESC LIMIT 1), employer_name)`;
/** Joins a timeline entry `t` of a departure or change of employer to the employer the directory names for it. */
const WITH_EMPLOYER = `LEFT JOIN employers e ON t.source = 'registration' AND e.worker_id = t.worker_id AND e.stream_version = t.stream_version`;
/** A timeline entry's details with its employer's name, as events recorded before employer names were sealed carried it. */
const TIMELINE_DETAILS = `CASE WHEN e.employer_name IS NULL THEN t.details ELSE t.details || jsonb_build_object('employerName', e.employer_name) END`;

const compact = <T extends object>(row: T): T => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as T;

/** The identity of a row that selected IDENTITY_COLUMNS, absent when the directory has none (or the caller may not see it). */
const IDENTITY_COLUMNS = `i.given_name AS "givenName", i.family_name AS "familyName", i.date_of_birth::text AS "dateOfBirth",
  i.national_id AS "nationalId", i.passport_number AS "passportNumber"`;
/** Absent when not selected, null when the worker has no identity here. */
type IdentityRow = {
  givenName?: string | null;
  familyName?: string | null;
  dateOfBirth?: string | null;
  nationalId?: string | null;
  passportNumber?: string | null;
};
function withIdentity<T extends object>(row: T & IdentityRow): T & { identity?: Schemas['Identity'] } {
  const { givenName, familyName, dateOfBirth, nationalId, passportNumber, ...rest } = row;
  const base = compact(rest as unknown as T);
  if (givenName == null || familyName == null || dateOfBirth == null) return base;
  return { ...base, identity: compact({ givenName, familyName, dateOfBirth, nationalId, passportNumber }) as Schemas['Identity'] };
}

/**
 * How alike two names must be for a search to list them (pg_trgm's `%`, which the trigram indexes answer):
 * on either key, the normalised name or its transliteration skeleton.
 */
const NAME_SIMILARITY = 0.3;

const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    // fall through
  }
  throw Problem.validation([fieldError('query', ['cursor'], 'not a cursor this API gave out')]);
}

/** Which stage of a cycle each timeline type is. */
const STAGE: Readonly<Record<string, Schemas['Stage']['stage']>> = {
  DepartureRecorded: 'departure',
  ArrivalRecorded: 'arrival',
  EmploymentChanged: 'employment_change',
  SkillsAcquired: 'skills_acquired',
  WelfareIncidentRecorded: 'welfare_incident',
  ReturnRecorded: 'return',
  ReintegrationNeedsAssessed: 'needs_assessment',
  ReintegrationReferralMade: 'referral',
  ReintegrationOutcomeRecorded: 'referral_outcome',
};

export interface WorkerSearch {
  readonly name?: string;
  readonly passportNumber?: string;
  readonly nationalId?: string;
  readonly dateOfBirth?: string;
  /** Whether the caller may see names, dates of birth and documents (personal-data:read). */
  readonly showIdentity: boolean;
  readonly workerId?: string;
  readonly originArea?: string;
  readonly destinationCountry?: string;
  readonly occupationIsco?: string;
  readonly sex?: string;
  readonly status?: string;
  readonly includeMerged: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

export type PipelineStage = 'waiting' | 'placed';

export interface PipelineQuery {
  readonly returnedFrom: string;
  readonly returnedTo: string;
  readonly sex?: string;
  readonly originArea?: string;
  readonly fromCountry?: string;
  readonly reason?: string;
  readonly assistance?: string;
  readonly occupationIsco?: string;
  /** Only returnees certified since their return (true), or only those not (false). */
  readonly certified?: boolean;
  /** waiting: not referred to a reintegration service and not in work; placed: in a placement begun since the return. */
  readonly stage: PipelineStage;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The skills steps of a returnee's cycle `c` since the return (in a query on `cycles c`): the first
 * assessment, and the first certificate that counts — active, or superseded by the full qualification
 * (suspended, revoked and expired ones do not).
 */
const ASSESSED_SINCE_RETURN = `(SELECT min(a.assessed_on) FROM skills_assessments a WHERE a.worker_id = c.worker_id AND a.assessed_on >= c.returned_on)`;
const CERTIFIED_SINCE_RETURN = `(SELECT min(k.issued_on) FROM skills_certificates k WHERE k.worker_id = c.worker_id AND k.issued_on >= c.returned_on
  AND (k.status = 'superseded' OR (k.status = 'active' AND (k.expires_on IS NULL OR k.expires_on >= current_date))))`;

/**
 * The placement a returnee of cycle `c` is in now (in a query on `cycles c`): hired on or after the return,
 * not ended (or ending after today). The pipeline's "placed" stage; an ended placement sends the returnee
 * back to waiting (README, "The returnee pipeline").
 */
const CURRENT_PLACEMENT = `SELECT p.hired_on, p.occupation_isco FROM employment_placements p
  WHERE p.worker_id = c.worker_id AND p.hired_on >= c.returned_on AND (p.ended_on IS NULL OR p.ended_on > current_date)
  ORDER BY p.hired_on, p.referral_id LIMIT 1`;

/** A cycle's first placement (in a query on `cycles`): hired on or after its return and before the next cycle's departure. */
const PLACED_AFTER_CYCLE = `(SELECT min(p.hired_on) FROM employment_placements p WHERE p.worker_id = cycles.worker_id AND p.hired_on >= cycles.returned_on
  AND NOT EXISTS (SELECT 1 FROM cycles n WHERE n.worker_id = cycles.worker_id AND n.cycle_number > cycles.cycle_number AND n.departed_on <= p.hired_on))`;

/** A worker's job-seeker status, referrals (with the vacancy each is for) and placements, from the employment topic. */
async function employmentOf(db: PoolClient, workerId: string): Promise<Schemas['Employment']> {
  const seeker = await db.query<Schemas['JobSeeker']>(
    `SELECT status, registered_on::text AS "registeredOn", basis, cycle_number AS "cycleNumber", returned_on::text AS "returnedOn",
            occupations, areas, willing_to_relocate AS "willingToRelocate", available_from::text AS "availableFrom",
            preferences_set_on::text AS "preferencesSetOn", left_on::text AS "leftOn", left_reason AS "leftReason"
       FROM employment_seekers WHERE worker_id = $1`,
    [workerId],
  );
  const referrals = await db.query<Schemas['EmploymentReferral']>(
    `SELECT r.referral_id AS "referralId", r.vacancy_id AS "vacancyId", v.title AS "vacancyTitle", v.occupation_isco AS "occupationIsco",
            v.location, r.employer_id AS "employerId", r.referred_on::text AS "referredOn", r.score_milli::float8 AS "scoreMilli",
            r.weights_version AS "weightsVersion", r.factors, r.status, r.interviewed_on::text AS "interviewedOn",
            r.interview_outcome AS "interviewOutcome", r.closed_on::text AS "closedOn", r.close_reason AS "closeReason"
       FROM employment_referrals r LEFT JOIN employment_vacancies v USING (vacancy_id)
      WHERE r.worker_id = $1 ORDER BY r.referred_on, r.referral_id`,
    [workerId],
  );
  const placements = await db.query<Schemas['Placement'] & { wageMinor: string | null; wageCurrency: string | null }>(
    `SELECT p.referral_id AS "referralId", p.vacancy_id AS "vacancyId", v.title AS "vacancyTitle", v.employer_id AS "employerId",
            p.occupation_isco AS "occupationIsco", v.location, p.hired_on::text AS "hiredOn", p.starts_on::text AS "startsOn",
            p.contract_type AS "contractType", p.wage_minor::text AS "wageMinor", p.wage_currency AS "wageCurrency",
            p.ended_on::text AS "endedOn", p.end_reason AS "endReason"
       FROM employment_placements p LEFT JOIN employment_vacancies v USING (vacancy_id)
      WHERE p.worker_id = $1 ORDER BY p.hired_on, p.referral_id`,
    [workerId],
  );
  const row = seeker.rows[0];
  return {
    ...(row ? { jobSeeker: compact(row) } : {}),
    referrals: referrals.rows.map(compact),
    placements: placements.rows.map(({ wageMinor, wageCurrency, ...p }) => ({
      ...compact(p),
      ...(wageMinor !== null && wageCurrency !== null ? { monthlyWage: { amountMinor: Number(wageMinor), currency: wageCurrency } } : {}),
    })),
  };
}

/** A worker's claims on the emergency fund, from the fund topic: no case notes (the read model has none). */
async function claimsOf(db: PoolClient, workerId: string): Promise<Schemas['FundClaim'][]> {
  const { rows } = await db.query<
    Omit<Schemas['FundClaim'], 'amountRequested' | 'amountApproved' | 'amountPaid'> & {
      requestedMinor: string | null;
      requestedCurrency: string | null;
      approvedMinor: string | null;
      approvedCurrency: string | null;
      paidMinor: string | null;
      paidCurrency: string | null;
    }
  >(
    `SELECT claim_id AS "claimId", fund_id AS "fundId", status, filed_by AS "filedBy", benefit_type AS "benefitType",
            incident_kind AS "incidentKind", incident_on::text AS "incidentOn", destination_country AS "destinationCountry",
            cycle_number AS "cycleNumber", filed_on::text AS "filedOn", submitted_on::text AS "submittedOn",
            requested_minor::text AS "requestedMinor", requested_currency AS "requestedCurrency", grade,
            documents_required AS "documentsRequired", documents_attached AS "documentsAttached", decision, approvals,
            approved_minor::text AS "approvedMinor", approved_currency AS "approvedCurrency", approved_on::text AS "approvedOn",
            rejection_reasons AS "rejectionReasons", rejected_on::text AS "rejectedOn", appealed_on::text AS "appealedOn",
            paid_minor::text AS "paidMinor", paid_currency AS "paidCurrency", paid_on::text AS "paidOn",
            reconciled_on::text AS "reconciledOn", closed_on::text AS "closedOn", outcome
       FROM fund_claims WHERE worker_id = $1 ORDER BY filed_on, claim_id`,
    [workerId],
  );
  const money = (amountMinor: string | null, currency: string | null) =>
    amountMinor !== null && currency !== null ? { amountMinor: Number(amountMinor), currency } : undefined;
  return rows.map(
    ({ requestedMinor, requestedCurrency, approvedMinor, approvedCurrency, paidMinor, paidCurrency, approvals, ...claim }) => {
      const amounts = {
        amountRequested: money(requestedMinor, requestedCurrency),
        amountApproved: money(approvedMinor, approvedCurrency),
        amountPaid: money(paidMinor, paidCurrency),
      };
      return {
        ...compact(claim),
        approvals: approvals.map((a) => compact(a)),
        ...Object.fromEntries(Object.entries(amounts).filter(([, amount]) => amount !== undefined)),
      } as Schemas['FundClaim'];
    },
  );
}

/** A certificate's status as the API shows it: an active one past its expiry date is expired. */
const CERTIFICATE_STATUS = `CASE WHEN k.status = 'active' AND k.expires_on < current_date THEN 'expired' ELSE k.status END`;

/** A worker's assessments, gap training and certificates, oldest first, with the names of their standards and centres. */
async function skillsOf(db: PoolClient, workerId: string): Promise<Schemas['Skills']> {
  const assessments = await db.query<Schemas['Assessment']>(
    `SELECT a.assessment_id AS "assessmentId", a.reassessment, a.standard_id AS "standardId", a.standard_version AS "standardVersion",
            s.title AS "standardTitle", s.occupation_isco AS "occupationIsco", a.centre_id AS "centreId", c.name AS "centreName",
            a.assessor_id AS "assessorId", a.assessed_on::text AS "assessedOn", a.method, a.units_competent AS "unitsCompetent",
            a.units_not_yet_competent AS "unitsNotYetCompetent"
       FROM skills_assessments a
       LEFT JOIN skills_standards s ON s.standard_id = a.standard_id AND s.version = a.standard_version
       LEFT JOIN skills_centres c ON c.centre_id = a.centre_id
      WHERE a.worker_id = $1 ORDER BY a.assessed_on, a.assessment_id`,
    [workerId],
  );
  const gapTraining = await db.query<Schemas['GapTraining']>(
    `SELECT referral_id AS "referralId", standard_id AS "standardId", unit_codes AS "unitCodes", provider,
            referred_on::text AS "referredOn", completed_on::text AS "completedOn"
       FROM skills_gap_training WHERE worker_id = $1 ORDER BY referred_on, referral_id`,
    [workerId],
  );
  const certificates = await db.query<Schemas['Certificate']>(
    `SELECT k.certificate_number AS "certificateNumber", k.kind, k.standard_id AS "standardId", k.standard_version AS "standardVersion",
            s.title AS "standardTitle", k.unit_codes AS "unitCodes", k.issuing_body AS "issuingBody", k.issued_on::text AS "issuedOn",
            k.expires_on::text AS "expiresOn", ${CERTIFICATE_STATUS} AS status, k.status_on::text AS "statusOn",
            k.status_reason AS "statusReason", k.superseded_by AS "supersededBy"
       FROM skills_certificates k LEFT JOIN skills_standards s ON s.standard_id = k.standard_id AND s.version = k.standard_version
      WHERE k.worker_id = $1 ORDER BY k.issued_on, k.certificate_number`,
    [workerId],
  );
  return {
    assessments: assessments.rows.map(compact),
    gapTraining: gapTraining.rows.map(compact),
    certificates: certificates.rows.map(compact),
  };
}

/** The agency's questions, each answered in one read-only transaction on the serving build. */
export class AgencyQueries {
  constructor(private readonly reader: ProjectionReader) {}

  async search(q: WorkerSearch): Promise<{ items: WorkerSummary[]; next?: string }> {
    const values: unknown[] = [];
    const value = (v: unknown): string => `$${values.push(v)}`;
    const where: string[] = [];
    if (q.workerId) where.push(`w.worker_id = ${value(q.workerId)}`);
    if (q.originArea) where.push(`w.origin_area = ${value(q.originArea)}`);
    if (q.destinationCountry) where.push(`w.destinations @> ARRAY[${value(q.destinationCountry)}::text]`);
    if (q.occupationIsco) where.push(`w.occupation_codes @> ARRAY[${value(q.occupationIsco)}::text]`);
    if (q.sex) where.push(`w.sex = ${value(q.sex)}`);
    if (q.status) where.push(`w.status = ${value(q.status)}`);
    if (!q.includeMerged) where.push('w.merged_into IS NULL');
    if (q.passportNumber) where.push(`i.passport_key = ${value(normaliseDocument(q.passportNumber) ?? '')}`);
    if (q.nationalId) where.push(`i.national_id_key = ${value(normaliseDocument(q.nationalId) ?? '')}`);
    if (q.dateOfBirth) where.push(`i.date_of_birth = ${value(q.dateOfBirth)}::date`);
    const byIdentity = q.name !== undefined || q.passportNumber !== undefined || q.nationalId !== undefined || q.dateOfBirth !== undefined;
    const identity = q.showIdentity ? `, ${IDENTITY_COLUMNS}` : '';

    if (q.name === undefined) {
      const after = decodeCursor(q.cursor, 1)?.[0];
      if (after) where.push(`w.worker_id > ${value(after)}::uuid`);
      // The identities only when asked for or shown: most listings need neither.
      const join = byIdentity ? 'JOIN identities i USING (worker_id)' : q.showIdentity ? 'LEFT JOIN identities i USING (worker_id)' : '';
      const sql = `SELECT ${SUMMARY_COLUMNS}${identity} FROM workers w ${join}
                    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY w.worker_id LIMIT ${value(q.limit)}`;
      const items = await this.reader.read(async (db) => (await db.query<WorkerSummary & IdentityRow>(sql, values)).rows.map(withIdentity));
      const last = items[items.length - 1];
      return { items, ...(items.length === q.limit && last ? { next: encodeCursor([last.workerId]) } : {}) };
    }

    // By name: the candidates come from the trigram indexes (either key alike enough), best score first.
    const key = value(normaliseName(q.name));
    const skeleton = value(nameSkeleton(q.name));
    const score = `round(((similarity(i.name_key, ${key}) + similarity(i.name_skeleton, ${skeleton})) / 2)::numeric, 3)`;
    where.push(`(i.name_key % ${key} OR i.name_skeleton % ${skeleton})`);
    const after = decodeCursor(q.cursor, 2);
    if (after)
      where.push(
        `(${score} < ${value(after[0])}::numeric OR (${score} = ${value(after[0])}::numeric AND w.worker_id > ${value(after[1])}::uuid))`,
      );
    const sql = `SELECT ${SUMMARY_COLUMNS}${identity}, ${score}::float8 AS score
                   FROM identities i JOIN workers w USING (worker_id)
                  WHERE ${where.join(' AND ')}
                  ORDER BY ${score} DESC, w.worker_id LIMIT ${value(q.limit)}`;
    const items = await this.reader.read(async (db) => {
      await db.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, [String(NAME_SIMILARITY)]);
      return (await db.query<WorkerSummary & IdentityRow>(sql, values)).rows.map(withIdentity);
    });
    const last = items[items.length - 1];
    return {
      items,
      ...(items.length === q.limit && last ? { next: encodeCursor([String(last.score), last.workerId]) } : {}),
    };
  }

  async pipeline(q: PipelineQuery): Promise<{ items: Returnee[]; next?: string }> {
    const after = decodeCursor(q.cursor, 2);
    // The stage's condition is written into the statement (one of two fixed texts, never the caller's), so
    // that "waiting" keeps the literal condition of the cycles_waiting index.
    const items = await this.reader.read(async (db) =>
      (
        await db.query<Returnee>(
          `SELECT w.worker_id AS "workerId", w.sex, w.birth_year AS "birthYear", w.origin_area AS "originArea",
                    c.cycle_number AS "cycleNumber", c.returned_on::text AS "returnedOn", c.from_country AS "fromCountry",
                    c.return_assistance AS "returnAssistance", c.return_reason AS "returnReason", c.occupation_isco AS "occupationIsco",
                    c.without_recorded_departure AS "withoutRecordedDeparture", c.needs_assessed_on::text AS "needsAssessedOn",
                    ${ASSESSED_SINCE_RETURN}::text AS "skillsAssessedOn", ${CERTIFIED_SINCE_RETURN}::text AS "certifiedOn",
                    ($2::date - c.returned_on) AS "daysSinceReturn",
                    CASE WHEN placed.hired_on IS NULL THEN 'waiting' ELSE 'placed' END AS stage,
                    placed.hired_on::text AS "placedOn", placed.occupation_isco AS "placedOccupationIsco"
               FROM cycles c JOIN workers w USING (worker_id) LEFT JOIN LATERAL (${CURRENT_PLACEMENT}) placed ON true
              WHERE c.returned_on BETWEEN $1::date AND $2::date
                AND ${q.stage === 'placed' ? 'placed.hired_on IS NOT NULL' : 'c.first_referral_on IS NULL AND placed.hired_on IS NULL'}
                AND c.cycle_number = w.cycles AND w.status = 'returned' AND w.merged_into IS NULL
                AND ($3::text IS NULL OR w.sex = $3) AND ($4::text IS NULL OR w.origin_area = $4)
                AND ($5::text IS NULL OR c.from_country = $5) AND ($6::text IS NULL OR c.return_reason = $6)
                AND ($7::text IS NULL OR c.return_assistance = $7) AND ($8::text IS NULL OR c.occupation_isco LIKE $8 || '%')
                AND ($9::date IS NULL OR (c.returned_on, c.worker_id) > ($9::date, $10::uuid))
                AND ($12::boolean IS NULL OR (${CERTIFIED_SINCE_RETURN} IS NOT NULL) = $12::boolean)
              ORDER BY c.returned_on, c.worker_id LIMIT $11`,
          [
            q.returnedFrom,
            q.returnedTo,
            q.sex ?? null,
            q.originArea ?? null,
            q.fromCountry ?? null,
            q.reason ?? null,
            q.assistance ?? null,
            q.occupationIsco ?? null,
            after?.[0] ?? null,
            after?.[1] ?? null,
            q.limit,
            q.certified ?? null,
          ],
        )
      ).rows.map(compact),
    );
    const last = items[items.length - 1];
    return { items, ...(items.length === q.limit && last ? { next: encodeCursor([last.returnedOn, last.workerId]) } : {}) };
  }

  /** `showIdentity`: whether the caller may see names, date of birth and documents (personal-data:read). */
  async profile(workerId: string, showIdentity: boolean): Promise<WorkerProfile | undefined> {
    return this.reader.read(async (db) => {
      const row = (
        await db.query<WorkerProfile & IdentityRow>(
          `SELECT ${SUMMARY_COLUMNS}, w.registered_on::text AS "registeredOn", w.education_isced AS "educationIsced", w.languages,
                  w.erased_on::text AS "erasedOn", w.possible_duplicates AS "possibleDuplicates"${showIdentity ? `, ${IDENTITY_COLUMNS}` : ''}
             FROM workers w LEFT JOIN identities i USING (worker_id) WHERE w.worker_id = $1`,
          [workerId],
        )
      ).rows[0];
      if (!row) return undefined;
      const worker = withIdentity(row);
      const cycles = await db.query<Schemas['Cycle']>(
        `SELECT cycle_number AS number, destination_country AS "destinationCountry", departed_on::text AS "departedOn",
                ${EMPLOYER_OF_CYCLE} AS "employerName", occupation_isco AS "occupationIsco", contract_start::text AS "contractStart",
                contract_end::text AS "contractEnd", recruitment_agency AS "recruitmentAgency", channel, arrived_on::text AS "arrivedOn",
                returned_on::text AS "returnedOn", from_country AS "fromCountry", return_assistance AS "returnAssistance",
                return_reason AS "returnReason", without_recorded_departure AS "withoutRecordedDeparture",
                needs_assessed_on::text AS "needsAssessedOn", first_referral_on::text AS "firstReferralOn", ${PLACED_AFTER_CYCLE}::text AS "placedOn"
           FROM cycles WHERE worker_id = $1 ORDER BY cycle_number`,
        [workerId],
      );
      const stages = await db.query<{ cycle: number; type: string; on: string; eventId: string; details: Record<string, unknown> }>(
        `SELECT t.cycle_number AS cycle, type, occurred_on::text AS on, event_id AS "eventId", ${TIMELINE_DETAILS} AS details
           FROM timeline t ${WITH_EMPLOYER}
          WHERE t.worker_id = $1 AND t.cycle_number IS NOT NULL ORDER BY occurred_on, recorded_at, t.stream_version`,
        [workerId],
      );
      return {
        ...worker,
        skills: await skillsOf(db, workerId),
        employment: await employmentOf(db, workerId),
        claims: await claimsOf(db, workerId),
        cycleDetails: cycles.rows.map((c) => ({
          ...compact(c),
          stages: stages.rows
            .filter((s) => s.cycle === c.number && STAGE[s.type])
            .map((s) => ({ stage: STAGE[s.type]!, on: s.on, eventId: s.eventId, details: s.details })),
        })),
      };
    });
  }

  async timeline(workerId: string): Promise<TimelineEntry[] | undefined> {
    return this.reader.read(async (db) => {
      const known = await db.query('SELECT 1 FROM workers WHERE worker_id = $1', [workerId]);
      if (known.rowCount === 0) return undefined;
      const { rows } = await db.query<TimelineEntry>(
        `SELECT event_id AS "eventId", source, type, t.cycle_number AS "cycleNumber", occurred_on::text AS "occurredOn",
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt", ${TIMELINE_DETAILS} AS details
           FROM timeline t ${WITH_EMPLOYER} WHERE t.worker_id = $1 ORDER BY occurred_on, recorded_at, t.stream_version`,
        [workerId],
      );
      return rows.map(compact);
    });
  }
}
