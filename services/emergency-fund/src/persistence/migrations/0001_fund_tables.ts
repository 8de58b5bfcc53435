import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * What the write side keeps beside its event streams, each written in the transaction of the events it
 * follows (never behind them): the policy versions by effective date (to find the version in force on an
 * incident date), the claims' index (listing by worker and by mission country, and the one draft per welfare
 * incident), what registration's topic told of workers' cycles (departure and return dates, destination: the
 * time limits' inputs), and the audit of every read of case notes.
 */
export const migration: Migration = {
  id: '0001_fund_tables',
  sql: `
    CREATE TABLE fund_policies (
      fund_id text NOT NULL,
      version integer NOT NULL CHECK (version >= 1),
      effective_from date NOT NULL,
      policy jsonb NOT NULL,
      PRIMARY KEY (fund_id, version),
      UNIQUE (fund_id, effective_from)
    );

    CREATE TABLE claims (
      claim_id text PRIMARY KEY,
      worker_id text NOT NULL,
      fund_id text NOT NULL,
      status text NOT NULL,
      benefit_type text NOT NULL,
      incident_kind text NOT NULL,
      incident_on date NOT NULL,
      filed_on date NOT NULL,
      destination_country text NOT NULL,
      -- registration's WelfareIncidentRecorded that opened it: a redelivery opens no second draft.
      source_event_id text UNIQUE,
      approved_minor bigint,
      currency text NOT NULL
    );
    CREATE INDEX claims_by_worker ON claims (worker_id, claim_id);
    CREATE INDEX claims_by_country ON claims (destination_country, claim_id);

    CREATE TABLE worker_cycles (
      worker_id text NOT NULL,
      cycle_number integer NOT NULL,
      destination_country text,
      departed_on date,
      returned_on date,
      PRIMARY KEY (worker_id, cycle_number)
    );

    CREATE TABLE case_note_reads (
      read_id bigserial PRIMARY KEY,
      claim_id text NOT NULL,
      worker_id text NOT NULL,
      read_by_subject text NOT NULL,
      read_by_organisation text NOT NULL,
      read_at timestamptz NOT NULL,
      notes_opened integer NOT NULL,
      erased boolean NOT NULL
    );
    CREATE INDEX case_note_reads_by_claim ON case_note_reads (claim_id, read_at);
  `,
};
