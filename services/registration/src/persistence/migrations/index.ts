import type { Migration } from '@homeward/pg-kit/migrations';
import { migration as workerStatus } from './0001_worker_status';
import { migration as idempotencyKeys } from './0002_idempotency_keys';
import { migration as sensitiveReads } from './0003_sensitive_reads';
import { migration as personIndex } from './0004_person_index';
import { migration as importRows } from './0005_import_rows';
import { migration as idempotencyKeysByAge } from './0006_idempotency_keys_by_age';
import { migration as workerStatusDetailsVersion } from './0007_worker_status_details_version';
import { migration as personIndexBirthAndName } from './0008_person_index_birth_and_name';

/**
 * The registration service's own tables (owner "registration" in schema_migrations), in the order they
 * are applied; DATABASE.md beside the service describes them. An id is recorded by every database that
 * applied it: never rename one, never change what an applied one does — add the next number instead.
 * The event store's, the relay's, the consumers' and the personal-data vault's tables come from their
 * packages, under owners of their own.
 */
export const registrationMigrations: readonly Migration[] = [
  workerStatus,
  idempotencyKeys,
  sensitiveReads,
  personIndex,
  importRows,
  idempotencyKeysByAge,
  workerStatusDetailsVersion,
  personIndexBirthAndName,
];
