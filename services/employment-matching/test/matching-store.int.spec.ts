import fc from 'fast-check';
import { migrate } from '@homeward/pg-kit/migrations';
import { createTestDatabase, type TestDatabase } from '@homeward/testing/infrastructure';
import { foldAll } from '../src/domain/matching/matching.fold';
import type { MatchingFact } from '../src/domain/matching/matching.facts';
import { scoreMatch, seekerForScoring, vacancyForScoring } from '../src/domain/matching/match.score';
import { matchingWorldArb } from '../src/domain/matching/testing/matching.arbitraries';
import { currentWeights } from '../src/domain/matching/weights';
import { employmentMigrations } from '../src/persistence/migrations';
import { MatchingStore } from '../src/matching/matching.store';
import { poolCountsQuery, poolCountersQuery } from '../src/matching/matching.sql';

/**
 * The ranking store on the real PostgreSQL: the SQL score equals scoreMatch on generated histories, sex never
 * changes a score, the fairness audit of a skewed pool, jurisdiction before ranking, and the reasons of an
 * empty list.
 */

let db: TestDatabase;
const store = new MatchingStore();
const COUNTRY = 'PH';

beforeAll(async () => {
  db = await createTestDatabase('matching_store');
  await migrate(db.pool, 'employment-matching', employmentMigrations);
});
afterAll(async () => db?.drop());

async function reset() {
  await db.pool.query(
    'TRUNCATE matching_seekers, matching_seeker_profiles, matching_standards, matching_vacancies, matching_terms, matching_pool_counts, known_standards RESTART IDENTITY',
  );
}

