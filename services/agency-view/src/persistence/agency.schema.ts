/**
 * The agency view's tables, created in each build's schema. A read model is not migrated: a build creates
 * these tables whole in a fresh schema and projects every topic from offset zero into them. A change here
 * goes with a bump of AGENCY_VIEW_VERSION, and the new version is rebuilt while the old one serves
 * (DATABASE.md beside the service).
 */
export const agencySchema: readonly string[] = [
  `CREATE TABLE workers (
     worker_id uuid PRIMARY KEY,
     registered_on date,
     sex text NOT NULL,
     birth_year integer NOT NULL,
     origin_area text NOT NULL,
     education_isced integer,
     languages text[] NOT NULL DEFAULT '{}',
     status text NOT NULL DEFAULT 'at_home' CHECK (status IN ('at_home', 'abroad', 'returned')),
     cycles integer NOT NULL DEFAULT 0,
     current_destination text,
     destinations text[] NOT NULL DEFAULT '{}',
     -- ISCO-08 codes of every cycle with all their prefixes, so that a major group matches its unit groups.
     occupation_codes text[] NOT NULL DEFAULT '{}',
     last_returned_on date,
     possible_duplicates uuid[] NOT NULL DEFAULT '{}',
     merged_into uuid,
     personal_data_erased boolean NOT NULL DEFAULT false,
     erased_on date,
     updated_at timestamptz NOT NULL
   )`,
  `CREATE INDEX workers_by_origin ON workers (origin_area, worker_id)`,
  `CREATE INDEX workers_by_status ON workers (status, worker_id)`,
  `CREATE INDEX workers_by_destination ON workers USING gin (destinations)`,
  `CREATE INDEX workers_by_occupation ON workers USING gin (occupation_codes)`,
  `CREATE TABLE cycles (
     worker_id uuid NOT NULL,
     cycle_number integer NOT NULL,
     destination_country text,
     departed_on date,
     employer_name text,
     occupation_isco text,
     contract_start date,
     contract_end date,
     recruitment_agency text,
     channel text,
     arrived_on date,
     returned_on date,
     from_country text,
     return_assistance text,
     return_reason text,
     without_recorded_departure boolean NOT NULL DEFAULT false,
     needs_assessed_on date,
     first_referral_on date,
     PRIMARY KEY (worker_id, cycle_number)
   )`,
  `CREATE INDEX cycles_waiting ON cycles (returned_on, worker_id) WHERE returned_on IS NOT NULL AND first_referral_on IS NULL`,
  `CREATE TABLE timeline (
     event_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     source text NOT NULL,
     type text NOT NULL,
     stream_id text NOT NULL,
     stream_version bigint NOT NULL,
     cycle_number integer,
     occurred_on date NOT NULL,
     recorded_at timestamptz NOT NULL,
     details jsonb NOT NULL
   )`,
  `CREATE INDEX timeline_by_worker ON timeline (worker_id, occurred_on, recorded_at, stream_version)`,
  // Who each worker is, from the registration directory; deleted on erasure. The keys are @homeward/names':
  // the normalised name and its transliteration skeleton (trigram-indexed), documents without punctuation.
  `CREATE TABLE identities (
     worker_id uuid PRIMARY KEY,
     stream_version bigint NOT NULL,
     given_name text NOT NULL,
     family_name text NOT NULL,
     date_of_birth date NOT NULL,
     national_id text,
     passport_number text,
     name_key text NOT NULL,
     name_skeleton text NOT NULL,
     national_id_key text,
     passport_key text
   )`,
  `CREATE INDEX identities_by_name ON identities USING gin (name_key gin_trgm_ops)`,
  `CREATE INDEX identities_by_skeleton ON identities USING gin (name_skeleton gin_trgm_ops)`,
  `CREATE INDEX identities_by_national_id ON identities (national_id_key) WHERE national_id_key IS NOT NULL`,
  `CREATE INDEX identities_by_passport ON identities (passport_key) WHERE passport_key IS NOT NULL`,
  `CREATE INDEX identities_by_birth ON identities (date_of_birth)`,
  // The employer each departure or change of employer named, from the registration directory (docs/adr/0006);
  // deleted on erasure. The stream version is the worker's, of that event.
  `CREATE TABLE employers (
     worker_id uuid NOT NULL,
     stream_version bigint NOT NULL,
     cycle_number integer NOT NULL,
     employer_name text NOT NULL,
     PRIMARY KEY (worker_id, stream_version)
   )`,
  // From the skills topic (issue 11). Nothing sealed is kept (assessors' remarks, counselling notes, evidence
  // descriptions): the read model cannot open it. Kept on erasure, like the cycles: the facts of assessments
  // and certificates name no one (a certificate number still verifies after an erasure).
  `CREATE TABLE skills_assessments (
     assessment_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     reassessment boolean NOT NULL,
     standard_id text NOT NULL,
     standard_version integer NOT NULL,
     centre_id text NOT NULL,
     assessor_id text NOT NULL,
     assessed_on date NOT NULL,
     method text NOT NULL,
     units_competent text[] NOT NULL,
     units_not_yet_competent text[] NOT NULL
   )`,
  `CREATE INDEX skills_assessments_by_worker ON skills_assessments (worker_id, assessed_on)`,
  `CREATE TABLE skills_gap_training (
     referral_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     standard_id text NOT NULL,
     unit_codes text[] NOT NULL,
     provider text NOT NULL,
     referred_on date NOT NULL,
     completed_on date
   )`,
  `CREATE INDEX skills_gap_training_by_worker ON skills_gap_training (worker_id, referred_on)`,
  // status: active, suspended, revoked or superseded as the events say; "expired" is read from expires_on.
  `CREATE TABLE skills_certificates (
     certificate_number text PRIMARY KEY,
     worker_id uuid NOT NULL,
     kind text NOT NULL,
     standard_id text NOT NULL,
     standard_version integer NOT NULL,
     unit_codes text[] NOT NULL,
     issuing_body text NOT NULL,
     issued_on date NOT NULL,
     expires_on date,
     status text NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'superseded')),
     status_on date,
     status_reason text,
     superseded_by text
   )`,
  `CREATE INDEX skills_certificates_by_worker ON skills_certificates (worker_id, issued_on)`,
  // Reference data the profile names standards and centres by; about no worker.
  `CREATE TABLE skills_standards (
     standard_id text NOT NULL,
     version integer NOT NULL,
     title text NOT NULL,
     occupation_isco text NOT NULL,
     level integer NOT NULL,
     units jsonb NOT NULL,
     PRIMARY KEY (standard_id, version)
   )`,
  `CREATE TABLE skills_centres (
     centre_id text PRIMARY KEY,
     name text NOT NULL,
     subdivision text NOT NULL
   )`,
  // From the employment topic (issue 12). Kept on erasure, like the skills rows: they name no one (the worker
  // id is pseudonymous, an employer is an organisation). A placement is in `employment_placements`; whether a
  // returnee is placed is read from it by the queries (`cycles` holds no copy).
  // Reference data: the vacancies referrals are for, about no worker. status: open, closed, filled, withdrawn.
  `CREATE TABLE employment_vacancies (
     vacancy_id uuid PRIMARY KEY,
     employer_id text NOT NULL,
     posted_by text NOT NULL,
     title text NOT NULL,
     occupation_isco text NOT NULL,
     location text NOT NULL,
     wage_minor bigint,
     wage_currency text,
     openings integer NOT NULL,
     posted_on date NOT NULL,
     closing_on date NOT NULL,
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'filled', 'withdrawn')),
     status_on date,
     status_reason text
   )`,
  // A returnee as a job seeker: one row per worker, with the latest registration and preferences.
  `CREATE TABLE employment_seekers (
     worker_id uuid PRIMARY KEY,
     status text NOT NULL CHECK (status IN ('seeking', 'left')),
     registered_on date NOT NULL,
     basis text NOT NULL,
     cycle_number integer,
     returned_on date,
     occupations text[] NOT NULL DEFAULT '{}',
     areas text[] NOT NULL DEFAULT '{}',
     willing_to_relocate boolean,
     available_from date,
     preferences_set_on date,
     left_on date,
     left_reason text
   )`,
  // status: open (referred), closed (ended without a hire), hired (a placement in employment_placements).
  `CREATE TABLE employment_referrals (
     referral_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     vacancy_id uuid NOT NULL,
     employer_id text NOT NULL,
     referred_on date NOT NULL,
     weights_version text NOT NULL,
     score_milli bigint NOT NULL,
     factors jsonb NOT NULL,
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'hired')),
     interviewed_on date,
     interview_outcome text,
     closed_on date,
     close_reason text
   )`,
  `CREATE INDEX employment_referrals_by_worker ON employment_referrals (worker_id, referred_on)`,
  `CREATE TABLE employment_placements (
     referral_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     vacancy_id uuid NOT NULL,
     hired_on date NOT NULL,
     starts_on date NOT NULL,
     contract_type text NOT NULL,
     wage_minor bigint,
     wage_currency text,
     occupation_isco text NOT NULL,
     ended_on date,
     end_reason text
   )`,
  `CREATE INDEX employment_placements_by_worker ON employment_placements (worker_id, hired_on)`,
  // From the fund topic (issue 13): a worker's claims, one row per claim, as the fund decided and paid them.
  // No case notes, rejection notes or appeal grounds (free text): those are read from the fund service with
  // its dedicated scope, every read audited. Kept on erasure: the row names no one (pseudonymous worker id).
  // `version` is the claim stream's last version applied: a redelivered event changes nothing.
  // status: draft, filed, assessed, awaiting_second_approval, approved, rejected, appealed, disbursed, closed.
  `CREATE TABLE fund_claims (
     claim_id text PRIMARY KEY,
     worker_id uuid NOT NULL,
     version bigint NOT NULL,
     fund_id text NOT NULL,
     status text NOT NULL,
     filed_by text NOT NULL,
     benefit_type text NOT NULL,
     incident_kind text NOT NULL,
     incident_on date,
     destination_country text,
     cycle_number integer,
     filed_on date NOT NULL,
     submitted_on date,
     requested_minor bigint,
     requested_currency text,
     grade text,
     documents_required text[] NOT NULL DEFAULT '{}',
     documents_attached text[] NOT NULL DEFAULT '{}',
     policy_version integer,
     decision jsonb,
     approvals jsonb NOT NULL DEFAULT '[]',
     approved_minor bigint,
     approved_currency text,
     approved_on date,
     rejection_reasons text[],
     rejected_on date,
     appealed_on date,
     paid_minor bigint,
     paid_currency text,
     paid_on date,
     reconciled_on date,
     voided_on date,
     void_reason text,
     closed_on date,
     outcome text
   )`,
  `CREATE INDEX fund_claims_by_worker ON fund_claims (worker_id, filed_on)`,
];
