// DATABASE_URL=… KAFKA_BROKERS=… TOPIC_NAMESPACE=… tsx --conditions=@homeward/source services/skills-certification/src/cli/catch-up.cli.ts [--apply]
//
// After a restore from a dump: takes back from the skills topic the events this service acknowledged
// after the dump (docs/operations/backup-restore.md), then rewinds its consumers' groups to the start
// of their topics (they deduplicate). A dry run without --apply.
import { eventsTopic } from '@homeward/contracts';
import { runCatchUpCli } from '@homeward/messaging/store-catch-up';
import { SKILLS_STORED_ROW, skillsMessage } from '../messaging/skills-topic.mapper';

runCatchUpCli('skills-certification', 'skills', skillsMessage, SKILLS_STORED_ROW, (ns) => [
  { group: `${ns}homeward.skills-certification.registration`, topics: [eventsTopic('registration', ns)] },
]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
