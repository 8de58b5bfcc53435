import type { Pool, PoolClient } from 'pg';
import type { OpenClaim } from '../domain/claim/claim.state';
import type { PolicyVersion } from '../domain/policy/policy';

type Db = Pool | PoolClient;

export interface ClaimRow {
  readonly claimId: string;
  readonly workerId: string;
  readonly fundId: string;
  readonly status: string;
  readonly benefitType: string;
  readonly incidentKind: string;
  readonly incidentOn: string;
  readonly filedOn: string;
  readonly destinationCountry: string;
}

export interface Cycle {
  readonly cycleNumber: number;
  readonly destinationCountry?: string;
  readonly departedOn?: string;
  readonly returnedOn?: string;
}

const iso = (d: Date | string | null): string | undefined =>
  d === null
    ? undefined
    : typeof d === 'string'
      ? d.slice(0, 10)
      : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

/** The write side's tables beside its streams (0001_fund_tables.ts), each written in its events' transaction. */
export class ReadTables {
  constructor(private readonly pool: Pool) {}

  async savePolicy(client: PoolClient, policy: PolicyVersion): Promise<void> {
    await client.query(
      `INSERT INTO fund_policies (fund_id, version, effective_from, policy) VALUES ($1, $2, $3, $4) ON CONFLICT (fund_id, version) DO NOTHING`,
      [policy.fundId, policy.version, policy.effectiveFrom, JSON.stringify(policy)],
    );
  }

  async policyVersions(fundId: string, db: Db = this.pool): Promise<PolicyVersion[]> {
    const { rows } = await db.query<{ policy: PolicyVersion }>(`SELECT policy FROM fund_policies WHERE fund_id = $1 ORDER BY version`, [
      fundId,
    ]);
    return rows.map((r) => r.policy);
  }

  async funds(db: Db = this.pool): Promise<string[]> {
    const { rows } = await db.query<{ fund_id: string }>(`SELECT DISTINCT fund_id FROM fund_policies ORDER BY fund_id`);
    return rows.map((r) => r.fund_id);
  }

  async saveClaim(client: PoolClient, claim: OpenClaim): Promise<void> {
    const approved = claim.reservation && claim.reservation.state !== 'voided' ? claim.reservation.amount.amountMinor : null;
    await client.query(
      `INSERT INTO claims (claim_id, worker_id, fund_id, status, benefit_type, incident_kind, incident_on, filed_on, destination_country,
                           source_event_id, approved_minor, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (claim_id) DO UPDATE SET status = EXCLUDED.status, benefit_type = EXCLUDED.benefit_type, approved_minor = EXCLUDED.approved_minor`,
      [
        claim.claimId,
        claim.workerId,
        claim.fundId,
        claim.status,
        claim.benefitType,
        claim.incidentKind,
        claim.incidentOn,
        claim.filedOn,
        claim.destinationCountry,
        claim.sourceEventId ?? null,
        approved,
        claim.assessment?.amount.payable.currency ?? '',
      ],
    );
  }

  async claimBySource(sourceEventId: string, db: Db = this.pool): Promise<string | undefined> {
    const { rows } = await db.query<{ claim_id: string }>(`SELECT claim_id FROM claims WHERE source_event_id = $1`, [sourceEventId]);
    return rows[0]?.claim_id;
  }

  async claims(filter: { workerId?: string; country?: string; after?: string; limit: number }, db: Db = this.pool): Promise<ClaimRow[]> {
    const { rows } = await db.query(
      `SELECT claim_id, worker_id, fund_id, status, benefit_type, incident_kind, incident_on::text, filed_on::text, destination_country
         FROM claims
        WHERE ($1::text IS NULL OR worker_id = $1) AND ($2::text IS NULL OR destination_country = $2) AND ($3::text IS NULL OR claim_id > $3)
        ORDER BY claim_id LIMIT $4`,
      [filter.workerId ?? null, filter.country ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map((r) => ({
      claimId: r.claim_id,
      workerId: r.worker_id,
      fundId: r.fund_id,
      status: r.status,
      benefitType: r.benefit_type,
      incidentKind: r.incident_kind,
      incidentOn: r.incident_on,
      filedOn: r.filed_on,
      destinationCountry: r.destination_country,
    }));
  }

  async departed(client: PoolClient, workerId: string, cycleNumber: number, destinationCountry: string, departedOn: string): Promise<void> {
    await client.query(
      `INSERT INTO worker_cycles (worker_id, cycle_number, destination_country, departed_on) VALUES ($1, $2, $3, $4)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET destination_country = EXCLUDED.destination_country, departed_on = EXCLUDED.departed_on`,
      [workerId, cycleNumber, destinationCountry, departedOn],
    );
  }

  async returned(client: PoolClient, workerId: string, cycleNumber: number, fromCountry: string, returnedOn: string): Promise<void> {
    await client.query(
      `INSERT INTO worker_cycles (worker_id, cycle_number, destination_country, returned_on) VALUES ($1, $2, $3, $4)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET returned_on = EXCLUDED.returned_on,
         destination_country = COALESCE(worker_cycles.destination_country, EXCLUDED.destination_country)`,
      [workerId, cycleNumber, fromCountry || null, returnedOn],
    );
  }

  /** The worker's cycle of an incident: the numbered one, or else the last departure on or before the incident. */
  async cycle(workerId: string, cycleNumber: number, incidentOn: string, db: Db = this.pool): Promise<Cycle | undefined> {
    const { rows } = await db.query(
      `SELECT cycle_number, destination_country, departed_on::text, returned_on::text FROM worker_cycles
        WHERE worker_id = $1 AND (cycle_number = $2 OR ($2 = 0 AND (departed_on IS NULL OR departed_on <= $3)))
        ORDER BY cycle_number DESC LIMIT 1`,
      [workerId, cycleNumber, incidentOn],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      cycleNumber: r.cycle_number,
      ...(r.destination_country ? { destinationCountry: r.destination_country } : {}),
      ...(r.departed_on ? { departedOn: iso(r.departed_on) } : {}),
      ...(r.returned_on ? { returnedOn: iso(r.returned_on) } : {}),
    };
  }

  async auditCaseNoteRead(
    client: Db,
    entry: { claimId: string; workerId: string; subject: string; organisation: string; at: Date; opened: number; erased: boolean },
  ): Promise<void> {
    await client.query(
      `INSERT INTO case_note_reads (claim_id, worker_id, read_by_subject, read_by_organisation, read_at, notes_opened, erased)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.claimId, entry.workerId, entry.subject, entry.organisation, entry.at, entry.opened, entry.erased],
    );
  }
}
