import type { PoolClient } from 'pg';
import type { ProjectionReader } from '@homeward/projections/reader';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { components } from '../http/generated/mission-view.v1';

type Schemas = components['schemas'];
export type Stay = Schemas['Stay'];
export type OpenIncident = Schemas['OpenIncident'];
export type MissionWorker = Schemas['MissionWorker'];
export type MissionClaim = Schemas['MissionClaim'];

const STAY_COLUMNS = `
  s.worker_id AS "workerId", s.cycle_number AS "cycleNumber", s.stage,
  s.departed_on::text AS "departedOn", s.arrived_on::text AS "arrivedOn",
  s.occupation_isco AS "occupationIsco", s.contract_start::text AS "contractStart", s.contract_end::text AS "contractEnd",
  s.channel, s.returned_on::text AS "returnedOn", s.return_assistance AS "returnAssistance", s.return_reason AS "returnReason",
  s.without_recorded_departure AS "withoutRecordedDeparture", s.personal_data_erased AS "personalDataErased",
  CASE WHEN s.stage = 'returned' THEN 0
       ELSE (SELECT count(*)::int FROM incidents i WHERE i.worker_id = s.worker_id AND i.cycle_number = s.cycle_number) END AS "openIncidents"`;

/** Drops the columns that are NULL, so that absent fields are absent rather than null in the answer. */
const compact = <T extends object>(row: T): T => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as T;

/** Opaque page cursor: the last row's key. */
export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | undefined): [string, number] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(key) && key.length === 2 && typeof key[0] === 'string' && typeof key[1] === 'number') return [key[0], key[1]];
  } catch {
    // fall through
  }
  throw Problem.validation([fieldError('query', ['cursor'], 'not a cursor this API gave out')]);
}

/** The mission's questions, each answered in one read-only transaction on the serving build. */
export class MissionQueries {
  constructor(private readonly reader: ProjectionReader) {}

  private stays(sql: string, params: unknown[]): Promise<Stay[]> {
    return this.reader.read(async (db) => (await db.query<Stay>(sql, params)).rows.map(compact));
  }

  async present(query: { stage?: 'departed' | 'arrived'; occupationIsco?: string; limit: number; cursor?: string }) {
    const after = decodeCursor(query.cursor);
    const items = await this.stays(
      `SELECT ${STAY_COLUMNS} FROM stays s
        WHERE s.stage <> 'returned' AND ($1::text IS NULL OR s.stage = $1) AND ($2::text IS NULL OR s.occupation_isco LIKE $2 || '%')
          AND ($3::uuid IS NULL OR (s.worker_id, s.cycle_number) > ($3::uuid, $4::int))
        ORDER BY s.worker_id, s.cycle_number LIMIT $5`,
      [query.stage ?? null, query.occupationIsco ?? null, after?.[0] ?? null, after?.[1] ?? 0, query.limit],
    );
    const last = items[items.length - 1];
    return { items, ...(items.length === query.limit && last ? { next: encodeCursor([last.workerId, last.cycleNumber]) } : {}) };
  }

  async endingContracts(query: { asOf: string; withinDays: number; limit: number }) {
    const items = await this.stays(
      `SELECT ${STAY_COLUMNS} FROM stays s
        WHERE s.stage <> 'returned' AND s.contract_end BETWEEN $1::date AND $1::date + $2::int
        ORDER BY s.contract_end, s.worker_id LIMIT $3`,
      // The window's arithmetic in PostgreSQL, whose dates go far past year 9999 and before year 1: through
      // Date and toISOString, 9999-12-31 plus a month became "+010000-01" and 0001-01-01 less one "0000-12-02",
      // neither of which PostgreSQL reads (500s).
      [query.asOf, query.withinDays, query.limit],
    );
    return { items };
  }

  async recentReturns(query: { asOf: string; days: number; reason?: string; limit: number }) {
    const items = await this.stays(
      `SELECT ${STAY_COLUMNS} FROM stays s
        WHERE s.stage = 'returned' AND s.returned_on BETWEEN $1::date - $2::int AND $1::date AND ($3::text IS NULL OR s.return_reason = $3)
        ORDER BY s.returned_on DESC, s.worker_id LIMIT $4`,
      [query.asOf, query.days, query.reason ?? null, query.limit],
    );
    return { items };
  }

