import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * The matching engine's projection: one row per seeker with the columns the ranking SQL reads (occupations
 * as ltree paths, certified units and claimed ESCO skills and languages as intarray sets through a
 * dictionary, experience months per ISCO unit group as two parallel arrays, area and jurisdiction) and, in a table
 * apart so that the ranking's scan stays narrow, the folded profile itself (jsonb) that the explanations are
 * computed from; the competency standards' latest
 * versions; the vacancies as posted. Sex sits in the seeker row for the fairness audit's pool counts and is
 * read by no score (the score expression never names the column; a test flips it).
 */
export const migration: Migration = {
  id: '0100_matching_profiles',
  sql: `
    CREATE EXTENSION IF NOT EXISTS ltree;
    CREATE EXTENSION IF NOT EXISTS intarray;

    -- Dictionary of the terms held as int[] (intarray sets): units ("unit", "<standardId>/<unitCode>"),
    -- ESCO skill URIs ("esco") and ISO 639-1 languages ("language").
    CREATE TABLE matching_terms (
      term_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL,
      term text NOT NULL,
      UNIQUE (kind, term)
    );

    CREATE TABLE matching_seekers (
      worker_id text PRIMARY KEY,
      active boolean NOT NULL DEFAULT false,
      -- ISO 3166-1 alpha-2 of the registry that holds the worker: the jurisdiction filter.
      origin_country text NOT NULL DEFAULT '',
      origin_area text,
      areas text[] NOT NULL DEFAULT '{}',
      relocate boolean NOT NULL DEFAULT false,
      occupations ltree[] NOT NULL DEFAULT '{}',
      exp_isco text[] NOT NULL DEFAULT '{}',
      exp_months integer[] NOT NULL DEFAULT '{}',
      certified integer[] NOT NULL DEFAULT '{}',
      claimed integer[] NOT NULL DEFAULT '{}',
      languages integer[] NOT NULL DEFAULT '{}',
      -- For the fairness audit only: F, M, O, U.
      sex char(1) NOT NULL DEFAULT 'U',
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    -- The folded profile, apart: the ranking scans the narrow rows above and reads only the top k's profiles.
    CREATE TABLE matching_seeker_profiles (
      worker_id text PRIMARY KEY,
      profile jsonb NOT NULL
    );
    -- The eligible pool of a vacancy: active seekers of one jurisdiction in the vacancy's area, preferring it,
    -- or willing to relocate.
    CREATE INDEX matching_seekers_by_area ON matching_seekers (origin_country, origin_area) WHERE active;
    CREATE INDEX matching_seekers_relocating ON matching_seekers (origin_country) WHERE active AND relocate;
    CREATE INDEX matching_seekers_areas ON matching_seekers USING gin (areas) WHERE active;
    CREATE INDEX matching_seekers_occupations ON matching_seekers USING gist (occupations);
    CREATE INDEX matching_seekers_certified ON matching_seekers USING gin (certified gin__int_ops);
    CREATE INDEX matching_seekers_claimed ON matching_seekers USING gin (claimed gin__int_ops);

    -- The eligible pool's size by sex, kept by triggers, so that the fairness audit's denominator costs a
    -- lookup and not a second scan of the pool: an active seeker counts under 'relocate' when willing to
    -- move, else under 'area:<code>' for each distinct area of origin_area and areas. The pool of a vacancy
    -- in L is then 'relocate' + 'area:L' — exactly the ranking's WHERE clause.
    CREATE TABLE matching_pool_counts (
      origin_country text NOT NULL,
      reach text NOT NULL,
      sex char(1) NOT NULL,
      seekers bigint NOT NULL,
      PRIMARY KEY (origin_country, reach, sex)
    );
    CREATE FUNCTION matching_pool_reach(active boolean, relocate boolean, origin_area text, areas text[]) RETURNS text[]
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN NOT active THEN '{}'::text[]
                    WHEN relocate THEN ARRAY['relocate']
                    ELSE ARRAY(SELECT DISTINCT 'area:' || a FROM unnest(array_append(areas, origin_area)) a WHERE a IS NOT NULL ORDER BY 1)
               END
      $$;
    CREATE FUNCTION matching_pool_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          UPDATE matching_pool_counts c SET seekers = c.seekers - 1
           WHERE c.origin_country = OLD.origin_country AND c.sex = OLD.sex
             AND c.reach = ANY (matching_pool_reach(OLD.active, OLD.relocate, OLD.origin_area, OLD.areas));
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          INSERT INTO matching_pool_counts (origin_country, reach, sex, seekers)
          SELECT NEW.origin_country, r, NEW.sex, 1 FROM unnest(matching_pool_reach(NEW.active, NEW.relocate, NEW.origin_area, NEW.areas)) r ORDER BY r
          ON CONFLICT (origin_country, reach, sex) DO UPDATE SET seekers = matching_pool_counts.seekers + 1;
        END IF;
        RETURN NULL;
      END
    $$;
    CREATE TRIGGER matching_pool_count_rows AFTER INSERT OR DELETE ON matching_seekers
      FOR EACH ROW EXECUTE FUNCTION matching_pool_count();
    CREATE TRIGGER matching_pool_count_changes AFTER UPDATE ON matching_seekers
      FOR EACH ROW
      WHEN ((OLD.active, OLD.relocate, OLD.origin_area, OLD.areas, OLD.sex, OLD.origin_country)
            IS DISTINCT FROM (NEW.active, NEW.relocate, NEW.origin_area, NEW.areas, NEW.sex, NEW.origin_country))
      EXECUTE FUNCTION matching_pool_count();

    CREATE TABLE matching_standards (
      standard_id text PRIMARY KEY,
      version integer NOT NULL,
      record jsonb NOT NULL
    );

    CREATE TABLE matching_vacancies (
      vacancy_id text PRIMARY KEY,
      employer_id text NOT NULL,
      origin_country text NOT NULL DEFAULT '',
      location text NOT NULL,
      open boolean NOT NULL,
      profile jsonb NOT NULL
    );
    CREATE INDEX matching_vacancies_open ON matching_vacancies (origin_country, location) WHERE open;
  `,
};

export const matchingMigrations: readonly Migration[] = [migration];
