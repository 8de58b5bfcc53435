import { Scopes, type OrganisationKind, type Principal } from '@homeward/auth';
import { ClaimNotFound } from '../../domain/fund.errors';

/** The fund's scopes live in packages/auth with the other services' (`Scopes.fund*`), granted per client. */
const FundScopes = {
  policies: Scopes.fundPolicies,
  claims: Scopes.fundClaims,
  decide: Scopes.fundDecide,
  humanitarian: Scopes.fundHumanitarian,
  disburse: Scopes.fundDisburse,
  read: Scopes.fundRead,
  caseNotes: Scopes.fundCaseNotes,
} as const;

export type FundAction =
  | 'publish-policy'
  | 'read-policies'
  | 'file-claim'
  | 'attach-document'
  | 'decide'
  | 'humanitarian'
  | 'disburse'
  | 'read-claims'
  | 'read-case-notes'
  | 'add-case-notes'
  | 'read-ledger';

export type RefusalCode = 'access.kind-not-allowed' | 'access.scope-required';

export class AccessDenied extends Error {
  override readonly name = 'AccessDenied';
  constructor(
    message: string,
    readonly code: RefusalCode,
  ) {
    super(message);
  }
}

interface Rule {
  readonly kinds: readonly OrganisationKind[];
  readonly scopes: readonly string[];
  readonly what: string;
}

/**
 * Who may do what. The fund's officers are an origin-country agency with the fund scopes. A mission files
 * claims and reads its own country's claims — never case notes, never decisions or payments. Statistics
 * offices and employers take no part (statistics come from the statistics service).
 */
export const RULES: Readonly<Record<FundAction, Rule>> = {
  'publish-policy': { kinds: ['agency'], scopes: [FundScopes.policies], what: 'publish policy versions' },
  'read-policies': {
    kinds: ['agency', 'mission'],
    scopes: [FundScopes.read, FundScopes.policies, FundScopes.claims],
    what: 'read policies',
  },
  'file-claim': { kinds: ['agency', 'mission'], scopes: [FundScopes.claims], what: 'file claims' },
  'attach-document': { kinds: ['agency', 'mission'], scopes: [FundScopes.claims], what: 'attach documents' },
  decide: { kinds: ['agency'], scopes: [FundScopes.decide], what: 'assess, approve or reject claims' },
  humanitarian: { kinds: ['agency'], scopes: [FundScopes.humanitarian], what: 'assess claims on humanitarian grounds' },
  disburse: { kinds: ['agency'], scopes: [FundScopes.disburse], what: 'pay claims, reconcile or book contributions' },
  'read-claims': { kinds: ['agency', 'mission'], scopes: [FundScopes.read, FundScopes.claims, FundScopes.decide], what: 'read claims' },
  'read-case-notes': { kinds: ['agency'], scopes: [FundScopes.caseNotes], what: 'read case notes' },
  'add-case-notes': { kinds: ['agency', 'mission'], scopes: [FundScopes.claims], what: 'add case notes' },
  'read-ledger': { kinds: ['agency'], scopes: [FundScopes.read, FundScopes.disburse], what: 'read the ledger' },
};

export function authorise(principal: Principal, action: FundAction): void {
  const rule = RULES[action];
  if (!rule.kinds.includes(principal.kind)) throw new AccessDenied(`a ${principal.kind} may not ${rule.what}`, 'access.kind-not-allowed');
  if (!rule.scopes.some((scope) => principal.scopes.has(scope)))
    throw new AccessDenied(`to ${rule.what} the token needs the scope ${rule.scopes.join(' or ')}`, 'access.scope-required');
}

/** A mission sees and acts on its own country's claims only: another's is 404, as one that does not exist. */
export function ownCountry(principal: Principal, destinationCountry: string | undefined, claimId: string): void {
  if (principal.kind === 'mission' && destinationCountry !== undefined && destinationCountry !== principal.country)
    throw new ClaimNotFound(`no claim ${claimId}`);
}

/** The officer's identity for maker-checker: the token's subject within its organisation. */
export const officerOf = (principal: Principal): string => `${principal.organisationId}/${principal.subject}`;
