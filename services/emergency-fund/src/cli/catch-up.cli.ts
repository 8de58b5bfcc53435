// DATABASE_URL=… KAFKA_BROKERS=… TOPIC_NAMESPACE=… tsx --conditions=@homeward/source services/emergency-fund/src/cli/catch-up.cli.ts [--apply]
//
// After a restore from a dump: takes back from the fund topic the events this service acknowledged
// after the dump (docs/operations/backup-restore.md), then rewinds its consumers' groups to the start
// of their topics (they deduplicate). A dry run without --apply.
import { eventsTopic } from '@homeward/contracts';
import { runCatchUpCli } from '@homeward/messaging/store-catch-up';
import { FUND_STORED_ROW, fundMessage } from '../messaging/fund-topic.mapper';

runCatchUpCli('emergency-fund', 'fund', fundMessage, FUND_STORED_ROW, (ns) => [
  { group: `${ns}homeward.emergency-fund.registration`, topics: [eventsTopic('registration', ns)] },
]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
