import { isTransientInfrastructureError } from '@homeward/pg-kit';
import { Problem } from './problem';

/** Seconds a client is asked to wait (Retry-After) before repeating a request the service could not serve for now. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The answer while a dependency is away for the moment (PostgreSQL restarting, a connection lost in the
 * middle of a request): 503 with a stable code, never a 500, because nothing is wrong with the request
 * and repeating it shortly will do. Whether a change whose connection broke at COMMIT was recorded cannot
 * be known here, so the detail sends the client back with the same Idempotency-Key, which records it at
 * most once. Undefined for every other error.
 */
export function serviceUnavailableProblem(error: unknown): Problem | undefined {
  if (!isTransientInfrastructureError(error)) return undefined;
  return new Problem(
    {
      type: 'https://homeward.example/problems/service-unavailable',
      title: 'Service unavailable',
      status: 503,
      code: 'service.unavailable',
      detail: `A service this one depends on is unavailable for the moment. Try again in ${RETRY_AFTER_SECONDS} s; repeat a change with the same Idempotency-Key, which records it at most once.`,
    },
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
