import { Scopes, type Principal } from '@homeward/auth';

/** What a caller asks to do in the skills service. */
export type SkillsAction = 'publish-standard' | 'manage-centres' | 'assess' | 'certify' | 'upload-evidence' | 'read';

/** Why a request is refused, as the `code` of its 403 problem. */
export type RefusalCode = 'access.kind-not-allowed' | 'access.scope-required';

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

/** The scopes that allow each action: any one of them. Reading a case needs workers:read or any skills scope. */
const NEEDS: Readonly<Record<SkillsAction, readonly string[]>> = {
  'publish-standard': [Scopes.skillsStandards],
  'manage-centres': [Scopes.skillsCentres],
  assess: [Scopes.skillsAssess],
  'upload-evidence': [Scopes.skillsAssess],
  certify: [Scopes.skillsCertify],
  read: [Scopes.workersRead, Scopes.skillsStandards, Scopes.skillsCentres, Scopes.skillsAssess, Scopes.skillsCertify],
};

const WHAT: Readonly<Record<SkillsAction, string>> = {
  'publish-standard': 'publish or revise competency standards',
  'manage-centres': 'register assessment centres or accredit assessors',
  assess: 'record counselling, evidence, assessments or gap training',
  'upload-evidence': 'upload evidence files',
  certify: 'issue, suspend, reinstate or revoke certificates',
  read: 'read skills records',
};

/**
 * The access rule of the skills service. Only origin-country agencies take part in recognition of prior
 * learning: a mission records skills abroad on registration, which this service picks up from its topic,
 * and reads nothing here; statistics offices get aggregates from the statistics service; employers verify
 * certificates on the public path like anyone. Among agencies, the scope names the role.
 */
export function authorise(principal: Principal, action: SkillsAction): void {
  if (principal.kind !== 'agency') {
    throw new AccessDenied(`only origin-country agencies may ${WHAT[action]}; a ${principal.kind} may not`, 'access.kind-not-allowed');
  }
  const needs = NEEDS[action];
  if (!needs.some((scope) => principal.scopes.has(scope))) {
    throw new AccessDenied(`to ${WHAT[action]} the token needs the scope ${needs.join(' or ')}`, 'access.scope-required');
  }
}
