import type { PoolClient } from 'pg';
import { taggedSource, type ProjectionDefinition } from '@homeward/projections';
import { fundSource, type FundFact } from '@homeward/projections/fund';
import { registrationSource, type RegistrationFact } from '@homeward/projections/registration';
import { fundClaimChanges, fundRelevance, type ClaimFact, type MissionClaimChange } from './mission-fund.projection';
import { assertNever } from '@homeward/assert-never';
import { MISSION_VIEW_VERSION, missionChanges, missionRelevance, type MissionChange } from './mission.projection';
import { missionSchema } from '../persistence/mission.schema';

/** Whether the worker's personal data was erased: a stay opened later is marked so too. */
const ERASED = `(SELECT coalesce(bool_or(personal_data_erased), false) FROM stays WHERE worker_id = $1)`;

type StayChange = Extract<MissionChange, { kind: 'stay-opened' | 'arrived' | 'returned' }>;
const ERASED_ROW = `coalesce((SELECT bool_or(personal_data_erased) FROM stays s WHERE s.worker_id = r.worker_id), false)`;

/** The last change per stay: what a run of upserts of one kind leaves behind, in one statement. */
function lastPerStay<C extends StayChange>(run: readonly C[]): C[] {
  const last = new Map<string, C>();
  for (const c of run) {
    const key = `${c.workerId}/${c.cycleNumber}`;
    last.delete(key);
    last.set(key, c);
  }
  return [...last.values()];
}

/** A run of departures, arrivals or returns (the bulk of a mission's events), written in one statement. */
async function writeStayRun(tx: PoolClient, run: readonly StayChange[]): Promise<void> {
  const kind = run[0]!.kind;
  if (kind === 'stay-opened') {
    const rows = lastPerStay(run as Extract<StayChange, { kind: 'stay-opened' }>[]);
    await tx.query(
      `INSERT INTO stays (worker_id, cycle_number, stage, departed_on, occupation_isco, contract_start, contract_end,
                          channel, personal_data_erased, updated_at)
       SELECT r.worker_id, r.cycle_number, 'departed', r.departed_on,
              r.occupation_isco, nullif(r.contract_start, '')::date, nullif(r.contract_end, '')::date, r.channel, ${ERASED_ROW}, r.at
         FROM unnest($1::uuid[], $2::int[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
           AS r(worker_id, cycle_number, departed_on, occupation_isco, contract_start, contract_end, channel, at)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET departed_on = EXCLUDED.departed_on,
         occupation_isco = EXCLUDED.occupation_isco, contract_start = EXCLUDED.contract_start, contract_end = EXCLUDED.contract_end,
         channel = EXCLUDED.channel, updated_at = EXCLUDED.updated_at`,
      [
        rows.map((c) => c.workerId),
        rows.map((c) => c.cycleNumber),
        rows.map((c) => c.departedOn),
        rows.map((c) => c.occupationIsco),
        rows.map((c) => c.contractStart),
        rows.map((c) => c.contractEnd),
        rows.map((c) => c.channel),
        rows.map((c) => c.at),
      ],
    );
  } else if (kind === 'arrived') {
    const rows = lastPerStay(run as Extract<StayChange, { kind: 'arrived' }>[]);
    await tx.query(
      `INSERT INTO stays (worker_id, cycle_number, stage, arrived_on, personal_data_erased, updated_at)
       SELECT r.worker_id, r.cycle_number, 'arrived', r.arrived_on, ${ERASED_ROW}, r.at
         FROM unnest($1::uuid[], $2::int[], $3::date[], $4::timestamptz[]) AS r(worker_id, cycle_number, arrived_on, at)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET arrived_on = EXCLUDED.arrived_on,
         stage = CASE WHEN stays.stage = 'returned' THEN 'returned' ELSE 'arrived' END, updated_at = EXCLUDED.updated_at`,
      [rows.map((c) => c.workerId), rows.map((c) => c.cycleNumber), rows.map((c) => c.arrivedOn), rows.map((c) => c.at)],
    );
  } else {
    const rows = lastPerStay(run as Extract<StayChange, { kind: 'returned' }>[]);
    await tx.query(
      `INSERT INTO stays (worker_id, cycle_number, stage, returned_on, return_assistance, return_reason, without_recorded_departure,
                          personal_data_erased, updated_at)
       SELECT r.worker_id, r.cycle_number, 'returned', r.returned_on, r.assistance, r.reason, r.without, ${ERASED_ROW}, r.at
         FROM unnest($1::uuid[], $2::int[], $3::date[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[])
           AS r(worker_id, cycle_number, returned_on, assistance, reason, without, at)
       ON CONFLICT (worker_id, cycle_number) DO UPDATE SET stage = 'returned', returned_on = EXCLUDED.returned_on,
         return_assistance = EXCLUDED.return_assistance, return_reason = EXCLUDED.return_reason,
         without_recorded_departure = EXCLUDED.without_recorded_departure, updated_at = EXCLUDED.updated_at`,
      [
        rows.map((c) => c.workerId),
        rows.map((c) => c.cycleNumber),
        rows.map((c) => c.returnedOn),
        rows.map((c) => c.assistance),
        rows.map((c) => c.reason),
        rows.map((c) => c.withoutRecordedDeparture),
        rows.map((c) => c.at),
      ],
    );
  }
}

