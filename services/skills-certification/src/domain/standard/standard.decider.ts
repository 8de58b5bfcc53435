import { assertNever } from '@homeward/assert-never';
import { codeChecks, codeCollector } from '../skills.codes';
import { notBefore, notBeforeEarliest, todayOf } from '../skills.dates';
import {
  SkillsRuleViolation,
  StandardAlreadyPublished,
  StandardNotFound,
  UnknownCodes,
  type Clocked,
  type CodeError,
} from '../skills.errors';
import type {
  CompetencyStandardPublished,
  CompetencyStandardRevised,
  CompetencyStandardWithdrawn,
  StandardContent,
  StandardEvent,
} from './standard.events';
import { evolve, initialState, latestVersion, type PublishedStandard, type StandardState } from './standard.state';

/**
 * Commands on a competency standard, in the imperative. The skills authority's scope (`skills:standards`)
 * is the service layer's to check; `decide` checks the content. The clock is `command.metadata.now`.
 */
export type PublishCompetencyStandard = {
  readonly type: 'PublishCompetencyStandard';
  readonly data: StandardContent & { readonly standardId: string };
};
/** A new version: the whole content again. */
export type ReviseCompetencyStandard = { readonly type: 'ReviseCompetencyStandard'; readonly data: StandardContent };
export type WithdrawCompetencyStandard = { readonly type: 'WithdrawCompetencyStandard'; readonly data: Record<string, never> };

export type StandardCommand = PublishCompetencyStandard | ReviseCompetencyStandard | WithdrawCompetencyStandard;

export const LEVELS = { lowest: 1, highest: 8 } as const;

/** The ISCO-08 occupation and the ESCO skills of a standard's content that name nothing in their lists. */
export function standardCodeErrors(content: StandardContent): CodeError[] {
  const { check, errors } = codeCollector();
  check(['occupationIsco'], content.occupationIsco, codeChecks.occupation);
  content.units.forEach((unit, u) => unit.escoSkills.forEach((uri, s) => check(['units', u, 'escoSkills', s], uri, codeChecks.escoSkill)));
  return errors;
}

/** The rules of a standard's content, whichever command carries it. */
function checkContent(content: StandardContent): void {
  if (!Number.isInteger(content.level) || content.level < LEVELS.lowest || content.level > LEVELS.highest) {
    throw new SkillsRuleViolation(
      'level-out-of-range',
      'level',
      `the level must be a whole number from ${LEVELS.lowest} to ${LEVELS.highest}`,
    );
  }
  if (content.units.length === 0) throw new SkillsRuleViolation('no-units', 'units', 'a standard has at least one unit of competency');
  const seen = new Set<string>();
  content.units.forEach((unit, u) => {
    if (seen.has(unit.code))
      throw new SkillsRuleViolation('duplicate-unit-code', `units.${u}.code`, `unit code ${unit.code} appears twice`);
    seen.add(unit.code);
    if (unit.evidenceRequired.length === 0) {
      throw new SkillsRuleViolation('unit-without-evidence', `units.${u}.evidenceRequired`, `unit ${unit.code} names no kind of evidence`);
    }
    const skills = new Set<string>();
    unit.escoSkills.forEach((uri, s) => {
      if (skills.has(uri))
        throw new SkillsRuleViolation('duplicate-esco-skill', `units.${u}.escoSkills.${s}`, `unit ${unit.code} names ${uri} twice`);
      skills.add(uri);
    });
  });
  notBeforeEarliest(content.effectiveFrom, 'effectiveFrom', 'the standard’s effective date');
}

const contentOf = ({ title, occupationIsco, level, units, effectiveFrom }: StandardContent): StandardContent => ({
  title,
  occupationIsco,
  level,
  units: units.map(({ code, title: unitTitle, escoSkills, evidenceRequired }) => ({
    code,
    title: unitTitle,
    escoSkills,
    evidenceRequired,
  })),
  effectiveFrom,
});

export function decide(command: Clocked<StandardCommand>, state: StandardState): StandardEvent[] {
  const today = todayOf(command.metadata.now);
  switch (command.type) {
    case 'PublishCompetencyStandard':
      return [publish(command, state, today)];
    case 'ReviseCompetencyStandard':
      return [revise(command, published(state), today)];
    case 'WithdrawCompetencyStandard':
      return [withdraw(published(state), today)];
    default:
      assertNever(command, 'command');
  }
}

export const standardDecider = { decide, evolve, initialState };

function published(state: StandardState): PublishedStandard {
  if (state.status === 'unpublished') throw new StandardNotFound('no standard is published under this id');
  if (state.status === 'withdrawn') {
    throw new SkillsRuleViolation(
      'standard-withdrawn',
      'standardId',
      `standard ${state.standardId} was withdrawn on ${state.withdrawnOn ?? '?'}`,
    );
  }
  return state;
}

function withCodesChecked(content: StandardContent): void {
  const unknown = standardCodeErrors(content);
  if (unknown.length > 0) throw new UnknownCodes(unknown);
  checkContent(content);
}

function publish({ data }: Clocked<PublishCompetencyStandard>, state: StandardState, today: string): CompetencyStandardPublished {
  if (state.status !== 'unpublished') throw new StandardAlreadyPublished(`a standard is already published under ${data.standardId}`);
  withCodesChecked(data);
  return { type: 'CompetencyStandardPublished', data: { standardId: data.standardId, version: 1, ...contentOf(data), publishedOn: today } };
}

function revise({ data }: Clocked<ReviseCompetencyStandard>, state: PublishedStandard, today: string): CompetencyStandardRevised {
  withCodesChecked(data);
  const current = latestVersion(state);
  const { version: _v, recordedOn: _r, ...currentContent } = current;
  if (JSON.stringify(contentOf(currentContent)) === JSON.stringify(contentOf(data))) {
    throw new SkillsRuleViolation('revision-unchanged', '', `the revision is the same as version ${current.version}`);
  }
  notBefore(
    'effective-before-previous-version',
    data.effectiveFrom,
    current.effectiveFrom,
    'effectiveFrom',
    'the revision’s effective date',
    `the effective date of version ${current.version}`,
  );
  return {
    type: 'CompetencyStandardRevised',
    data: { standardId: state.standardId, version: current.version + 1, ...contentOf(data), revisedOn: today },
  };
}

function withdraw(state: PublishedStandard, today: string): CompetencyStandardWithdrawn {
  return { type: 'CompetencyStandardWithdrawn', data: { standardId: state.standardId, withdrawnOn: today } };
}
