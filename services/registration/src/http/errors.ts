import { ConcurrencyError } from '@homeward/event-store';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { AccessDenied, IdempotencyKeyReused, PreconditionFailed } from '../application/worker-command';
import { UnknownCodes, WorkerAlreadyRegistered, WorkerNotRegistered, WorkerRuleViolation } from '../domain/worker/worker.decider';

/** Domain and store errors → HTTP problems. The one place where refusals get their status codes. */
export function translateRegistrationError(error: unknown): Problem | undefined {
  if (error instanceof UnknownCodes) {
    // Each field names its own code; the problem's code is the first one's, so that one value decides it.
    const errors = error.errors.map((e) => ({ ...fieldError('body', e.path, e.detail), code: e.code }));
    return Problem.validation(errors, 'Some values name nothing in their code lists; see errors.', error.errors[0]!.code);
  }
  if (error instanceof WorkerRuleViolation) {
    // The rule's code (`registration.<rule>`) on the problem and on its field: a client reads either.
    const errors = [{ ...fieldError('body', error.field.split('.'), error.message), code: error.code }];
    return Problem.ruleViolation(error.message, errors, error.code);
  }
  if (error instanceof WorkerNotRegistered)
    return Problem.notFound(
      'no worker is registered under this id',
      [fieldError('path', ['workerId'], 'no such worker')],
      'worker.not-found',
    );
  if (error instanceof WorkerAlreadyRegistered) return Problem.conflict(error.message, 'worker.already-registered');
  if (error instanceof AccessDenied) return Problem.forbidden(error.message, [], error.code);
  if (error instanceof PreconditionFailed) {
    return new Problem({
      type: 'https://homeward.example/problems/precondition-failed',
      title: 'The worker changed since you read it',
      status: 412,
      code: 'precondition.failed',
      detail: error.message,
      errors: [fieldError('header', ['If-Match'], `expected "${error.actual}"`)],
    });
  }
  if (error instanceof IdempotencyKeyReused)
    return Problem.ruleViolation(error.message, [fieldError('header', ['Idempotency-Key'], error.message)], 'idempotency.key-reused');
  if (error instanceof ConcurrencyError) return Problem.conflict('The worker was changed by someone else meanwhile; reload and try again.');
  return undefined;
}
