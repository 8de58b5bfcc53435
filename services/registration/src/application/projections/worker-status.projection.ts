import type { PoolClient } from 'pg';
import type { Migration } from '@homeward/pg-kit/migrations';
import { PoisonMessageError, type IncomingMessage } from '@homeward/messaging/consumer';
import type { RegistrationEvent } from '@homeward/contracts/registration/v1';
import { SEX_FROM_PROTO, decodeRegistrationEvent } from '../../messaging/worker-event.proto-mapper';

/**
 * worker_status: one row per worker with their latest status, projected from the registration topic.
 * Rows only move forward: an event older than the row's stream version (a redelivery out of order)
 * changes nothing.
 */
export const workerStatusMigrations: readonly Migration[] = [
  {
    id: '0001_worker_status',
    sql: `
      CREATE TABLE worker_status (
        worker_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('at_home', 'abroad', 'returned')),
        sex text NOT NULL,
        origin_area text NOT NULL,
        destination_country text,
        cycle_number integer NOT NULL DEFAULT 0,
        stream_version bigint NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX worker_status_by_status ON worker_status (status, updated_at DESC);
    `,
  },
];

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

export async function projectWorkerStatus(event: RegistrationEvent, tx: PoolClient): Promise<void> {
  const version = event.envelope!.streamVersion.toString();
  const at = event.envelope!.recordedAt ? new Date(Number(event.envelope!.recordedAt.seconds) * 1000) : new Date();
  switch (event.event.case) {
    case 'workerRegistered': {
      const e = event.event.value;
      await tx.query(
        `INSERT INTO worker_status (worker_id, status, sex, origin_area, stream_version, updated_at)
         VALUES ($1, 'at_home', $2, $3, $4, $5) ON CONFLICT (worker_id) DO NOTHING`,
        [e.workerId, SEX_FROM_PROTO[e.sex], e.originArea, version, at],
      );
      return;
    }
    case 'departureRecorded': {
      const e = event.event.value;
      return moveStatus(tx, e.workerId, 'abroad', e.destinationCountry, e.cycleNumber, version, at);
    }
    case 'returnRecorded': {
      const e = event.event.value;
      return moveStatus(tx, e.workerId, 'returned', e.fromCountry, e.cycleNumber, version, at);
    }
    case 'personalDataErased':
      // worker_status holds no personal data: nothing to drop.
      return;
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
      return;
    case 'workerDetailsCorrected': {
      const e = event.event.value;
      await tx.query(
        `UPDATE worker_status SET sex = coalesce($2, sex), origin_area = coalesce($3, origin_area), updated_at = $4 WHERE worker_id = $1`,
        [e.workerId, e.sex ? SEX_FROM_PROTO[e.sex] : null, e.originArea ?? null, at],
      );
      return;
    }
    case undefined:
      throw new PoisonMessageError('RegistrationEvent without event');
    default: {
      const unknown: never = event.event;
      throw new PoisonMessageError(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Departures and returns move the row forward; an older event (redelivered out of order) changes nothing. */
async function moveStatus(
  tx: PoolClient,
  workerId: string,
  status: 'abroad' | 'returned',
  country: string,
  cycleNumber: number,
  version: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE worker_status SET status = $2, destination_country = $3, cycle_number = $4, stream_version = $5, updated_at = $6
      WHERE worker_id = $1 AND stream_version < $5`,
    [workerId, status, country, cycleNumber, version, at],
  );
}
