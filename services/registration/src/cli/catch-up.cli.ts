// DATABASE_URL=… KAFKA_BROKERS=… TOPIC_NAMESPACE=… tsx --conditions=@homeward/source services/registration/src/cli/catch-up.cli.ts [--apply]
//
// After a restore from a dump: takes back from the registration topic the events this service acknowledged
// after the dump (docs/operations/backup-restore.md), then rewinds its consumers' groups to the start
// of their topics (they deduplicate). A dry run without --apply.
import { eventsTopic } from '@homeward/contracts';
import { runCatchUpCli } from '@homeward/messaging/store-catch-up';
import { REGISTRATION_STORED_ROW, registrationMessage } from '../messaging/registration-topic.mapper';

runCatchUpCli(
  'registration',
  'registration',
  registrationMessage,
  REGISTRATION_STORED_ROW,
  (ns) => [{ group: `${ns}homeward.registration.worker-status`, topics: [eventsTopic('registration', ns)] }],
  // A worker erased after the dump has their key back in the restored data_keys, and their name, birth date
  // and documents back in the restored search index: both go again.
  async (events, tx) => {
    const erased = events.filter((e) => e.type === 'PersonalDataErased').map((e) => (e.data as { workerId: string }).workerId);
    if (erased.length === 0) return;
    await tx.query('DELETE FROM person_index WHERE worker_id = ANY($1::uuid[])', [erased]);
    await tx.query(
      `INSERT INTO data_keys (key_id, subject_id, wrapped_key, erased_at)
       SELECT gen_random_uuid(), subject, NULL, now() FROM unnest($1::text[]) AS subject
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(data_keys.erased_at, now())`,
      [erased],
    );
  },
).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
