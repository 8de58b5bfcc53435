import type { PoolClient } from 'pg';
import type { ProjectionDefinition } from '@homeward/projections';
import { registrationSource, type RegistrationFact } from '@homeward/projections/registration';
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

/** The projection's name within its database: one mission view per country. */
export const missionViewName = (country: string): string => `mission-view-${country.toLowerCase()}`;

/** The mission view of `country` as the projection machinery runs it. */
export function missionViewProjection(country: string, topicNamespace: string): ProjectionDefinition<RegistrationFact> {
  return {
    name: missionViewName(country),
    version: MISSION_VIEW_VERSION,
    sources: [registrationSource(topicNamespace)],
    schema: missionSchema,
    relevance: (fact) => missionRelevance(fact, country),
    apply: (fact, tx) => writeMissionChanges(tx, missionChanges(fact)),
    applyAll: (facts, tx) => writeMissionChanges(tx, facts.flatMap(missionChanges)),
    erase: (workerId, tx) => writeMissionChanges(tx, [{ kind: 'personal-data-erased', workerId }]),
  };
}
