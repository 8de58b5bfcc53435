import type { VacancyForScoring } from '../domain/matching/match.score';
import type { Weights } from '../domain/matching/weights';

/**
 * The ranking query of seekers for one vacancy. The score is computed in SQL with the same integer arithmetic
 * as scoreMatch (weight × value in thousandths, divisions rounded half away from zero as (2a + b) / 2b in
 * bigint), so that PostgreSQL orders a pool of a million rows and only the top k are explained in TypeScript;
 * a test checks both give the same number on generated data.
 *
 * The jurisdiction and the eligibility (active, same origin country, the vacancy's area or willing to move)
 * are in the WHERE clause: what a caller may not see is never ranked, so nothing is dropped from a page after.
 * The score expression never names the sex column.
 */

export interface RankingIds {
  /** Per required unit (in the vacancy's order): its term id (0 when nobody holds it) and its ESCO skills' ids. */
  units: { unitId: number; escoIds: number[] }[];
  languageIds: number[];
}

/** "5152" → "5.1.5.2" and its ancestors: the ltree paths of an ISCO-08 unit group at 4, 3, 2 and 1 digits. */
export function iscoPaths(isco: string): [string, string, string, string] {
  const digits = isco.split('');
  return [digits.slice(0, 4).join('.'), digits.slice(0, 3).join('.'), digits.slice(0, 2).join('.'), digits.slice(0, 1).join('.')];
}

const contributionSql = (weight: number, valueSql: string) => `((2 * ${weight}::bigint * (${valueSql}) + 1000) / 2000)`;

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The eligible pool's WHERE clause ($1 origin country, $2 the vacancy's location). */
export const ELIGIBLE_POOL = `s.active AND s.origin_country = $1 AND (s.origin_area = $2 OR s.areas @> ARRAY[$2]::text[] OR s.relocate)`;

/** The score of each eligible seeker, as a SQL expression, and its parameters after $1 and $2. */
export function scoreExpression(vacancy: VacancyForScoring, ids: RankingIds, weights: Weights, firstParameter = 3): SqlQuery {
  const values: unknown[] = [];
  const p = (value: unknown, cast: string) => {
    values.push(value);
    return `$${firstParameter + values.length - 1}::${cast}`;
  };
  const [q4, q3, q2, q1] = iscoPaths(vacancy.occupationIsco);
  const levels = weights.occupationLevelValueMilli;
  const occupation = `CASE WHEN s.occupations <@ ${p(q4, 'ltree')} THEN ${levels[4]} WHEN s.occupations <@ ${p(q3, 'ltree')} THEN ${levels[3]} WHEN s.occupations <@ ${p(q2, 'ltree')} THEN ${levels[2]} WHEN s.occupations <@ ${p(q1, 'ltree')} THEN ${levels[1]} ELSE ${levels[0]} END`;

  let units = '1000';
  if (ids.units.length > 0) {
    const credits = ids.units.map(
      (u) =>
        `CASE WHEN s.certified @> ARRAY[${p(u.unitId, 'int')}] THEN 1000 ${u.escoIds.length > 0 ? `WHEN s.claimed && ${p(u.escoIds, 'int[]')} THEN ${weights.claimedUnitCreditMilli} ` : ''}ELSE 0 END`,
    );
    const n = ids.units.length;
    units = `((2 * (${credits.join(' + ')})::bigint + ${n}) / ${2 * n})`;
  }

  const wanted = vacancy.experienceMonths > 0 ? vacancy.experienceMonths : weights.experienceDefaultMonths;
  const months = `coalesce(s.exp_months[array_position(s.exp_isco, ${p(vacancy.occupationIsco, 'text')})], 0)`;
  const experience = `least(1000, (2 * 1000 * ${months}::bigint + ${wanted}) / ${2 * wanted})`;

  const location = `CASE WHEN s.origin_area = $2 OR s.areas @> ARRAY[$2]::text[] THEN 1000 WHEN s.relocate THEN ${weights.relocationValueMilli} ELSE 0 END`;

  const nLanguages = vacancy.languages.length;
  const languages =
    nLanguages === 0
      ? '1000'
      : `((2 * 1000 * icount(s.languages & ${p(ids.languageIds, 'int[]')})::bigint + ${nLanguages}) / ${2 * nLanguages})`;

  const f = weights.factors;
  const text = [
    contributionSql(f.occupation, occupation),
    contributionSql(f.units, units),
    contributionSql(f.experience, experience),
    contributionSql(f.location, location),
    contributionSql(f.languages, languages),
  ].join('\n + ');
  return { text, values };
}

