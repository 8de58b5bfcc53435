/**
 * The mission's tables, created in each build's schema. Nothing personal, not even the employers' names, which
 * travel sealed with the worker's key (docs/adr/0006).
 * A read model is not migrated: a build creates these tables whole in a fresh schema and projects the topic
 * from offset zero into them. A change here goes with a bump of MISSION_VIEW_VERSION, and the new version is
 * rebuilt while the old one serves (DATABASE.md beside the service).
 */
export const missionSchema: readonly string[] = [
  `CREATE TABLE stays (
     worker_id uuid NOT NULL,
     cycle_number integer NOT NULL,
     stage text NOT NULL CHECK (stage IN ('departed', 'arrived', 'returned')),
     departed_on date,
     arrived_on date,
     occupation_isco text,
     contract_start date,
     contract_end date,
     channel text,
     returned_on date,
     return_assistance text,
     return_reason text,
     without_recorded_departure boolean NOT NULL DEFAULT false,
     personal_data_erased boolean NOT NULL DEFAULT false,
     updated_at timestamptz NOT NULL,
     PRIMARY KEY (worker_id, cycle_number)
   )`,
  `CREATE INDEX stays_present ON stays (worker_id, cycle_number) WHERE stage <> 'returned'`,
  `CREATE INDEX stays_contract_end ON stays (contract_end) WHERE stage <> 'returned'`,
  `CREATE INDEX stays_returned_on ON stays (returned_on) WHERE stage = 'returned'`,
  `CREATE TABLE employment_changes (
     worker_id uuid NOT NULL,
     stream_version bigint NOT NULL,
     cycle_number integer NOT NULL,
     changed_on date NOT NULL,
     change text NOT NULL,
     occupation_isco text,
     contract_end date,
     PRIMARY KEY (worker_id, stream_version)
   )`,
  `CREATE TABLE incidents (
     incident_id uuid PRIMARY KEY,
     worker_id uuid NOT NULL,
     cycle_number integer NOT NULL,
     occurred_on date NOT NULL,
     kind text NOT NULL,
     fund_assistance_requested boolean NOT NULL
   )`,
  `CREATE INDEX incidents_by_stay ON incidents (worker_id, cycle_number)`,
  // Claims on the emergency fund whose incident happened in this country (issue 13). No case notes, no
  // rejection note, no appeal grounds. status: draft, filed, assessed, awaiting_second_approval, approved,
  // rejected, appealed, disbursed, closed.
  `CREATE TABLE fund_claims (
     claim_id text PRIMARY KEY,
     worker_id uuid NOT NULL,
     cycle_number integer,
     fund_id text NOT NULL,
     status text NOT NULL,
     filed_by text NOT NULL,
     benefit_type text NOT NULL,
     incident_kind text NOT NULL,
     incident_on date,
     filed_on date NOT NULL,
     submitted_on date,
     documents_required text[] NOT NULL DEFAULT '{}',
     documents_attached text[] NOT NULL DEFAULT '{}',
     policy_version integer,
     approved_minor bigint,
     approved_currency text,
     approved_on date,
     rejection_reasons text[],
     rejected_on date,
     paid_minor bigint,
     paid_currency text,
     paid_on date,
     closed_on date,
     outcome text
   )`,
  `CREATE INDEX fund_claims_by_status ON fund_claims (status, filed_on)`,
];