async function load(facts: readonly MatchingFact[], sexes: Record<string, 'F' | 'M' | 'O' | 'U'> = {}, originCountry = COUNTRY) {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    for (const fact of facts) await store.apply(client, { facts: [fact], originCountry });
    for (const [workerId, sex] of Object.entries(sexes)) await store.apply(client, { facts: [], sex: { workerId, sex } });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('the ranking SQL over generated histories', () => {
  it('gives every eligible seeker the score scoreMatch gives, and ranks exactly the eligible seekers', async () => {
    await fc.assert(
      fc.asyncProperty(matchingWorldArb, async (world) => {
        await reset();
        await load(world.facts, world.sexes);
        const sql = await store.sqlScores(db.pool, world.vacancyId, COUNTRY);
        const state = foldAll(world.facts);
        const vacancy = vacancyForScoring(state.vacancies[world.vacancyId]!, state.standards);
        const expected = new Map<string, number>();
        for (const workerId of world.workerIds) {
          const seeker = seekerForScoring(state.seekers[workerId]!);
          const reachable = seeker.originArea === vacancy.location || seeker.areas.includes(vacancy.location) || seeker.willingToRelocate;
          if (state.seekers[workerId]!.active && reachable)
            expected.set(workerId, scoreMatch(vacancy, seeker, currentWeights()).scoreMilli);
        }
        expect(Object.fromEntries(sql)).toEqual(Object.fromEntries(expected));
        // The triggers' counters give the pool the WHERE clause selects, by sex, before and after sexes change.
        const samePool = async () => {
          const scan = poolCountsQuery(vacancy, COUNTRY);
          const counters = poolCountersQuery(COUNTRY, vacancy.location);
          expect((await db.pool.query(counters.text, counters.values)).rows[0]).toEqual(
            (await db.pool.query(scan.text, scan.values)).rows[0],
          );
        };
        await samePool();
        await db.pool.query(`UPDATE matching_seekers SET sex = CASE sex WHEN 'F' THEN 'M' ELSE 'F' END WHERE worker_id = ANY($1::text[])`, [
          world.workerIds.slice(0, 2),
        ]);
        await db.pool.query(`UPDATE matching_seekers SET active = NOT active, relocate = NOT relocate WHERE worker_id = $1`, [
          world.workerIds[0],
        ]);
        await samePool();
      }),
      { numRuns: 40 },
    );
  });

  it('returns the first k of the full ordering (by score, then worker id), whichever stage answers', async () => {
    await fc.assert(
      fc.asyncProperty(matchingWorldArb, fc.integer({ min: 1, max: 4 }), async (world, k) => {
        await reset();
        await load(world.facts, world.sexes);
        const all = [...(await store.sqlScores(db.pool, world.vacancyId, COUNTRY)).entries()].sort(
          (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
        );
        const ranking = await store.rankSeekers(db.pool, world.vacancyId, { originCountry: COUNTRY, limit: k });
        if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
        expect(ranking.results.map((r) => [r.workerId, r.scoreMilli])).toEqual(all.slice(0, k));
      }),
      { numRuns: 60 },
    );
    // Generated worlds are mostly answered by the second stage (the whole pool); the skewed pool below is
    // answered by the first (its top 5 and top 8 score above 775) and its top 10 by the second.
  });

  it('does not change any score or the order when every seeker’s sex is flipped', async () => {
    await fc.assert(
      fc.asyncProperty(matchingWorldArb, async (world) => {
        await reset();
        await load(world.facts, world.sexes);
        const before = await store.rankSeekers(db.pool, world.vacancyId, { originCountry: COUNTRY, limit: 50 });
        await db.pool.query(
          `UPDATE matching_seekers SET sex = CASE sex WHEN 'F' THEN 'M' WHEN 'M' THEN 'F' WHEN 'O' THEN 'U' ELSE 'O' END`,
        );
        const after = await store.rankSeekers(db.pool, world.vacancyId, { originCountry: COUNTRY, limit: 50 });
        if (before.outcome !== 'ranked' || after.outcome !== 'ranked') throw new Error('unknown vacancy');
        expect(after.results).toEqual(before.results);
        // The audit, by contrast, does see the flip.
        expect(after.fairness.topK.women).toBe(before.results.filter((r) => world.sexes[r.workerId] === 'M').length);
      }),
      { numRuns: 20 },
    );
  });
});

// A pool built by hand: 10 eligible seekers in PH-CEB, 4 women (W1–W4) and 6 men (M1–M6). Men are welders
// (ISCO 7212) with 24 months abroad; two women are welders with 12 months, two are cooks (5120).
function handPool(): { facts: MatchingFact[]; sexes: Record<string, 'F' | 'M'> } {
  const facts: MatchingFact[] = [];
  let n = 0;
  const id = () => `h-${String(++n).padStart(3, '0')}`;
  facts.push({
    type: 'VacancyPosted',
    eventId: id(),
    vacancyId: 'V-WELD',
    employerId: 'E-1',
    occupationIsco: '7212',
    requiredStandards: [],
    requiredUnits: [],
    experienceMonths: 24,
    location: 'PH-CEB',
    languages: ['en'],
  });
  const sexes: Record<string, 'F' | 'M'> = {};
  const seeker = (workerId: string, sex: 'F' | 'M', isco: string, months: number) => {
    sexes[workerId] = sex;
    facts.push({ type: 'WorkerRegistered', eventId: id(), workerId, originArea: 'PH-CEB', languages: ['en', 'tl'] });
    facts.push({
      type: 'DepartureRecorded',
      eventId: id(),
      workerId,
      cycleNumber: 1,
      occupationIsco: isco,
      contractStart: '2022-01-10',
      departedOn: '2022-01-10',
    });
    const end = new Date(Date.UTC(2022, 0 + months, 10)).toISOString().slice(0, 10);
    facts.push({ type: 'ReturnRecorded', eventId: id(), workerId, cycleNumber: 1, returnedOn: end });
    facts.push({ type: 'JobSeekerRegistered', eventId: id(), workerId });
  };
  for (const m of ['M1', 'M2', 'M3', 'M4', 'M5', 'M6']) seeker(m, 'M', '7212', 24);
  seeker('W1', 'F', '7212', 12);
  seeker('W2', 'F', '7212', 12);
  seeker('W3', 'F', '5120', 24);
  seeker('W4', 'F', '5120', 24);
  return { facts, sexes };
}

describe('the fairness audit of a skewed pool', () => {
  beforeAll(async () => {
    await reset();
    const { facts, sexes } = handPool();
    await load(facts, sexes);
  });

  it('shows no woman in a top 5 of men, a pool 40% women, and a failed four-fifths rule', async () => {
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 5 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    // Men: occupation 300 + units 300 + experience 150 + location 150 + languages 100 = 1000.
    expect(ranking.results.map((r) => [r.workerId, r.scoreMilli])).toEqual([
      ['M1', 1000],
      ['M2', 1000],
      ['M3', 1000],
      ['M4', 1000],
      ['M5', 1000],
    ]);
    expect(ranking.fairness).toEqual({
      topK: { total: 5, women: 0, men: 5, womenShare: 0 },
      pool: { total: 10, women: 4, men: 6, womenShare: 0.4 },
      shareRatio: 0,
      selectionRate: { women: 0, men: 0.8333 },
      impactRatio: 0,
      passesFourFifths: false,
    });
  });

  it('in a top 8, women 2 of 8 (25%) against 40% of the pool: ratio 0.625, selection 2/4 against 6/6, impact 0.5, fails', async () => {
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 8 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    // Women welders with 12 of 24 months: experience 500 → 75, so 925.
    expect(ranking.results.slice(6).map((r) => [r.workerId, r.scoreMilli])).toEqual([
      ['W1', 925],
      ['W2', 925],
    ]);
    expect(ranking.fairness).toEqual({
      topK: { total: 8, women: 2, men: 6, womenShare: 0.25 },
      pool: { total: 10, women: 4, men: 6, womenShare: 0.4 },
      shareRatio: 0.625,
      selectionRate: { women: 0.5, men: 1 },
      impactRatio: 0.5,
      passesFourFifths: false,
    });
  });

  it('over the whole pool everyone is selected: ratio 1, impact 1, passes', async () => {
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 10 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    expect(ranking.fairness.shareRatio).toBe(1);
    expect(ranking.fairness.impactRatio).toBe(1);
    expect(ranking.fairness.passesFourFifths).toBe(true);
  });
});

describe('jurisdiction and empty answers', () => {
  beforeEach(reset);

  it('never ranks seekers of another jurisdiction, however well they match', async () => {
    const { facts, sexes } = handPool();
    await load(
      facts.filter((f) => !('workerId' in f) || f.workerId !== 'M1'),
      sexes,
    );
    await load(
      facts.filter((f) => 'workerId' in f && f.workerId === 'M1'),
      {},
      'NP',
    );
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 10 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    expect(ranking.results.map((r) => r.workerId)).not.toContain('M1');
    expect(ranking.results).toHaveLength(9);
    expect(ranking.fairness.pool.total).toBe(9);
  });

  it('ranks for a seeker only the open vacancies they can reach, and says why when there is none', async () => {
    const { facts, sexes } = handPool();
    const posted = facts[0] as Extract<MatchingFact, { type: 'VacancyPosted' }>;
    await load(
      [
        ...facts,
        { ...posted, eventId: 'v-dav', vacancyId: 'V-DAV', location: 'PH-DAV' },
        { ...posted, eventId: 'v-cook', vacancyId: 'V-COOK', occupationIsco: '5120' },
      ],
      sexes,
    );
    const ranking = await store.rankVacancies(db.pool, 'W3', { originCountry: COUNTRY, limit: 10 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    // W3 is a cook in Cebu who will not move: the cook's vacancy first, the welder's next (no ISCO digit
    // shared, no months: units 300 (none required) + location 150 + languages 100), Davao's never.
    expect(ranking.results.map((r) => [r.vacancyId, r.scoreMilli])).toEqual([
      ['V-COOK', 1000],
      ['V-WELD', 550],
    ]);
    await load([
      { type: 'VacancyEnded', eventId: 'end-1', vacancyId: 'V-COOK', how: 'filled' },
      { type: 'VacancyEnded', eventId: 'end-2', vacancyId: 'V-WELD', how: 'withdrawn' },
    ]);
    const none = await store.rankVacancies(db.pool, 'W3', { originCountry: COUNTRY, limit: 10 });
    expect(none).toMatchObject({ outcome: 'ranked', results: [], noMatch: { code: 'no_open_vacancy_in_reach' } });
    await load([{ type: 'JobSeekerLeft', eventId: 'left-1', workerId: 'W3' }]);
    expect(await store.rankVacancies(db.pool, 'W3', { originCountry: COUNTRY, limit: 10 })).toMatchObject({
      noMatch: { code: 'not_a_job_seeker' },
    });
    expect(await store.rankVacancies(db.pool, 'W3', { originCountry: 'NP', limit: 10 })).toEqual({
      outcome: 'unknown_seeker',
      workerId: 'W3',
    });
  });

  it('says the vacancy is unknown', async () => {
    expect(await store.rankSeekers(db.pool, 'V-NONE', { originCountry: COUNTRY, limit: 10 })).toEqual({
      outcome: 'unknown_vacancy',
      vacancyId: 'V-NONE',
    });
  });

  it('says no seeker is in the area when every active seeker lives elsewhere and will not move', async () => {
    const { facts, sexes } = handPool();
    await load(
      facts.map((f) => (f.type === 'WorkerRegistered' ? { ...f, originArea: 'PH-DAV' } : f)),
      sexes,
    );
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 10 });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    expect(ranking.results).toEqual([]);
    expect(ranking.noMatch?.code).toBe('no_eligible_seeker_in_area');
    expect(ranking.fairness.pool.total).toBe(0);
  });

  it('names the required unit nobody holds when only certified seekers are asked for', async () => {
    const { facts, sexes } = handPool();
    const posted = facts[0] as Extract<MatchingFact, { type: 'VacancyPosted' }>;
    await load(
      [
        {
          type: 'StandardPublished',
          eventId: 's-1',
          standardId: 'WELD',
          version: 1,
          occupationIsco: '7212',
          units: [
            { code: 'W1', escoSkills: [] },
            { code: 'W2', escoSkills: [] },
          ],
        },
        {
          ...posted,
          requiredUnits: [
            { standardId: 'WELD', unitCode: 'W1' },
            { standardId: 'WELD', unitCode: 'W2' },
          ],
        },
        ...facts.slice(1),
        { type: 'CertificateIssued', eventId: 'c-1', workerId: 'W1', certificateNumber: 'PH-1', standardId: 'WELD', unitCodes: ['W1'] },
      ],
      sexes,
    );
    // The write side's published standards are filled from the same fact.
    expect((await db.pool.query(`SELECT standard_id, version, withdrawn, unit_codes FROM known_standards`)).rows).toEqual([
      { standard_id: 'WELD', version: 1, withdrawn: false, unit_codes: ['W1', 'W2'] },
    ]);
    const ranking = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 10, requireCertified: true });
    if (ranking.outcome !== 'ranked') throw new Error(ranking.outcome);
    expect(ranking.results).toEqual([]);
    expect(ranking.noMatch).toMatchObject({ code: 'required_unit_held_by_nobody', units: ['WELD/W2'] });

    // Without the filter W1's certificate lifts her above the other woman welder, and the explanation says "certified".
    const all = await store.rankSeekers(db.pool, 'V-WELD', { originCountry: COUNTRY, limit: 10 });
    if (all.outcome !== 'ranked') throw new Error(all.outcome);
    const w1 = all.results.find((r) => r.workerId === 'W1')!;
    const w2 = all.results.find((r) => r.workerId === 'W2')!;
    expect(w1.scoreMilli - w2.scoreMilli).toBe(150);
    expect(w1.factors.find((f) => f.name === 'units')!.evidence).toEqual(['certified WELD/W1 (certificate PH-1)', 'missing WELD/W2']);
    expect(w1.factors.find((f) => f.name === 'units')!.citedEventIds).toEqual(expect.arrayContaining(['c-1', 's-1']));
  });
});
