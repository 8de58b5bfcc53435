import type { Pool, Queryable } from '@homeward/pg-kit';
import { assertNever } from '@homeward/assert-never';
import { countSexes, fairnessAudit, type FairnessAudit, type SexCode } from '../domain/matching/fairness';
import type { MatchingFact, SeekerFact } from '../domain/matching/matching.facts';
import {
  scoreMatch,
  seekerForScoring,
  vacancyForScoring,
  type ExplainedMatch,
  type SeekerForScoring,
  type VacancyForScoring,
} from '../domain/matching/match.score';
import { evolveSeeker, initialSeekerProfile, type SeekerProfile } from '../domain/matching/seeker.profile';
import {
  evolveStandards,
  vacancyPosted,
  type StandardCatalogue,
  type StandardRecord,
  type VacancyProfile,
} from '../domain/matching/vacancy.profile';
import { currentWeights, type Weights } from '../domain/matching/weights';
import { bestScoreOutsideUnitGroup, iscoPaths, poolCountersQuery, poolCountsQuery, topSeekersQuery, type RankingIds } from './matching.sql';

/** What a topic message tells the matching projection: facts, and for registration's, the sex and jurisdiction beside them. */
export interface MatchingInput {
  facts: readonly MatchingFact[];
  /** From WorkerRegistered / WorkerDetailsCorrected, for the fairness audit only. */
  sex?: { workerId: string; sex: SexCode };
  /** The registry's country the event was recorded under (envelope jurisdiction). */
  originCountry?: string;
  /** A competency standard withdrawn (skills-certification): the write side's known_standards marks it. */
  standardWithdrawn?: string;
}

export type NoMatchCode =
  | 'vacancy_not_open'
  | 'no_active_seekers'
  | 'no_eligible_seeker_in_area'
  | 'required_unit_held_by_nobody'
  | 'no_seeker_certified_for_every_unit';

export interface NoMatch {
  code: NoMatchCode;
  detail: string;
  /** Units nobody in the pool holds certified, for required_unit_held_by_nobody. */
  units?: string[];
}

export interface RankedSeeker {
  rank: number;
  workerId: string;
  scoreMilli: number;
  factors: ExplainedMatch['factors'];
}

export type SeekerRanking =
  | { outcome: 'unknown_vacancy'; vacancyId: string }
  | {
      outcome: 'ranked';
      vacancyId: string;
      weightsVersion: string;
      results: RankedSeeker[];
      fairness: FairnessAudit;
      noMatch?: NoMatch;
    };

export interface RankedVacancy {
  rank: number;
  vacancyId: string;
  employerId: string;
  scoreMilli: number;
  factors: ExplainedMatch['factors'];
}

export type VacancyRanking =
  | { outcome: 'unknown_seeker'; workerId: string }
  | {
      outcome: 'ranked';
      workerId: string;
      weightsVersion: string;
      results: RankedVacancy[];
      noMatch?: { code: 'not_a_job_seeker' | 'no_open_vacancy_in_reach'; detail: string };
    };

/** The dictionaries of matching_terms: units ("standard/unit"), ESCO skill URIs, ISO 639-1 languages. */
type TermKind = 'unit' | 'esco' | 'language';

/**
 * The matching engine's tables: the projection's writes (apply, in the consumer's transaction) and the
 * ranking reads. Rows of a seeker are replaced whole from the folded profile, so a fact applied again gives
 * the same row.
 */
export class MatchingStore {
  constructor(private readonly weights: () => Weights = currentWeights) {}

  /** Term ids of a dictionary; with create, missing terms are added. Unknown terms are absent from the map. */
  async termIds(db: Queryable, kind: TermKind, terms: readonly string[], create = false): Promise<Map<string, number>> {
    const unique = [...new Set(terms)];
    if (unique.length === 0) return new Map();
    if (create)
      await db.query(
        `INSERT INTO matching_terms (kind, term) SELECT $1, t FROM unnest($2::text[]) t ORDER BY t ON CONFLICT (kind, term) DO NOTHING`,
        [kind, unique],
      );
    const { rows } = await db.query<{ term: string; term_id: number }>(
      `SELECT term, term_id FROM matching_terms WHERE kind = $1 AND term = ANY($2::text[])`,
      [kind, unique],
    );
    return new Map(rows.map((r) => [r.term, r.term_id]));
  }

