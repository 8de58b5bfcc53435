// DATABASE_URL=… KAFKA_BROKERS=… TOPIC_NAMESPACE=… VERIFICATION_SECRET=… tsx --conditions=@homeward/source services/skills-certification/src/cli/catch-up.cli.ts [--apply]
//
// After a restore from a dump: takes back from the skills topic the events this service acknowledged
// after the dump (docs/operations/backup-restore.md), then rewinds its consumers' groups to the start
// of their topics (they deduplicate). A dry run without --apply.
//
// The certificates taken back go back into the certificate register, their status positions and the
// number sequence with them (the restored register is the dump's). A certificate's verification-code hash
// is never on the topic; with the service's VERIFICATION_SECRET it is derived again from the certificate's
// number, as the issue derived it. Without the secret, the certificates issued after the dump block the
// catch-up (`withheld`).
import { Client } from 'pg';
import { eventsTopic } from '@homeward/contracts';
import type { StoredRowJson } from '@homeward/contracts/stored-row';
import { runCatchUpCli, type WithheldRestorers } from '@homeward/messaging/store-catch-up';
import { VerificationCodes } from '../application/verification/verification-code';
import { SKILLS_STORED_ROW, skillsMessage } from '../messaging/skills-topic.mapper';
import { takeBackIntoRegister } from '../persistence/certificate-register';
import { skillsCertificationSettings } from '../skills-certification.config';

/** The hash the issue of a certificate keeps (candidates.commands.ts), derived again from its number. */
function verificationCodeHash(codes: VerificationCodes): WithheldRestorers {
  return {
    verificationCodeHash: (row: StoredRowJson) => {
      const { certificateNumber } = row.data as { certificateNumber?: unknown };
      if (row.type !== 'CertificateIssued' || typeof certificateNumber !== 'string') return undefined;
      return codes.codeHashOf(certificateNumber);
    },
  };
}

/**
 * Whether the secret is the one the restored store's certificates were issued with, by the last of them.
 * A wrong secret would store hashes that map back to their messages all the same (the topic never carried
 * them), so it is refused before anything is read; a store without certificates cannot tell.
 */
async function assertTheStoresSecret(databaseUrl: string, codes: VerificationCodes): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ number: string; hash: string }>(
      `SELECT data->>'certificateNumber' AS number, data->>'verificationCodeHash' AS hash FROM events
        WHERE event_type = 'CertificateIssued' AND data ? 'verificationCodeHash'
        ORDER BY global_position DESC LIMIT 1`,
    );
    const last = rows[0];
    if (last && codes.codeHashOf(last.number) !== last.hash) {
      throw new Error(
        `VERIFICATION_SECRET is not the secret certificate ${last.number} of the restored store was issued with: nothing taken back`,
      );
    }
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const secret = process.env.VERIFICATION_SECRET;
  const codes = secret ? new VerificationCodes(skillsCertificationSettings.VERIFICATION_SECRET.parse(secret)) : undefined;
  if (codes && process.env.DATABASE_URL) await assertTheStoresSecret(process.env.DATABASE_URL, codes);
  await runCatchUpCli(
    'skills-certification',
    'skills',
    skillsMessage,
    SKILLS_STORED_ROW,
    (ns) => [{ group: `${ns}homeward.skills-certification.registration`, topics: [eventsTopic('registration', ns)] }],
    // The register of the certificates taken back: it is written in the transaction of their events.
    (events, tx) => takeBackIntoRegister(tx, events),
    codes && verificationCodeHash(codes),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
