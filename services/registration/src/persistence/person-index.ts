import type { Pool, PoolClient } from 'pg';
import type { Migration } from '@homeward/pg-kit/migrations';
import type { PersonalData, Sex } from '../domain/worker/worker.events';
import type { WorkerState } from '../domain/worker/worker.state';

/**
 * The registry's search index of people: normalised names, date of birth and document numbers, kept in
 * the transaction of every change that touches them, and deleted on erasure. The event log holds personal
 * data only sealed; this table is the one place it is searchable, and it is mutable on purpose.
 */
export const personIndexMigrations: readonly Migration[] = [
  {
    id: '0004_person_index',
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE TABLE person_index (
        worker_id uuid PRIMARY KEY,
        full_name text NOT NULL,
        date_of_birth date NOT NULL,
        sex text NOT NULL,
        origin_area text NOT NULL,
        national_id text,
        passport_number text,
        merged_into uuid
      );
      CREATE INDEX person_index_name ON person_index USING gin (full_name gin_trgm_ops);
      CREATE INDEX person_index_birth ON person_index (date_of_birth);
      CREATE INDEX person_index_national_id ON person_index (national_id) WHERE national_id IS NOT NULL;
      CREATE INDEX person_index_passport ON person_index (passport_number) WHERE passport_number IS NOT NULL;
    `,
  },
];

/** Lower case, no diacritics, no punctuation, single spaces: "José  María Dela-Cruz" → "jose maria dela cruz". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Document numbers compare without spaces, dashes or case. */
export function normaliseDocument(value: string | undefined): string | null {
  const cleaned = value?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return cleaned ? cleaned : null;
}

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
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`person-index:${p.dateOfBirth}`]);
    const { rows } = await client.query<{ worker_id: string; score: number }>(
      `SELECT worker_id,
              least(1, CASE
                WHEN national_id = $4 OR passport_number = $5 THEN 1
                ELSE similarity(full_name, $1) + CASE WHEN sex = $3 THEN 0.1 ELSE 0 END + CASE WHEN origin_area = $6 THEN 0.1 ELSE 0 END
              END)::float8 AS score
         FROM person_index
        WHERE merged_into IS NULL
          AND ((date_of_birth = $2::date AND similarity(full_name, $1) >= $7) OR national_id = $4 OR passport_number = $5)
        ORDER BY score DESC, worker_id
        LIMIT 10`,
      [
        normaliseName(`${p.givenName} ${p.familyName}`),
        p.dateOfBirth,
        person.sex,
        normaliseDocument(p.nationalId),
        normaliseDocument(p.passportNumber),
        person.originArea,
        DUPLICATE_NAME_SIMILARITY,
      ],
    );
    return rows.map((r) => ({ workerId: r.worker_id, score: Math.round(r.score * 100) / 100 }));
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