  async apply(tx: Queryable, input: MatchingInput): Promise<void> {
    for (const fact of input.facts) await this.applyFact(tx, fact, input.originCountry ?? '');
    if (input.sex) await tx.query(`UPDATE matching_seekers SET sex = $2 WHERE worker_id = $1`, [input.sex.workerId, input.sex.sex]);
    if (input.standardWithdrawn)
      await tx.query(`UPDATE known_standards SET withdrawn = true WHERE standard_id = $1`, [input.standardWithdrawn]);
  }

  private async applyFact(tx: Queryable, fact: MatchingFact, originCountry: string): Promise<void> {
    switch (fact.type) {
      case 'StandardPublished': {
        const { rows } = await tx.query<{ record: StandardRecord }>(
          `SELECT record FROM matching_standards WHERE standard_id = $1 FOR UPDATE`,
          [fact.standardId],
        );
        const held: StandardCatalogue = rows[0] ? { [fact.standardId]: rows[0].record } : {};
        const next = evolveStandards(held, fact)[fact.standardId]!;
        await tx.query(
          `INSERT INTO matching_standards (standard_id, version, record) VALUES ($1, $2, $3)
           ON CONFLICT (standard_id) DO UPDATE SET version = EXCLUDED.version, record = EXCLUDED.record`,
          [fact.standardId, next.version, JSON.stringify(next)],
        );
        // The write side's table of published standards (its POST /vacancies checks required standards and
        // units against it in the posting's transaction; README "Published standards"): this consumer fills it.
        await tx.query(
          `INSERT INTO known_standards (standard_id, version, unit_codes) VALUES ($1, $2, $3)
           ON CONFLICT (standard_id) DO UPDATE SET version = EXCLUDED.version, unit_codes = EXCLUDED.unit_codes
           WHERE known_standards.version < EXCLUDED.version`,
          [fact.standardId, next.version, next.units.map((u) => u.code)],
        );
        return;
      }
      case 'VacancyPosted': {
        const vacancy = vacancyPosted(fact);
        await tx.query(
          `INSERT INTO matching_vacancies (vacancy_id, employer_id, origin_country, location, open, profile) VALUES ($1, $2, $3, $4, true, $5)
           ON CONFLICT (vacancy_id) DO NOTHING`,
          [vacancy.vacancyId, vacancy.employerId, originCountry, vacancy.location, JSON.stringify(vacancy)],
        );
        return;
      }
      case 'VacancyEnded':
        await tx.query(
          `UPDATE matching_vacancies SET open = false, profile = jsonb_set(profile, '{open}', 'false') WHERE vacancy_id = $1`,
          [fact.vacancyId],
        );
        return;
      case 'WorkerRegistered':
      case 'WorkerDetailsCorrected':
      case 'DepartureRecorded':
      case 'ArrivalRecorded':
      case 'EmploymentChanged':
      case 'ReturnRecorded':
      case 'SkillsClaimed':
      case 'PersonalDataErased':
      case 'CertificateIssued':
      case 'CertificateStatusChanged':
      case 'JobSeekerRegistered':
      case 'JobSeekerPreferencesSet':
      case 'JobSeekerLeft':
        await this.applySeekerFact(tx, fact, originCountry);
        return;
      default:
        assertNever(fact);
    }
  }

  private async applySeekerFact(tx: Queryable, fact: SeekerFact, originCountry: string): Promise<void> {
    const { rows } = await tx.query<{ profile: SeekerProfile }>(
      `SELECT profile FROM matching_seeker_profiles WHERE worker_id = $1 FOR UPDATE`,
      [fact.workerId],
    );
    const profile = evolveSeeker(rows[0]?.profile ?? initialSeekerProfile(fact.workerId), fact);
    // The jurisdiction: the registry's country of the registration, or of the office that made the job seeker.
    const jurisdiction = fact.type === 'WorkerRegistered' || fact.type === 'JobSeekerRegistered' ? originCountry : '';
    await this.writeSeeker(tx, profile, jurisdiction);
    if (fact.type === 'PersonalDataErased') await tx.query(`UPDATE matching_seekers SET sex = 'U' WHERE worker_id = $1`, [fact.workerId]);
  }

