/**
 * Every rule by which the skills service refuses a command, by id. Its code, `skills.<id>`, is what a
 * client branches on: stable, while the words of a refusal are for people and may change. A code once
 * published keeps its meaning; a rule retired leaves its code unused rather than lending it to another.
 * test/rule-codes.unit.spec.ts drives the deciders into each rule.
 */
export const SKILLS_RULES = [
  // Dates: one rule each, whichever date of the command breaks it.
  'date-before-earliest',
  'date-in-future',
  // A competency standard's content.
  'no-units',
  'duplicate-unit-code',
  'duplicate-esco-skill',
  'unit-without-evidence',
  'level-out-of-range',
  'revision-unchanged',
  'effective-before-previous-version',
  // Standards named by other commands.
  'unknown-standard',
  'unknown-standard-version',
  'standard-withdrawn',
  'standard-not-yet-effective',
  'unknown-unit',
  // Centres and accreditations.
  'accreditation-already-recorded',
  'accreditation-ends-before-start',
  'accreditation-overlaps',
  'accreditation-not-found',
  'accreditation-already-withdrawn',
  'unknown-centre',
  'assessor-not-accredited',
  // The portfolio.
  'personal-data-erased',
  'counselling-already-recorded',
  'evidence-already-added',
  'invalid-content-hash',
  'invalid-file-size',
  'evidence-period-ends-before-start',
  'no-skills',
  // Assessments and gap training.
  'portfolio-not-opened',
  'assessment-before-portfolio',
  'assessment-already-recorded',
  'no-results',
  'duplicate-unit-result',
  'remarks-for-unassessed-unit',
  'unit-not-assessed',
  'unit-already-competent',
  'assessment-before-previous-result',
  'gap-training-for-competent-unit',
  'referral-before-assessment',
  'referral-already-recorded',
  'referral-not-found',
  'training-already-completed',
  'completion-before-referral',
  // Certificates.
  'certificate-number-taken',
  'certificate-unit-not-competent',
  'full-qualification-incomplete',
  'competency-certificate-covers-all-units',
  'units-already-certified',
  'issue-before-assessment',
  'expiry-before-issue',
  'certificate-not-found',
  'certificate-already-revoked',
  'certificate-revoked',
  'certificate-superseded',
  'certificate-already-suspended',
  'certificate-not-suspended',
] as const;

export type SkillsRule = (typeof SKILLS_RULES)[number];
export type SkillsRuleCode = `skills.${SkillsRule}`;

export const ruleCode = (rule: SkillsRule): SkillsRuleCode => `skills.${rule}`;
