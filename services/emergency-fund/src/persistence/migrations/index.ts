import { idempotencyMigrations } from '@homeward/command-handling/idempotency';
import type { Migration } from '@homeward/pg-kit/migrations';
import { migration as fundTables } from './0001_fund_tables';

/**
 * The emergency fund's own tables (owner "emergency-fund" in schema_migrations), in the order they are
 * applied; DATABASE.md beside the service describes them. Never rename or change an applied one: add the next
 * number instead (0001–0049 the service's; the ledger's tables come from @homeward/ledger's migrations). The
 * event store's, relay's, vault's and consumers' tables come from their packages.
 */
export const fundMigrations: readonly Migration[] = [...idempotencyMigrations, fundTables];
