import { idempotencyMigrations } from '@homeward/command-handling/idempotency';
import type { Migration } from '@homeward/pg-kit/migrations';
import { migration as skillsTables } from './0001_skills_tables';

/**
 * The skills-certification service's own tables (owner "skills-certification" in schema_migrations), in
 * the order they are applied; DATABASE.md beside the service describes them. Never rename or change an
 * applied one: add the next number instead. The event store's, relay's, consumers' and vault's tables come
 * from their packages.
 */
export const skillsMigrations: readonly Migration[] = [...idempotencyMigrations, skillsTables];
