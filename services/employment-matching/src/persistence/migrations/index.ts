import { idempotencyMigrations } from '@homeward/command-handling/idempotency';
import type { Migration } from '@homeward/pg-kit/migrations';
import { migration as employmentTables } from './0001_employment_tables';
import { migration as knownWorkers } from './0002_known_workers';
import { matchingMigrations } from './0100_matching_profiles';

/**
 * The employment-matching service's own tables (owner "employment-matching" in schema_migrations), in the
 * order they are applied; DATABASE.md beside the service describes them. Never rename or change an applied
 * one: add the next number instead (0001–0099 the write side's, 0100– the matching engine's). The event
 * store's, relay's and consumers' tables come from their packages.
 */
export const employmentMigrations: readonly Migration[] = [...idempotencyMigrations, employmentTables, knownWorkers, ...matchingMigrations];
