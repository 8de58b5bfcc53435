import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * What the write side keeps beside its event streams, each written in the transaction of the events it
 * follows (so that it is never behind them): the vacancies' index (listing and paging, and the row a hire
 * locks to count the vacancy's hires), the referrals' read model an employer reads (with the uniqueness of a
 * live referral of one seeker to one vacancy), and the published competency standards a vacancy may
 * require, as skills-certification's topic tells them (filled by the matching engine's consumer of that
 * topic; see README).
 */
export const migration: Migration = {
  id: '0001_employment_tables',
  sql: `
    CREATE TABLE vacancies (
      vacancy_id text PRIMARY KEY,
      employer_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'closed', 'filled', 'withdrawn')),
      title text NOT NULL,
      occupation_isco text NOT NULL,
      location text NOT NULL,
      openings integer NOT NULL,
      hires integer NOT NULL DEFAULT 0,
      closing_on date NOT NULL,
      posted_on date NOT NULL
    );
    CREATE INDEX vacancies_by_employer ON vacancies (employer_id, vacancy_id);

    CREATE TABLE referrals (
      referral_id text PRIMARY KEY,
      vacancy_id text NOT NULL,
      worker_id text NOT NULL,
      employer_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('referred', 'closed', 'hired', 'placement_ended')),
      referred_on date NOT NULL,
      weights_version text NOT NULL,
      score_milli bigint NOT NULL,
      interviews jsonb NOT NULL DEFAULT '[]',
      closed jsonb,
      hire jsonb,
      placement_ended jsonb
    );
    CREATE INDEX referrals_by_vacancy ON referrals (vacancy_id, referral_id);
    -- One live referral (not closed; a hire stays live) of a seeker to a vacancy: two officers referring the
    -- same seeker at once cannot both succeed.
    CREATE UNIQUE INDEX referrals_one_live ON referrals (vacancy_id, worker_id) WHERE status IN ('referred', 'hired');

    CREATE TABLE known_standards (
      standard_id text PRIMARY KEY,
      version integer NOT NULL,
      withdrawn boolean NOT NULL DEFAULT false,
      unit_codes text[] NOT NULL
    );
  `,
};
