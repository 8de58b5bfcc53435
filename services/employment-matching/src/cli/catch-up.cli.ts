// DATABASE_URL=… KAFKA_BROKERS=… TOPIC_NAMESPACE=… tsx --conditions=@homeward/source services/employment-matching/src/cli/catch-up.cli.ts [--apply]
//
// After a restore from a dump: takes back from the employment topic the events this service acknowledged
// after the dump (docs/operations/backup-restore.md), then rewinds its consumers' groups to the start
// of their topics (they deduplicate). A dry run without --apply.
import { eventsTopic } from '@homeward/contracts';
import { runCatchUpCli } from '@homeward/messaging/store-catch-up';
import { EMPLOYMENT_STORED_ROW, employmentMessage } from '../messaging/employment-topic.mapper';

runCatchUpCli('employment-matching', 'employment', employmentMessage, EMPLOYMENT_STORED_ROW, (ns) => [
  { group: `${ns}homeward.employment-matching.registration`, topics: [eventsTopic('registration', ns)] },
  {
    group: `${ns}homeward.employment-matching.matching`,
    topics: [eventsTopic('registration', ns), eventsTopic('skills', ns), eventsTopic('employment', ns)],
  },
]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
