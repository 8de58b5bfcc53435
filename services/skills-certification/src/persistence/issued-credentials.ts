import type { Pool, PoolClient } from 'pg';
import type { SignedCredential } from '../application/ports/credential-issuer';

/** The `issued_credentials` table: each certificate's signed credentials, as issued. */
export class IssuedCredentials {
  constructor(private readonly pool: Pool) {}

  async insert(client: PoolClient, certificateNumber: string, signed: SignedCredential): Promise<void> {
    await client.query(`INSERT INTO issued_credentials (certificate_number, data_integrity, jwt, compact_jwt) VALUES ($1, $2, $3, $4)`, [
      certificateNumber,
      JSON.stringify(signed.dataIntegrity),
      signed.jwt,
      signed.compactJwt ?? null,
    ]);
  }

  async find(certificateNumber: string): Promise<SignedCredential | undefined> {
    const { rows } = await this.pool.query(
      `SELECT data_integrity, jwt, compact_jwt FROM issued_credentials WHERE certificate_number = $1`,
      [certificateNumber],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { dataIntegrity: row.data_integrity, jwt: row.jwt, ...(row.compact_jwt ? { compactJwt: row.compact_jwt } : {}) };
  }
}