  /** Replaces the seeker's row with what the profile gives; an empty origin country keeps the one held. */
  async writeSeeker(tx: Queryable, profile: SeekerProfile, originCountry = ''): Promise<void> {
    const seeker = seekerForScoring(profile);
    // One after the other: a transaction's client runs one statement at a time.
    const units = await this.termIds(
      tx,
      'unit',
      seeker.certified.map((c) => c.key),
      true,
    );
    const esco = await this.termIds(
      tx,
      'esco',
      seeker.claims.map((c) => c.escoUri),
      true,
    );
    const languages = await this.termIds(tx, 'language', seeker.languages, true);
    const ids = (map: Map<string, number>) => [...new Set(map.values())].sort((a, b) => a - b);
    const occupations = [...new Set(seeker.occupations.map((o) => iscoPaths(o.isco)[0]))];
    await tx.query(
      `INSERT INTO matching_seeker_profiles (worker_id, profile) VALUES ($1, $2) ON CONFLICT (worker_id) DO UPDATE SET profile = EXCLUDED.profile`,
      [profile.workerId, JSON.stringify(profile)],
    );
    await tx.query(
      `INSERT INTO matching_seekers (worker_id, active, origin_country, origin_area, areas, relocate, occupations, exp_isco, exp_months,
                                     certified, claimed, languages, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::ltree[], $8, $9, $10, $11, $12, now())
       ON CONFLICT (worker_id) DO UPDATE SET active = EXCLUDED.active,
         origin_country = CASE WHEN EXCLUDED.origin_country = '' THEN matching_seekers.origin_country ELSE EXCLUDED.origin_country END,
         origin_area = EXCLUDED.origin_area, areas = EXCLUDED.areas, relocate = EXCLUDED.relocate, occupations = EXCLUDED.occupations,
         exp_isco = EXCLUDED.exp_isco, exp_months = EXCLUDED.exp_months, certified = EXCLUDED.certified, claimed = EXCLUDED.claimed,
         languages = EXCLUDED.languages, updated_at = now()`,
      [
        profile.workerId,
        profile.active && !profile.erased,
        originCountry,
        seeker.originArea ?? null,
        seeker.areas,
        seeker.willingToRelocate,
        occupations,
        seeker.experience.map((e) => e.isco),
        seeker.experience.map((e) => e.months),
        ids(units),
        ids(esco),
        ids(languages),
      ],
    );
  }

  async standards(db: Queryable, standardIds: readonly string[]): Promise<StandardCatalogue> {
    if (standardIds.length === 0) return {};
    const { rows } = await db.query<{ record: StandardRecord }>(
      `SELECT record FROM matching_standards WHERE standard_id = ANY($1::text[])`,
      [[...new Set(standardIds)]],
    );
    return Object.fromEntries(rows.map((r) => [r.record.standardId, r.record]));
  }

  async vacancy(
    db: Queryable,
    vacancyId: string,
  ): Promise<{ vacancy: VacancyProfile; originCountry: string; forScoring: VacancyForScoring } | undefined> {
    const { rows } = await db.query<{ profile: VacancyProfile; origin_country: string }>(
      `SELECT profile, origin_country FROM matching_vacancies WHERE vacancy_id = $1`,
      [vacancyId],
    );
    if (!rows[0]) return undefined;
    const vacancy = rows[0].profile;
    const standards = await this.standards(db, [...vacancy.requiredStandards, ...vacancy.requiredUnits.map((u) => u.standardId)]);
    return { vacancy, originCountry: rows[0].origin_country, forScoring: vacancyForScoring(vacancy, standards) };
  }

  async rankingIds(db: Queryable, vacancy: VacancyForScoring): Promise<RankingIds> {
    const units = await this.termIds(
      db,
      'unit',
      vacancy.units.map((u) => u.key),
    );
    const esco = await this.termIds(
      db,
      'esco',
      vacancy.units.flatMap((u) => u.escoSkills),
    );
    const languages = await this.termIds(db, 'language', vacancy.languages);
    return {
      units: vacancy.units.map((u) => ({
        unitId: units.get(u.key) ?? 0,
        escoIds: [...new Set(u.escoSkills.map((e) => esco.get(e)).filter((id): id is number => id !== undefined))].sort((a, b) => a - b),
      })),
      languageIds: vacancy.languages.map((l) => languages.get(l) ?? 0),
    };
  }

