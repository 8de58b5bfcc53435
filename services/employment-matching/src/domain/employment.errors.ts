import { ruleCode, type EmploymentRule, type EmploymentRuleCode } from './employment.rules';

/**
 * A command the service refuses: the rule it breaks (one of `EMPLOYMENT_RULES`, whose code a client reads),
 * the field at fault as a dotted path into the command's data (empty for the command as a whole), and why
 * in words. Rendered as 422 with the code and the field's pointer (409 for the few that conflict with what
 * exists: see http/errors.ts).
 */
export class EmploymentRuleViolation extends Error {
  override readonly name = 'EmploymentRuleViolation';
  readonly code: EmploymentRuleCode;
  constructor(
    readonly rule: EmploymentRule,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.code = ruleCode(rule);
  }
}

/** A value that names nothing in its code list: where it is, a stable code for machines, and words for people. */
export interface CodeError {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly detail: string;
}

/** A command with values that name nothing in their code lists (ISCO-08 0000, a subdivision PH-99, …). */
export class UnknownCodes extends Error {
  override readonly name = 'UnknownCodes';
  constructor(readonly errors: readonly CodeError[]) {
    super(errors.map((e) => `${e.path.join('.')} ${e.detail}`).join('; '));
  }
}

/** What a command names does not exist — or, for an employer, is not theirs (404 either way). */
export class VacancyNotFound extends Error {
  override readonly name = 'VacancyNotFound';
}
export class SeekerNotFound extends Error {
  override readonly name = 'SeekerNotFound';
}
export class ReferralNotFound extends Error {
  override readonly name = 'ReferralNotFound';
}

/**
 * A command as `decide` gets it: its own fields, and the clock the handler adds (`command.metadata.now`).
 * The domain never reads a clock itself.
 */
export type Clocked<C> = C & { readonly metadata: { readonly now: Date } };