const isStayChange = (c: MissionChange): c is StayChange => c.kind === 'stay-opened' || c.kind === 'arrived' || c.kind === 'returned';

/**
 * Writes row changes in order. Consecutive departures, arrivals or returns (of one kind) go in one
 * statement each; everything else one statement per change. Each statement is idempotent on its own key,
 * though the machinery already deduplicates.
 */
export async function writeMissionChanges(tx: PoolClient, changes: readonly MissionChange[]): Promise<void> {
  for (let i = 0; i < changes.length;) {
    const first = changes[i]!;
    if (isStayChange(first)) {
      let end = i + 1;
      while (end < changes.length && changes[end]!.kind === first.kind) end++;
      if (end - i > 1) {
        await writeStayRun(tx, changes.slice(i, end) as StayChange[]);
        i = end;
        continue;
      }
    }
    await writeOne(tx, first);
    i++;
  }
}

async function writeOne(tx: PoolClient, c: MissionChange): Promise<void> {
  switch (c.kind) {
    case 'stay-opened':
      await tx.query(
        `INSERT INTO stays (worker_id, cycle_number, stage, departed_on, occupation_isco, contract_start, contract_end,
                              channel, personal_data_erased, updated_at)
           SELECT $1, $2, 'departed', $3::date, $4, nullif($5, '')::date, nullif($6, '')::date, $7, e, $8
             FROM ${ERASED} AS erased(e)
           ON CONFLICT (worker_id, cycle_number) DO UPDATE SET departed_on = EXCLUDED.departed_on,
             occupation_isco = EXCLUDED.occupation_isco, contract_start = EXCLUDED.contract_start, contract_end = EXCLUDED.contract_end,
             channel = EXCLUDED.channel, updated_at = EXCLUDED.updated_at`,
        [c.workerId, c.cycleNumber, c.departedOn, c.occupationIsco, c.contractStart, c.contractEnd, c.channel, c.at],
      );
      break;
    case 'arrived':
      await tx.query(
        `INSERT INTO stays (worker_id, cycle_number, stage, arrived_on, personal_data_erased, updated_at)
           SELECT $1, $2, 'arrived', $3::date, e, $4 FROM ${ERASED} AS erased(e)
           ON CONFLICT (worker_id, cycle_number) DO UPDATE SET arrived_on = EXCLUDED.arrived_on,
             stage = CASE WHEN stays.stage = 'returned' THEN 'returned' ELSE 'arrived' END, updated_at = EXCLUDED.updated_at`,
        [c.workerId, c.cycleNumber, c.arrivedOn, c.at],
      );
      break;
    case 'employment-changed':
      await tx.query(
        `INSERT INTO employment_changes (worker_id, stream_version, cycle_number, changed_on, change, occupation_isco, contract_end)
           VALUES ($1, $2, $3, $4::date, $5, $6, $7::date)
           ON CONFLICT DO NOTHING`,
        [c.workerId, c.streamVersion, c.cycleNumber, c.changedOn, c.change, c.occupationIsco ?? null, c.contractEnd ?? null],
      );
      await tx.query(
        `UPDATE stays SET occupation_isco = coalesce($3, occupation_isco), contract_end = coalesce($4::date, contract_end), updated_at = $5
            WHERE worker_id = $1 AND cycle_number = $2`,
        [c.workerId, c.cycleNumber, c.occupationIsco ?? null, c.contractEnd ?? null, c.at],
      );
      break;
    case 'incident-recorded':
      await tx.query(
        `INSERT INTO incidents (incident_id, worker_id, cycle_number, occurred_on, kind, fund_assistance_requested)
           VALUES ($1, $2, $3, $4::date, $5, $6) ON CONFLICT (incident_id) DO NOTHING`,
        [c.incidentId, c.workerId, c.cycleNumber, c.occurredOn, c.incidentKind, c.fundAssistanceRequested],
      );
      break;
    case 'returned':
      await tx.query(
        `INSERT INTO stays (worker_id, cycle_number, stage, returned_on, return_assistance, return_reason, without_recorded_departure,
                              personal_data_erased, updated_at)
           SELECT $1, $2, 'returned', $3::date, $4, $5, $6, e, $7 FROM ${ERASED} AS erased(e)
           ON CONFLICT (worker_id, cycle_number) DO UPDATE SET stage = 'returned', returned_on = EXCLUDED.returned_on,
             return_assistance = EXCLUDED.return_assistance, return_reason = EXCLUDED.return_reason,
             without_recorded_departure = EXCLUDED.without_recorded_departure, updated_at = EXCLUDED.updated_at`,
        [c.workerId, c.cycleNumber, c.returnedOn, c.assistance, c.reason, c.withoutRecordedDeparture, c.at],
      );
      break;
    case 'personal-data-erased':
      await tx.query(`UPDATE stays SET personal_data_erased = true WHERE worker_id = $1`, [c.workerId]);
      break;
    default:
      assertNever(c, 'change');
  }
}

