import { translateCommandError } from '@homeward/command-handling/http';
import { LedgerError } from '@homeward/ledger';
import { PaymentsError } from '@homeward/payments';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { AccessDenied } from '../application/access/fund.access';
import { ClaimNotFound, FundRuleViolation, PolicyNotFound } from '../domain/fund.errors';
import type { FundRule } from '../domain/fund.rules';

const pathOf = (field: string): (string | number)[] =>
  field === '' ? [] : field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/** Rules that conflict with what exists rather than with the request: 409. */
const CONFLICTS: ReadonlySet<FundRule> = new Set([
  'claim-already-filed',
  'contribution-already-recorded',
  'already-disbursed',
  'already-reconciled',
  'worker-erased',
]);

/** Domain and application errors → HTTP problems. The one place where refusals get their status codes. */
export function translateFundError(error: unknown): Problem | undefined {
  if (error instanceof FundRuleViolation) {
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
  if (error instanceof ClaimNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['claimId'], 'no such claim')], 'claim.not-found');
  if (error instanceof PolicyNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['fundId'], 'no such fund')], 'policy.not-found');
  if (error instanceof LedgerError)
    return Problem.notFound(error.message, [fieldError('path', [error.field ?? 'accountId'], error.message)], `ledger.${error.code}`);
  if (error instanceof AccessDenied) return Problem.forbidden(error.message, [], error.code);
  // A provider statement line that cannot be read (no date, an amount that is not one): 422, the line named (was a 500).
  if (error instanceof PaymentsError && error.code === 'statement-invalid') {
    const field = pathOf((error.field ?? 'lines').replace(/\[(\d+)\]/g, '.$1'));
    const code = 'fund.statement-invalid';
    return Problem.ruleViolation(error.message, [{ ...fieldError('body', field, error.message), code }], code);
  }
  return translateCommandError(error, 'record');
}
