import type { createLogger } from '@homeward/service-kit';

type Logger = ReturnType<typeof createLogger>;
import type { CertificateRegister } from '../../persistence/certificate-register';
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

export interface VerificationResult {
  readonly certificateNumber: string;
  readonly status: 'valid' | 'expired' | 'suspended' | 'revoked' | 'superseded';
  readonly reason?: string;
  readonly kind: 'full_qualification' | 'certificate_of_competency';
  readonly standard: { standardId: string; version: number; title: string; occupationIsco: string; level: number };
  readonly units: readonly { code: string; title: string }[];
  readonly issuer: { name: string; id: string };
  readonly issuedOn: string;
  readonly expiresOn?: string;
  readonly supersededBy?: string;
}

/**
 * Public verification: anyone holding a certificate's number and code learns whether it is genuine and
 * where it stands — never who holds it (the register keeps no name, and the answer carries none), also
 * after the worker's personal data was erased. The code is checked first, in constant time and without
 * touching the database, so a guess costs the service next to nothing; each failure is logged and counted
 * against the client's address.
 */
export class CertificateVerification {
  constructor(
    private readonly register: CertificateRegister,
    private readonly lookups: Lookups,
    private readonly codes: VerificationCodes,
    private readonly throttle: FailureThrottle,
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
    const version = await this.lookups.standardVersion(certificate.standardId, certificate.standardVersion);
    if (!version) throw new Error(`standard ${certificate.standardId} has no version ${certificate.standardVersion}`);
    const today = this.clock().toISOString().slice(0, 10);
    const expired = certificate.expiresOn !== undefined && certificate.expiresOn < today;
    const status = certificate.status === 'valid' ? (expired ? 'expired' : 'valid') : certificate.status;
    return {
      certificateNumber,
      status,
      ...(certificate.statusReason && (status === 'revoked' || status === 'suspended') ? { reason: certificate.statusReason } : {}),
      kind: certificate.kind,
      standard: {
        standardId: certificate.standardId,
        version: version.version,
        title: version.title,
        occupationIsco: version.occupationIsco,
        level: version.level,
      },
      units: version.units.filter((u) => certificate.unitCodes.includes(u.code)).map((u) => ({ code: u.code, title: u.title })),
      issuer: { name: certificate.issuingBody, id: this.issuerId() },
      issuedOn: certificate.issuedOn,
      ...(certificate.expiresOn ? { expiresOn: certificate.expiresOn } : {}),
      ...(certificate.supersededBy ? { supersededBy: certificate.supersededBy } : {}),
    };
  }
}