/** A claim's row, changed by one fact of its stream (the machinery applies each stream's events once, in order). */
async function writeClaim(tx: PoolClient, fact: ClaimFact): Promise<void> {
  const update = (set: string, values: readonly unknown[]) =>
    tx.query(`UPDATE fund_claims SET ${set} WHERE claim_id = $1`, [fact.data.claimId, ...values]);
  switch (fact.type) {
    case 'ClaimFiled': {
      const d = fact.data;
      await tx.query(
        `INSERT INTO fund_claims (claim_id, worker_id, cycle_number, fund_id, status, filed_by, benefit_type, incident_kind, incident_on,
                                  filed_on, documents_required)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10::date, $11) ON CONFLICT (claim_id) DO NOTHING`,
        [
          d.claimId,
          d.workerId,
          d.cycleNumber ?? null,
          d.fundId,
          d.draft ? 'draft' : 'filed',
          d.filedBy,
          d.benefitType,
          d.incidentKind,
          d.incidentOn === '' ? null : d.incidentOn,
          d.filedOn,
          d.documentsRequired,
        ],
      );
      return;
    }
    case 'ClaimSubmitted':
      await update(`status = 'filed', submitted_on = $2::date, benefit_type = CASE WHEN $3 = 'unspecified' THEN benefit_type ELSE $3 END`, [
        fact.data.submittedOn,
        fact.data.benefitType,
      ]);
      return;
    case 'DocumentAttached':
      await update(`documents_attached = array_append(documents_attached, $2)`, [fact.data.documentType]);
      return;
    case 'EligibilityAssessed':
      await update(`status = 'assessed', policy_version = $2`, [fact.data.policyVersion]);
      return;
    case 'ClaimApproved': {
      const d = fact.data;
      await update(
        d.final
          ? `status = 'approved', approved_minor = $2, approved_currency = $3, approved_on = $4::date`
          : `status = 'awaiting_second_approval'`,
        d.final ? [d.amount?.amountMinor ?? null, d.amount?.currency ?? null, d.approvedOn] : [],
      );
      return;
    }
    case 'ClaimRejected':
      await update(`status = 'rejected', rejection_reasons = $2, rejected_on = $3::date`, [fact.data.reasonCodes, fact.data.rejectedOn]);
      return;
    case 'ClaimAppealed':
      await update(`status = 'appealed'`, []);
      return;
    case 'DisbursementMade':
      await update(`status = 'disbursed', paid_minor = coalesce(paid_minor, 0) + $2, paid_currency = $3, paid_on = $4::date`, [
        fact.data.amount?.amountMinor ?? 0,
        fact.data.amount?.currency ?? null,
        fact.data.disbursedOn,
      ]);
      return;
    case 'PaymentReconciled':
      // The claim's status as the fund says it (`reconciled`: the payment matched with the provider's statement);
      // the statement and its amounts stay the fund's business.
      await update(`status = 'reconciled'`, []);
      return;
    case 'ReservationVoided':
      // The ledger's business: a mission sees that the claim was paid, not how it was booked.
      return;
    case 'ClaimClosed':
      await update(`status = 'closed', closed_on = $2::date, outcome = $3`, [fact.data.closedOn, fact.data.outcome]);
      return;
    default:
      assertNever(fact, 'fund fact');
  }
}

/** What a mission view reads: registration's topic and the fund topic, each fact tagged with its source. */
export type MissionEvent =
  { readonly source: 'registration'; readonly fact: RegistrationFact } | { readonly source: 'fund'; readonly fact: FundFact };

const changesOf = (event: MissionEvent): (MissionChange | MissionClaimChange)[] =>
  event.source === 'registration' ? missionChanges(event.fact) : fundClaimChanges(event.fact);

async function writeAll(tx: PoolClient, changes: readonly (MissionChange | MissionClaimChange)[]): Promise<void> {
  let run: MissionChange[] = [];
  for (const c of changes) {
    if (c.kind === 'claim') {
      await writeMissionChanges(tx, run);
      run = [];
      await writeClaim(tx, c.fact);
    } else run.push(c);
  }
  await writeMissionChanges(tx, run);
}

/** The projection's name within its database: one mission view per country. */
export const missionViewName = (country: string): string => `mission-view-${country.toLowerCase()}`;

/** The mission view of `country` as the projection machinery runs it. */
export function missionViewProjection(country: string, topicNamespace: string): ProjectionDefinition<MissionEvent> {
  return {
    name: missionViewName(country),
    version: MISSION_VIEW_VERSION,
    sources: [taggedSource('registration', registrationSource(topicNamespace)), taggedSource('fund', fundSource(topicNamespace))],
    schema: missionSchema,
    relevance: (event) => (event.source === 'registration' ? missionRelevance(event.fact, country) : fundRelevance(event.fact, country)),
    apply: (event, tx) => writeAll(tx, changesOf(event)),
    applyAll: (events, tx) => writeAll(tx, events.flatMap(changesOf)),
    erase: (workerId, tx) => writeMissionChanges(tx, [{ kind: 'personal-data-erased', workerId }]),
  };
}
