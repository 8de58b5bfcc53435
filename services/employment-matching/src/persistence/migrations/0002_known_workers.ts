import type { Migration } from '@homeward/pg-kit/migrations';

/**
 * The workers registration's topic told of (`WorkerRegistered`), written by the consumer of that topic in the
 * transaction of the message: a job seeker registered on request must be one of them. Nothing personal —
 * the pseudonymous id and the day it was registered.
 */
export const migration: Migration = {
  id: '0002_known_workers',
  sql: `
    CREATE TABLE known_workers (
      worker_id text PRIMARY KEY,
      registered_on date NOT NULL
    );
  `,
};
