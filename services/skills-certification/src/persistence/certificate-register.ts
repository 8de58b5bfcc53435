import { randomInt } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { StoredEvent } from '@homeward/event-store';
import type { CandidateEvent } from '../domain/candidate/candidate.events';

/** Entries of one Bitstring Status List: 131,072 bits = 16 KiB, the minimum the W3C recommends for herd privacy. */
export const STATUS_LIST_SIZE = 131_072;

/** A certificate as the register keeps it: what public verification answers from, without the stream. */
export interface RegisteredCertificate {
  readonly certificateNumber: string;
  readonly workerId: string;
  readonly standardId: string;
  readonly standardVersion: number;
  readonly kind: 'full_qualification' | 'certificate_of_competency';
  readonly unitCodes: readonly string[];
  readonly issuingBody: string;
  readonly status: 'valid' | 'suspended' | 'revoked' | 'superseded';
  readonly statusReason?: string;
  readonly supersededBy?: string;
  readonly issuedOn: string;
  readonly expiresOn?: string;
  readonly statusIndex: number;
}

/** Which list a position is in (`1`, `2`, …), and its index within that list. */
export const statusListOf = (statusIndex: number) => ({
  listNumber: Math.floor(statusIndex / STATUS_LIST_SIZE) + 1,
  indexInList: statusIndex % STATUS_LIST_SIZE,
});

/**
 * The certificate register: numbers from a PostgreSQL sequence, status-list positions, and each
 * certificate's standing, written in the transaction of the events that change them (the command
 * handler's `withinTransaction`), so a certificate is in the register exactly when its event is in the
 * store. A refused issue rolls its status position back; the sequence number it drew stays unused (a
 * sequence never goes back), so numbers have gaps and say nothing about how many certificates exist.
 */
export class CertificateRegister {
  constructor(private readonly pool: Pool) {}

  /** The next certificate number, `SKL-<year>-<six or more digits>`. */
  async nextNumber(client: PoolClient, year: number): Promise<string> {
    const { rows } = await client.query<{ n: string }>(`SELECT nextval('certificate_number_seq')::text AS n`);
    return `SKL-${year}-${rows[0]!.n.padStart(6, '0')}`;
  }

  /**
   * A free position in the status lists, chosen at random so that a position says nothing about when or
   * to whom a certificate was issued. The lists in use grow by one when they are half full, keeping random
   * picks cheap.
   */
  async allocateStatusIndex(client: PoolClient, certificateNumber: string): Promise<number> {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM status_entries`);
    const lists = Math.floor(rows[0]!.n / (STATUS_LIST_SIZE / 2)) + 1;
    for (let attempt = 0; attempt < 64; attempt++) {
      const index = randomInt(0, lists * STATUS_LIST_SIZE);
      const inserted = await client.query(
        `INSERT INTO status_entries (status_index, certificate_number) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [index, certificateNumber],
      );
      if (inserted.rowCount === 1) return index;
    }
    throw new Error('no free status-list position found in 64 random tries');
  }

  /** Applies a candidate's certificate events to the register, in the command's transaction. */
  apply(client: PoolClient, workerId: string, events: readonly CandidateEvent[]): Promise<void> {
    return applyToRegister(client, workerId, events);
  }

  async find(certificateNumber: string, client?: PoolClient): Promise<RegisteredCertificate | undefined> {
    const { rows } = await (client ?? this.pool).query(`${SELECT} WHERE certificate_number = $1`, [certificateNumber]);
    return rows[0] ? toCertificate(rows[0]) : undefined;
  }

  /** The positions of a list whose bit is set for the purpose: revoked ones, or suspended ones. */
  async setPositions(listNumber: number, purpose: 'revocation' | 'suspension'): Promise<number[]> {
    const from = (listNumber - 1) * STATUS_LIST_SIZE;
    const { rows } = await this.pool.query<{ i: number }>(
      `SELECT status_index - $1 AS i FROM certificates
        WHERE status_index >= $1 AND status_index < $2 AND status = $3`,
      [from, from + STATUS_LIST_SIZE, purpose === 'revocation' ? 'revoked' : 'suspended'],
    );
    return rows.map((r) => r.i);
  }

  /** How many lists are in use: those a status position was ever allocated in. */
  async listsInUse(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number | null }>(`SELECT max(status_index) AS n FROM status_entries`);
    return rows[0]!.n === null ? 1 : statusListOf(rows[0]!.n).listNumber;
  }
}

