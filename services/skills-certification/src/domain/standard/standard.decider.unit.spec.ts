import { DeciderSpecification } from '@homeward/testing/decider';
import { at, content, esco, standardId } from '../testing/skills.fixture';
import { SkillsRuleViolation, StandardAlreadyPublished, StandardNotFound, UnknownCodes, type Clocked } from '../skills.errors';
import { standardDecider, type StandardCommand } from './standard.decider';
import type { StandardEvent } from './standard.events';
import { evolve, initialState, standardFacts } from './standard.state';

const spec = DeciderSpecification(standardDecider);
const when = (command: StandardCommand) => at(command) as Clocked<StandardCommand>;

const published: StandardEvent = {
  type: 'CompetencyStandardPublished',
  data: { standardId, version: 1, ...content, publishedOn: '2024-01-01' },
};
const revisedContent = { ...content, title: 'Housekeeping NC II (2025)', effectiveFrom: '2025-07-01', units: content.units.slice(0, 2) };
const revised: StandardEvent = {
  type: 'CompetencyStandardRevised',
  data: { standardId, version: 2, ...revisedContent, revisedOn: '2025-06-30' },
};
const withdrawn: StandardEvent = { type: 'CompetencyStandardWithdrawn', data: { standardId, withdrawnOn: '2025-06-30' } };

describe('a competency standard', () => {
  it('is published as version 1, dated by the command’s clock', () => {
    spec
      .given([])
      .when(when({ type: 'PublishCompetencyStandard', data: { standardId, ...content } }))
      .then([{ ...published, data: { ...published.data, publishedOn: '2025-06-30' } }]);
  });

  it('is revised as the next version, with the whole content again', () => {
    spec
      .given([published])
      .when(when({ type: 'ReviseCompetencyStandard', data: revisedContent }))
      .then([revised]);
  });

  it('is withdrawn once, and takes no revision after', () => {
    spec
      .given([published])
      .when(when({ type: 'WithdrawCompetencyStandard', data: {} }))
      .then([withdrawn]);
    spec
      .given([published, withdrawn])
      .when(when({ type: 'WithdrawCompetencyStandard', data: {} }))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.standard-withdrawn'));
    spec
      .given([published, withdrawn])
      .when(when({ type: 'ReviseCompetencyStandard', data: revisedContent }))
      .thenThrows(SkillsRuleViolation, (e) => expect(e.code).toBe('skills.standard-withdrawn'));
  });

  it('cannot be published twice under one id, nor revised before it is published', () => {
    spec
      .given([published])
      .when(when({ type: 'PublishCompetencyStandard', data: { standardId, ...content } }))
      .thenThrows(StandardAlreadyPublished);
    spec
      .given([])
      .when(when({ type: 'ReviseCompetencyStandard', data: revisedContent }))
      .thenThrows(StandardNotFound);
  });

  it('names a real ISCO-08 unit group and ESCO-shaped skill URIs, each at its path', () => {
    const units = [content.units[0]!, { ...content.units[1]!, escoSkills: [esco(2), 'http://data.europa.eu/esco/skill/NOT-A-UUID'] }];
    spec
      .given([])
      .when(when({ type: 'PublishCompetencyStandard', data: { standardId, ...content, occupationIsco: '9999', units } }))
      .thenThrows(UnknownCodes, (e) =>
        expect(e.errors.map((x) => [x.path, x.code])).toEqual([
          [['occupationIsco'], 'validation.unknown-occupation'],
          [['units', 1, 'escoSkills', 1], 'validation.invalid-esco-skill-uri'],
        ]),
      );
  });

  it('gives other streams its versions and units, and whether it is withdrawn', () => {
    expect(standardFacts(initialState())).toBeUndefined();
    expect(standardFacts([published, revised, withdrawn].reduce(evolve, initialState()))).toEqual({
      standardId,
      withdrawn: true,
      versions: [
        { version: 1, effectiveFrom: '2024-01-01', unitCodes: ['HHK-01', 'HHK-02', 'HHK-03'] },
        { version: 2, effectiveFrom: '2025-07-01', unitCodes: ['HHK-01', 'HHK-02'] },
      ],
    });
  });
});
