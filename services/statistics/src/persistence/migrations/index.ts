import type { Migration } from '@homeward/pg-kit/migrations';
import { migration as reportJobs } from './0001_report_jobs';
import { migration as foldCheckpoints } from './0002_fold_checkpoints';

/**
 * The statistics service's own tables (owner "statistics" in schema_migrations), in the order they are
 * applied; DATABASE.md beside the service describes them. Never rename an applied id: add the next number.
 */
export const statisticsMigrations: readonly Migration[] = [reportJobs, foldCheckpoints];
