import type { Pool, PoolClient } from 'pg';
import { normaliseDocument, normaliseName } from '@homeward/names';
import type { PersonalData, Sex } from '../domain/worker/worker.events';
import type { WorkerState } from '../domain/worker/worker.state';

export interface Candidate {
  readonly workerId: string;
  readonly score: number;
}

export interface SearchQuery {
  readonly name?: string;
  readonly dateOfBirth?: string;
  readonly nationalId?: string;
  readonly passportNumber?: string;
  readonly limit: number;
}

export interface SearchHit {
  readonly workerId: string;
  readonly score: number;
  readonly mergedInto?: string;
}

/** Name similarity (pg_trgm) from which two records of the same birth date are flagged as possibly one person. */
const DUPLICATE_NAME_SIMILARITY = 0.5;

/**
 * `full_name % name` is `similarity(full_name, name) >= pg_trgm.similarity_threshold`, and unlike the
 * function call it is answered by the (birth date, name) index. The threshold is set for the current
 * transaction only.
 */
const SIMILARITY_FOR_THIS_TRANSACTION = `set_config('pg_trgm.similarity_threshold', '${DUPLICATE_NAME_SIMILARITY}', true)`;

/**
 * The registry's search index of people: normalised names, date of birth and document numbers, kept in
 * the transaction of every change that touches them, and deleted on erasure. The event log holds personal
 * data only sealed; this table is the one place it is searchable, and it is mutable on purpose.
 */
export class PersonIndex {
  constructor(private readonly pool: Pool) {}