  /**
   * Ranks the eligible seekers of the caller's jurisdiction for a vacancy: SQL orders the pool by the score and
   * returns the top k, whose explanation scoreMatch computes from their profiles (the same number, by test);
   * the pool's size by sex for the fairness audit comes from the counters the triggers keep (read at the same
   * time on another connection). An empty list always comes with why.
   */
  async rankSeekers(
    db: Pool,
    vacancyId: string,
    options: { originCountry: string; limit: number; requireCertified?: boolean },
  ): Promise<SeekerRanking> {
    const found = await this.vacancy(db, vacancyId);
    if (!found) return { outcome: 'unknown_vacancy', vacancyId };
    const weights = this.weights();
    const vacancy = found.forScoring;
    const ids = await this.rankingIds(db, vacancy);
    const requireCertified = (options.requireCertified ?? false) && vacancy.units.length > 0;
    const top = async () => {
      // First the seekers of the vacancy's unit group (GiST on occupations): when the k-th of them scores above
      // what anyone outside the group can reach, they are the top k of the whole pool; otherwise the whole
      // pool is ranked. Exact either way (a test compares with the full ordering).
      const first = topSeekersQuery(vacancy, ids, weights, options.originCountry, options.limit, requireCertified, true);
      const stage = await db.query<{ worker_id: string; score: string; profile: SeekerProfile }>(first.text, first.values);
      const kth = stage.rows[options.limit - 1];
      if (kth && Number(kth.score) > bestScoreOutsideUnitGroup(weights)) return stage;
      const all = topSeekersQuery(vacancy, ids, weights, options.originCountry, options.limit, requireCertified);
      return db.query<{ worker_id: string; score: string; profile: SeekerProfile }>(all.text, all.values);
    };
    // The pool's size by sex: from the triggers' counters (a lookup), or, when only certified seekers are
    // ranked, by counting that narrower pool.
    const counts = requireCertified
      ? poolCountsQuery(
          vacancy,
          options.originCountry,
          ids.units.map((u) => u.unitId),
        )
      : poolCountersQuery(options.originCountry, vacancy.location);
    const [{ rows }, pool] = await Promise.all([
      top(),
      db.query<{ total: number; women: number; men: number }>(counts.text, counts.values),
    ]);
    const results: RankedSeeker[] = rows
      .map((row, index) => {
        const match = scoreMatch(vacancy, seekerForScoring(row.profile), weights);
        return {
          rank: index + 1,
          workerId: row.worker_id,
          scoreMilli: match.scoreMilli,
          factors: match.factors,
          sqlScore: Number(row.score),
        };
      })
      .map(({ sqlScore, ...result }) => {
        // The SQL ordered what scoreMatch explains: they must agree, or the page is in the wrong order.
        if (sqlScore !== result.scoreMilli)
          throw new Error(`matching: SQL score ${sqlScore} ≠ ${result.scoreMilli} for ${result.workerId} on ${vacancyId}`);
        return result;
      });
    const sexes =
      results.length === 0
        ? []
        : await this.sexes(
            db,
            results.map((r) => r.workerId),
          );
    const fairness = fairnessAudit(countSexes(sexes), pool.rows[0]!);
    const ranking: SeekerRanking = { outcome: 'ranked', vacancyId, weightsVersion: weights.version, results, fairness };
    if (results.length > 0) return ranking;
    return { ...ranking, noMatch: await this.whyNoSeeker(db, found.vacancy, vacancy, ids, options.originCountry, requireCertified) };
  }

  private async sexes(db: Queryable, workerIds: readonly string[]): Promise<SexCode[]> {
    const { rows } = await db.query<{ worker_id: string; sex: SexCode }>(
      `SELECT worker_id, sex FROM matching_seekers WHERE worker_id = ANY($1::text[])`,
      [workerIds],
    );
    const byId = new Map(rows.map((r) => [r.worker_id, r.sex]));
    return workerIds.map((id) => byId.get(id) ?? 'U');
  }

  private async whyNoSeeker(
    db: Queryable,
    posted: VacancyProfile,
    vacancy: VacancyForScoring,
    ids: RankingIds,
    originCountry: string,
    requireCertified: boolean,
  ): Promise<NoMatch> {
    const { rows } = await db.query<{ active: number; reachable: number }>(
      `SELECT count(*)::int AS active, (count(*) FILTER (WHERE origin_area = $2 OR areas @> ARRAY[$2]::text[] OR relocate))::int AS reachable
         FROM matching_seekers WHERE active AND origin_country = $1`,
      [originCountry, vacancy.location],
    );
    const { active, reachable } = rows[0]!;
    const closed = posted.open ? '' : ' (the vacancy no longer takes referrals)';
    if (active === 0)
      return { code: 'no_active_seekers', detail: `No active job seeker in ${originCountry || 'this jurisdiction'}${closed}.` };
    if (reachable === 0)
      return {
        code: 'no_eligible_seeker_in_area',
        detail: `None of the ${active} active job seekers lives in ${vacancy.location}, prefers it, or is willing to relocate${closed}.`,
      };
    if (requireCertified) {
      const nobody: string[] = [];
      for (const [index, unit] of vacancy.units.entries()) {
        const { rows: held } = await db.query(
          `SELECT 1 FROM matching_seekers s WHERE s.active AND s.origin_country = $1 AND (s.origin_area = $2 OR s.areas @> ARRAY[$2]::text[] OR s.relocate) AND s.certified @> ARRAY[$3::int] LIMIT 1`,
          [originCountry, vacancy.location, ids.units[index]!.unitId],
        );
        if (held.length === 0) nobody.push(unit.key);
      }
      if (nobody.length > 0)
        return {
          code: 'required_unit_held_by_nobody',
          detail: `No eligible job seeker holds a live certificate for ${nobody.join(', ')}.`,
          units: nobody,
        };
      return {
        code: 'no_seeker_certified_for_every_unit',
        detail: `Every required unit is certified to someone, but no eligible job seeker holds them all.`,
      };
    }
    return { code: 'vacancy_not_open', detail: `The vacancy matched nobody${closed}.` };
  }

