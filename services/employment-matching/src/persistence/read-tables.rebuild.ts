import type { PoolClient } from 'pg';
import type { ReferralEvent } from '../domain/referral/referral.events';
import { evolve as evolveReferral, initialState as noReferral, type ReferralState } from '../domain/referral/referral.state';
import type { VacancyEvent } from '../domain/vacancy/vacancy.events';
import { evolve as evolveVacancy, initialState as noVacancy, type VacancyState } from '../domain/vacancy/vacancy.state';
import type { ReadTables } from './read-tables';

const BATCH = 5_000;

/**
 * Rebuilds the write side's read tables (`vacancies`, `referrals`) from the event store alone, in the
 * caller's transaction: both emptied, every `vacancy-*` and `referral-*` stream folded with the deciders'
 * own `evolve`, each vacancy's hires counted from its referrals' `HireRecorded`. The tables are written in
 * the transaction of each command, so this is for repair and for proving they hold nothing the events do
 * not say (test/read-tables.e2e.spec.ts); readers see the old rows until the transaction commits.
 */
export async function rebuildReadTables(client: PoolClient, tables: ReadTables): Promise<{ vacancies: number; referrals: number }> {
  const vacancies = new Map<string, VacancyState>();
  const referrals = new Map<string, ReferralState>();
  let after = 0;
  for (;;) {
    const { rows } = await client.query<{ global_position: string; stream_id: string; event_type: string; data: unknown }>(
      `SELECT global_position, stream_id, event_type, data FROM events
        WHERE global_position > $1 AND (stream_id LIKE 'vacancy-%' OR stream_id LIKE 'referral-%')
        ORDER BY global_position LIMIT $2`,
      [after, BATCH],
    );
    for (const row of rows) {
      if (row.stream_id.startsWith('vacancy-')) {
        const id = row.stream_id.slice('vacancy-'.length);
        vacancies.set(id, evolveVacancy(vacancies.get(id) ?? noVacancy(), { type: row.event_type, data: row.data } as VacancyEvent));
      } else {
        const id = row.stream_id.slice('referral-'.length);
        referrals.set(id, evolveReferral(referrals.get(id) ?? noReferral(), { type: row.event_type, data: row.data } as ReferralEvent));
      }
    }
    if (rows.length < BATCH) break;
    after = Number(rows[rows.length - 1]!.global_position);
  }
  await client.query('TRUNCATE vacancies, referrals');
  const hires = new Map<string, number>();
  for (const referral of referrals.values()) {
    if (referral.status === 'none') continue;
    await tables.saveReferral(client, referral);
    if (referral.hire) hires.set(referral.vacancyId, (hires.get(referral.vacancyId) ?? 0) + 1);
  }
  for (const vacancy of vacancies.values()) {
    if (vacancy.status === 'unposted') continue;
    await tables.saveVacancy(client, vacancy);
    const count = hires.get(vacancy.vacancyId) ?? 0;
    if (count > 0) await client.query('UPDATE vacancies SET hires = $2 WHERE vacancy_id = $1', [vacancy.vacancyId, count]);
  }
  return { vacancies: vacancies.size, referrals: referrals.size };
}
