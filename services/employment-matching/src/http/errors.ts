import { translateCommandError } from '@homeward/command-handling/http';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { AccessDenied } from '../application/access/employment.access';
import { EmploymentRuleViolation, ReferralNotFound, SeekerNotFound, UnknownCodes, VacancyNotFound } from '../domain/employment.errors';
import type { EmploymentRule } from '../domain/employment.rules';

const pathOf = (field: string): (string | number)[] =>
  field === '' ? [] : field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/** Rules that conflict with what exists rather than with the request: 409. */
const CONFLICTS: ReadonlySet<EmploymentRule> = new Set([
  'vacancy-already-posted',
  'referral-already-made',
  'referral-already-live',
  'seeker-already-registered',
]);

/** Domain and application errors → HTTP problems. The one place where refusals get their status codes. */
export function translateEmploymentError(error: unknown): Problem | undefined {
  if (error instanceof UnknownCodes) {
    const errors = error.errors.map((e) => ({ ...fieldError('body', e.path, e.detail), code: e.code }));
    return Problem.validation(errors, 'Some values name nothing in their code lists; see errors.', error.errors[0]!.code);
  }
  if (error instanceof EmploymentRuleViolation) {
    const errors = [{ ...fieldError('body', pathOf(error.field), error.message), code: error.code }];
    if (CONFLICTS.has(error.rule))
      return new Problem({
        type: 'https://homeward.example/problems/conflict',
        title: 'Conflicts with what is recorded',
        status: 409,
        code: error.code,
        detail: error.message,
        errors,
      });
    return Problem.ruleViolation(error.message, errors, error.code);
  }
  if (error instanceof VacancyNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['vacancyId'], 'no such vacancy')], 'vacancy.not-found');
  if (error instanceof SeekerNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['workerId'], 'no such job seeker')], 'job-seeker.not-found');
  if (error instanceof ReferralNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['referralId'], 'no such referral')], 'referral.not-found');
  if (error instanceof AccessDenied) return Problem.forbidden(error.message, [], error.code);
  return translateCommandError(error, 'record');
}