  /** Ranks the open vacancies of the jurisdiction that the seeker can reach (their area, preferred areas, or anywhere when willing to move). */
  async rankVacancies(db: Queryable, workerId: string, options: { originCountry: string; limit: number }): Promise<VacancyRanking> {
    const { rows } = await db.query<{ profile: SeekerProfile; active: boolean }>(
      `SELECT p.profile, s.active FROM matching_seekers s JOIN matching_seeker_profiles p USING (worker_id) WHERE s.worker_id = $1 AND s.origin_country = $2`,
      [workerId, options.originCountry],
    );
    if (!rows[0]) return { outcome: 'unknown_seeker', workerId };
    const weights = this.weights();
    const seeker = seekerForScoring(rows[0].profile);
    if (!rows[0].active)
      return {
        outcome: 'ranked',
        workerId,
        weightsVersion: weights.version,
        results: [],
        noMatch: { code: 'not_a_job_seeker', detail: 'The worker is not an active job seeker.' },
      };
    const vacancies = await db.query<{ profile: VacancyProfile }>(
      `SELECT profile FROM matching_vacancies WHERE open AND origin_country = $1 AND ($2::boolean OR location = ANY($3::text[]))`,
      [options.originCountry, seeker.willingToRelocate, [...(seeker.originArea ? [seeker.originArea] : []), ...seeker.areas]],
    );
    const standards = await this.standards(
      db,
      vacancies.rows.flatMap((r) => [...r.profile.requiredStandards, ...r.profile.requiredUnits.map((u) => u.standardId)]),
    );
    const scored = vacancies.rows
      .map((r) => ({ vacancy: r.profile, match: scoreMatch(vacancyForScoring(r.profile, standards), seeker, weights) }))
      .sort((a, b) => b.match.scoreMilli - a.match.scoreMilli || (a.vacancy.vacancyId < b.vacancy.vacancyId ? -1 : 1))
      .slice(0, options.limit);
    const results = scored.map((s, index) => ({
      rank: index + 1,
      vacancyId: s.vacancy.vacancyId,
      employerId: s.vacancy.employerId,
      scoreMilli: s.match.scoreMilli,
      factors: s.match.factors,
    }));
    if (results.length > 0) return { outcome: 'ranked', workerId, weightsVersion: weights.version, results };
    return {
      outcome: 'ranked',
      workerId,
      weightsVersion: weights.version,
      results,
      noMatch: {
        code: 'no_open_vacancy_in_reach',
        detail: `No open vacancy in ${[seeker.originArea, ...seeker.areas].filter(Boolean).join(', ') || 'the seeker’s areas'}, and the seeker is not willing to relocate.`,
      },
    };
  }

  /** The explained score of one seeker for one vacancy now (the MatchExplainer's answer). */
  async explain(db: Queryable, vacancyId: string, workerId: string): Promise<ExplainedMatch | undefined> {
    const found = await this.vacancy(db, vacancyId);
    if (!found) return undefined;
    const { rows } = await db.query<{ profile: SeekerProfile }>(`SELECT profile FROM matching_seeker_profiles WHERE worker_id = $1`, [
      workerId,
    ]);
    if (!rows[0]) return undefined;
    return scoreMatch(found.forScoring, seekerForScoring(rows[0].profile), this.weights());
  }

  /** For tests: the SQL score of every eligible seeker (no limit), by worker id. */
  async sqlScores(db: Queryable, vacancyId: string, originCountry: string): Promise<Map<string, number>> {
    const found = await this.vacancy(db, vacancyId);
    if (!found) return new Map();
    const ids = await this.rankingIds(db, found.forScoring);
    const query = topSeekersQuery(found.forScoring, ids, this.weights(), originCountry, 1_000_000, false);
    const { rows } = await db.query<{ worker_id: string; score: string }>(query.text, query.values);
    return new Map(rows.map((r) => [r.worker_id, Number(r.score)]));
  }
}

export type { SeekerForScoring };
