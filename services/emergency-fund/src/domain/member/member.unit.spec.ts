import { DeciderSpecification } from '@homeward/testing/decider';
import { LK_SLBFE } from '../policy/defaults';
import type { PolicyVersion } from '../policy/policy';
import { at, php, policy, workerId } from '../testing/fund.fixture';
import { coveredOn, decide, evolve, initialState, type MemberCommand, type MemberEvent } from './member';

const members = DeciderSpecification({ decide, evolve, initialState });
const slbfe: PolicyVersion = { ...LK_SLBFE, version: 1, publishedOn: '2010-01-01', publishedBy: 'system' };
const when = (command: MemberCommand) => at(command) as Parameters<typeof decide>[0];

describe('membership and coverage', () => {
  it('covers a contributor for the policy’s months from the payment, to the day before', () => {
    members
      .given([])
      .when(
        when({
          type: 'RecordContribution',
          data: { workerId, contributionId: 'c1', amount: php(1_400), paidOn: '2026-01-31', transferId: 't1', policy },
        }),
      )
      .then([
        {
          type: 'ContributionRecorded',
          data: { workerId, fundId: 'PH-OWWA', contributionId: 'c1', amount: php(1_400), paidOn: '2026-01-31', transferId: 't1' },
        },
        {
          type: 'CoverageGranted',
          data: {
            workerId,
            fundId: 'PH-OWWA',
            basis: 'contribution',
            coveredFrom: '2026-01-31',
            coveredUntil: '2028-01-30',
            sourceId: 'c1',
            policyVersion: 1,
          },
        },
      ]);
  });

  it('covers by registration where the policy says so, once per departure, and not where it does not', () => {
    const granted: MemberEvent = {
      type: 'CoverageGranted',
      data: {
        workerId,
        fundId: 'LK-SLBFE',
        basis: 'registration',
        coveredFrom: '2026-03-01',
        coveredUntil: '2028-02-29',
        sourceId: 'dep-1',
        policyVersion: 1,
      },
    };
    const departure = (p: PolicyVersion): MemberCommand => ({
      type: 'GrantRegistrationCoverage',
      data: { workerId, departedOn: '2026-03-01', sourceEventId: 'dep-1', policy: p },
    });
    members
      .given([])
      .when(when(departure(slbfe)))
      .then([granted]);
    members
      .given([granted])
      .when(when(departure(slbfe)))
      .thenNothingHappens();
    members
      .given([])
      .when(when(departure(policy)))
      .thenNothingHappens();
    const state = [granted].reduce(evolve, initialState());
    expect(coveredOn(state, 'LK-SLBFE', '2028-02-29')).toBe(true);
    expect(coveredOn(state, 'LK-SLBFE', '2028-03-01')).toBe(false);
    expect(coveredOn(state, 'PH-OWWA', '2026-06-01')).toBe(false);
  });

  it('records an erasure once', () => {
    const erased: MemberEvent = { type: 'PersonalDataErased', data: { workerId, erasedOn: '2026-12-01', basis: 'registry_erasure' } };
    members
      .given([])
      .when(when({ type: 'RecordErasure', data: { workerId, basis: 'registry_erasure' } }))
      .then([erased]);
    members
      .given([erased])
      .when(when({ type: 'RecordErasure', data: { workerId, basis: 'registry_erasure' } }))
      .thenNothingHappens();
  });
});
