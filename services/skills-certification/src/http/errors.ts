import { translateCommandError } from '@homeward/command-handling/http';
import { Problem, fieldError } from '@homeward/service-kit/problem';
import { AccessDenied } from '../application/access/skills.access';
import { CertificateUnknown, EvidenceFileMissing, WorkerUnknown } from '../application/candidates.commands';
import { CredentialsNotConfigured, StatusListUnknown } from '../application/credential-store';
import { VerificationFailed, VerificationThrottled } from '../application/verification/verify-certificate';
import {
  CentreAlreadyRegistered,
  CentreNotFound,
  SkillsRuleViolation,
  StandardAlreadyPublished,
  StandardNotFound,
  UnknownCodes,
} from '../domain/skills.errors';

const pathOf = (field: string): (string | number)[] =>
  field === '' ? [] : field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/** Domain and application errors → HTTP problems. The one place where refusals get their status codes. */
export function translateSkillsError(error: unknown): Problem | undefined {
  if (error instanceof UnknownCodes) {
    const errors = error.errors.map((e) => ({ ...fieldError('body', e.path, e.detail), code: e.code }));
    return Problem.validation(errors, 'Some values name nothing in their code lists; see errors.', error.errors[0]!.code);
  }
  if (error instanceof SkillsRuleViolation) {
    // The rule's code (`skills.<rule>`) on the problem and on its field: a client reads either.
    return Problem.ruleViolation(
      error.message,
      [{ ...fieldError('body', pathOf(error.field), error.message), code: error.code }],
      error.code,
    );
  }
  if (error instanceof EvidenceFileMissing) {
    return Problem.ruleViolation(
      error.message,
      [{ ...fieldError('body', ['file', 'contentHash'], error.message), code: error.code }],
      error.code,
    );
  }
  if (error instanceof StandardNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['standardId'], 'no such standard')], 'standard.not-found');
  if (error instanceof CentreNotFound)
    return Problem.notFound(error.message, [fieldError('path', ['centreId'], 'no such centre')], 'centre.not-found');
  if (error instanceof WorkerUnknown)
    return Problem.notFound(error.message, [fieldError('path', ['workerId'], 'no such worker')], 'candidate.worker-unknown');
  if (error instanceof CertificateUnknown)
    return Problem.notFound(error.message, [fieldError('path', ['certificateNumber'], 'no such certificate')], 'certificate.not-found');
  if (error instanceof StatusListUnknown)
    return Problem.notFound(error.message, [fieldError('path', ['listId'], 'no such status list')], 'status-list.not-found');
  if (error instanceof VerificationFailed)
    return Problem.notFound(
      'No certificate has this number and verification code.',
      [fieldError('query', ['code'], 'does not match a certificate of this number')],
      'verification.not-found',
    );
  if (error instanceof VerificationThrottled)
    return new Problem(
      {
        type: 'https://homeward.example/problems/too-many-requests',
        title: 'Too many failed verifications',
        status: 429,
        code: 'verification.throttled',
        detail: error.message,
      },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  if (error instanceof StandardAlreadyPublished) return Problem.conflict(error.message, 'standard.already-published');
  if (error instanceof CentreAlreadyRegistered) return Problem.conflict(error.message, 'centre.already-registered');
  if (error instanceof AccessDenied) return Problem.forbidden(error.message, [], error.code);
  if (error instanceof CredentialsNotConfigured)
    return new Problem({
      type: 'https://homeward.example/problems/service-unavailable',
      title: 'Credentials are not issued here',
      status: 503,
      code: 'credentials.not-configured',
      detail: error.message,
    });
  return translateCommandError(error, 'record');
}
