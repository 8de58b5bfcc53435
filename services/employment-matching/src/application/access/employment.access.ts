import { Scopes, type OrganisationKind, type Principal } from '@homeward/auth';
import { ReferralNotFound, VacancyNotFound } from '../../domain/employment.errors';

/** What a caller asks to do in the employment service. */
export type EmploymentAction =
  'post-vacancy' | 'manage-vacancy' | 'read-vacancies' | 'manage-seekers' | 'read-seekers' | 'refer' | 'record-outcome' | 'read-referrals';

/** Why a request is refused, as the `code` of its 403 problem. */
export type RefusalCode = 'access.kind-not-allowed' | 'access.scope-required' | 'access.not-own-organisation';

/** The caller may not do this. Rendered as 403 with the code, and logged (service-kit logs every 403). */
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
  /** Any one of them. */
  readonly scopes: readonly string[];
  readonly what: string;
}

/**
 * Who may do what. The employment office is an origin-country agency with the employment scopes; an employer
 * is a principal of kind `employer`. Missions and statistics offices take no part (statistics come from the
 * statistics service), and a job seeker's record is the office's alone: an employer learns of a seeker only
 * through a referral to one of its vacancies.
 */
export const RULES: Readonly<Record<EmploymentAction, Rule>> = {
  'post-vacancy': { kinds: ['agency', 'employer'], scopes: [Scopes.employmentVacancies], what: 'post vacancies' },
  'manage-vacancy': { kinds: ['agency', 'employer'], scopes: [Scopes.employmentVacancies], what: 'close or withdraw vacancies' },
  'read-vacancies': {
    kinds: ['agency', 'employer'],
    scopes: [Scopes.employmentRead, Scopes.employmentVacancies, Scopes.employmentReferrals],
    what: 'read vacancies',
  },
  'manage-seekers': { kinds: ['agency'], scopes: [Scopes.employmentSeekers], what: 'register job seekers or record their wishes' },
  'read-seekers': {
    kinds: ['agency'],
    scopes: [Scopes.employmentRead, Scopes.employmentSeekers, Scopes.employmentReferrals],
    what: 'read job seekers',
  },
  refer: { kinds: ['agency'], scopes: [Scopes.employmentReferrals], what: 'refer job seekers to vacancies' },
  'record-outcome': {
    kinds: ['agency', 'employer'],
    scopes: [Scopes.employmentReferrals],
    what: 'record interviews, hires or the end of placements',
  },
  'read-referrals': { kinds: ['agency', 'employer'], scopes: [Scopes.employmentRead, Scopes.employmentReferrals], what: 'read referrals' },
};

/** The access rule by kind and scope: 403 when the caller's kind or scopes do not allow the action at all. */
export function authorise(principal: Principal, action: EmploymentAction): void {
  const rule = RULES[action];
  if (!rule.kinds.includes(principal.kind)) throw new AccessDenied(`a ${principal.kind} may not ${rule.what}`, 'access.kind-not-allowed');
  if (!rule.scopes.some((scope) => principal.scopes.has(scope)))
    throw new AccessDenied(`to ${rule.what} the token needs the scope ${rule.scopes.join(' or ')}`, 'access.scope-required');
}

/**
 * An employer acts on and sees only what its own organisation owns: another's vacancy or referral is
 * answered 404, exactly as one that does not exist, so that its existence is not revealed.
 */
export function ownVacancy(principal: Principal, employerId: string | undefined, vacancyId: string): void {
  if (principal.kind === 'employer' && employerId !== undefined && employerId !== principal.organisationId)
    throw new VacancyNotFound(`no vacancy ${vacancyId}`);
}

export function ownReferral(principal: Principal, employerId: string | undefined, referralId: string): void {
  if (principal.kind === 'employer' && employerId !== undefined && employerId !== principal.organisationId)
    throw new ReferralNotFound(`no referral ${referralId}`);
}