  async openIncidents(query: { kind?: string; limit: number }): Promise<{ items: OpenIncident[] }> {
    const items = await this.reader.read(
      async (db) =>
        (
          await db.query<OpenIncident>(
            `SELECT i.incident_id AS "incidentId", i.worker_id AS "workerId", i.cycle_number AS "cycleNumber",
                    i.occurred_on::text AS "occurredOn", i.kind, i.fund_assistance_requested AS "fundAssistanceRequested", s.stage
               FROM incidents i JOIN stays s USING (worker_id, cycle_number)
              WHERE s.stage <> 'returned' AND ($1::text IS NULL OR i.kind = $1)
              ORDER BY i.occurred_on DESC, i.incident_id LIMIT $2`,
            [query.kind ?? null, query.limit],
          )
        ).rows,
    );
    return { items };
  }

  /** Claims for incidents in the country (the only ones the model holds), newest first. */
  async claims(query: { status?: string; limit: number }): Promise<{ items: MissionClaim[] }> {
    const rows = await this.reader.read(
      async (db) =>
        (
          await db.query<
            Omit<MissionClaim, 'amountApproved' | 'amountPaid'> & {
              approvedMinor: string | null;
              approvedCurrency: string | null;
              paidMinor: string | null;
              paidCurrency: string | null;
            }
          >(
            `SELECT claim_id AS "claimId", worker_id AS "workerId", cycle_number AS "cycleNumber", fund_id AS "fundId", status,
                    filed_by AS "filedBy", benefit_type AS "benefitType", incident_kind AS "incidentKind", incident_on::text AS "incidentOn",
                    filed_on::text AS "filedOn", submitted_on::text AS "submittedOn", documents_required AS "documentsRequired",
                    documents_attached AS "documentsAttached", policy_version AS "policyVersion",
                    approved_minor::text AS "approvedMinor", approved_currency AS "approvedCurrency", approved_on::text AS "approvedOn",
                    rejection_reasons AS "rejectionReasons", rejected_on::text AS "rejectedOn",
                    paid_minor::text AS "paidMinor", paid_currency AS "paidCurrency", paid_on::text AS "paidOn",
                    closed_on::text AS "closedOn", outcome
               FROM fund_claims WHERE ($1::text IS NULL OR status = $1)
              ORDER BY filed_on DESC, claim_id LIMIT $2`,
            [query.status ?? null, query.limit],
          )
        ).rows,
    );
    const money = (amountMinor: string | null, currency: string | null) =>
      amountMinor !== null && currency !== null ? { amountMinor: Number(amountMinor), currency } : undefined;
    return {
      items: rows.map(({ approvedMinor, approvedCurrency, paidMinor, paidCurrency, ...claim }) => {
        const approved = money(approvedMinor, approvedCurrency);
        const paid = money(paidMinor, paidCurrency);
        return {
          ...compact(claim),
          ...(approved ? { amountApproved: approved } : {}),
          ...(paid ? { amountPaid: paid } : {}),
        } as MissionClaim;
      }),
    };
  }

  /** The worker's stays here, or undefined when the mission knows nothing of them. */
  async worker(workerId: string): Promise<MissionWorker | undefined> {
    return this.reader.read(async (db: PoolClient) => {
      const stays = (
        await db.query<Stay>(`SELECT ${STAY_COLUMNS} FROM stays s WHERE s.worker_id = $1 ORDER BY s.cycle_number`, [workerId])
      ).rows.map(compact);
      if (stays.length === 0) return undefined;
      const changes = await db.query<{ cycleNumber: number } & Record<string, unknown>>(
        `SELECT cycle_number AS "cycleNumber", changed_on::text AS "changedOn", change,
                occupation_isco AS "occupationIsco", contract_end::text AS "contractEnd"
           FROM employment_changes WHERE worker_id = $1 ORDER BY stream_version`,
        [workerId],
      );
      const incidents = await db.query<{ cycleNumber: number } & Record<string, unknown>>(
        `SELECT cycle_number AS "cycleNumber", incident_id AS "incidentId", occurred_on::text AS "occurredOn", kind,
                fund_assistance_requested AS "fundAssistanceRequested"
           FROM incidents WHERE worker_id = $1 ORDER BY occurred_on, incident_id`,
        [workerId],
      );
      const of = <R extends { cycleNumber: number }>(rows: R[], cycle: number) =>
        rows.filter((r) => r.cycleNumber === cycle).map(({ cycleNumber: _, ...rest }) => compact(rest));
      return {
        workerId,
        personalDataErased: stays.some((s) => s.personalDataErased),
        stays: stays.map((s) => ({
          ...s,
          employmentChanges: of(changes.rows, s.cycleNumber) as MissionWorker['stays'][number]['employmentChanges'],
          incidents: of(incidents.rows, s.cycleNumber) as MissionWorker['stays'][number]['incidents'],
        })),
      };
    });
  }
}
