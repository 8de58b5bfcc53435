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

const compact = <T extends object>(row: T): T => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as T;

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

export interface PipelineQuery {
  readonly returnedFrom: string;
  readonly returnedTo: string;
  readonly sex?: string;
  readonly originArea?: string;
  readonly fromCountry?: string;
  readonly reason?: string;
  readonly assistance?: string;
  readonly occupationIsco?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** The agency's questions, each answered in one read-only transaction on the serving build. */
export class AgencyQueries {
  constructor(private readonly reader: ProjectionReader) {}

  async search(q: WorkerSearch): Promise<{ items: WorkerSummary[]; next?: string }> {
    const after = decodeCursor(q.cursor, 1)?.[0];
    const items = await this.reader.read(async (db) =>
      (
        await db.query<WorkerSummary>(
          `SELECT ${SUMMARY_COLUMNS} FROM workers w
              WHERE ($1::uuid IS NULL OR w.worker_id = $1) AND ($2::text IS NULL OR w.origin_area = $2)
                AND ($3::text IS NULL OR w.destinations @> ARRAY[$3::text]) AND ($4::text IS NULL OR w.occupation_codes @> ARRAY[$4::text])
                AND ($5::text IS NULL OR w.sex = $5) AND ($6::text IS NULL OR w.status = $6)
                AND ($7 OR w.merged_into IS NULL) AND ($8::uuid IS NULL OR w.worker_id > $8)
              ORDER BY w.worker_id LIMIT $9`,
          [
            q.workerId ?? null,
            q.originArea ?? null,
            q.destinationCountry ?? null,
            q.occupationIsco ?? null,
            q.sex ?? null,
            q.status ?? null,
            q.includeMerged,
            after ?? null,
            q.limit,
          ],
        )
      ).rows.map(compact),
    );
    const last = items[items.length - 1];
    return { items, ...(items.length === q.limit && last ? { next: encodeCursor([last.workerId]) } : {}) };
  }

  async pipeline(q: PipelineQuery): Promise<{ items: Returnee[]; next?: string }> {
    const after = decodeCursor(q.cursor, 2);
    const items = await this.reader.read(async (db) =>
      (
        await db.query<Returnee>(
          `SELECT w.worker_id AS "workerId", w.sex, w.birth_year AS "birthYear", w.origin_area AS "originArea",
                    c.cycle_number AS "cycleNumber", c.returned_on::text AS "returnedOn", c.from_country AS "fromCountry",
                    c.return_assistance AS "returnAssistance", c.return_reason AS "returnReason", c.occupation_isco AS "occupationIsco",
                    c.without_recorded_departure AS "withoutRecordedDeparture", c.needs_assessed_on::text AS "needsAssessedOn",
                    ($2::date - c.returned_on) AS "daysSinceReturn"
               FROM cycles c JOIN workers w USING (worker_id)
              WHERE c.returned_on BETWEEN $1::date AND $2::date AND c.first_referral_on IS NULL AND c.placed_on IS NULL
                AND c.cycle_number = w.cycles AND w.status = 'returned' AND w.merged_into IS NULL
                AND ($3::text IS NULL OR w.sex = $3) AND ($4::text IS NULL OR w.origin_area = $4)
                AND ($5::text IS NULL OR c.from_country = $5) AND ($6::text IS NULL OR c.return_reason = $6)
                AND ($7::text IS NULL OR c.return_assistance = $7) AND ($8::text IS NULL OR c.occupation_isco LIKE $8 || '%')
                AND ($9::date IS NULL OR (c.returned_on, c.worker_id) > ($9::date, $10::uuid))
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
          ],
        )
      ).rows.map(compact),
    );
    const last = items[items.length - 1];
    return { items, ...(items.length === q.limit && last ? { next: encodeCursor([last.returnedOn, last.workerId]) } : {}) };
  }

  async profile(workerId: string): Promise<WorkerProfile | undefined> {
    return this.reader.read(async (db) => {
      const worker = (
        await db.query<WorkerProfile>(
          `SELECT ${SUMMARY_COLUMNS}, w.registered_on::text AS "registeredOn", w.education_isced AS "educationIsced", w.languages,
                  w.erased_on::text AS "erasedOn", w.possible_duplicates AS "possibleDuplicates"
             FROM workers w WHERE w.worker_id = $1`,
          [workerId],
        )
      ).rows[0];
      if (!worker) return undefined;
      const cycles = await db.query<Schemas['Cycle']>(
        `SELECT cycle_number AS number, destination_country AS "destinationCountry", departed_on::text AS "departedOn",
                employer_name AS "employerName", occupation_isco AS "occupationIsco", contract_start::text AS "contractStart",
                contract_end::text AS "contractEnd", recruitment_agency AS "recruitmentAgency", channel, arrived_on::text AS "arrivedOn",
                returned_on::text AS "returnedOn", from_country AS "fromCountry", return_assistance AS "returnAssistance",
                return_reason AS "returnReason", without_recorded_departure AS "withoutRecordedDeparture",
                needs_assessed_on::text AS "needsAssessedOn", first_referral_on::text AS "firstReferralOn", placed_on::text AS "placedOn"
           FROM cycles WHERE worker_id = $1 ORDER BY cycle_number`,
        [workerId],
      );
      const stages = await db.query<{ cycle: number; type: string; on: string; eventId: string; details: Record<string, unknown> }>(
        `SELECT cycle_number AS cycle, type, occurred_on::text AS on, event_id AS "eventId", details FROM timeline
          WHERE worker_id = $1 AND cycle_number IS NOT NULL ORDER BY occurred_on, recorded_at, stream_version`,
        [workerId],
      );
      return {
        ...compact(worker),
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
        `SELECT event_id AS "eventId", source, type, cycle_number AS "cycleNumber", occurred_on::text AS "occurredOn",
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt", details
           FROM timeline WHERE worker_id = $1 ORDER BY occurred_on, recorded_at, stream_version`,
        [workerId],
      );
      return rows.map(compact);
    });
  }
}
