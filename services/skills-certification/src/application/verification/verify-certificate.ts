import type { createLogger } from '@homeward/service-kit';

type Logger = ReturnType<typeof createLogger>;
import type { CertificateRegister, RegisteredCertificate } from '../../persistence/certificate-register';
import type { CredentialStore, StoredCredentialCheck } from '../credential-store';
import type { Lookups } from '../lookups';
import type { FailureThrottle } from './failure-throttle';
import type { VerificationCodes } from './verification-code';

/** The address tried too many wrong codes: 429 with Retry-After. */
export class VerificationThrottled extends Error {
  override readonly name = 'VerificationThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed verification codes from this address; try again in ${retryAfterSeconds} s`);
  }
}

/** A wrong code or an unknown number: the same answer for both, so numbers cannot be enumerated. 404. */
export class VerificationFailed extends Error {
  override readonly name = 'VerificationFailed';
}

/**
 * Why a certificate is answered `invalid`: the register and the cryptographic check disagree, or the check
 * could not be made. Stable: clients and alerts may rely on them.
 */
export type IntegrityCode =
  /** The stored credential's proof, by one of the issuer's keys, does not match its content: it was altered. */
  | 'verification.credential-tampered'
  /** The stored credential has no usable proof (missing, malformed, a key the issuer does not hold). */
  | 'verification.credential-invalid'
  /** The service issues credentials but holds none for this certificate. */
  | 'verification.credential-missing'
  /** The credential verifies, but says something else than the register (a row or a credential altered). */
  | 'verification.register-mismatch'
  /** The status lists could not be read or did not verify: the status is unknown, so it is not valid. */
  | 'verification.status-unavailable'
  /** The credential is not valid yet by its own dates (a clock far behind, or a register altered). */
  | 'verification.not-yet-valid';

interface Described {
  readonly kind: 'full_qualification' | 'certificate_of_competency';
  readonly standard: { standardId: string; version: number; title: string; occupationIsco: string; level: number };
  readonly units: readonly { code: string; title: string }[];
  readonly issuedOn: string;
  readonly expiresOn?: string;
  readonly supersededBy?: string;
}

/**
 * The answer. `verifiedBy: 'credential'`: the status comes from the certificate's signed credential (its
 * Data Integrity proof verified with the issuer's keys, its dates) and the service's signed status lists,
 * and the register agrees with them. `verifiedBy: 'register'`: the service runs without issuer keys and
 * answers from its register alone. `invalid` carries a stable `code` and nothing else the register says.
 */
export type VerificationResult =
  | ({
      readonly certificateNumber: string;
      readonly status: 'valid' | 'expired' | 'suspended' | 'revoked' | 'superseded';
      readonly reason?: string;
      readonly issuer: { name: string; id: string };
      readonly verifiedBy: 'credential' | 'register';
    } & Described)
  | {
      readonly certificateNumber: string;
      readonly status: 'invalid';
      readonly code: IntegrityCode;
      readonly detail: string;
      readonly issuer: { name: string; id: string };
      readonly verifiedBy: 'credential';
    };

/**
 * Public verification: anyone holding a certificate's number and code learns whether it is genuine and
 * where it stands — never who holds it (the register keeps no name, and the answer carries none), also
 * after the worker's personal data was erased. The code is checked first, in constant time and without
 * touching the database, so a guess costs the service next to nothing; each failure is logged and counted
 * against the client's address. Then the certificate's stored credential is verified for real — its proof,
 * its dates, its bits in the service's status lists — and compared with the register row: where they
 * disagree the answer is `invalid` (fail closed), with a stable code, and the disagreement is logged as an
 * error.
 */
