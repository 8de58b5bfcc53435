import type { Pool, PoolClient } from 'pg';
import type { KnownStandard } from '../domain/vacancy/vacancy.decider';
import type { PostedVacancy } from '../domain/vacancy/vacancy.state';
import type { MadeReferral } from '../domain/referral/referral.state';
import type { ReferralRow, VacancyRow } from '../application/read-model';

type Queryable = Pool | PoolClient;

/**
 * The write side's read tables, written in the transaction of the events they follow (the command handler's
 * `withinTransaction`), so that a list is never behind a command's answer.
 */
export class ReadTables {
  constructor(private readonly pool: Pool) {}

  async saveVacancy(client: PoolClient, state: PostedVacancy): Promise<void> {
    await client.query(
      `INSERT INTO vacancies (vacancy_id, employer_id, status, title, occupation_isco, location, openings, closing_on, posted_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (vacancy_id) DO UPDATE SET status = EXCLUDED.status`,
      [
        state.vacancyId,
        state.employerId,
        state.status,
        state.title,
        state.occupationIsco,
        state.location,
        state.openings,
        state.closingOn,
        state.postedOn,
      ],
    );
  }

  /** The vacancy's hires so far, its row locked until the transaction ends: hires of one vacancy are counted one at a time. */
  async lockHires(client: PoolClient, vacancyId: string): Promise<number> {
    const { rows } = await client.query<{ hires: number }>(`SELECT hires FROM vacancies WHERE vacancy_id = $1 FOR UPDATE`, [vacancyId]);
    return rows[0]?.hires ?? 0;
  }

  async hired(client: PoolClient, vacancyId: string): Promise<number> {
    const { rows } = await client.query<{ hires: number }>(`UPDATE vacancies SET hires = hires + 1 WHERE vacancy_id = $1 RETURNING hires`, [
      vacancyId,
    ]);
    return rows[0]!.hires;
  }

  async saveReferral(client: PoolClient, r: MadeReferral): Promise<void> {
    await client.query(
      `INSERT INTO referrals (referral_id, vacancy_id, worker_id, employer_id, status, referred_on, weights_version, score_milli,
                              interviews, closed, hire, placement_ended)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (referral_id) DO UPDATE SET status = EXCLUDED.status, interviews = EXCLUDED.interviews, closed = EXCLUDED.closed,
         hire = EXCLUDED.hire, placement_ended = EXCLUDED.placement_ended`,
      [
        r.referralId,
        r.vacancyId,
        r.workerId,
        r.employerId,
        r.status,
        r.referredOn,
        r.weightsVersion,
        r.scoreMilli,
        JSON.stringify(r.interviews),
        r.closed ? JSON.stringify(r.closed) : null,
        r.hire ? JSON.stringify(r.hire) : null,
        r.placementEnded ? JSON.stringify(r.placementEnded) : null,
      ],
    );
  }

  async liveReferral(client: PoolClient, vacancyId: string, workerId: string): Promise<string | undefined> {
    const { rows } = await client.query<{ referral_id: string }>(
      `SELECT referral_id FROM referrals WHERE vacancy_id = $1 AND worker_id = $2 AND status IN ('referred', 'hired')`,
      [vacancyId, workerId],
    );
    return rows[0]?.referral_id;
  }

  /** A page of vacancies in id order (ids are UUIDv7: posting order), after `after`; of one employer when given. */
  async vacancies(page: { employerId?: string; after?: string; limit: number }): Promise<VacancyRow[]> {
    const { rows } = await this.pool.query(
      `SELECT vacancy_id, employer_id, status, title, occupation_isco, location, openings, hires,
              to_char(closing_on, 'YYYY-MM-DD') AS closing_on, to_char(posted_on, 'YYYY-MM-DD') AS posted_on
         FROM vacancies
        WHERE ($1::text IS NULL OR employer_id = $1) AND ($2::text IS NULL OR vacancy_id > $2)
        ORDER BY vacancy_id LIMIT $3`,
      [page.employerId ?? null, page.after ?? null, page.limit],
    );
    return rows.map((r) => ({
      vacancyId: r.vacancy_id,
      employerId: r.employer_id,
      status: r.status,
      title: r.title,
      occupationIsco: r.occupation_isco,
      location: r.location,
      openings: r.openings,
      hires: r.hires,
      closingOn: r.closing_on,
      postedOn: r.posted_on,
    }));
  }

  /** A page of the referrals to one vacancy, in id order after `after`. */
  async referralsTo(vacancyId: string, page: { after?: string; limit: number }, db: Queryable = this.pool): Promise<ReferralRow[]> {
    const { rows } = await db.query(
      `SELECT referral_id, vacancy_id, worker_id, employer_id, status, to_char(referred_on, 'YYYY-MM-DD') AS referred_on,
              weights_version, score_milli, interviews, closed, hire, placement_ended
         FROM referrals WHERE vacancy_id = $1 AND ($2::text IS NULL OR referral_id > $2)
        ORDER BY referral_id LIMIT $3`,
      [vacancyId, page.after ?? null, page.limit],
    );
    return rows.map((r) => ({
      referralId: r.referral_id,
      vacancyId: r.vacancy_id,
      workerId: r.worker_id,
      employerId: r.employer_id,
      status: r.status,
      referredOn: r.referred_on,
      weightsVersion: r.weights_version,
      scoreMilli: Number(r.score_milli),
      interviews: r.interviews,
      ...(r.closed ? { closed: r.closed } : {}),
      ...(r.hire ? { hire: r.hire } : {}),
      ...(r.placement_ended ? { placementEnded: r.placement_ended } : {}),
    }));
  }

  /** The published standards among `ids`, as skills-certification's topic last told them. */
  async standards(ids: readonly string[], db: Queryable = this.pool): Promise<Map<string, KnownStandard>> {
    if (ids.length === 0) return new Map();
    const { rows } = await db.query<{ standard_id: string; withdrawn: boolean; unit_codes: string[] }>(
      `SELECT standard_id, withdrawn, unit_codes FROM known_standards WHERE standard_id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.standard_id, { standardId: r.standard_id, withdrawn: r.withdrawn, unitCodes: r.unit_codes }]));
  }
}
