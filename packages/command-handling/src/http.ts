import type { Principal } from '@homeward/auth';
import { uuidv7 } from '@homeward/contracts';
import { ConcurrencyError } from '@homeward/event-store';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import type { RequestHeaders } from '@homeward/service-kit/conditions';
import { IdempotencyKeyReused, PreconditionFailed } from './command-handler';
import type { CommandMetadata } from './event-streams';

/**
 * A command's metadata from an HTTP request: the clock's now, the caller as the envelope's actor, and the
 * request's `X-Correlation-Id` when it is a UUID (a fresh one otherwise).
 */
export function commandMetadata(principal: Principal, headers: RequestHeaders, now: Date, originCountry: string): CommandMetadata {
  const correlationId = headers['x-correlation-id'];
  return {
    actor: { organisationId: principal.organisationId, kind: principal.kind, userId: principal.subject },
    originCountry,
    correlationId: correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : uuidv7(now.getTime()),
    now,
  };
}

/**
 * The handler's refusals as problems: 412 for If-Match, 422 for a reused Idempotency-Key, 409 for a
 * concurrent change. A service's own translator calls this after its domain errors; `entity` names what
 * the streams hold, as its clients know it ("worker").
 */
export function translateCommandError(error: unknown, entity = 'resource'): Problem | undefined {
  if (error instanceof PreconditionFailed) {
    return new Problem({
      type: 'https://homeward.example/problems/precondition-failed',
      title: `The ${entity} changed since you read it`,
      status: 412,
      code: 'precondition.failed',
      detail: error.message,
      errors: [fieldError('header', ['If-Match'], error.expected === '*' ? `no such ${entity}` : `expected "${error.actual}"`)],
    });
  }
  if (error instanceof IdempotencyKeyReused)
    return Problem.ruleViolation(error.message, [fieldError('header', ['Idempotency-Key'], error.message)], 'idempotency.key-reused');
  if (error instanceof ConcurrencyError)
    return Problem.conflict(`The ${entity} was changed by someone else meanwhile; reload and try again.`);
  return undefined;
}