const SELECT = `SELECT certificate_number, worker_id, standard_id, standard_version, kind, unit_codes, issuing_body, status,
                       status_reason, superseded_by, to_char(issued_on, 'YYYY-MM-DD') AS issued_on,
                       to_char(expires_on, 'YYYY-MM-DD') AS expires_on, status_index
                  FROM certificates`;

function toCertificate(row: Record<string, any>): RegisteredCertificate {
  return {
    certificateNumber: row.certificate_number,
    workerId: row.worker_id,
    standardId: row.standard_id,
    standardVersion: row.standard_version,
    kind: row.kind,
    unitCodes: row.unit_codes,
    issuingBody: row.issuing_body,
    status: row.status,
    ...(row.status_reason ? { statusReason: row.status_reason } : {}),
    ...(row.superseded_by ? { supersededBy: row.superseded_by } : {}),
    issuedOn: row.issued_on,
    ...(row.expires_on ? { expiresOn: row.expires_on } : {}),
    statusIndex: row.status_index,
  };
}

/** A candidate's certificate events applied to the register, in the transaction that stores them. */
async function applyToRegister(client: PoolClient, workerId: string, events: readonly CandidateEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'CertificateIssued': {
        const d = event.data;
        await client.query(
          `INSERT INTO certificates (certificate_number, worker_id, standard_id, standard_version, kind, unit_codes, issuing_body,
                                     issued_on, expires_on, status_index)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            d.certificateNumber,
            workerId,
            d.standardId,
            d.standardVersion,
            d.kind,
            d.unitCodes,
            d.issuingBody,
            d.issuedOn,
            d.expiresOn ?? null,
            d.revocationStatusIndex,
          ],
        );
        break;
      }
      case 'CertificateSuperseded':
        await setStatus(client, event.data.certificateNumber, 'superseded', null, event.data.supersededBy);
        break;
      case 'CertificateSuspended':
        await setStatus(client, event.data.certificateNumber, 'suspended', event.data.reason);
        break;
      case 'CertificateReinstated':
        await setStatus(client, event.data.certificateNumber, 'valid', null);
        break;
      case 'CertificateRevoked':
        await setStatus(client, event.data.certificateNumber, 'revoked', event.data.reason);
        break;
      default:
        break;
    }
  }
}

async function setStatus(client: PoolClient, number: string, status: string, reason: string | null, supersededBy?: string) {
  await client.query(
    `UPDATE certificates SET status = $2, status_reason = $3, superseded_by = coalesce($4, superseded_by), updated_at = now()
      WHERE certificate_number = $1`,
    [number, status, reason, supersededBy ?? null],
  );
}

const CERTIFICATE_NUMBER = /^SKL-\d{4}-(\d+)$/;

/**
 * The register of certificate events taken back into a restored store (the catch-up's `afterImport`, in its
 * transaction): the restored register is the dump's and lacks the certificates issued or changed after it.
 * Each issued certificate takes back its status position, and the number sequence moves past its number, so
 * that the next issue draws neither again. (Their signed credentials are not made again: that needs the
 * issuer's keys; public verification answers `invalid`, `verification.credential-missing`, meanwhile.)
 */
export async function takeBackIntoRegister(client: PoolClient, events: readonly StoredEvent[]): Promise<void> {
  let highest = 0;
  for (const stored of events) {
    if (!stored.streamId.startsWith('candidate-')) continue;
    const event = { type: stored.type, data: stored.data } as CandidateEvent;
    if (event.type === 'CertificateIssued') {
      await client.query(`INSERT INTO status_entries (status_index, certificate_number) VALUES ($1, $2)`, [
        event.data.revocationStatusIndex,
        event.data.certificateNumber,
      ]);
      highest = Math.max(highest, Number(CERTIFICATE_NUMBER.exec(event.data.certificateNumber)?.[1] ?? 0));
    }
    await applyToRegister(client, event.data.workerId, [event]);
  }
  if (highest > 0) {
    await client.query(`SELECT setval('certificate_number_seq', $1::bigint) FROM certificate_number_seq WHERE last_value <= $1::bigint`, [
      highest,
    ]);
  }
}
