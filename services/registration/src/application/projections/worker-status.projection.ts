import type { PoolClient } from 'pg';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import type { RegistrationEvent } from '@homeward/contracts/registration/v1';
import { assertNever } from '@homeward/assert-never';
import { SEX_FROM_PROTO, decodeRegistrationEvent } from '../../messaging/worker-event.proto-mapper';

export function decodeForProjection(message: IncomingMessage): RegistrationEvent {
  if (!message.value) throw new PoisonMessageError('empty message value');
  let decoded: RegistrationEvent;
  try {
    decoded = decodeRegistrationEvent(message.value);
  } catch (error) {
    throw new PoisonMessageError(
      `not a homeward.registration.v1.RegistrationEvent: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!decoded.envelope || decoded.event.case === undefined) throw new PoisonMessageError('RegistrationEvent without envelope or event');
  return decoded;
}

interface StatusMove {
  readonly status: 'abroad' | 'returned';
  readonly country: string;
  readonly cycleNumber: number;
  readonly version: bigint;
  readonly at: Date;
}

/**
 * Projects a chunk of registration events in at most three statements: new rows for registrations,
 * each worker's latest departure or return, and corrections (rare, one by one). Within a chunk only a
 * worker's latest move matters; across chunks the stream version keeps rows moving forward only.
 */
export async function projectWorkerStatus(items: readonly { readonly decoded: RegistrationEvent }[], tx: PoolClient): Promise<void> {
  const registered = new Map<string, { sex: string; originArea: string; version: bigint; at: Date }>();
  const moves = new Map<string, StatusMove>();
  const corrections: { workerId: string; sex: string | null; originArea: string | null; version: bigint; at: Date }[] = [];
  for (const { decoded: event } of items) {
    const version = event.envelope!.streamVersion;
    const at = event.envelope!.recordedAt ? new Date(Number(event.envelope!.recordedAt.seconds) * 1000) : new Date();
    const move = (workerId: string, m: StatusMove) => {
      const known = moves.get(workerId);
      if (!known || known.version < m.version) moves.set(workerId, m);
    };
    switch (event.event.case) {
      case 'workerRegistered': {
        const e = event.event.value;
        if (!registered.has(e.workerId)) registered.set(e.workerId, { sex: SEX_FROM_PROTO[e.sex], originArea: e.originArea, version, at });
        break;
      }
      case 'departureRecorded': {
        const e = event.event.value;
        move(e.workerId, { status: 'abroad', country: e.destinationCountry, cycleNumber: e.cycleNumber, version, at });
        break;
      }
      case 'returnRecorded': {
        const e = event.event.value;
        // The cycle's country (the envelope's jurisdiction), where the worker stayed even if they came
        // home through another: what a mission's listing goes by.
        const country = event.envelope!.jurisdiction?.destinationCountry || e.fromCountry;
        move(e.workerId, { status: 'returned', country, cycleNumber: e.cycleNumber, version, at });
        break;
      }
      case 'workerDetailsCorrected': {
        const e = event.event.value;
        corrections.push({
          workerId: e.workerId,
          sex: e.sex ? SEX_FROM_PROTO[e.sex] : null,
          originArea: e.originArea ?? null,
          version,
          at,
        });
        break;
      }
      case 'personalDataErased': // worker_status holds no personal data: nothing to drop.
      case 'preDepartureOrientationCompleted':
      case 'arrivalRecorded':
      case 'employmentChanged':
      case 'skillsAcquired':
      case 'welfareIncidentRecorded':
      case 'reintegrationNeedsAssessed':
      case 'reintegrationReferralMade':
      case 'reintegrationOutcomeRecorded':
      case 'possibleDuplicateFlagged':
      case 'duplicateResolved':
        // Status moves only with departures and returns.
        break;
      case undefined:
        throw new PoisonMessageError('RegistrationEvent without event');
      default:
        assertNever(event.event, 'event', (message) => new PoisonMessageError(message));
    }
  }
  if (registered.size > 0) {
    const rows = [...registered];
    await tx.query(
      `INSERT INTO worker_status (worker_id, status, sex, origin_area, stream_version, updated_at)
       SELECT w, 'at_home', s, o, v, a FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[]) AS r(w, s, o, v, a)
       ON CONFLICT (worker_id) DO NOTHING`,
      [
        rows.map(([w]) => w),
        rows.map(([, r]) => r.sex),
        rows.map(([, r]) => r.originArea),
        rows.map(([, r]) => r.version.toString()),
        rows.map(([, r]) => r.at),
      ],
    );
  }
  if (moves.size > 0) {
    const rows = [...moves];
    await tx.query(
      `UPDATE worker_status AS w SET status = m.status, destination_country = m.country, cycle_number = m.cycle,
              stream_version = m.version, updated_at = m.at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::timestamptz[]) AS m(worker_id, status, country, cycle, version, at)
        WHERE w.worker_id = m.worker_id AND w.stream_version < m.version`,
      [
        rows.map(([w]) => w),
        rows.map(([, m]) => m.status),
        rows.map(([, m]) => m.country),
        rows.map(([, m]) => m.cycleNumber),
        rows.map(([, m]) => m.version.toString()),
        rows.map(([, m]) => m.at),
      ],
    );
  }
  // Corrections move the person's attributes, departures and returns the status: each kind has its own
  // version, so neither holds the other back whatever their order in the chunk.
  for (const c of corrections) {
    await tx.query(
      `UPDATE worker_status SET sex = coalesce($2, sex), origin_area = coalesce($3, origin_area), details_version = $4, updated_at = $5
        WHERE worker_id = $1 AND details_version < $4`,
      [c.workerId, c.sex, c.originArea, c.version.toString(), c.at],
    );
  }
}