export class CertificateVerification {
  constructor(
    private readonly register: CertificateRegister,
    private readonly lookups: Lookups,
    private readonly codes: VerificationCodes,
    private readonly throttle: FailureThrottle,
    private readonly credentials: Pick<CredentialStore, 'checkStored' | 'statusChanged'>,
    private readonly issuerId: () => string,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  async verify(certificateNumber: string, code: string, clientAddress: string): Promise<VerificationResult> {
    const wait = this.throttle.retryAfter(clientAddress);
    if (wait > 0) {
      this.log.warn(
        { audit: 'verification-throttled', clientAddress, certificateNumber, retryAfterSeconds: wait },
        'verification throttled',
      );
      throw new VerificationThrottled(wait);
    }
    const certificate = this.codes.matches(certificateNumber, code) ? await this.register.find(certificateNumber) : undefined;
    if (!certificate) {
      this.throttle.failed(clientAddress);
      this.log.warn(
        { audit: 'verification-failed', clientAddress, certificateNumber },
        'verification failed: wrong code or unknown number',
      );
      throw new VerificationFailed('no certificate with this number and code');
    }
    const [version, first] = await Promise.all([
      this.lookups.standardVersion(certificate.standardId, certificate.standardVersion),
      this.credentials.checkStored(certificateNumber),
    ]);
    let check = first;
    if (statusDisagrees(certificate, check)) {
      // The lists kept here predate a status change made by another process of the service (this process
      // drops them when it changes a status itself): sign and verify them afresh, then check again — the
      // proof is remembered, so this costs the lists, not the credential.
      this.log.info({ certificateNumber }, 'status lists older than the register: read again');
      this.credentials.statusChanged();
      check = await this.credentials.checkStored(certificateNumber);
    }
    if (!version) throw new Error(`standard ${certificate.standardId} has no version ${certificate.standardVersion}`);
    const issuer = { name: certificate.issuingBody, id: this.issuerId() };
    const described: Described = {
      kind: certificate.kind,
      standard: {
        standardId: certificate.standardId,
        version: version.version,
        title: version.title,
        occupationIsco: version.occupationIsco,
        level: version.level,
      },
      units: version.units.filter((u) => certificate.unitCodes.includes(u.code)).map((u) => ({ code: u.code, title: u.title })),
      issuedOn: certificate.issuedOn,
      ...(certificate.expiresOn ? { expiresOn: certificate.expiresOn } : {}),
      ...(certificate.supersededBy ? { supersededBy: certificate.supersededBy } : {}),
    };
    const reasonOf = (status: string) =>
      certificate.statusReason && (status === 'revoked' || status === 'suspended') ? { reason: certificate.statusReason } : {};

    if (check.kind === 'not-issued') {
      // No issuer keys: no credential exists to check; the register is all there is, and the answer says so.
      const today = this.clock().toISOString().slice(0, 10);
      const expired = certificate.expiresOn !== undefined && certificate.expiresOn < today;
      const status = certificate.status === 'valid' ? (expired ? 'expired' : 'valid') : certificate.status;
      return { certificateNumber, status, ...reasonOf(status), issuer, verifiedBy: 'register', ...described };
    }

    const failure = integrityFailure(certificate, check);
    if (failure) {
      this.log.error(
        { audit: 'verification-integrity-failure', certificateNumber, code: failure.code, detail: failure.detail, clientAddress },
        `CERTIFICATE INTEGRITY FAILURE ${certificateNumber}: ${failure.detail} — answered invalid`,
      );
      return { certificateNumber, status: 'invalid', ...failure, issuer, verifiedBy: 'credential' };
    }
    const checked = check as Extract<StoredCredentialCheck, { kind: 'checked' }>;
    const outcome = checked.outcome as 'valid' | 'expired' | 'suspended' | 'revoked';
    // Superseded is the register's word (a full qualification replaced this one); the lists have no bit for it.
    const status = certificate.status === 'superseded' && (outcome === 'valid' || outcome === 'expired') ? 'superseded' : outcome;
    return {
      certificateNumber,
      status,
      ...reasonOf(status),
      issuer: { name: checked.claims!.issuingBody!, id: checked.claims!.issuerId! },
      verifiedBy: 'credential',
      ...described,
    };
  }
}

/** The credential verified, but the bits read from the kept status lists are not the register's status. */
function statusDisagrees(certificate: RegisteredCertificate, check: StoredCredentialCheck): boolean {
  return (
    check.kind === 'checked' &&
    check.revoked !== undefined &&
    check.suspended !== undefined &&
    (check.revoked !== (certificate.status === 'revoked') || check.suspended !== (certificate.status === 'suspended'))
  );
}

/** Where the register and the verified credential disagree, or the check could not be made; undefined if they agree. */
export function integrityFailure(
  certificate: RegisteredCertificate,
  check: StoredCredentialCheck,
): { code: IntegrityCode; detail: string } | undefined {
  if (check.kind === 'not-issued') return undefined;
  if (check.kind === 'missing')
    return { code: 'verification.credential-missing', detail: 'the register holds the certificate, but no signed credential of it' };
  switch (check.outcome) {
    case 'tampered':
      return { code: 'verification.credential-tampered', detail: "the stored credential does not match its issuer's proof" };
    case 'invalid-signature':
      return { code: 'verification.credential-invalid', detail: 'the stored credential has no proof by a key of the issuer' };
    case 'status-unavailable':
      return { code: 'verification.status-unavailable', detail: 'the status lists could not be read or did not verify' };
    case 'not-yet-valid':
      return { code: 'verification.not-yet-valid', detail: 'the credential is not valid yet by its own dates' };
    default:
      break;
  }
  if (check.revoked === undefined || check.suspended === undefined)
    return { code: 'verification.status-unavailable', detail: 'the credential has no revocation or no suspension entry to read' };
  const claims = check.claims!;
  const differences: string[] = [];
  const differ = (field: string, register: unknown, credential: unknown) => {
    if (register !== credential) differences.push(field);
  };
  differ('certificateNumber', certificate.certificateNumber, claims.certificateNumber);
  differ('kind', certificate.kind, claims.kind);
  differ('standardId', certificate.standardId, claims.standardId);
  differ('standardVersion', certificate.standardVersion, claims.standardVersion);
  differ('unitCodes', [...certificate.unitCodes].sort().join(' '), [...claims.unitCodes].sort().join(' '));
  differ('issuingBody', certificate.issuingBody, claims.issuingBody);
  differ('issuedOn', certificate.issuedOn, claims.validFrom);
  differ('expiresOn', certificate.expiresOn, claims.validUntil);
  differ('statusIndex', certificate.statusIndex, claims.revocationIndex);
  differ('statusIndex', certificate.statusIndex, claims.suspensionIndex);
  differ('revoked', certificate.status === 'revoked', check.revoked);
  differ('suspended', certificate.status === 'suspended', check.suspended);
  if (differences.length === 0) return undefined;
  return {
    code: 'verification.register-mismatch',
    detail: `the register and the signed credential or its status lists disagree on ${[...new Set(differences)].join(', ')}`,
  };
}