/** Top k of the eligible pool by score (ties by worker id), with the origin country and location first. */
export function topSeekersQuery(
  vacancy: VacancyForScoring,
  ids: RankingIds,
  weights: Weights,
  originCountry: string,
  limit: number,
  requireCertified: boolean,
  /** Only seekers sharing at least the vacancy's unit group (4): the first stage of rankSeekers. */
  sameUnitGroupOnly = false,
): SqlQuery {
  const score = scoreExpression(vacancy, ids, weights);
  const values: unknown[] = [originCountry, vacancy.location, ...score.values];
  let where = ELIGIBLE_POOL;
  if (requireCertified && ids.units.length > 0) {
    values.push(ids.units.map((u) => u.unitId));
    where += ` AND s.certified @> $${values.length}::int[]`;
  }
  if (sameUnitGroupOnly) {
    values.push(iscoPaths(vacancy.occupationIsco)[0]);
    where += ` AND s.occupations <@ $${values.length}::ltree`;
  }
  values.push(limit);
  return {
    // The profiles (wide jsonb) are joined to the k rows only, after the pool's narrow rows are ranked.
    text: `WITH top AS (SELECT s.worker_id, (${score.text})::bigint AS score FROM matching_seekers s WHERE ${where} ORDER BY score DESC, s.worker_id LIMIT $${values.length})
           SELECT top.worker_id, top.score, p.profile FROM top JOIN matching_seeker_profiles p USING (worker_id) ORDER BY top.score DESC, top.worker_id`,
    values,
  };
}

/** The sexes of the eligible pool, counted (the fairness audit's denominator). */
export function poolCountsQuery(vacancy: VacancyForScoring, originCountry: string, certifiedUnitIds?: number[]): SqlQuery {
  const values: unknown[] = [originCountry, vacancy.location];
  let where = ELIGIBLE_POOL;
  if (certifiedUnitIds && certifiedUnitIds.length > 0) {
    values.push(certifiedUnitIds);
    where += ` AND s.certified @> $3::int[]`;
  }
  return {
    text: `SELECT count(*)::int AS total, (count(*) FILTER (WHERE s.sex = 'F'))::int AS women, (count(*) FILTER (WHERE s.sex = 'M'))::int AS men FROM matching_seekers s WHERE ${where}`,
    values,
  };
}

/**
 * The same counts from the counters the triggers keep (matching_pool_counts): the pool of a vacancy in L is
 * the seekers willing to relocate plus those whose area or preferred areas include L.
 */
export function poolCountersQuery(originCountry: string, location: string): SqlQuery {
  return {
    text: `SELECT coalesce(sum(seekers), 0)::int AS total, coalesce(sum(seekers) FILTER (WHERE sex = 'F'), 0)::int AS women,
                  coalesce(sum(seekers) FILTER (WHERE sex = 'M'), 0)::int AS men
             FROM matching_pool_counts WHERE origin_country = $1 AND reach IN ('relocate', 'area:' || $2)`,
    values: [originCountry, location],
  };
}

/** Recounts matching_pool_counts from the seekers (after a bulk load with the triggers disabled). */
export const REBUILD_POOL_COUNTS = `
  DELETE FROM matching_pool_counts;
  INSERT INTO matching_pool_counts (origin_country, reach, sex, seekers)
  SELECT s.origin_country, r, s.sex, count(*)
    FROM matching_seekers s, unnest(matching_pool_reach(s.active, s.relocate, s.origin_area, s.areas)) r
   GROUP BY 1, 2, 3;`;

/**
 * The highest score a seeker can reach without sharing the vacancy's unit group: at most 3 ISCO digits, no
 * months in the unit group (experience counts the exact group only), and every other factor at its best.
 * When the k-th best of the seekers of the unit group scores above it, nobody else can enter the top k.
 */
export function bestScoreOutsideUnitGroup(weights: Weights): number {
  const f = weights.factors;
  const c = (w: number, v: number) => Math.floor((2 * w * v + 1000) / 2000);
  return c(f.occupation, weights.occupationLevelValueMilli[3]) + c(f.units, 1000) + c(f.location, 1000) + c(f.languages, 1000);
}
