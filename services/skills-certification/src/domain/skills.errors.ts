import { ruleCode, type SkillsRule, type SkillsRuleCode } from './skills.rules';

/**
 * A command the service refuses: the rule it breaks (one of `SKILLS_RULES`, whose code a client reads), the
 * field at fault as a dotted path into the command's data (empty for the command as a whole), and why in
 * words. Rendered as 422 with the code and the field's pointer.
 */
export class SkillsRuleViolation extends Error {
  override readonly name = 'SkillsRuleViolation';
  readonly code: SkillsRuleCode;
  constructor(
    readonly rule: SkillsRule,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.code = ruleCode(rule);
  }
}

/** A value that names nothing in its code list: where it is, a stable code for machines, and words for people. */
export interface CodeError {
  /** Path into the command's data, e.g. ["units", 1, "escoSkills", 0]. */
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

/** A command on a standard that was never published (404). */
export class StandardNotFound extends Error {
  override readonly name = 'StandardNotFound';
}

/** Publishing a standard under an id that is taken (409). */
export class StandardAlreadyPublished extends Error {
  override readonly name = 'StandardAlreadyPublished';
}

/** A command on a centre that was never registered (404). */
export class CentreNotFound extends Error {
  override readonly name = 'CentreNotFound';
}

/** Registering a centre under an id that is taken (409). */
export class CentreAlreadyRegistered extends Error {
  override readonly name = 'CentreAlreadyRegistered';
}

/**
 * A command as `decide` gets it: its own fields, and the clock the handler adds (the kit's
 * `command.metadata.now`; the kit's `WithMetadata<C>` fits it). The domain never reads a clock itself.
 */
export type Clocked<C> = C & { readonly metadata: { readonly now: Date } };
