import { assertNever } from '@homeward/assert-never';
import { FundRuleViolation, todayOf, type Clocked } from '../fund.errors';
import { validatePolicy, type PolicyTerms, type PolicyVersion } from './policy';

/**
 * A fund's policy stream, `policy-<fundId>`: one PolicyVersionPublished per version, numbered 1, 2, …, each
 * taking effect after the one before. A version is never changed: a correction is the next version.
 */
export interface PolicyVersionPublished {
  readonly type: 'PolicyVersionPublished';
  readonly data: PolicyVersion;
}
export type PolicyEvent = PolicyVersionPublished;

export interface PolicyState {
  readonly versions: readonly PolicyVersion[];
}

export const initialState = (): PolicyState => ({ versions: [] });

export function evolve(state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case 'PolicyVersionPublished':
      return { versions: [...state.versions, event.data] };
    default:
      assertNever(event.type, 'event');
  }
}

export type PublishPolicyVersion = {
  readonly type: 'PublishPolicyVersion';
  readonly data: { readonly terms: PolicyTerms; readonly publishedBy: string; readonly expectedVersion?: number };
};
export type PolicyCommand = PublishPolicyVersion;

export function decide(command: Clocked<PolicyCommand>, state: PolicyState): PolicyEvent[] {
  const { terms, publishedBy, expectedVersion } = command.data;
  const version = state.versions.length + 1;
  if (expectedVersion !== undefined && expectedVersion !== version)
    throw new FundRuleViolation(
      'policy-version-out-of-order',
      'version',
      `the next version of ${terms.fundId} is ${version}, not ${expectedVersion}`,
    );
  validatePolicy(terms, state.versions);
  return [{ type: 'PolicyVersionPublished', data: { ...terms, version, publishedOn: todayOf(command.metadata.now), publishedBy } }];
}

export const policyDecider = { decide, evolve, initialState };