  /**
   * Registered people who may be the one described: the same national id or passport, or the same date of
   * birth and a similar name; sex and origin area raise the score. Runs in the registering transaction, after
   * an advisory lock on the birth date, so two registrations of one person at the same moment still see
   * each other.
   */
  async candidates(client: PoolClient, person: { personalData: PersonalData; sex: Sex; originArea: string }): Promise<Candidate[]> {
    const p = person.personalData;
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1)), ${SIMILARITY_FOR_THIS_TRANSACTION}`, [`person-index:${p.dateOfBirth}`]);
    // Three lookups, each through its index, rather than one OR that would scan the table.
    const { rows } = await client.query<{ worker_id: string; score: number }>(
      `SELECT worker_id,
              least(1, CASE
                WHEN national_id = $4 OR passport_number = $5 THEN 1
                ELSE similarity(full_name, $1) + CASE WHEN sex = $3 THEN 0.1 ELSE 0 END + CASE WHEN origin_area = $6 THEN 0.1 ELSE 0 END
              END)::float8 AS score
         FROM person_index
        WHERE merged_into IS NULL
          AND worker_id IN (
            SELECT worker_id FROM person_index WHERE date_of_birth = $2::date AND full_name % $1
            UNION SELECT worker_id FROM person_index WHERE national_id = $4
            UNION SELECT worker_id FROM person_index WHERE passport_number = $5)
        ORDER BY score DESC, worker_id
        LIMIT 10`,
      [
        normaliseName(`${p.givenName} ${p.familyName}`),
        p.dateOfBirth,
        person.sex,
        normaliseDocument(p.nationalId),
        normaliseDocument(p.passportNumber),
        person.originArea,
      ],
    );
    return rows.map((r) => ({ workerId: r.worker_id, score: Math.round(r.score * 100) / 100 }));
  }

  /**
   * Candidates for many people at once (bulk import), each with the registry id it will be registered
   * under: registered people of the same birth date and a similar name, or with the same document; and
   * people earlier in the batch, on the same terms (a legacy register lists some people twice).
   *
   * The registry is probed through its indexes once per person of the batch, whatever the planner would
   * prefer (the lateral subqueries end in `OFFSET 0`, which keeps them from being flattened into joins):
   * with the statistics of a table that a running import keeps growing, it chose hash joins over the
   * whole index table, seconds a part at four million people.
   */
  async candidatesForBatch(
    client: PoolClient,
    people: readonly { workerId: string; personalData: PersonalData; sex: Sex; originArea: string }[],
  ): Promise<Candidate[][]> {
    const names = people.map((p) => normaliseName(`${p.personalData.givenName} ${p.personalData.familyName}`));
    const births = people.map((p) => p.personalData.dateOfBirth);
    const nationalIds = people.map((p) => normaliseDocument(p.personalData.nationalId));
    const passports = people.map((p) => normaliseDocument(p.personalData.passportNumber));
    const found: Candidate[][] = people.map(() => []);
    await client.query(`SELECT ${SIMILARITY_FOR_THIS_TRANSACTION}`);
    const byName = await client.query<{ i: string; worker_id: string; score: number }>(
      `WITH b AS (SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::uuid[]) WITH ORDINALITY AS b(name, born, sex, area, worker_id, i))
       SELECT b.i, p.worker_id, least(1, similarity(p.full_name, b.name) + CASE WHEN p.sex = b.sex THEN 0.1 ELSE 0 END
                + CASE WHEN p.origin_area = b.area THEN 0.1 ELSE 0 END)::float8 AS score
         FROM b CROSS JOIN LATERAL (
                SELECT worker_id, full_name, sex, origin_area FROM person_index
                 WHERE date_of_birth = b.born AND full_name % b.name AND merged_into IS NULL OFFSET 0) p
       UNION ALL
       SELECT later.i, earlier.worker_id, least(1, similarity(earlier.name, later.name) + CASE WHEN earlier.sex = later.sex THEN 0.1 ELSE 0 END
                + CASE WHEN earlier.area = later.area THEN 0.1 ELSE 0 END)::float8
         FROM b later JOIN b earlier ON earlier.born = later.born AND earlier.i < later.i AND earlier.name % later.name`,
      [names, births, people.map((p) => p.sex), people.map((p) => p.originArea), people.map((p) => p.workerId)],
    );
    // One lookup per document kind rather than one join on "a OR b": each uses its index, where the OR
    // would compare every row of the batch with every person in the registry.
    const byDocument = await client.query<{ i: string; worker_id: string }>(
      `WITH b AS (SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) WITH ORDINALITY AS b(national_id, passport, worker_id, i))
       SELECT b.i, p.worker_id FROM b CROSS JOIN LATERAL (
           SELECT worker_id FROM person_index WHERE national_id = b.national_id AND merged_into IS NULL OFFSET 0) p
       UNION
       SELECT b.i, p.worker_id FROM b CROSS JOIN LATERAL (
           SELECT worker_id FROM person_index WHERE passport_number = b.passport AND merged_into IS NULL OFFSET 0) p
       UNION
       SELECT later.i, earlier.worker_id FROM b later JOIN b earlier ON earlier.national_id = later.national_id AND earlier.i < later.i
       UNION
       SELECT later.i, earlier.worker_id FROM b later JOIN b earlier ON earlier.passport = later.passport AND earlier.i < later.i`,
      [nationalIds, passports, people.map((p) => p.workerId)],
    );
    for (const r of byName.rows) found[Number(r.i) - 1]!.push({ workerId: r.worker_id, score: Math.round(r.score * 100) / 100 });
    for (const r of byDocument.rows) {
      const list = found[Number(r.i) - 1]!;
      const existing = list.findIndex((c) => c.workerId === r.worker_id);
      if (existing >= 0) list.splice(existing, 1);
      list.push({ workerId: r.worker_id, score: 1 });
    }
    return found.map((list) => list.sort((a, b) => b.score - a.score || a.workerId.localeCompare(b.workerId)).slice(0, 10));
  }

  /** Index rows for many new workers at once (bulk import), in the import's transaction. */
  async insertMany(
    client: PoolClient,
    workers: readonly { workerId: string; personalData: PersonalData; sex: Sex; originArea: string }[],
  ): Promise<void> {
    if (workers.length === 0) return;
    await client.query(
      `INSERT INTO person_index (worker_id, full_name, date_of_birth, sex, origin_area, national_id, passport_number)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [
        workers.map((w) => w.workerId),
        workers.map((w) => normaliseName(`${w.personalData.givenName} ${w.personalData.familyName}`)),
        workers.map((w) => w.personalData.dateOfBirth),
        workers.map((w) => w.sex),
        workers.map((w) => w.originArea),
        workers.map((w) => normaliseDocument(w.personalData.nationalId)),
        workers.map((w) => normaliseDocument(w.personalData.passportNumber)),
      ],
    );
  }

  /** Brings the worker's row in line with their state after a change, in the change's transaction. */
  async apply(client: PoolClient, workerId: string, state: WorkerState): Promise<void> {
    if (state.status === 'unregistered') return;
    const profile = state.profile;
    if (!profile.personalData) {
      // Erased (or never readable): nothing of the person stays searchable.
      await client.query('DELETE FROM person_index WHERE worker_id = $1', [workerId]);
      return;
    }
    const p = profile.personalData;
    await client.query(
      `INSERT INTO person_index (worker_id, full_name, date_of_birth, sex, origin_area, national_id, passport_number, merged_into)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (worker_id) DO UPDATE SET full_name = EXCLUDED.full_name, date_of_birth = EXCLUDED.date_of_birth, sex = EXCLUDED.sex,
         origin_area = EXCLUDED.origin_area, national_id = EXCLUDED.national_id, passport_number = EXCLUDED.passport_number,
         merged_into = EXCLUDED.merged_into`,
      [
        workerId,
        normaliseName(`${p.givenName} ${p.familyName}`),
        p.dateOfBirth,
        profile.sex,
        profile.originArea,
        normaliseDocument(p.nationalId),
        normaliseDocument(p.passportNumber),
        profile.mergedInto ?? null,
      ],
    );
  }

  /** Fuzzy search by name (optionally narrowed by birth date), or exact by national id or passport. */
  async search(query: SearchQuery): Promise<SearchHit[]> {
    const { rows } = await this.pool.query<{ worker_id: string; score: number; merged_into: string | null }>(
      `SELECT worker_id, merged_into,
              (CASE WHEN $1::text IS NULL THEN 1 ELSE similarity(full_name, $1) END)::float8 AS score
         FROM person_index
        WHERE ($1::text IS NULL OR full_name % $1)
          AND ($2::date IS NULL OR date_of_birth = $2)
          AND ($3::text IS NULL OR national_id = $3)
          AND ($4::text IS NULL OR passport_number = $4)
        ORDER BY score DESC, worker_id
        LIMIT $5`,
      [
        query.name ? normaliseName(query.name) : null,
        query.dateOfBirth ?? null,
        normaliseDocument(query.nationalId),
        normaliseDocument(query.passportNumber),
        query.limit,
      ],
    );
    return rows.map((r) => ({
      workerId: r.worker_id,
      score: Math.round(r.score * 100) / 100,
      ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
    }));
  }
}
